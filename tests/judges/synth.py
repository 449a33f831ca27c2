# SPDX-License-Identifier: GPL-2.0
"""Synthetic console logs in the format of a real boot, for the judges'
own test (scripts/check-judges).

green(mode) writes the log of a boot in which everything vm-manifest
declares for MODE is there and passed, shaped as tests/vm/init,
tests/vm/guest/vm-tests and the suites print it.  Each DEFECTS entry
breaks one thing in a copy of it; scripts/collect must then fail the boot
with a line matching the entry's pattern.
"""

import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
from judges.collect import Manifest  # noqa: E402

MANIFEST = Manifest(os.path.join(TOP, 'tests/vm/guest/vm-manifest'))
# A token t-secrecy.sh "used": its SECRET line gives the 32 digits reversed.
TOKEN = '5c1f7a1e-93b2-4c0d-8e41-2f6a9b3d7c58'
SECRET = TOKEN.replace('-', '')[::-1]


def ktap(mode):
    out = ['KTAP version 1', f'1..{len(MANIFEST.kunit_suites(mode))}']
    for i, (name, n) in enumerate(sorted(MANIFEST.kunit_suites(mode).items()), 1):
        out += ['    KTAP version 1', f'    # Subtest: {name}', '    # module: vfio_pci_rs', f'    1..{n}']
        out += [f'    ok {k} case_{k}' for k in range(1, n + 1)]
        out += [f'# {name}: pass:{n} fail:0 skip:0 total:{n}',
                f'# Totals: pass:{n} fail:0 skip:0 total:{n}', f'ok {i} {name}']
    return out


def upstream_rows(suite, mode):
    rows = []
    for (test, dev, drv), optional in MANIFEST.upstream_rows(suite, mode).items():
        if optional:
            continue
        t = test + ('.vfio-pci-rs' if test == 'vfio_pci_sriov_uapi_test' and drv == 'vfio-pci-rs' else '')
        rows.append(f'UPSTREAM test={t} dev={dev} driver={drv} pass=5 fail=0 skip=0 rc=0 secs=3 na=0')
    return rows


def green(mode):
    """The lines of a passing boot of MODE."""
    suites = MANIFEST.modes[mode]
    pre = ['vm-run: booting 7.3.4 with 2 igb PF(s), log in out/check-vm.log',
           '[    0.000000] Linux version 7.3.4 (synthetic)']
    res = []
    for s in suites:
        if s in ('kunit', 'no-kunit'):
            continue
        pre.append(f'vm-tests: running {s} at 10 s')
        res.append(f'SUITE {s} exit=0')
        if s == 'upstream-suite':
            res += upstream_rows(s, mode)
            res.append(f'LOG {s}   vfio_pci_device_test/pf/vfio-pci: ok 1 open')
            continue
        n = MANIFEST.pinned(s, mode)
        res += [f'TAP {s} ok {k} - {s} case {k}' for k in range(1, n + 1)]
        res.append(f'TAP {s} 1..{n}')
        res += upstream_rows(s, mode)
        if s == 't-secrecy.sh':
            res.append(f'SECRET {SECRET}')
        res.append(f'LOG {s} # {s} done')
    if 'kunit' in suites:
        res = ['KTAP ' + l for l in ktap(mode)] + res
    res += ['LOCKDEP debug_locks=1', 'HUNGTASK timeout=120']
    return (pre + ['vm-tests: done at 500 s', '=== vm-tests results begin'] + res +
            ['=== vm-tests results end', '=== kernel log after the console went quiet',
             'vm-tests: console quiet', '=== end of kernel log', 'vm-run: exit status 0'])


# --- edits ---------------------------------------------------------------

def idx(lines, pattern):
    r = re.compile(pattern)
    for i, l in enumerate(lines):
        if r.search(l):
            return i
    raise LookupError(pattern)


def sub(pattern, repl, count=1):
    """An edit: replace the first COUNT lines matching PATTERN."""
    r = re.compile(pattern)

    def edit(lines):
        n = 0
        for i, l in enumerate(lines):
            if r.search(l) and n < count:
                lines[i] = r.sub(repl, l)
                n += 1
        if not n:
            raise LookupError(pattern)
        return lines
    return edit


def drop(pattern):
    r = re.compile(pattern)

    def edit(lines):
        out = [l for l in lines if not r.search(l)]
        if len(out) == len(lines):
            raise LookupError(pattern)
        return out
    return edit


def dup(pattern):
    def edit(lines):
        i = idx(lines, pattern)
        return lines[:i + 1] + [lines[i]] + lines[i + 1:]
    return edit


def insert_after(pattern, new):
    def edit(lines):
        i = idx(lines, pattern)
        return lines[:i + 1] + list(new) + lines[i + 1:]
    return edit


def insert_before(pattern, new):
    def edit(lines):
        i = idx(lines, pattern)
        return lines[:i] + list(new) + lines[i:]
    return edit


def chain(*edits):
    def edit(lines):
        for e in edits:
            lines = e(lines)
        return lines
    return edit


def cut_at(pattern):
    def edit(lines):
        return lines[:idx(lines, pattern)]
    return edit


# Kernel reports, as the guest's console shows them (timestamps and all).
def warn(first, frames, ts=True, extra=()):
    p = '[   42.123456] ' if ts else ''
    return ([p + '------------[ cut here ]------------', p + first] + [p + e for e in extra] +
            [p + 'Modules linked in: vfio_pci_rs vfio_pci vfio_pci_core igb',
             p + 'CPU: 1 UID: 0 PID: 412 Comm: sh Not tainted 7.3.4 #1 PREEMPT',
             p + 'RIP: 0010:pci_stop_and_remove_bus_device+0x61/0x70', p + 'Call Trace:', p + ' <TASK>'] +
            [p + ' ' + f for f in frames] + [p + ' </TASK>', p + '---[ end trace 0000000000000000 ]---'])


# The report tests/vm/known-splats tolerates in t-token.sh.
PCI_WARN_FIRST = 'WARNING: drivers/pci/remove.c:101 at pci_stop_and_remove_bus_device+0x61/0x70, CPU#1: sh/412'
PCI_WARN_FRAMES = ['sriov_disable+0x3c/0x120', 'vfio_pci_core_unregister_device+0x2a/0x60',
                   'vfio_pci_rs_remove+0x1e/0x40 [vfio_pci_rs]', 'pci_device_remove+0x3b/0xa0',
                   'device_release_driver_internal+0x19e/0x200', 'unbind_store+0x5d/0x90',
                   'kernfs_fop_write_iter+0x13c/0x1d0', 'vfs_write+0x2a5/0x3c0', 'ksys_write+0x6b/0xe0',
                   'do_syscall_64+0x5e/0x2a0', 'entry_SYSCALL_64_after_hwframe+0x76/0x7e']


def in_suite(suite, block):
    """Insert BLOCK into the console while SUITE runs."""
    return insert_after(r'^vm-tests: running ' + re.escape(suite) + ' ', block)


def lockdep_cycle():
    """Lockdep's report of the PCI core's own cycle (known-splats): its
    dependency chain is longer than a WARN's block, its Call Trace last."""
    chain = []
    for n in range(3):
        chain += [f'-> #{n} (lock_{n}){{+.+.}}-{{4:4}}:'] + [f'       fn_{n}_{k}+0x10/0x20' for k in range(25)] + ['']
    return (['======================================================',
             'WARNING: possible circular locking dependency detected',
             '7.3.4 #1 Tainted: G           O     N',
             '------------------------------------------------------',
             'irq/25-pciehp/39 is trying to acquire lock:',
             'but task is already holding lock:', '', 'the existing dependency chain (in reverse order) is:', '']
            + chain + ['other info that might help us debug this:', '', 'stack backtrace:',
                       'CPU: 1 UID: 0 PID: 39 Comm: irq/25-pciehp Tainted: G  O  N  7.3.4 #1',
                       'Call Trace:', ' <TASK>', ' dump_stack_lvl+0x63/0x80', ' print_circular_bug+0x2e5/0x300',
                       ' __mutex_lock+0x109/0x16a0', ' ? pciehp_unconfigure_device+0xa4/0x1d0',
                       ' pciehp_unconfigure_device+0xa4/0x1d0', ' pciehp_disable_slot+0x62/0x230',
                       ' pciehp_ist+0x1c8/0x5e0', ' kthread+0x306/0x3e0', ' </TASK>'])
