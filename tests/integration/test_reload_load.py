#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: reloads while dnsperf keeps asking pdns (caches off, so every query reaches
spf-backend): zero SERVFAILs, zero timeouts, and every TXT answer seen during the run is one
of the two complete records, never a mix. Prints the counts.

TestReloadUnderLoad: 100 reloads, 30 ms apart. TestThousandReloads: 1000 reloads back to
back, each as soon as the previous one has been published (ctest runs it on its own,
integration.reload_1000).

Run alone:  /usr/bin/python3 tests/integration/test_reload_load.py [--binary PATH] [CLASS]
"""

import os
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import load  # noqa: E402
from load import SENDERS_A, SENDERS_B, ZONE_FILE, record, zone_text  # noqa: E402


class ReloadCase(unittest.TestCase):
    reloads = 100
    pause = 0.03  # seconds between reloads

    def test_reloads_under_dnsperf(self):
        harness.require_binary()
        work = harness.Workdir(type(self).__name__)
        backend = harness.Backend(work, zones={ZONE_FILE: zone_text(SENDERS_A)}, admin=True)
        self.addCleanup(backend.stop)
        backend.start()
        pdns = harness.Pdns(work, backend.connection_string("unix"))
        self.addCleanup(pdns.stop)
        pdns.start()

        dnsperf = load.Dnsperf(work, pdns.port, qps=2000, max_seconds=300).start()
        self.addCleanup(dnsperf.kill)
        # A second client reads the TXT answers themselves while the reloads run.
        watcher = load.Watcher(pdns.port, timeout=2).start()
        self.addCleanup(watcher.stop)

        time.sleep(1)  # load running before the first reload
        started = time.monotonic()
        published = 0
        for i in range(self.reloads):
            backend.set_zones({ZONE_FILE: zone_text(SENDERS_B if i % 2 == 0 else SENDERS_A)})
            published += load.admin_reload(backend, timeout=30)["published"]
            if self.pause:
                time.sleep(self.pause)
        reload_seconds = time.monotonic() - started
        time.sleep(1)  # and after the last
        counts = dnsperf.stop()
        watcher.stop()

        seen = watcher.counts()
        print(f"\n  {self.reloads} reloads in {reload_seconds:.1f} s, {published} published; "
              f"dnsperf: sent {counts['sent']}, completed {counts['completed']}, lost "
              f"{counts['lost']}, codes {counts['codes']}", file=sys.stderr)
        load.print_counts("watcher", seen, sys.stderr)

        self.assertEqual(published, self.reloads)
        self.assertIsNotNone(counts["sent"], dnsperf.output)
        self.assertGreater(counts["completed"], 1000, dnsperf.output)
        self.assertEqual(counts["lost"], 0, dnsperf.output)
        self.assertEqual(counts["codes"].get("SERVFAIL", 0), 0, dnsperf.output)
        self.assertEqual(set(counts["codes"]) - {"NOERROR", "NXDOMAIN"}, set(), dnsperf.output)
        allowed = {("NOERROR", (record(SENDERS_A),)), ("NOERROR", (record(SENDERS_B),))}
        self.assertEqual(set(seen) - allowed, set(), seen)
        self.assertEqual(set(seen), allowed, "both generations should have been seen")
        self.assertEqual(backend.process.log().count("event=reload_ok"), self.reloads + 1)


class TestReloadUnderLoad(ReloadCase):
    reloads = 100
    pause = 0.03


class TestThousandReloads(ReloadCase):
    reloads = 1000
    pause = 0


del ReloadCase  # only its subclasses are tests

if __name__ == "__main__":
    harness.main()
