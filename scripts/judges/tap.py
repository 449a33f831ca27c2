# SPDX-License-Identifier: GPL-2.0
"""Strict TAP (13/14) for one suite's lines, as the collectors read them.

A suite's output is judged by these rules, the same for a guest suite and
a host test script:

- exactly one plan "1..N", before the first case or after the last;
  "1..0" (or a plan with a SKIP directive) is a suite that ran nothing;
- every case is "ok N" or "not ok N" with its number, numbered 1..N in
  order, each once, none above the plan, as many as the plan says;
- a directive is "#" after white space, then SKIP or TODO in any case,
  with or without a blank after "#" ("# SKIP", "# skip", "#SKIP",
  "# TODO ..."); the rest is its reason;
- "Bail out!" ends the suite as failed.

parse() only reports what it read; what counts as passed (a SKIP that an
allow-list names, a TODO never) is the caller's.
"""

import re

_CASE = re.compile(r'^(not ok|ok)(?=\s|$)\s*(.*)$')
_NUM = re.compile(r'^(\d+)(?=\s|$)\s*(.*)$')
_PLAN = re.compile(r'^1\.\.(\d+)\s*(?:#\s*(.*))?$')
_DIRECTIVE = re.compile(r'(?:^|\s)#\s*(skip|todo)\S*\s*(.*)$', re.IGNORECASE)
# Classes of a case, by the first word of its description: a baseline
# asserts C vfio-pci or a consumer alone, a self-test the harness itself;
# everything else asserts vfio-pci-rs.
CLASSES = ('driver', 'baseline', 'selftest')
_CLASS_PREFIX = (('baseline: ', 'baseline'), ('self-test: ', 'selftest'))


class Case:
    """One "ok"/"not ok" line."""

    def __init__(self, ok, num, desc, directive, reason, line):
        self.ok = ok
        self.num = num
        self.desc = desc
        self.directive = directive  # None, 'SKIP' or 'TODO'
        self.reason = reason
        self.line = line

    @property
    def klass(self):
        for prefix, klass in _CLASS_PREFIX:
            if self.desc.startswith(prefix):
                return klass
        return 'driver'


class Suite:
    """What parse() read: cases, the plan, and every breach of the rules."""

    def __init__(self):
        self.cases = []
        self.plan = None
        self.plan_skip = None
        self.bail = None
        self.errors = []


def _case(line):
    m = _CASE.match(line)
    if not m:
        return None
    ok = m.group(1) == 'ok'
    rest = m.group(2)
    num = None
    n = _NUM.match(rest)
    if n:
        num = int(n.group(1))
        rest = n.group(2)
    directive = reason = None
    d = _DIRECTIVE.search(rest)
    if d:
        directive = d.group(1).upper()
        reason = d.group(2).strip()
        rest = rest[:d.start()]
    desc = rest.strip()
    if desc.startswith('- '):
        desc = desc[2:]
    elif desc == '-':
        desc = ''
    return Case(ok, num, desc.strip(), directive, reason, line)


def parse(lines):
    """Judge a suite's TAP lines (an iterable of str); returns a Suite."""
    s = Suite()
    plans = 0
    closed = False      # a plan came after cases: it closes the suite
    for line in lines:
        line = line.rstrip('\n')
        if line.startswith('Bail out!'):
            s.bail = line
            s.errors.append(line)
            break
        p = _PLAN.match(line)
        if p:
            plans += 1
            if plans > 1:
                s.errors.append(f'a second plan "{line}"')
                continue
            s.plan = int(p.group(1))
            if p.group(2) is not None and re.match(r'\s*skip', p.group(2), re.IGNORECASE):
                s.plan_skip = p.group(2)
            closed = bool(s.cases)
            continue
        c = _case(line)
        if c is None:
            continue  # not TAP: a diagnostic or a log line
        if closed:
            s.errors.append(f'a case after the closing plan: "{line}"')
        expected = len(s.cases) + 1
        if c.num is None:
            s.errors.append(f'a case without its number: "{line}"')
        elif c.num != expected:
            seen = any(x.num == c.num for x in s.cases)
            s.errors.append(f'case {c.num} ' + ('again' if seen else f'out of order (expected {expected})')
                            + f': "{line}"')
        s.cases.append(c)
    if s.plan is not None:
        for c in s.cases:
            if c.num is not None and c.num > s.plan:
                s.errors.append(f'case {c.num} above the plan 1..{s.plan}')
    if s.bail is None:
        if s.plan is None:
            s.errors.append(f'no plan 1..N (cut short?) after {len(s.cases)} cases')
        elif s.plan_skip is not None:
            s.errors.append(f'the whole suite skipped: 1..{s.plan} # {s.plan_skip}')
        elif s.plan == 0:
            s.errors.append('ran no case (plan 1..0)')
        elif s.plan != len(s.cases):
            s.errors.append(f'plan 1..{s.plan} but {len(s.cases)} cases'
                            + (' (cut short)' if s.plan > len(s.cases) else ''))
    return s
