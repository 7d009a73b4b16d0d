#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: a real secondary replicates our zone from pdns + spf-backend as primary.

The primary pdns (primary=yes) asks spf-backend getUpdatedMasters every second; after a
reload that changes the serial it NOTIFYs the secondary, a second pdns_server whose bind
backend holds the zone as `type slave`, and reports the serial back with setNotified. The
secondary then checks the SOA and transfers the zone (AXFR). The zone's SOA refresh is an
hour, so only the NOTIFY can make the secondary catch up within seconds.

Runs inside its own network namespace (tests/integration/in_netns.sh): pdns looks up the
addresses of the zone's NS names to notify them, and those lookups must not leave the
machine. There the primary answers on 127.0.0.1:53 and the secondary on 127.0.0.2:53.

Run alone:  tests/integration/in_netns.sh /usr/bin/python3 tests/integration/test_secondary.py
"""

import os
import re
import signal
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX  # noqa: E402

PRIMARY = "127.0.0.1"
SECONDARY = "127.0.0.2"
CATCH_UP_SECONDS = 10  # the issue asks for "a few seconds"; pdns's cycle is 1 s here


def zone_text(senders, mode="flat"):
    lines = [f'zone = "{APEX}"',
             "[soa]", 'primary = "ns1.connectoor.com"', 'hostmaster = "hostmaster.connectoor.com"',
             "refresh = 3600", "retry = 600",
             "[ns]", 'names = ["ns1.connectoor.com", "ns2.connectoor.com"]',
             "[spf]", 'all = "-all"', f'overflow = "{mode}"']
    for s in senders:
        lines += ["[[senders]]", f'ip4 = "{s}"']
    return "\n".join(lines) + "\n"


FIRST = ["85.10.214.4", "176.9.5.158", "178.63.53.35"]
SECOND = FIRST + ["178.63.53.36"]
# Enough single addresses that split needs two children: the chain must arrive whole.
SPLIT = [f"85.{10 + i}.{(i * 3) % 250}.{(i * 7) % 250 + 1}" for i in range(40)]


class SecondaryPdns(harness.Pdns):
    """pdns with a bind backend that holds the zone as a secondary of `primary`."""

    def __init__(self, workdir, primary):
        super().__init__(workdir, name="secondary", address=SECONDARY, port=53, extra={
            "launch": "bind",
            "bind-config": os.path.join(workdir.sub("secondary"), "named.conf"),
            "secondary": "yes",
            "xfr-cycle-interval": "1",
            "allow-notify-from": "127.0.0.0/8",
        })
        self.primary = primary

    def write_files(self):
        zone_file = os.path.join(self.dir, f"{APEX}.zone")  # written by the transfer
        with open(os.path.join(self.dir, "named.conf"), "w", encoding="utf-8") as f:
            f.write(f'options {{ directory "{self.dir}"; }};\n'
                    f'zone "{APEX}" {{ type slave; file "{zone_file}"; '
                    f"masters {{ {self.primary}; }}; }};\n")
        super().write_files()


class TestSecondary(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_binary()
        cls.work = harness.Workdir(cls.__name__)
        cls.backend = harness.Backend(cls.work, zones={f"{APEX}.toml": zone_text(FIRST)})
        cls.addClassCleanup(cls.backend.stop)
        cls.backend.start()
        cls.primary = harness.Pdns(cls.work, cls.backend.connection_string("unix"),
                                   name="primary", address=PRIMARY, port=53, extra={
                                       "primary": "yes",
                                       "xfr-cycle-interval": "1",
                                       "also-notify": SECONDARY,
                                       "query-local-address": PRIMARY,
                                       "allow-axfr-ips": "127.0.0.0/8",
                                   })
        cls.addClassCleanup(cls.primary.stop)
        cls.primary.start()
        cls.secondary = SecondaryPdns(cls.work, PRIMARY)
        cls.addClassCleanup(cls.secondary.stop)
        # It answers SOA only once the first transfer has arrived.
        cls.secondary.start()

    def serial(self, server):
        r = server.dig(APEX, "SOA")
        if r.status != "NOERROR" or not r.answer:
            return None
        return int(r.answer[0].rdata.split()[2])

    def txt(self, server, name=APEX):
        r = server.dig(name, "TXT")
        self.assertEqual(r.status, "NOERROR", str(r))
        return ["".join(harness.txt_strings(rr.rdata)) for rr in r.answer if rr.type == "TXT"]

    def reload_with(self, text):
        """Writes the zone, reloads by SIGHUP, returns the primary's new serial."""
        before = self.serial(self.primary)
        with open(self.backend.zone_path(f"{APEX}.toml"), "w", encoding="utf-8") as f:
            f.write(text)
        reloads = self.backend.process.log().count("event=reload_ok")
        self.backend.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while self.backend.process.log().count("event=reload_ok") == reloads:
            self.assertLess(time.monotonic(), deadline, self.backend.process.log())
            time.sleep(0.05)
        after = self.serial(self.primary)
        self.assertGreater(after, before)
        return after

    def wait_for_serial(self, serial):
        started = time.monotonic()
        while time.monotonic() - started < CATCH_UP_SECONDS:
            if self.serial(self.secondary) == serial:
                return time.monotonic() - started
            time.sleep(0.1)
        self.fail(f"the secondary still serves {self.serial(self.secondary)}, not {serial}, "
                  f"after {CATCH_UP_SECONDS} s\n--- primary log ---\n"
                  f"{self.primary.process.log()[-3000:]}\n--- secondary log ---\n"
                  f"{self.secondary.process.log()[-3000:]}")

    def test_1_initial_transfer(self):
        self.assertEqual(self.serial(self.secondary), self.serial(self.primary))
        self.assertEqual(self.txt(self.secondary), [f"v=spf1 {' '.join('ip4:' + s for s in FIRST)} -all"])

    def test_2_reload_is_notified_and_transferred(self):
        serial = self.reload_with(zone_text(SECOND))
        took = self.wait_for_serial(serial)
        print(f"\nsecondary serves serial {serial} {took:.2f} s after the reload", file=sys.stderr)
        self.assertEqual(self.txt(self.secondary), self.txt(self.primary))
        self.assertIn("ip4:178.63.53.36", self.txt(self.secondary)[0])
        # pdns told the backend what it notified: nothing is listed any more.
        reply = self.backend.unix_call({"method": "getUpdatedMasters", "parameters": {}})[0]
        self.assertEqual(reply["result"], [])
        self.assertRegex(self.primary.process.log(), re.compile(r"notif", re.I))

    def test_3_split_chain_arrives_whole(self):
        serial = self.reload_with(zone_text(SPLIT, mode="split"))
        took = self.wait_for_serial(serial)
        print(f"\nsecondary serves the split zone {serial} {took:.2f} s after the reload",
              file=sys.stderr)
        apex = self.txt(self.secondary)[0]
        self.assertEqual(apex, self.txt(self.primary)[0])
        children = [t[len("include:"):] for t in apex.split() if t.startswith("include:")]
        self.assertEqual(len(children), 2, apex)
        for child in children:
            self.assertEqual(self.txt(self.secondary, child), self.txt(self.primary, child))

    def test_4_unchanged_reload_sends_nothing(self):
        serial = self.serial(self.primary)
        self.backend.process.send_signal(signal.SIGHUP)
        time.sleep(1.5)  # longer than the primary's cycle
        self.assertEqual(self.serial(self.primary), serial)
        reply = self.backend.unix_call({"method": "getUpdatedMasters", "parameters": {}})[0]
        self.assertEqual(reply["result"], [])


if __name__ == "__main__":
    harness.main()
