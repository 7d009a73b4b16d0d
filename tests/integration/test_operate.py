#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: operating spf-backend behind a real pdns_server with its caches ON, as in
production. A bad edit is refused by `spfctl reload` while the old record stays served; a
good edit is served within seconds with a higher serial (spf-backend purges pdns's caches);
`spfctl check`, `diff` and `probe` tell the operator and monitoring what they need; the
admin endpoint's /metrics and /health follow.

Run alone:  /usr/bin/python3 tests/integration/test_operate.py [--binary PATH]
"""

import json
import os
import re
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX, SHIPPED_TXT  # noqa: E402

ZONE_FILE = f"{APEX}.toml"
NEW_SENDER = "85.10.214.9"


def zone_text(senders, extra=""):
    body = "".join(f'[[senders]]\nip4 = "{ip}"\nnote = "test"\n\n' for ip in senders)
    return (f'zone = "{APEX}"\n\n[soa]\nprimary = "ns1.connectoor.com"\n'
            f'hostmaster = "hostmaster.connectoor.com"\n\n[ns]\n'
            f'names = ["ns1.connectoor.com", "ns2.connectoor.com"]\n\n{extra}\n{body}')


SHIPPED = ["85.10.214.4", "176.9.5.158", "178.63.53.35"]


def txt_of(pdns):
    r = pdns.dig(APEX, "TXT")
    assert r.status == "NOERROR", str(r)
    return "".join(harness.txt_strings(r.answer[0].rdata)) if r.answer else None


def serial_of(pdns):
    r = pdns.dig(APEX, "SOA")
    return int(r.answer[0].rdata.split()[2])


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return predicate()


class TestOperate(unittest.TestCase):
    """One backend + one pdns with production caches, edited test by test."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        harness.require_binary()
        cls.work = harness.Workdir(cls.__name__)
        pdns_dir = cls.work.sub("pdns")
        cls.backend = harness.Backend(cls.work, zones={ZONE_FILE: zone_text(SHIPPED)},
                                      admin=True, pdns_socket_dir=pdns_dir)
        cls.addClassCleanup(cls.backend.stop)
        cls.backend.start()
        # pdns's default caches (packet cache 20 s, query cache 20 s): only the purge that
        # spf-backend triggers makes an edit visible within seconds.
        cls.pdns = harness.Pdns(cls.work, cls.backend.connection_string("unix"), extra={
            "cache-ttl": "20", "query-cache-ttl": "20", "negquery-cache-ttl": "60",
            "zone-metadata-cache-ttl": "60"})
        cls.addClassCleanup(cls.pdns.stop)
        cls.pdns.start()

    def setUp(self):
        self.write(SHIPPED)
        r = self.backend.spfctl("reload")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(wait_for(lambda: txt_of(self.pdns) == SHIPPED_TXT), True)

    def write(self, senders, extra=""):
        path = self.backend.zone_path(ZONE_FILE)
        with open(path + ".new", "w", encoding="utf-8") as f:
            f.write(zone_text(senders, extra))
        os.replace(path + ".new", path)

    def test_good_edit_is_served_within_seconds_with_higher_serial(self):
        before = serial_of(self.pdns)
        self.assertEqual(txt_of(self.pdns), SHIPPED_TXT)  # now in pdns's caches
        self.write(SHIPPED + [NEW_SENDER])
        started = time.monotonic()
        r = self.backend.spfctl("reload")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"ip4:{NEW_SENDER}", r.stdout)
        expected = SHIPPED_TXT.replace("ip4:85.10.214.4 ", f"ip4:85.10.214.4 ip4:{NEW_SENDER} ")
        # 85.10.214.4 and .9 do not aggregate: a term of its own.
        self.assertTrue(wait_for(lambda: txt_of(self.pdns) == expected, timeout=5),
                        txt_of(self.pdns))
        took = time.monotonic() - started
        self.assertGreater(serial_of(self.pdns), before)
        self.assertLess(took, 5)
        print(f"\n  new record served {took:.2f} s after `spfctl reload`", file=sys.stderr)
        log = self.backend.process.log()
        self.assertRegex(log, r"event=pdns_cache_purged zone=spf\.connectoor\.com")

    def test_bad_edit_is_refused_and_old_record_stays(self):
        before = serial_of(self.pdns)
        self.write(SHIPPED + ["123.4.5.678/90"])
        r = self.backend.spfctl("reload")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        path = self.backend.zone_path(ZONE_FILE)
        self.assertRegex(r.stderr, re.escape(path) + r":\d+:7: error: senders\[3\]\.ip4: "
                                   r"\"123\.4\.5\.678/90\"")
        self.assertIn("keeps serving the previous record", r.stderr)
        for _ in range(3):
            self.assertEqual(txt_of(self.pdns), SHIPPED_TXT)
            self.assertEqual(serial_of(self.pdns), before)
        status, metrics = self.backend.admin_get("/metrics")
        self.assertEqual(status, 200)
        self.assertIn("spf_reload_last_success 0\n", metrics)
        self.assertRegex(metrics, r'spf_reloads_total\{outcome="failed"\} [1-9]')
        status, health = self.backend.admin_get("/health")
        self.assertEqual(status, 200, health)  # still serving the last good zone
        self.assertIn("last reload was refused", health)

    def test_sighup_reloads_too(self):
        self.write(SHIPPED + [NEW_SENDER])
        self.backend.process.send_signal(__import__("signal").SIGHUP)
        self.assertTrue(wait_for(lambda: NEW_SENDER in (txt_of(self.pdns) or ""), timeout=5))

    def test_check_and_diff_before_publishing(self):
        r = self.backend.spfctl("check")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('record:  "' + SHIPPED_TXT + '"', r.stdout)
        self.assertIn("DNS answer 109 octets (120 with EDNS)", r.stdout)
        self.assertEqual(self.backend.spfctl("diff").returncode, 0)

        self.write(SHIPPED[1:] + [NEW_SENDER])
        r = self.backend.spfctl("diff")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("    - 85.10.214.4\n", r.stdout)
        self.assertIn(f"    + {NEW_SENDER}\n", r.stdout)
        self.assertEqual(txt_of(self.pdns), SHIPPED_TXT)  # a dry run changes nothing

        self.write(["1.2.3"])
        r = self.backend.spfctl("check")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r":\d+:7: error: senders\[0\]\.ip4: \"1\.2\.3\"")

    def test_neighbour_address_joins_and_leaves_a_31(self):
        # 85.10.214.5 beside 85.10.214.4 aggregates into 85.10.214.4/31: the diff and the
        # reload speak of the address that comes and goes, not of the terms that change.
        joined = ["85.10.214.4", "85.10.214.5"] + SHIPPED[1:]
        self.write(joined)
        r = self.backend.spfctl("diff")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("  spf.connectoor.com:\n    + 85.10.214.5\n    now:  ", r.stdout)
        self.assertNotIn("    - ", r.stdout)
        self.assertIn('next: "v=spf1 ip4:85.10.214.4/31 ip4:176.9.5.158', r.stdout)
        r = self.backend.spfctl("diff", "--json")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        name = json.loads(r.stdout)["zones"][APEX]["names"][APEX]
        self.assertEqual((name["start_passing"], name["stop_passing"]), (["85.10.214.5"], []))

        removed_before = self.backend.process.log().count("event=sender_removed")
        r = self.backend.spfctl("reload")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("no longer published", r.stdout + r.stderr)
        self.assertIn("ip4:85.10.214.4/31", r.stdout)
        self.assertEqual(self.backend.process.log().count("event=sender_removed"), removed_before)

        self.write(SHIPPED)
        r = self.backend.spfctl("diff", "--json")
        name = json.loads(r.stdout)["zones"][APEX]["names"][APEX]
        self.assertEqual((name["start_passing"], name["stop_passing"]), ([], ["85.10.214.5"]))
        r = self.backend.spfctl("reload")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        removals = [line for line in r.stderr.splitlines() if "no longer published" in line]
        self.assertEqual(len(removals), 1, r.stderr)
        self.assertIn(": warning: 85.10.214.5 is no longer published for spf.connectoor.com",
                      removals[0])
        log = self.backend.process.log()
        self.assertEqual(log.count("event=sender_removed"), removed_before + 1)
        self.assertIn("event=sender_removed zone=spf.connectoor.com network=85.10.214.5\n", log)

    def test_probe_ok_and_drift(self):
        r = self.backend.spfctl("probe", "--port", str(self.pdns.port))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(r.stdout.startswith("SPF OK"), r.stdout)
        self.assertIn("109", r.stdout)
        # Files edited but not reloaded: what DNS serves has drifted from the files.
        self.write(SHIPPED + [NEW_SENDER])
        r = self.backend.spfctl("probe", "--port", str(self.pdns.port))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("drift", r.stdout)

    def test_probe_critical_when_oversized(self):
        # 26 single addresses that do not aggregate: within a 512 budget, over the probe's
        # critical threshold of 450.
        many = [f"85.10.{i}.{2 * i + 1}" for i in range(26)]
        self.write(many, "[spf]\nmax_answer_octets = 512\n")
        r = self.backend.spfctl("reload")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(wait_for(lambda: "85.10.25.51" in (txt_of(self.pdns) or "")))
        r = self.backend.spfctl("probe", "--port", str(self.pdns.port))
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertTrue(r.stdout.startswith("SPF CRITICAL"), r.stdout)

    def test_metrics_count_requests(self):
        txt_of(self.pdns)
        status, metrics = self.backend.admin_get("/metrics")
        self.assertEqual(status, 200)
        m = re.search(r'spf_backend_requests_total\{connector="unix",method="lookup"\} (\d+)',
                      metrics)
        self.assertTrue(m and int(m.group(1)) > 0, metrics)
        for name in ("spf_answer_octets", "spf_answer_edns_octets", "spf_record_strings",
                     "spf_dns_lookups", "spf_senders", "spf_networks", "spf_zone_serial"):
            self.assertRegex(metrics, name + r'\{name="spf\.connectoor\.com"\} \d+')
        self.assertIn("spf_zone_valid 1\n", metrics)


class TestProbeBackendDown(unittest.TestCase):
    """With the backend gone pdns answers SERVFAIL: receivers see temperror, so CRITICAL."""

    def test_probe_critical_when_backend_down(self):
        harness.require_binary()
        work = harness.Workdir(type(self).__name__)
        backend = harness.Backend(work)
        self.addCleanup(backend.stop)
        backend.start()
        pdns = harness.Pdns(work, backend.connection_string("unix"))
        self.addCleanup(pdns.stop)
        pdns.start()
        backend.stop()
        r = backend.spfctl("probe", "--no-drift", "--port", str(pdns.port), "--timeout-ms", "1000",
                           timeout=30)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertTrue(r.stdout.startswith("SPF CRITICAL"), r.stdout)


if __name__ == "__main__":
    harness.main()
