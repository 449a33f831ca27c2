# SPDX-License-Identifier: GPL-2.0
"""The host collector: one verdict for one boot, live or saved.

scripts/collect is its command line; README.md and the header of
scripts/collect say what it judges.  Everything it needs is in the boot's
console log and the three data files (vm-manifest, na-allow,
known-splats), so that a log judged again later gets the verdict the live
boot got.
"""

import glob
import os
import re
import subprocess
import sys
import tarfile

from . import tap

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Verdict:
    """Counts per class (tap.CLASSES) and the failures, each with a cause."""

    def __init__(self):
        self.passed = dict.fromkeys(tap.CLASSES, 0)
        self.failed = dict.fromkeys(tap.CLASSES, 0)
        self.na = 0
        self.tolerated = 0
        self.out = []

    def say(self, line):
        self.out.append(line)

    def ok(self, klass, n=1):
        self.passed[klass] += n

    def fail(self, msg, klass='driver', n=1):
        """A failure; one not about a case (a missing suite, a report, a
        cut log) counts against vfio-pci-rs."""
        self.failed[klass] += n
        self.say('FAIL ' + msg)


# --- the data files ---------------------------------------------------------

class Manifest:
    """tests/vm/guest/vm-manifest: modes, pinned case counts, the KUnit
    suites and the upstream rows."""

    def __init__(self, path):
        self.modes = {}
        self.cases = {}
        self.kunit = {}      # SUITE or SUITE@MODE -> cases
        self.upstream = []   # (SUITE[@MODE], TEST, [DEV], [DRIVER], optional)
        with open(path) as f:
            for line in f:
                w = line.split()
                if not w or w[0].startswith('#'):
                    continue
                if w[0] == 'cases' and len(w) == 3:
                    self.cases[w[1]] = int(w[2])
                elif w[0] == 'kunit' and len(w) == 3:
                    self.kunit[w[1]] = int(w[2])
                elif w[0] == 'upstream' and len(w) == 5:
                    drivers = w[4].split(',')
                    optional = w[4].endswith('?')
                    self.upstream.append((w[1], w[2], w[3].split(','),
                                          [d.rstrip('?') for d in drivers], optional))
                elif w[0] == 'timeout':
                    pass
                else:
                    self.modes[w[0]] = w[1:]

    def pinned(self, suite, mode):
        """The case count vm-manifest gives SUITE in MODE, or None."""
        b = re.sub(r'@drop-in$', '', suite)
        for k in (b + '@' + mode, b):
            if k in self.cases:
                return self.cases[k]
        return None

    def kunit_suites(self, mode):
        """The KUnit suites MODE must show: SUITE -> cases."""
        out = {}
        for k, n in self.kunit.items():
            if '@' not in k:
                out[k] = n
        for k, n in self.kunit.items():
            if k.endswith('@' + mode):
                out[k.split('@')[0]] = n
        return out

    def upstream_rows(self, suite, mode):
        """The rows SUITE must print in MODE: (test, dev, driver) -> optional.
        A line for SUITE@MODE replaces the plain lines of its test."""
        b = re.sub(r'@drop-in$', '', suite)
        own = [u for u in self.upstream if u[0] == b + '@' + mode]
        tests = {u[1] for u in own}
        rows = {}
        for u in [u for u in self.upstream if u[0] == b and u[1] not in tests] + own:
            for dev in u[2]:
                for drv in u[3]:
                    rows[(u[1], dev, drv)] = u[4]
        return rows


def glob_re(g):
    """A case pattern of na-allow: "*" matches anything, the rest is literal."""
    return re.compile('^' + '.*'.join(re.escape(p) for p in g.split('*')) + '$', re.DOTALL)


class Allow:
    """tests/vm/na-allow: MODES|SUITE|CASE|REASON, for one boot."""

    def __init__(self, path, allow_as):
        self.entries = []
        with open(path) as f:
            for line in f:
                line = line.rstrip('\n')
                if line.startswith('#') or '|' not in line:
                    continue
                fld = line.split('|', 3)
                if len(fld) != 4:
                    continue
                if allow_as in fld[0].split(','):
                    self.entries.append((fld[1], glob_re(fld[2]), fld[3]))

    def allows(self, suite, case, why=None):
        """The reason an entry gives, when one allows CASE of SUITE."""
        for s, c, w in self.entries:
            if s == suite and c.match(case) and (why is None or w == why):
                return w
        return None


# --- KTAP, with the kernel's own parser -------------------------------------

def kunit_tool():
    """The directory of the kernel's kunit_parser.py: $KUNIT_TOOL_DIR, the
    test kernel's extracted source, or the two files taken once from
    Debian's linux-source tarball into the cache."""
    d = os.environ.get('KUNIT_TOOL_DIR')
    if d:
        return d
    cache = os.environ.get('VFIO_PCI_RS_CACHE', '/var/cache/vfio-pci-rs')
    rel = 'tools/testing/kunit'
    for d in sorted(glob.glob(os.path.join(cache, 'src', 'linux-source-*', rel))):
        if os.path.exists(os.path.join(d, 'kunit_parser.py')):
            return d
    own = os.path.join(cache, 'kunit-tool')
    if os.path.exists(os.path.join(own, 'kunit_parser.py')):
        return own
    tarballs = sorted(glob.glob('/usr/src/linux-source-*.tar.xz'))
    if not tarballs:
        raise RuntimeError('no kunit_parser.py: no linux-source tarball in /usr/src (scripts/setup installs it)')
    os.makedirs(own, exist_ok=True)
    with tarfile.open(tarballs[-1]) as t:
        for m in t:
            if m.name.endswith('/' + rel + '/kunit_parser.py') or m.name.endswith('/' + rel + '/kunit_printer.py'):
                f = t.extractfile(m)
                with open(os.path.join(own, os.path.basename(m.name)) + '.tmp', 'wb') as o:
                    o.write(f.read())
                os.rename(os.path.join(own, os.path.basename(m.name)) + '.tmp',
                          os.path.join(own, os.path.basename(m.name)))
    return own


def judge_kunit(v, ktap, mode, manifest, allow):
    sys.path.insert(0, kunit_tool())
    import kunit_parser
    import kunit_printer
    want = manifest.kunit_suites(mode)
    if not ktap:
        v.fail("kunit: the module's KUnit suite did not run")
        return
    if not want:
        v.fail(f'kunit: vm-manifest pins no KUnit suite ("kunit SUITE CASES") for {mode}')
    if not any(l.startswith('KTAP version') for l in ktap) and ktap[0].strip().startswith('# Subtest:'):
        # A log of the runner before it kept the document's header (it
        # took the KTAP from the first "# Subtest:" line): the header the
        # kernel printed above it, for the parser.
        n = sum(1 for l in ktap if re.match(r'^    # Subtest: ', l))
        ktap = ['KTAP version 1', f'1..{n}', '    KTAP version 1'] + ktap
    top = kunit_parser.parse_run_tests(ktap, kunit_printer.null_printer)
    if top.counts.errors:
        v.fail(f'kunit: {top.counts.errors} error(s) parsing the KTAP (kunit_parser.py)')
    got = {t.name: t for t in top.subtests}
    for name, t in got.items():
        if name not in want:
            v.fail(f'kunit: suite {name} ran, but vm-manifest pins no "kunit {name}" line')
    for name, n in want.items():
        t = got.get(name)
        if t is None:
            v.fail(f'kunit: suite {name} missing (or cut short)')
            continue
        cases = t.subtests
        okc = 0
        for c in cases:
            st = c.status.name
            if st == 'SUCCESS':
                okc += 1
                v.ok('driver')
            elif st == 'SKIPPED':
                why = allow.allows('kunit', f'{name}.{c.name}', c.skip_reason)
                if why is not None:
                    v.na += 1
                    v.say(f'n/a kunit {name}.{c.name}: {why}')
                else:
                    v.fail(f'kunit (skipped, not on the allow-list): {name}.{c.name}: {c.skip_reason}')
            else:
                v.fail(f'kunit: {name}.{c.name}: {st}')
        v.say(f'suite kunit: {name}: {okc} ok, {len(cases) - okc} not ok, plan 1..{t.expected_count}, '
              f'{n} pinned')
        if t.expected_count != len(cases):
            v.fail(f'kunit: {name}: plan 1..{t.expected_count} but {len(cases)} cases')
        if len(cases) != n:
            v.fail(f'kunit: {name}: {len(cases)} cases, but vm-manifest pins {n}')
        # Every case passed, yet the suite's own line says otherwise.
        if okc == len(cases) and t.status.name != 'SUCCESS':
            v.fail(f'kunit: {name}: suite status {t.status.name}')


# --- the results block -------------------------------------------------------

def field(k, line):
    m = re.search(r'(?:^| )' + re.escape(k) + r'=(\S*)', line)
    return m.group(1) if m else None


def _int(x):
    try:
        return int(x)
    except (TypeError, ValueError):
        return None


class Results:
    """The lines between vm-tests' markers, sorted by suite."""

    def __init__(self, lines):
        self.began = self.ended = False
        self.exit = {}
        self.dup = set()
        self.order = []
        self.tap = {}
        self.logs = {}
        self.ktap = []
        self.upstream = {}   # suite -> [line]
        self.secrets = []
        self.lockdep = None
        self.hung = None
        cur = None
        inres = False
        for line in lines:
            line = line.rstrip('\n')
            if line.startswith('=== vm-tests results begin'):
                inres = self.began = True
                continue
            if line.startswith('=== vm-tests results end'):
                inres = False
                self.ended = True
                continue
            if not inres:
                continue
            w = line.split(' ', 2)
            kind = w[0]
            if kind == 'SUITE' and len(w) >= 3:
                cur = w[1]
                if cur in self.exit:
                    self.dup.add(cur)
                self.exit[cur] = w[2].removeprefix('exit=')
                self.order.append(cur)
            elif kind == 'TAP' and len(w) >= 3:
                self.tap.setdefault(w[1], []).append(w[2])
            elif kind == 'TAP' and len(w) == 2:
                self.tap.setdefault(w[1], []).append('')
            elif kind == 'LOG' and len(w) >= 2:
                self.logs.setdefault(w[1], []).append(w[2] if len(w) > 2 else '')
            elif kind == 'KTAP':
                self.ktap.append(line[5:])
            elif kind == 'UPSTREAM':
                self.upstream.setdefault(cur, []).append(line)
            elif kind == 'SECRET':
                self.secrets.append((cur, line[7:].strip()))
            elif kind == 'LOCKDEP':
                self.lockdep = field('debug_locks', line)
            elif kind == 'HUNGTASK':
                self.hung = field('timeout', line)


def judge_suite(v, s, lines, mode, manifest, allow, allow_as, e, logs):
    t = tap.parse(lines)
    nok = nfail = nna = 0
    for c in t.cases:
        if c.directive == 'SKIP' and c.reason.startswith('not applicable: '):
            why = c.reason[len('not applicable: '):]
            if c.ok and allow.allows(s, c.desc, why) is not None:
                nna += 1
                v.na += 1
            else:
                nfail += 1
                v.fail(f'{s}: n/a not on the allow-list for {allow_as} (tests/vm/na-allow): {c.line}', c.klass)
        elif c.directive is not None:
            nfail += 1
            v.fail(f'{s} ({c.directive.lower()}): {c.line}', c.klass)
        elif c.ok:
            nok += 1
            v.ok(c.klass)
        else:
            nfail += 1
            v.fail(f'{s}: {c.line}', c.klass)
    v.say(f'suite {s}: {nok} ok, {nfail} not ok, {nna} n/a, '
          f'plan {"1.." + str(t.plan) if t.plan is not None else "none"}, exit {e}')
    bad = False
    for err in t.errors:
        v.fail(f'suite {s}: {err}')
        bad = True
    if e != '0':
        v.fail(f'suite {s}: exited {e}')
        bad = True
    pin = manifest.pinned(s, mode)
    if pin is None:
        v.fail(f'suite {s}: vm-manifest pins no case count ("cases {re.sub("@drop-in$", "", s)} N")')
        bad = True
    elif t.plan is not None and t.plan != pin:
        v.fail(f'suite {s}: {t.plan} cases, but vm-manifest says {pin}')
        bad = True
    if bad and logs:
        for l in logs[-5:]:
            v.say('    ' + l)


def fmt(r):
    if r is None:
        return '-'
    s = f'{field("pass", r)}/{field("fail", r)}/{field("skip", r)}'
    if field('secs', r) is not None:
        s += f' ({field("secs", r)}s)'
    return s


def judge_upstream(v, s, rows, mode, manifest, allow, allow_as):
    """The rows of the kernel's selftests a suite ran, C vfio-pci's and ours
    side by side, against the rows vm-manifest says it must print."""
    want = manifest.upstream_rows(s, mode)
    if not want:
        v.fail(f'upstream: vm-manifest declares no row ("upstream {re.sub("@drop-in$", "", s)} ...") for {s} in {mode}')
    got = {}
    for r in rows:
        t = field('test', r) or ''
        key = (re.sub(r'\.vfio-pci-rs$', '', t), field('dev', r), field('driver', r))
        if key in got:
            v.fail(f'upstream {key[0]} on {key[1]} with {key[2]}: row printed twice')
            continue
        got[key] = r
    for key in got:
        if key not in want:
            v.fail(f'upstream {key[0]} on {key[1]} with {key[2]}: a row vm-manifest does not declare for {s} in {mode}')
    for key, optional in want.items():
        if key not in got and not optional:
            v.fail(f'upstream {key[0]} on {key[1]} with {key[2]}: row missing')
    v.say(f'\n{"upstream test":<40} {"dev":<16} {"C vfio-pci":<22} {"vfio-pci-rs":<22}')
    pairs = sorted({(k[0], k[1]) for k in got})
    for test, dev in pairs:
        c = got.get((test, dev, 'vfio-pci'))
        rs = got.get((test, dev, 'vfio-pci-rs'))
        v.say(f'{test:<40} {dev:<16} {fmt(c):<22} {fmt(rs):<22}')
        # A row that passed no case proves nothing, on either driver,
        # unless na-allow says why for this test and device.
        skipped_why = allow.allows(s + ':all-skipped', f'{test} {dev}')
        for drv, r in (('vfio-pci', c), ('vfio-pci-rs', rs)):
            if r is None:
                continue
            klass = 'driver' if drv == 'vfio-pci-rs' else 'baseline'
            p, f, sk, rc, na = (_int(field(x, r)) for x in ('pass', 'fail', 'skip', 'rc', 'na'))
            if None in (p, f, sk, rc):
                v.fail(f'upstream {test} on {dev} with {drv}: a row without pass, fail, skip and rc: {r}', klass)
                continue
            na = na or 0
            if p == 0 and skipped_why is None:
                v.fail(f'upstream {test} on {dev} with {drv}: no case passed ({sk} skipped)', klass)
            v.ok(klass, p)
            if f:
                v.fail(f'upstream {test} on {dev} with {drv}: {f} failed', klass, f)
            if rc >= 128:
                v.fail(f'upstream {test} on {dev} with {drv}: killed by signal {rc - 128} (rc={rc})', klass)
            elif rc != 0 and not f and not (rc == 4 and p == 0):
                v.fail(f'upstream {test} on {dev} with {drv}: exited {rc} with no failed case', klass)
            elif rc == 0 and f:
                v.fail(f'upstream {test} on {dev} with {drv}: exited 0 with {f} failed', klass)
            if na:
                why = allow.allows(s, f'{test} {dev}')
                if why is not None:
                    v.na += na
                    v.say(f'n/a upstream {test} on {dev} with {drv}: {na} cases: {why}')
                else:
                    v.fail(f'upstream {test} on {dev} with {drv}: {na} cases not applicable, not on the '
                           f'allow-list for {allow_as}', klass)
        if c is not None and rs is not None:
            pc, prs = _int(field('pass', c)) or 0, _int(field('pass', rs)) or 0
            if prs < pc:
                v.fail(f'upstream {test} on {dev}: vfio-pci-rs passes {prs}, C vfio-pci {pc}')
        if skipped_why is not None:
            v.say(f'upstream {test} on {dev}: a row may pass no case: {skipped_why}')
    v.say('(pass/fail/skip)')


# --- secrets and kernel reports on the whole console log --------------------

def token_forms(rev):
    """The text forms of a token whose 32 hex digits a SECRET line gives
    reversed."""
    h = rev[::-1].lower()
    if not re.fullmatch(r'[0-9a-f]{32}', h):
        return None
    return [h, f'{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}']


def judge_secrets(v, res, log_lines, declared):
    if 't-secrecy.sh' in declared and 't-secrecy.sh' in res.exit and \
            not any(s == 't-secrecy.sh' for s, _ in res.secrets):
        v.fail('secrecy: t-secrecy.sh declared no SECRET token: the console scan would find nothing')
    forms = []
    for s, rev in res.secrets:
        f = token_forms(rev)
        if f is None:
            v.fail(f'secrecy: a SECRET line of {s} that is no token: "{rev}"')
        else:
            forms.append((s, f))
    hits = 0
    for i, line in enumerate(log_lines, 1):
        low = line.lower()
        for s, f in forms:
            if any(x in low for x in f):
                hits += 1
                if hits <= 5:
                    v.fail(f'secrecy: a token of {s} on the host\'s console log, line {i}')
    if hits > 5:
        v.fail(f'secrecy: {hits - 5} more console lines with a token', n=hits - 5)
    if forms:
        v.say(f'secrecy: {len(forms)} token(s) of the guest looked for in {len(log_lines)} console lines: '
              f'{hits} found')


def judge_reports(v, logf):
    """scripts/judge-reports on the log, the same judge vm-run ran."""
    p = subprocess.run([os.path.join(TOP, 'scripts', 'judge-reports'), logf],
                       capture_output=True, text=True)
    err = p.stderr.splitlines()
    for line in err:
        m = re.match(r'vm-run: (\d+) known upstream report\(s\) tolerated', line)
        if m:
            v.tolerated += int(m.group(1))
    if p.returncode == 0:
        return 0
    m = [re.match(r'vm-run: FAIL: (\d+) kernel report', l) for l in err]
    n = next((int(x.group(1)) for x in m if x), 0)
    if p.returncode != 1 or not n:
        v.fail(f'kernel reports: scripts/judge-reports exited {p.returncode}: ' + ' / '.join(err[-3:]))
        return 1
    shown = [l for l in err if not l.startswith('vm-run: ') and not l.startswith('  ')]
    for l in shown:
        v.fail('kernel report: ' + l)
    if n > len(shown):
        v.fail(f'kernel reports: {n - len(shown)} more', n=n - len(shown))
    return n


# --- the boot ------------------------------------------------------------

def collect(mode, logf, vm_status=None, suites=None, kernel=None):
    v = Verdict()
    manifest = Manifest(os.path.join(TOP, 'tests/vm/guest/vm-manifest'))
    allow_as = mode + ('@' + kernel if kernel else '')
    allow = Allow(os.path.join(TOP, 'tests/vm/na-allow'), allow_as)
    if suites is not None:
        declared = suites
    elif mode in manifest.modes:
        declared = manifest.modes[mode]
    else:
        declared = []
        v.fail(f'collect: no mode "{mode}" in vm-manifest')
    try:
        with open(logf, errors='replace') as f:
            log_lines = f.read().splitlines()
    except OSError as e:
        v.fail(f'vm: cannot read {logf}: {e}')
        log_lines = []
    res = Results(log_lines)

    # The guest's own status, as it printed it: what vm-run reads.
    st = [l for l in log_lines if re.fullmatch(r'vm-run: exit status \d+', l)]
    guest = int(st[-1].split()[-1]) if st else None
    nbad = judge_reports(v, logf) if log_lines else 0
    if guest is None:
        v.fail('vm: the guest reported no status (hung, stalled or crashed)')
    elif guest != 0:
        v.fail(f'vm: the guest runner exited {guest}')
    if vm_status is not None and vm_status != 0:
        # What vm-run's status adds to the log's own: 125 is a kernel
        # report, which the log must show; 124 no status, as above.
        if vm_status == 125 and not nbad:
            v.fail('vm: scripts/vm-run saw a kernel report that the log does not show')
        elif vm_status == 124 and guest is not None:
            v.fail('vm: scripts/vm-run timed out (exit 124) after the guest reported a status')
        elif vm_status not in (124, 125) and vm_status != guest:
            v.fail(f'vm: scripts/vm-run exited {vm_status}')
    if not res.began:
        v.fail(f'vm: no results block in {logf} (vm-tests did not finish)')
    elif not res.ended:
        v.fail(f'vm: the results block in {logf} is cut short')

    for s in declared:
        if s == 'kunit':
            judge_kunit(v, res.ktap, mode, manifest, allow)
            continue
        if s == 'no-kunit':
            if res.ktap:
                v.fail('kunit: KUnit output from a kernel without CONFIG_KUNIT')
            continue
        if s not in res.exit:
            v.fail(f'suite {s}: did not run (declared for {mode} in '
                   f'{"--suites" if suites is not None else "vm-manifest"}, no results)')
            continue
        e = res.exit[s]
        if s in res.dup:
            v.fail(f'suite {s}: reported twice')
        if s == 'upstream-suite':
            v.say(f'suite {s}: {len(res.upstream.get(s, []))} rows, exit {e}')
            if e != '0':
                v.fail(f'suite {s}: exited {e}')
                for l in res.logs.get(s, [])[-5:]:
                    v.say('    ' + l)
            if s in res.tap:
                v.fail(f'suite {s}: printed TAP cases; its results are UPSTREAM rows')
            judge_upstream(v, s, res.upstream.get(s, []), mode, manifest, allow, allow_as)
            continue
        judge_suite(v, s, res.tap.get(s, []), mode, manifest, allow, allow_as, e, res.logs.get(s, []))
        if res.upstream.get(s):
            judge_upstream(v, s, res.upstream[s], mode, manifest, allow, allow_as)
        elif manifest.upstream_rows(s, mode):
            judge_upstream(v, s, [], mode, manifest, allow, allow_as)
    for s in res.exit:
        if s not in declared:
            v.fail(f'suite {s}: reported, but not declared for {mode} in '
                   f'{"--suites" if suites is not None else "vm-manifest"}')
    judge_secrets(v, res, log_lines, declared)

    if res.lockdep is not None:
        v.say('lockdep: ' + ('still on at the end of the boot' if res.lockdep == '1' else
                             'OFF at the end of the boot: a report turned it off, later locking went unchecked'))
    # Every kernel we boot watches for hung tasks but the in-tree series'.
    if res.hung is not None and re.fullmatch(r'[1-9][0-9]*', res.hung):
        v.say(f'hung-task detector: on, {res.hung} s')
    elif mode.startswith('intree'):
        v.say(f'hung-task detector: off ({res.hung or "not reported"})')
    else:
        v.fail(f'hung-task detector: off in this kernel ({res.hung or "not reported"}): '
               'a task stuck in D state goes unreported')
    return v


def main(argv):
    usage = ('usage: scripts/collect [--vm-status N] [--vm-out FILE] [--suites LIST] '
             '[--kernel NAME] MODE LOG')
    vm_status = suites = kernel = None
    args = list(argv)
    while len(args) > 2:
        if args[0] == '--vm-status':
            vm_status = int(args[1])
        elif args[0] == '--vm-out':
            pass  # vm-run's own output: the log holds what it judged
        elif args[0] == '--suites':
            suites = args[1].split()
        elif args[0] == '--kernel':
            kernel = args[1]
        else:
            break
        args = args[2:]
    if len(args) != 2:
        print(usage, file=sys.stderr)
        return 2
    mode, logf = args
    v = collect(mode, logf, vm_status, suites, kernel)
    for line in v.out:
        print(line)
    p = sum(v.passed.values())
    f = sum(v.failed.values())
    print('collect {}: passed={} failed={} na={} tolerated={} {}'.format(
        mode, p, f, v.na, v.tolerated,
        ' '.join(f'{k}={v.passed[k]}/{v.failed[k]}' for k in tap.CLASSES)))
    return 1 if f else 0
