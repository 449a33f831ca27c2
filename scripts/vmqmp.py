# SPDX-License-Identifier: GPL-2.0
"""A minimal QMP client for the VM runner's helpers (standard library only):
scripts/vm-monitor-relay and scripts/vm-stall-watch."""

import json


class Qmp:
    def __init__(self, conn, log):
        self.f = conn.makefile("rw", encoding="utf-8", newline="\n")
        self.log = log
        self.f.readline()  # the greeting
        self.call("qmp_capabilities")

    def call(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError("QMP closed")
            reply = json.loads(line)
            if "event" in reply:
                self.log.write("qmp event: %s\n" % line.strip())
                continue
            return reply

    def hmp(self, line):
        """Run one HMP command; its text output, or the QMP error."""
        reply = self.call("human-monitor-command", **{"command-line": line})
        if "return" in reply:
            return reply["return"].replace("\r", "")
        return "error: %s\n" % reply.get("error", {}).get("desc", "?")
