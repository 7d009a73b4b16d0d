#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: the overflow layouts through a real pdns_server 4.7.3, checked with dig.

split: the apex includes child records `_s<n>.<zone>`, each within the size budget, all of
them in AXFR. macro: the apex includes `%{i}._ip.<zone>`, and every well-formed per-IP name
answers TXT (listed or not, IPv4 dotted or IPv6 as nibbles in either case), `_ip` and the
ancestors of per-IP names are empty non-terminals (NODATA), malformed names NXDOMAIN.

Run alone:  /usr/bin/python3 tests/integration/test_grow.py [--binary PATH]
"""

import ipaddress
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX  # noqa: E402

BUDGET = 450


def zone_text(mode, senders, max_lookups=3):
    lines = [f'zone = "{APEX}"',
             "[soa]", 'primary = "ns1.connectoor.com"', 'hostmaster = "hostmaster.connectoor.com"',
             "[ns]", 'names = ["ns1.connectoor.com", "ns2.connectoor.com"]',
             "[spf]", 'all = "-all"', f'overflow = "{mode}"', f"max_answer_octets = {BUDGET}",
             f"max_customer_lookups = {max_lookups}"]
    for s in senders:
        family = "ip6" if ":" in s else "ip4"
        lines += ["[[senders]]", f"{family} = {harness.toml_string(s)}"]
    return "\n".join(lines) + "\n"


# 40 single IPv4 addresses that do not aggregate, two networks and an IPv6 network: about
# 700 octets as one record, so two children under the 450-octet budget.
SPLIT_SENDERS = ([f"85.{10 + i}.{(i * 3) % 250}.{(i * 7) % 250 + 1}" for i in range(40)]
                 + ["176.9.0.0/24", "2a01:4f8:10::/48"])

MACRO_SENDERS = ["85.10.214.0/24", "176.9.5.158", "2a01:4f8:10::/48"]


def nibbles(address, upper=False):
    """%{i} of an IPv6 client: 32 dot-separated nibbles in address order (RFC 7208 §7.3)."""
    text = ipaddress.IPv6Address(address).exploded.replace(":", "")
    return ".".join(text.upper() if upper else text)


class GrowCase(harness.StackTestCase):
    def txt(self, name):
        r = self.pdns.dig(name, "TXT", "+noedns")
        self.assertEqual(r.status, "NOERROR", str(r))
        self.assertNotIn("tc", r.flags, str(r))
        self.assertLessEqual(r.msg_size, BUDGET, str(r))
        texts = ["".join(harness.txt_strings(rr.rdata)) for rr in r.answer if rr.type == "TXT"]
        self.assertEqual(len(texts), 1, str(r))
        return texts[0]

    def run_probe(self):
        """spfctl probe against this pdns, drift checked against the zone files."""
        return self.backend.spfctl("probe", "--server", "127.0.0.1", "--port", self.pdns.port)

    def assertNoData(self, name, qtype="TXT"):
        r = self.pdns.dig(name, qtype)
        self.assertEqual(r.status, "NOERROR", str(r))
        self.assertEqual(r.answer, [], str(r))

    def assertNxdomain(self, name, qtype="TXT"):
        r = self.pdns.dig(name, qtype)
        self.assertEqual(r.status, "NXDOMAIN", str(r))


class TestSplit(GrowCase):
    zones = {f"{APEX}.toml": zone_text("split", SPLIT_SENDERS)}

    def children(self):
        apex = self.txt(APEX)
        terms = apex.split()
        self.assertEqual(terms[0], "v=spf1")
        self.assertEqual(terms[-1], "-all")
        return [t[len("include:"):] for t in terms[1:-1]]

    def test_apex_includes_children_within_budget(self):
        children = self.children()
        self.assertEqual(children, [f"_s1.{APEX}", f"_s2.{APEX}"])
        served = []
        for child in children:
            text = self.txt(child)
            terms = text.split()
            self.assertEqual((terms[0], terms[-1]), ("v=spf1", "-all"), text)
            for term in terms[1:-1]:
                self.assertRegex(term, r"^ip[46]:")
            served += terms[1:-1]
        # Every network is in exactly one child, in order: nothing lost, nothing twice.
        expected = [f"ip6:{s}" if ":" in s else f"ip4:{s}" for s in SPLIT_SENDERS]
        self.assertEqual(sorted(served), sorted(expected))

    def test_child_names_only_for_children(self):
        self.assertNxdomain(f"_s3.{APEX}")
        self.assertNoData(f"_s1.{APEX}", "A")

    def test_axfr_carries_the_whole_chain(self):
        r = self.pdns.dig(APEX, "AXFR")
        names = {rr.name.lower() for rr in r.records if rr.type == "TXT"}
        self.assertEqual(names, {f"{APEX}.", f"_s1.{APEX}.", f"_s2.{APEX}."}, str(r))

    def test_probe_follows_the_chain(self):
        r = self.run_probe()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"^SPF OK - ")
        self.assertIn(" 2 lookups", r.stdout)  # our two includes; the customer's is the 3rd
        r = self.backend.spfctl("probe", "--server", "127.0.0.1", "--port", self.pdns.port,
                                "--json")
        result = json.loads(r.stdout)
        self.assertEqual((r.returncode, result["status"], result["lookups"],
                          result["void_lookups"]), (0, "OK", 2, 0), r.stdout)
        self.assertLessEqual(result["answer_octets"], BUDGET)
        # Without the zone files' plan, 2 lookups are more than a flat record's 0.
        r = self.backend.spfctl("probe", "--server", "127.0.0.1", "--port", self.pdns.port,
                                "--no-drift")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("planned: 0", r.stdout)

    def test_check_zone_is_clean(self):
        r = self.pdns.pdnsutil("check-zone", APEX)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class MacroTests:
    """Run once per connector (the mixin keeps unittest from running it on its own)."""

    zones = {f"{APEX}.toml": zone_text("macro", MACRO_SENDERS)}

    def test_apex_includes_the_per_ip_macro(self):
        self.assertEqual(self.txt(APEX), f"v=spf1 include:%{{i}}._ip.{APEX} -all")

    def test_listed_ipv4_addresses_get_their_own_record(self):
        for ip in ("85.10.214.0", "85.10.214.77", "85.10.214.255", "176.9.5.158"):
            with self.subTest(ip=ip):
                self.assertEqual(self.txt(f"{ip}._ip.{APEX}"), f"v=spf1 ip4:{ip} -all")

    def test_unlisted_addresses_get_a_record_too(self):
        # Never NXDOMAIN or NODATA: that would be a void lookup for the customer.
        for ip in ("85.10.215.0", "176.9.5.159", "192.0.2.1"):
            with self.subTest(ip=ip):
                self.assertEqual(self.txt(f"{ip}._ip.{APEX}"), "v=spf1 -all")
        self.assertEqual(self.txt(f"{nibbles('2001:db8::1')}._ip.{APEX}"), "v=spf1 -all")

    def test_ipv6_nibbles_in_either_case(self):
        for upper in (False, True):
            with self.subTest(upper=upper):
                name = f"{nibbles('2a01:4f8:10:abcd::1', upper)}._ip.{APEX}"
                self.assertEqual(self.txt(name), "v=spf1 ip6:2a01:4f8:10:abcd::1 -all")

    def test_intermediate_names_are_empty_non_terminals(self):
        for name in (f"_ip.{APEX}", f"85._ip.{APEX}", f"10.214._ip.{APEX}", f"2.a.0._ip.{APEX}"):
            with self.subTest(name=name):
                self.assertNoData(name)
        self.assertNoData(f"85.10.214.77._ip.{APEX}", "A")

    def test_malformed_per_ip_names_are_nxdomain(self):
        for name in (f"256.1.1.1._ip.{APEX}", f"01.2.3.4._ip.{APEX}", f"foo._ip.{APEX}",
                     f"x.85.10.214.77._ip.{APEX}"):
            with self.subTest(name=name):
                self.assertNxdomain(name)

    def test_probe_is_ok(self):
        r = self.run_probe()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"^SPF OK - ")

    def test_axfr_has_no_per_ip_records(self):
        r = self.pdns.dig(APEX, "AXFR")
        self.assertEqual({rr.name.lower() for rr in r.records if rr.type == "TXT"},
                         {f"{APEX}."}, str(r))


class TestMacroUnix(MacroTests, GrowCase):
    connection = "unix"


class TestMacroHttp(MacroTests, GrowCase):
    connection = "http"


if __name__ == "__main__":
    harness.main()
