#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: 100 reloads while dnsperf keeps asking pdns (caches off, so every query
reaches spf-backend): zero SERVFAILs, zero timeouts, and every TXT answer seen during the
run is one of the two complete records, never a mix. Prints the counts.

Run alone:  /usr/bin/python3 tests/integration/test_reload_load.py [--binary PATH]
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
import unittest
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX  # noqa: E402

try:
    import dns.message
    import dns.query
except ImportError as e:
    raise SystemExit(f"{e}: run this with /usr/bin/python3 (python3-dnspython)")

RELOADS = 100
ZONE_FILE = f"{APEX}.toml"
SENDERS_A = ["85.10.214.4", "176.9.5.158", "178.63.53.35"]
SENDERS_B = SENDERS_A + ["85.10.214.9", "2a01:4f8:1::/48"]


def zone_text(senders):
    body = "".join(
        f'[[senders]]\n{"ip6" if ":" in ip else "ip4"} = "{ip}"\n\n' for ip in senders)
    return (f'zone = "{APEX}"\n[soa]\nprimary = "ns1.connectoor.com"\n'
            f'hostmaster = "hostmaster.connectoor.com"\n[ns]\n'
            f'names = ["ns1.connectoor.com", "ns2.connectoor.com"]\n\n{body}')


def record(senders):
    v4 = [s for s in senders if ":" not in s]
    v6 = [s for s in senders if ":" in s]
    key = lambda ip: tuple(int(p) for p in ip.split("."))  # noqa: E731
    terms = [f"ip4:{ip}" for ip in sorted(v4, key=key)] + [f"ip6:{ip}" for ip in v6]
    return "v=spf1 " + " ".join(terms) + " ~all"


def dnsperf_counts(output):
    counts = {}
    for key, pattern in (("sent", r"Queries sent:\s+(\d+)"),
                         ("completed", r"Queries completed:\s+(\d+)"),
                         ("lost", r"Queries lost:\s+(\d+)")):
        m = re.search(pattern, output)
        counts[key] = int(m.group(1)) if m else None
    m = re.search(r"Response codes:\s+(.*)", output)
    codes = dict(re.findall(r"([A-Z]+) (\d+)", m.group(1))) if m else {}
    counts["codes"] = {k: int(v) for k, v in codes.items()}
    return counts


class TestReloadUnderLoad(unittest.TestCase):
    def test_hundred_reloads_under_dnsperf(self):
        harness.require_binary()
        work = harness.Workdir(type(self).__name__)
        backend = harness.Backend(work, zones={ZONE_FILE: zone_text(SENDERS_A)}, admin=True)
        self.addCleanup(backend.stop)
        backend.start()
        pdns = harness.Pdns(work, backend.connection_string("unix"))
        self.addCleanup(pdns.stop)
        pdns.start()

        queries = work.write("queries.txt", "".join(
            [f"{APEX} TXT\n"] * 8 + [f"{APEX} SOA\n", f"{APEX} NS\n",
                                     f"nonexistent.{APEX} TXT\n", f"{APEX.upper()} TXT\n"]))
        dnsperf = subprocess.Popen(
            [harness.find_tool("dnsperf"), "-s", "127.0.0.1", "-p", str(pdns.port), "-d", queries,
             "-l", "30", "-Q", "2000", "-c", "4", "-t", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            preexec_fn=harness._die_with_parent)
        self.addCleanup(lambda: dnsperf.poll() is None and dnsperf.kill())

        # A second client reads the TXT answers themselves while the reloads run.
        seen = {}
        stop = threading.Event()

        def watch():
            q = dns.message.make_query(APEX, "TXT", use_edns=False)
            while not stop.is_set():
                try:
                    r = dns.query.udp(q, "127.0.0.1", port=pdns.port, timeout=2)
                    texts = tuple(b"".join(rr.strings).decode() for rrset in r.answer for rr in rrset)
                    key = (dns.rcode.to_text(r.rcode()), texts)
                except dns.exception.Timeout:
                    key = ("timeout", ())
                seen[key] = seen.get(key, 0) + 1

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()

        time.sleep(1)  # load running before the first reload
        started = time.monotonic()
        published = 0
        for i in range(RELOADS):
            backend.set_zones({ZONE_FILE: zone_text(SENDERS_B if i % 2 == 0 else SENDERS_A)})
            req = urllib.request.Request(f"http://127.0.0.1:{backend.admin_port}/reload",
                                         method="POST")
            with urllib.request.urlopen(req, timeout=30) as r:
                published += json.loads(r.read())["published"]
            time.sleep(0.03)
        reload_seconds = time.monotonic() - started
        time.sleep(1)  # and after the last
        dnsperf.send_signal(2)  # SIGINT: dnsperf stops and prints its statistics
        output, _ = dnsperf.communicate(timeout=30)
        stop.set()
        watcher.join(timeout=5)

        counts = dnsperf_counts(output)
        print(f"\n  {RELOADS} reloads in {reload_seconds:.1f} s, {published} published; dnsperf: "
              f"sent {counts['sent']}, completed {counts['completed']}, lost {counts['lost']}, "
              f"codes {counts['codes']}", file=sys.stderr)
        for (rcode, texts), n in sorted(seen.items()):
            print(f"  watcher: {n:6d} x {rcode} {texts}", file=sys.stderr)

        self.assertEqual(published, RELOADS)
        self.assertIsNotNone(counts["sent"], output)
        self.assertGreater(counts["completed"], 1000, output)
        self.assertEqual(counts["lost"], 0, output)
        self.assertEqual(counts["codes"].get("SERVFAIL", 0), 0, output)
        self.assertEqual(set(counts["codes"]) - {"NOERROR", "NXDOMAIN"}, set(), output)
        allowed = {("NOERROR", (record(SENDERS_A),)), ("NOERROR", (record(SENDERS_B),))}
        self.assertEqual(set(seen) - allowed, set(), seen)
        self.assertEqual(set(seen), allowed, "both generations should have been seen")
        self.assertIn("event=reload_ok", backend.process.log())


if __name__ == "__main__":
    harness.main()
