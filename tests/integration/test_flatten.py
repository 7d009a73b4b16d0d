#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: include entries. A provider's zone is served by a second pdns_server (bind
backend) on loopback; spf-backend flattens its SPF record into our zone, follows its changes,
keeps the last good set when the provider breaks or vanishes, and pyspf judges the result:
the providers' records (one with nested includes, a/mx, IPv6 and redirect, one 9 lookups
deep) evaluated directly and a customer's include:spf.connectoor.com agree, in the flat,
macro and split layouts; the probe's drift check agrees with what is served.

Run alone:  /usr/bin/python3 tests/integration/test_flatten.py [--binary PATH]
"""

import ipaddress
import os
import random
import re
import sys
import time
import warnings

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX  # noqa: E402

try:
    import dns.resolver
    import spf  # /usr/lib/python3/dist-packages/spf.py (python3-spf)
except ImportError as e:  # the pyenv python3 on PATH lacks Debian's modules
    raise SystemExit(f"{e}: run this with /usr/bin/python3 (python3-spf, python3-dnspython)")

PROVIDER = "provider.test"
INCLUDE = f"_spf.{PROVIDER}"
NEAR_LIMIT = f"_big.{PROVIDER}"  # 9 of the 10 lookups: include, then a: terms
CUSTOMER = "customer.test"
OUR_SENDER = "85.10.214.4"


def zone_file(origin, body):
    return (f"$ORIGIN {origin}.\n$TTL 60\n"
            f"@ IN SOA ns1.{origin}. hostmaster.{origin}. 2026010101 3600 600 1209600 60\n"
            f"@ IN NS ns1.{origin}.\nns1 IN A 127.0.0.1\n{body}\n")


# The provider's record: ip4/ip6, a and mx with cidr-lengths, a nested include whose
# negative term cuts addresses out of a later network, and a redirect.
def provider_zone(extra_v4="198.51.100.64/27"):
    return zone_file(PROVIDER, f"""\
_spf IN TXT "v=spf1 ip4:{extra_v4} -include:_deny.{PROVIDER} include:_nested.{PROVIDER} a:relay.{PROVIDER}/30 mx:{PROVIDER}//124 redirect=_rest.{PROVIDER}"
_deny IN TXT "v=spf1 ip4:203.0.113.8/29 -all"
_nested IN TXT "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:10::/48 ~all"
_rest IN TXT "v=spf1 ip4:192.0.2.128/25 -all"
relay IN A 198.51.100.201
relay IN AAAA 2001:db8:20::1
@ IN MX 10 mx1.{PROVIDER}.
mx1 IN A 198.51.100.9
mx1 IN AAAA 2001:db8:30::5
_big IN TXT "v=spf1 include:_big2.{PROVIDER} {' '.join(f'a:h{k}.{PROVIDER}' for k in range(1, 8))} ~all"
_big2 IN TXT "v=spf1 a:h8.{PROVIDER} -all"
""" + "".join(f"h{k} IN A 192.0.2.{k - 1}\nh{k} IN AAAA 2001:db8:40::{k - 1}\n" for k in range(1, 9)))


def our_zone(layout="flat"):
    text = harness.read_repo_file("zones", f"{APEX}.toml")
    text = re.sub(r"(?m)^\[\[senders\]\][\s\S]*", "", text)  # our own senders: one
    text = re.sub(r'(?m)^overflow = "flat"', f'overflow = "{layout}"', text)
    text += f'\n[[senders]]\nip4 = "{OUR_SENDER}"\n'
    text += f'\n[[senders]]\ninclude = "{INCLUDE}"\nnote = "backup relay"\n'
    text += f'\n[[senders]]\ninclude = "{NEAR_LIMIT}"\nnote = "near the lookup limit"\n'
    return {f"{APEX}.toml": text}


def sample_addresses():
    rng = random.Random(7)
    listed = ["198.51.100.64", "198.51.100.95", "203.0.113.0", "203.0.113.7", "203.0.113.16",
              "198.51.100.200", "198.51.100.203", "198.51.100.9", "192.0.2.128", "192.0.2.255",
              "2001:db8:10::1", "2001:db8:20::1", "2001:db8:30::", "2001:db8:30::f", OUR_SENDER,
              "192.0.2.0", "192.0.2.7", "2001:db8:40::3", "2001:db8:40::7"]
    unlisted = ["203.0.113.8", "203.0.113.15", "198.51.100.204", "198.51.100.10",
                "192.0.2.127", "2001:db8:20::2", "2001:db8:30::10", "10.0.0.1", "192.0.2.8",
                "2001:db8:40::8"]
    unlisted += [f"203.0.113.{rng.randrange(256)}" for _ in range(8)]
    unlisted += [f"198.51.100.{rng.randrange(256)}" for _ in range(8)]
    unlisted += [f"192.0.2.{rng.randrange(256)}" for _ in range(4)]
    return listed, unlisted


class TestFlatten(harness.StackTestCase):
    zones = staticmethod(our_zone)

    @classmethod
    def setUpClass(cls):
        harness.require_binary()
        cls.work = harness.Workdir(cls.__name__)
        cls.provider = harness.Pdns(cls.work, bind_zones={PROVIDER: provider_zone()},
                                    name="provider")
        cls.addClassCleanup(cls.provider.stop)
        cls.provider.start(probe=PROVIDER)
        cls.backend = harness.Backend(cls.work, zones=our_zone(), admin=True)
        cls.backend.extra_config = (f'[resolver]\nservers = ["127.0.0.1"]\n'
                                    f"port = {cls.provider.port}\ntimeout_ms = 300\n"
                                    "refresh_s = 1\n")
        cls.addClassCleanup(cls.backend.stop)
        cls.backend.start()
        customer = zone_file(CUSTOMER, f'@ IN TXT "v=spf1 include:{APEX} -all"')
        cls.pdns = harness.Pdns(cls.work, cls.backend.connection_string("unix"),
                                bind_zones={CUSTOMER: customer,
                                            PROVIDER: provider_zone()})
        cls.addClassCleanup(cls.pdns.stop)
        cls.pdns.start()
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = ["127.0.0.1"]
        resolver.port = cls.pdns.port
        resolver.timeout = 3
        resolver.lifetime = 5
        cls.addClassCleanup(setattr, dns.resolver, "default_resolver",
                            dns.resolver.default_resolver)
        dns.resolver.default_resolver = resolver
        warnings.filterwarnings("ignore", category=DeprecationWarning)

    def served(self):
        return "".join("".join(harness.txt_strings(rr)) for rr in self.pdns.dig_short(APEX))

    def set_provider(self, text, server=None):
        server = server or self.provider
        with open(os.path.join(server.dir, f"{PROVIDER}.zone"), "w", encoding="utf-8") as f:
            f.write(text)
        harness.run([harness.find_tool("pdns_control"), f"--socket-dir={server.dir}",
                     "bind-reload-now", PROVIDER])

    def wait_for(self, what, predicate, timeout=8):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        self.fail(f"{what} within {timeout} s; served: {self.served()}\n"
                  f"{self.backend.process.log()[-3000:]}")

    def judge(self, ip, domain):
        return spf.check2(i=ip, s=f"user@{domain}", h=f"mx.{domain}", timeout=10)[0]

    def test_1_served_record_is_the_flattened_provider(self):
        record = self.served()
        self.assertIn("ip4:203.0.113.0/29", record)  # _deny's /29 cut out of _nested's /24
        self.assertNotIn("ip4:203.0.113.0/24", record)
        self.assertIn("ip4:198.51.100.200/30", record)
        self.assertIn("ip6:2001:db8:30::/124", record)
        self.assertIn("ip4:192.0.2.128/25", record)  # by the redirect
        self.assertIn("ip4:192.0.2.0/29 ", record)  # from the record near the limit
        self.assertIn("ip6:2001:db8:40::/125 ", record)
        check = self.backend.spfctl("check")
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertRegex(check.stdout, r"include: _big\.provider\.test: \d+ networks?, looked up "
                                       r".*it saves customers 10 DNS lookups")
        # The probe's drift check compares with the last good sets, as served.
        probe = self.backend.spfctl("probe", "--server", "127.0.0.1", "--port",
                                    str(self.pdns.port))
        self.assertEqual(probe.returncode, 0, probe.stdout + probe.stderr)
        self.assertRegex(check.stdout, r"include: _spf\.provider\.test: 12 networks, looked up "
                                       r"\d+ s ago \(source TTL 60 s\); flattened, it saves "
                                       r"customers 6 DNS lookups")

    def test_2_pyspf_agrees_directly_and_through_the_customer_include(self):
        listed, unlisted = sample_addresses()
        for layout in ("flat", "macro", "split"):
            self.backend.set_zones(our_zone(layout))
            reload = self.backend.spfctl("reload")
            self.assertEqual(reload.returncode, 0, reload.stdout + reload.stderr)
            for ip in listed + unlisted:
                direct = "pass" if ip == OUR_SENDER or "pass" in (
                    self.judge(ip, INCLUDE), self.judge(ip, NEAR_LIMIT)) else "fail"
                customer = self.judge(ip, CUSTOMER)
                expected = "pass" if direct == "pass" else "fail"
                self.assertEqual(customer, expected, f"{layout}: {ip} (direct: {direct})")
            for ip in listed:
                self.assertEqual(self.judge(ip, CUSTOMER), "pass", f"{layout}: {ip}")
        self.backend.set_zones(our_zone())
        self.assertEqual(self.backend.spfctl("reload").returncode, 0)

    def test_3_changes_failures_restart_and_held_removals(self):
        # A change at the provider reaches our record through a reload, with a log line.
        self.set_provider(provider_zone("198.51.100.64/26"))
        self.wait_for("the provider's new network served",
                      lambda: "ip4:198.51.100.64/26" in self.served())
        self.assertRegex(self.backend.process.log(),
                         r"event=include_changed include=_spf\.provider\.test "
                         r"added=198\.51\.100\.96/27 removed=none")
        # The provider's record breaks (SERVFAIL-free but unflattenable): last good kept.
        self.set_provider(provider_zone("198.51.100.64/26 ptr"))
        self.wait_for("the failure logged", lambda: "event=include_failed" in
                      self.backend.process.log())
        self.assertIn("ip4:198.51.100.64/26", self.served())
        # The provider's DNS goes away; a restart serves the last good set at once.
        self.provider.fixed_port = self.provider.port  # it comes back where we ask
        self.provider.stop()
        self.backend.stop()
        self.backend.start()
        self.assertNotIn("event=include_changed", self.backend.process.log())
        # pdns reconnects to the restarted backend on its next queries.
        self.wait_for("the last good set served after the restart",
                      lambda: "ip4:198.51.100.64/26" in self.served())
        self.assertIn("ip4:203.0.113.0/29", self.served())
        # Back, with most addresses gone: held for an operator; spfctl reload publishes.
        self.provider.start(probe=PROVIDER)
        self.set_provider(zone_file(PROVIDER, '_spf IN TXT "v=spf1 ip4:198.51.100.64/26 -all"'))
        self.wait_for("the removal held", lambda: "event=include_held" in
                      self.backend.process.log())
        self.assertIn("ip4:203.0.113.0/29", self.served())
        diff = self.backend.spfctl("diff")
        self.assertIn("203.0.113.0/29", diff.stdout + diff.stderr)
        check = self.backend.spfctl("check")
        self.assertIn("is held: spfctl diff shows it, spfctl reload publishes it", check.stdout)
        reload = self.backend.spfctl("reload")
        self.assertEqual(reload.returncode, 0, reload.stdout + reload.stderr)
        self.wait_for("the held set published", lambda: "203.0.113" not in self.served())


if __name__ == "__main__":
    harness.main()
