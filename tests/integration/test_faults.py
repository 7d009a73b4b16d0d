#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box faults of the processes, under load (dnsperf through pdns, caches off, plus a
watcher that reads every TXT answer):

* spf-backend is killed (SIGKILL), or stopped (SIGTERM), while pdns runs and dnsperf asks:
  while it is down pdns answers SERVFAIL, never a wrong record, never silence; once it is
  started again answers are correct within 2 s (pdns reconnects over the unix socket on its
  next request); the failed queries are counted and printed;
* pdns restarts (SIGTERM, and SIGKILL) while spf-backend runs: the backend keeps running,
  lets go of the dead connections, and the new pdns answers correctly at once.

Run alone:  /usr/bin/python3 tests/integration/test_faults.py [--binary PATH]
"""

import os
import signal
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import load  # noqa: E402
from load import SENDERS_A, ZONE_FILE  # noqa: E402

TXT = load.record(SENDERS_A)
DOWN_SECONDS = 1.0  # how long the backend stays down
RECOVERY_LIMIT = 2.0  # seconds from starting the backend again to correct answers
QPS = 1000


class FaultCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        harness.require_binary()
        self.work = harness.Workdir(f"{type(self).__name__}.{self._testMethodName}")
        self.backend = load.TunedBackend(self.work, zones={ZONE_FILE: load.zone_text(SENDERS_A)},
                                         admin=True)
        self.addCleanup(self.backend.stop, signal.SIGKILL)
        self.backend.start()
        self.pdns = harness.Pdns(self.work, self.backend.connection_string("unix"))
        self.addCleanup(self.pdns.stop)
        self.pdns.start()


class TestBackendDown(FaultCase):
    """The backend goes away under load and comes back."""

    def outage(self, how):
        dnsperf = load.Dnsperf(self.work, self.pdns.port, qps=QPS).start()
        self.addCleanup(dnsperf.kill)
        watcher = load.Watcher(self.pdns.port, pause=0.002).start()
        self.addCleanup(watcher.stop)
        time.sleep(1.5)  # steady load first

        down = time.monotonic()
        if how == "SIGKILL":
            self.backend.process.proc.kill()
            self.backend.process.wait(timeout=harness.STOP_TIMEOUT)
        else:
            self.assertEqual(self.backend.stop(signal.SIGTERM), 0, self.backend.process.log())
        time.sleep(DOWN_SECONDS)
        restart = time.monotonic()
        self.backend.start()  # returns once it logs event=ready
        ready = time.monotonic()
        time.sleep(2.5)  # and steady load after
        counts = dnsperf.stop()
        watcher.stop()

        is_good = load.good(TXT)
        first_good = watcher.first(is_good, restart)
        bad_times = [t for t, key in watcher.events if not is_good(key)]
        failed = counts["codes"].get("SERVFAIL", 0) + (counts["lost"] or 0)
        print(f"\n  backend {how} under {QPS} q/s: down {restart - down:.2f} s, "
              f"start to ready {ready - restart:.3f} s, start to correct answers "
              f"{(first_good or float('nan')) - restart:.3f} s; dnsperf: sent {counts['sent']}, "
              f"completed {counts['completed']}, lost {counts['lost']}, codes {counts['codes']}; "
              f"failed queries {failed}", file=sys.stderr)
        load.print_counts("watcher", watcher.counts(), sys.stderr)

        self.assertIsNotNone(counts["sent"], dnsperf.output)
        # Before the fault everything was right.
        self.assertEqual(set(watcher.counts(until=down)), {("NOERROR", (TXT,))})
        # Meanwhile: the right record or SERVFAIL, nothing else (no NXDOMAIN, no empty
        # NOERROR, no other record, no silence).
        self.assertEqual(set(watcher.counts()) - {("NOERROR", (TXT,)), ("SERVFAIL", ())}, set())
        self.assertEqual(set(counts["codes"]) - {"NOERROR", "NXDOMAIN", "SERVFAIL"}, set(),
                         dnsperf.output)
        self.assertEqual(counts["lost"], 0, dnsperf.output)
        self.assertGreater(counts["codes"].get("SERVFAIL", 0), 0, "the outage went unseen")
        # Correct again within RECOVERY_LIMIT of starting the backend, and from then on.
        self.assertIsNotNone(first_good, "no correct answer after the restart")
        self.assertLess(first_good - restart, RECOVERY_LIMIT)
        self.assertTrue(all(t < first_good for t in bad_times if t >= down),
                        "a failure after answers had recovered")
        self.assertFalse([t for t in bad_times if t < down])
        return failed

    def test_sigkill_under_load(self):
        self.outage("SIGKILL")
        self.assertRegex(self.backend.process.log(), r"event=stale_socket_removed")

    def test_restart_under_load(self):
        self.outage("SIGTERM")


class TestPdnsRestarts(FaultCase):
    """pdns goes away and comes back (on the same port) while the backend runs on."""

    def unix_connections(self):
        return load.metric(self.backend, "spf_backend_connections", 'connector="unix"')

    def wait_connections_at_most(self, limit, timeout=5.0):
        deadline = time.monotonic() + timeout
        value = self.unix_connections()
        while value > limit and time.monotonic() < deadline:
            time.sleep(0.05)
            value = self.unix_connections()
        return value

    def test_pdns_restarts_while_the_backend_runs(self):
        pid = self.backend.process.pid
        self.assertEqual(self.pdns.dig_short(harness.APEX), [f'"{TXT}"'])
        baseline = self.unix_connections()
        figures = []
        for how in ("SIGTERM", "SIGKILL", "SIGTERM", "SIGKILL"):
            self.pdns.fixed_port = self.pdns.port  # the clients keep asking the same port
            if how == "SIGKILL":
                self.pdns.process.proc.kill()
                self.pdns.process.wait(timeout=harness.STOP_TIMEOUT)
            else:
                self.pdns.stop()
            # The backend sees the connections close and lets them go.
            left = self.wait_connections_at_most(0)
            started = time.monotonic()
            self.pdns.start()  # returns once it answers SOA with NOERROR
            answering = time.monotonic() - started
            self.assertEqual(self.pdns.dig_short(harness.APEX), [f'"{TXT}"'])
            figures.append((how, left, answering, self.unix_connections()))

        for how, left, answering, open_after in figures:
            print(f"\n  pdns {how}: backend connections left {left:.0f}, pdns answering "
                  f"{answering:.2f} s after its start, backend connections then {open_after:.0f}",
                  end="", file=sys.stderr)
        print(file=sys.stderr)
        self.assertEqual(self.backend.process.pid, pid)
        self.assertTrue(self.backend.process.alive(), self.backend.process.log())
        for how, left, _, open_after in figures:
            self.assertEqual(left, 0, f"connections of the {how}ed pdns kept open")
            self.assertLessEqual(open_after, max(baseline, 1) + 4)
        self.assertNotRegex(self.backend.process.log(), r"level=(error|warning)")


if __name__ == "__main__":
    harness.main()
