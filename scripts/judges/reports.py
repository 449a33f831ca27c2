#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the kernel reports in a guest's console log.

    scripts/judge-reports LOG        (or: python3 scripts/judges/reports.py LOG)

Prints, on stderr, the tolerated reports per tests/vm/known-splats entry
("vm-run: N known upstream report(s) tolerated", which scripts/collect adds
up), the KCSAN reports outside vfio, and every other report; exits 1 when
there is any of the latter, 2 when LOG or the known-splats file cannot be
read (or an entry is malformed).  scripts/vm-run runs it on each boot's log;
it judges a saved log again the same way.  KNOWN_SPLATS=FILE replaces
tests/vm/known-splats.

A collector imports it instead:

    from judges import reports
    v = reports.judge(lines, reports.load_known(path))
    v.tolerated      [(Entry, count)], entries in file order, count > 0
    v.bad            [(first line, suite)], every failing report
    v.kcsan_other    {first line: count}, KCSAN races that name no vfio
    v.failed         whether the log fails (v.bad is not empty)

The rules:

* Lines.  A printk timestamp "[   12.345678] " and a caller id
  "[ T123] " / "[ C1] " (either, both, or none) are stripped first.
* Reports.  A report starts at every line that carries a report header
  (HEADER below: WARN, every "BUG:" (soft lockup, KASAN, KCSAN, KFENCE,
  sleeping in atomic context...), "kernel BUG at", Oops, "Kernel panic",
  hung tasks, RCU stalls, lockdep, list corruption, UBSAN, kmemleak,
  ODEBUG, general protection faults, Rust panics, hard lockups), anywhere on
  the line (the kmemleak suite's "LOG kmemleak # unreferenced object" lines
  count), and also inside another report's block: a soft lockup or an RCU
  stall printed in the middle of a tolerated WARN is a report of its own.
  One event may so count as several reports (an Oops after its "BUG:"
  line, the WARN after a list corruption or ODEBUG message, the panic after
  an Oops): never fewer.
* Blocks.  A report's block is its header line and the lines after it, up
  to and including "---[ end trace" (or "---[ end Kernel panic"), a
  KASAN/KCSAN "=====" rule, or the 80th line (the 300th for a lockdep
  report, whose dependency chain comes before its Call Trace); it also ends, without that
  line, at the next header, at a "------------[ cut here ]------------"
  line and at a "vm-tests: running" line.  The lines between a "cut here"
  line and the next header (at most 10) are the preamble of that report,
  part of its block: where x86 prints a WARN's message (7.3's
  __report_bug() and __warn_printk() print "cut here", the message, then
  "WARNING: FILE:LINE at FUNC+0x../0x.., CPU#N: COMM/PID").
* refcount.  A "refcount_t: ..." line is not a header: it is the message
  of refcount_warn_saturate()'s WARN, in the preamble or (in the other
  order) within 3 lines after the WARNING line.  Anywhere else it starts a
  report of its own.  A report whose block has one is tolerated only by an
  entry whose FIRST-LINE itself names refcount (was written for that WARN).
* Suites.  Each report belongs to the suite of the last "vm-tests: running
  NAME" line before it ("boot" before the first).
* Frames.  A report's reliable frames are, per "Call Trace:" section of
  its block, the lines after "Call Trace:" up to "</TASK>", a blank line,
  the end of the block or a line that starts what follows a trace
  ("Modules linked in:", "irq event stamp:", KASAN's "Allocated by task",
  "Freed by task", "The buggy address"...), leading blanks stripped,
  without the "? " (unreliable) frames, the <TASK>/<IRQ>/<NMI>/</IRQ>
  markers and the register dump lines ("RIP: ...", "Code: ...", "RAX:
  ..."), in the order printed (innermost first).  KASAN's alloc/free
  stacks, KCSAN's access stacks and kmemleak's backtrace are not call-trace
  sections.
* Tolerance.  A report is tolerated by the first entry of known-splats
  (SUITES|FIRST-LINE|FRAME) that lists its suite (a word of SUITES), whose
  FIRST-LINE (a Python regex) is found in its first line, and whose FRAME
  (a Python regex, MULTILINE, "." not matching a newline) is found in the
  "\n"-joined reliable frames of one call-trace section of that report:
  each frame is one line, so "^" and "$" are a frame's ends and a pin that
  spans frames says "\n" for every step to the next reliable frame (the
  format is documented in tests/vm/known-splats).
* KCSAN.  On the KCSAN kernel (make check-kcsan) a data race report that
  names nothing of vfio (frames_name_vfio()) is counted and shown, not
  failed on: that run is about the races of this driver.
* Everything else fails the run.
"""

import os
import re
import sys
from dataclasses import dataclass, field

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
DEFAULT_KNOWN = os.path.join(TOP, "tests", "vm", "known-splats")

BLOCK_LINES = 80        # lines of a block after its header
# ... of a lockdep report, which prints the whole dependency chain (a
# stack per link) before its "stack backtrace:" and Call Trace.
LOCKDEP_BLOCK_LINES = 300
_LOCKDEP = re.compile(r"WARNING: (possible (circular|recursive) locking|inconsistent lock state|bad unlock balance)"
                      r"|INFO: possible (irq lock inversion|circular)")
PREAMBLE_LINES = 10     # lines kept between "cut here" and a header
REFCOUNT_AFTER = 3      # how far after its WARNING line a refcount_t: line may be
SHOWN_BAD = 5           # failing reports printed (all are counted)

# printk's timestamp and caller id (CONFIG_PRINTK_TIME, CONFIG_PRINTK_CALLER).
_PREFIX = re.compile(r"^(?:\[\s*(?:\d+\.\d+|[TC]\d+)\]\s?)+")

# Report headers of every debug option of tests/vm/kernel-debug.config and
# kernel-kcsan.config.  Searched anywhere in a line.  (No frame name is a
# header: a header inside a call trace would cut the trace.)
HEADER = re.compile(r"""
      WARNING:                                  # WARN, lockdep's WARNING: possible ...
    | BUG:                                      # soft lockup, KASAN, KCSAN, KFENCE, sleeping ...
    | kernel\ BUG\ at
    | \bOops\b
    | Kernel\ panic
    | INFO:\ task\ .*\bblocked\b.*\ for\ more\ than    # hung task
    | detected\ (?:expedited\ )?stall           # RCU: detected stalls, self-detected stall
    | INFO:\ possible                           # lockdep
    | INFO:\ trying\ to\ register\ non-static\ key
    | list_(?:add|del)\ corruption
    | KASAN:
    | UBSAN:
    | unreferenced\ object                      # kmemleak
    | ODEBUG:
    | general\ protection\ fault
    | panicked\ at                              # Rust: rust_kernel: panicked at
    | Watchdog\ detected\ hard\ LOCKUP
""", re.X)
REFCOUNT = re.compile(r"refcount_t: ")
CUT = re.compile(r"-+\[ cut here \]-+")
END = re.compile(r"---\[ end (?:trace|Kernel panic)")
RULE = re.compile(r"^={10,}")
RUNNING = re.compile(r"^vm-tests: running (\S+)")

_TRACE = re.compile(r"^Call Trace:")
_TRACE_END = re.compile(
    r"^(?:</TASK>|---\[ end |Modules linked in:|irq event stamp:|"
    r"hardirqs last|softirqs last|Allocated by task|Freed by task|"
    r"(?:Second to )?[Ll]ast potentially related work creation:|"
    r"The buggy address|Memory state around)")
_MARKER = re.compile(r"^</?[A-Z][A-Z_]*>$")
_REGS = re.compile(r"^(?:[A-Z][A-Z0-9]{1,3}|Code):\s")
_KCSAN_ACCESS = re.compile(r"(?:by task|by interrupt|race at unknown origin).*:$")


def strip_prefix(line):
    """A console line without its line end, timestamp and caller id."""
    return _PREFIX.sub("", line.rstrip("\r\n"), count=1)


@dataclass
class Report:
    first: str          # the header line (timestamp stripped)
    suite: str
    block: list         # preamble, header line, the lines after it
    after: int = 0      # lines after the header

    @property
    def is_warn(self):
        return "WARNING:" in self.first

    @property
    def limit(self):
        return LOCKDEP_BLOCK_LINES if _LOCKDEP.search(self.first) else BLOCK_LINES

    @property
    def refcount(self):
        return any(REFCOUNT.search(line) for line in self.block)

    def frame_sections(self):
        """The reliable frames of each Call Trace: section, in order."""
        sections, cur = [], None
        for line in self.block:
            s = line.strip()
            if _TRACE.match(s):
                cur = []
                sections.append(cur)
                continue
            if cur is None:
                continue
            if not s or _TRACE_END.match(s):
                cur = None
            elif s.startswith("? ") or s == "?" or _MARKER.match(s) or _REGS.match(s):
                continue
            else:
                cur.append(s)
        return [sec for sec in sections if sec]


def split_reports(lines):
    """The reports of a console log (an iterable of lines), in order."""
    reports = []
    suite = "boot"
    cur = None
    pre = None

    def close():
        nonlocal cur
        if cur is not None:
            reports.append(cur)
            cur = None

    for raw in lines:
        line = strip_prefix(raw)
        m = RUNNING.match(line)
        if m:
            close()
            pre = None
            suite = m.group(1)
            continue
        if CUT.search(line):
            close()
            pre = [line]
            continue
        if END.search(line):
            if cur is not None:
                cur.block.append(line)
                close()
            pre = None
            continue
        header = HEADER.search(line) is not None
        if not header and REFCOUNT.search(line):
            if cur is not None and cur.is_warn and cur.after < REFCOUNT_AFTER:
                pass                    # the WARN's message, after it
            elif cur is None and pre is not None:
                pre.append(line)        # the WARN's message, before it
                continue
            else:
                header = True
        if header:
            close()
            cur = Report(line, suite, (pre or []) + [line])
            pre = None
            continue
        if cur is not None:
            cur.block.append(line)
            cur.after += 1
            if RULE.match(line) or cur.after >= cur.limit:
                close()
            continue
        if pre is not None:
            pre.append(line)
            if len(pre) > PREAMBLE_LINES:
                pre = None
    close()
    return reports


class KnownSplatsError(Exception):
    pass


class Entry:
    """One SUITES|FIRST-LINE|FRAME line of known-splats."""

    def __init__(self, text, where):
        self.text = text
        self.where = where
        parts = text.split("|", 2)
        if len(parts) != 3:
            raise KnownSplatsError(f"{where}: not SUITES|FIRST-LINE|FRAME")
        suites, self.first, self.frame = parts
        self.suites = tuple(suites.split())
        if not self.suites or not self.first or not self.frame:
            raise KnownSplatsError(f"{where}: empty SUITES, FIRST-LINE or FRAME")
        try:
            self.first_re = re.compile(self.first)
            self.frame_re = re.compile(self.frame, re.M)
        except re.error as e:
            raise KnownSplatsError(f"{where}: bad regex: {e}") from None
        self.names_refcount = "refcount" in self.first

    def __repr__(self):
        return f"Entry({self.text!r})"

    def tolerates(self, report, sections=None):
        if report.suite not in self.suites or not self.first_re.search(report.first):
            return False
        if report.refcount and not self.names_refcount:
            return False
        if sections is None:
            sections = report.frame_sections()
        return any(self.frame_re.search("\n".join(sec)) for sec in sections)


def parse_known(lines, name="known-splats"):
    """The entries of a known-splats text: not "#" lines, not lines without "|"."""
    known = []
    for n, raw in enumerate(lines, 1):
        text = raw.rstrip()
        if text.startswith("#") or "|" not in text:
            continue
        known.append(Entry(text, f"{name}:{n}"))
    return known


def load_known(path=None):
    path = path or os.environ.get("KNOWN_SPLATS") or DEFAULT_KNOWN
    with open(path, encoding="utf-8") as f:
        return parse_known(f, path)


def frames_name_vfio(report):
    """Whether a KCSAN report is about vfio: one of the two racing accesses
    (the functions of its title, and the first frame under each "... by
    task N on cpu M:" line) is in vfio, vfio-pci-core or this driver.
    Callers further down do not count: an ACPICA global raced on under the
    pci_device_add() of a VF is a race of ACPICA, whoever called it."""
    if "vfio" in report.first:
        return True
    block = report.block
    for i, line in enumerate(block[:-1]):
        if _KCSAN_ACCESS.search(line) and "vfio" in block[i + 1]:
            return True
    return False


@dataclass
class Verdict:
    tolerated: list = field(default_factory=list)    # [(Entry, count)]
    bad: list = field(default_factory=list)          # [(first line, suite)]
    kcsan_other: dict = field(default_factory=dict)  # {first line: count}
    reports: list = field(default_factory=list)      # [(Report, Entry | "kcsan-other" | None)]

    @property
    def ntolerated(self):
        return sum(c for _, c in self.tolerated)

    @property
    def failed(self):
        return bool(self.bad)


def judge(lines, known):
    """The verdict on a console log (an iterable of lines) given the
    entries of known-splats (load_known() or parse_known())."""
    v = Verdict()
    counts = {id(e): 0 for e in known}
    for r in split_reports(lines):
        sections = r.frame_sections()
        entry = next((e for e in known if e.tolerates(r, sections)), None)
        if entry is not None:
            counts[id(entry)] += 1
            v.reports.append((r, entry))
        elif r.first.startswith("BUG: KCSAN: ") and not frames_name_vfio(r):
            v.kcsan_other[r.first] = v.kcsan_other.get(r.first, 0) + 1
            v.reports.append((r, "kcsan-other"))
        else:
            v.bad.append((r.first, r.suite))
            v.reports.append((r, None))
    v.tolerated = [(e, counts[id(e)]) for e in known if counts[id(e)]]
    return v


def format_verdict(v, known_name="tests/vm/known-splats"):
    """The stderr lines of scripts/judge-reports (parsed by scripts/collect)."""
    out = []
    if v.tolerated:
        out.append(f"vm-run: {v.ntolerated} known upstream report(s) tolerated ({known_name}):")
        out += [f"  {c}x {e.text}" for e, c in v.tolerated]
    if v.kcsan_other:
        out.append("vm-run: KCSAN data races that name nothing of vfio"
                   " (not failed on: the run is about the driver):")
        out += [f"  {c}x {first}" for first, c in v.kcsan_other.items()]
    if v.bad:
        out.append(f"vm-run: FAIL: {len(v.bad)} kernel report(s) in guest log:")
        out += [f"{first} (during {suite})" for first, suite in v.bad[:SHOWN_BAD]]
    return out


def main(argv):
    if len(argv) != 1:
        print("usage: scripts/judge-reports LOG", file=sys.stderr)
        return 2
    path = os.environ.get("KNOWN_SPLATS") or DEFAULT_KNOWN
    try:
        known = load_known(path)
    except (OSError, KnownSplatsError) as e:
        print(f"judge-reports: {e}", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8", errors="replace") as f:
            v = judge(f, known)
    except OSError as e:
        print(f"judge-reports: {e}", file=sys.stderr)
        return 2
    real = os.path.realpath(path)
    name = os.path.relpath(real, TOP) if real.startswith(TOP + os.sep) else path
    for line in format_verdict(v, name):
        print(line, file=sys.stderr)
    return 1 if v.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
