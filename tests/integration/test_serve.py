#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: the shipped zone served by spf-backend through a real pdns_server 4.7.3,
once per connector (unix socket, HTTP REST, HTTP post=1, HTTP post=1+post_json=1), checked
with dig and kdig; plus a zone whose sender list needs more than one TXT character-string.

Run alone:  /usr/bin/python3 tests/integration/test_serve.py [--binary PATH] [Class[.test]]
"""

import ipaddress
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (APEX, NEGATIVE_TTL, NS_NAMES, NS_TTL, SERIAL_FLOOR, SHIPPED_TXT,  # noqa: E402
                     SOA_MNAME, SOA_RNAME, SOA_TIMERS, SOA_TTL, TXT_TTL, txt_strings)

APEX_DOT = APEX + "."


def same_name(a, b):
    return a.rstrip(".").lower() == b.rstrip(".").lower()


class ServeCore:
    """Checks every connector must pass (mixed into a StackTestCase)."""

    def assert_soa_in_authority(self, r):
        self.assertEqual(len(r.authority), 1, r)
        soa = r.authority[0]
        self.assertEqual(soa.type, "SOA", r)
        self.assertTrue(same_name(soa.name, APEX), r)
        self.assertEqual(soa.ttl, NEGATIVE_TTL, r)

    def test_txt_record_exact(self):
        r = self.pdns.dig(APEX, "TXT", "+noall", "+answer", "+comments")
        self.assertEqual(r.status, "NOERROR", r)
        self.assertIn("aa", r.flags, r)
        self.assertEqual(len(r.answer), 1, r)  # exactly one TXT at the name (RFC 7208 §3.2, §4.5)
        rr = r.answer[0]
        self.assertEqual((rr.name, rr.ttl, rr.cls, rr.type), (APEX_DOT, TXT_TTL, "IN", "TXT"), r)
        self.assertEqual(txt_strings(rr.rdata), [SHIPPED_TXT], r)
        self.assertEqual(rr.rdata, f'"{SHIPPED_TXT}"', r)

    def test_soa_fields(self):
        r = self.pdns.dig(APEX, "SOA")
        self.assertEqual(r.status, "NOERROR", r)
        self.assertEqual(len(r.answer), 1, r)
        rr = r.answer[0]
        self.assertEqual((rr.name, rr.ttl, rr.type), (APEX_DOT, SOA_TTL, "SOA"), r)
        mname, rname, serial, *timers = rr.rdata.split()
        self.assertEqual((mname, rname), (SOA_MNAME, SOA_RNAME), r)
        self.assertEqual(tuple(int(t) for t in timers), SOA_TIMERS, r)
        self.assertGreaterEqual(int(serial), SERIAL_FLOOR, r)
        self.assertTrue(harness.serial_is_date_based(int(serial)), f"serial {serial}\n{r}")

    def test_nxdomain_below_zone(self):
        r = self.pdns.dig("nonexistent." + APEX, "TXT")
        self.assertEqual(r.status, "NXDOMAIN", r)
        self.assertEqual(r.answer, [], r)
        self.assert_soa_in_authority(r)

    def test_apex_a_is_nodata(self):
        r = self.pdns.dig(APEX, "A")
        self.assertEqual(r.status, "NOERROR", r)
        self.assertEqual(r.answer, [], r)
        self.assert_soa_in_authority(r)

    def test_axfr(self):
        r = self.pdns.dig(APEX, "AXFR")
        types = [rr.type for rr in r.records]
        self.assertEqual(len(types), 5, r)
        self.assertEqual((types[0], types[-1]), ("SOA", "SOA"), r)
        self.assertEqual(r.records[0], r.records[-1], r)
        self.assertEqual(sorted(types[1:-1]), ["NS", "NS", "TXT"], r)
        for rr in r.records:
            self.assertEqual(rr.name, APEX_DOT, r)
        self.assertEqual({rr.rdata for rr in r.records if rr.type == "NS"}, NS_NAMES, r)
        txt = [rr for rr in r.records if rr.type == "TXT"][0]
        self.assertEqual((txt.ttl, txt_strings(txt.rdata)), (TXT_TTL, [SHIPPED_TXT]), r)


class ServeFull(ServeCore):
    """The whole suite, run over the unix socket and over HTTP REST."""

    def test_txt_kdig_short(self):
        r = self.pdns.kdig(APEX, "TXT", "+short")
        self.assertEqual(r.lines(), [f'"{SHIPPED_TXT}"'], r)

    def test_txt_over_tcp(self):
        r = self.pdns.dig(APEX, "TXT", "+tcp")
        self.assertEqual(r.status, "NOERROR", r)
        self.assertEqual([txt_strings(rr.rdata) for rr in r.answer], [[SHIPPED_TXT]], r)

    def test_txt_without_edns_fits_udp(self):
        r = self.pdns.dig(APEX, "TXT", "+noedns", "+ignore")
        self.assertEqual(r.status, "NOERROR", r)
        self.assertNotIn("tc", r.flags, r)
        self.assertEqual([txt_strings(rr.rdata) for rr in r.answer], [[SHIPPED_TXT]], r)
        self.assertLessEqual(r.msg_size, 512, r)

    def test_ns_set(self):
        r = self.pdns.dig(APEX, "NS")
        self.assertEqual(r.status, "NOERROR", r)
        self.assertEqual(sorted(rr.rdata for rr in r.answer), sorted(NS_NAMES), r)
        self.assertEqual({rr.ttl for rr in r.answer}, {NS_TTL}, r)
        self.assertEqual({rr.name for rr in r.answer}, {APEX_DOT}, r)

    def test_any_over_tcp_has_soa_ns_txt(self):
        r = self.pdns.dig(APEX, "ANY", "+tcp")
        self.assertEqual(r.status, "NOERROR", r)
        self.assertEqual(sorted(rr.type for rr in r.answer), ["NS", "NS", "SOA", "TXT"], r)
        txt = [rr for rr in r.answer if rr.type == "TXT"]
        self.assertEqual(txt_strings(txt[0].rdata), [SHIPPED_TXT], r)

    def test_any_over_udp_is_truncated(self):
        # Not ours: pdns's any-to-tcp=yes (default) answers every UDP ANY with TC=1 and no
        # records, so the client retries over TCP (docs/design.md, "What pdns expects").
        r = self.pdns.dig(APEX, "ANY", "+notcp", "+ignore")
        self.assertEqual(r.status, "NOERROR", r)
        self.assertIn("tc", r.flags, r)
        self.assertEqual(r.answer, [], r)

    def test_mixed_case_query(self):
        r = self.pdns.dig("SpF.CoNnEcToOr.CoM", "TXT")
        self.assertEqual(r.status, "NOERROR", r)
        self.assertEqual(len(r.answer), 1, r)
        self.assertTrue(same_name(r.answer[0].name, APEX), r)
        self.assertEqual(txt_strings(r.answer[0].rdata), [SHIPPED_TXT], r)

    def test_mixed_case_nxdomain(self):
        r = self.pdns.dig("NoNeXiStEnT.SpF.CoNnEcToOr.CoM", "TXT")
        self.assertEqual(r.status, "NXDOMAIN", r)

    def test_deeper_name_nxdomain(self):
        r = self.pdns.dig("a.b." + APEX, "TXT")
        self.assertEqual(r.status, "NXDOMAIN", r)
        self.assert_soa_in_authority(r)

    def test_wildcard_label_is_not_a_wildcard(self):
        # pdns probes `*.spf.connectoor.com.` itself; a literal query for it must not match.
        r = self.pdns.dig("*." + APEX, "TXT")
        self.assertEqual(r.status, "NXDOMAIN", r)

    def test_nxdomain_for_other_types(self):
        for qtype in ("A", "AAAA", "SOA", "NS"):
            with self.subTest(qtype=qtype):
                r = self.pdns.dig("mail." + APEX, qtype)
                self.assertEqual(r.status, "NXDOMAIN", r)

    def test_type_spf99_is_nodata(self):
        # The SPF RR type is deprecated (RFC 7208 §3.1): TXT only, type 99 gets NODATA.
        for qtype in ("SPF", "TYPE99"):
            with self.subTest(qtype=qtype):
                r = self.pdns.dig(APEX, qtype)
                self.assertEqual(r.status, "NOERROR", r)
                self.assertEqual(r.answer, [], r)
                self.assert_soa_in_authority(r)

    def test_other_apex_types_are_nodata(self):
        for qtype in ("AAAA", "MX", "CNAME", "DS", "DNSKEY", "CAA"):
            with self.subTest(qtype=qtype):
                r = self.pdns.dig(APEX, qtype)
                self.assertEqual(r.status, "NOERROR", r)
                self.assertEqual(r.answer, [], r)

    def test_out_of_zone_refused(self):
        for name in ("example.org", "connectoor.com", "www.connectoor.com"):
            with self.subTest(name=name):
                r = self.pdns.dig(name, "A")
                self.assertEqual(r.status, "REFUSED", r)

    def test_pdnsutil_list_zone(self):
        p = self.pdns.pdnsutil("list-zone", APEX)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        rows = [harness.parse_rr(line) for line in p.stdout.splitlines()
                if line.strip() and not line.startswith("$")]
        self.assertEqual(sorted(r.type for r in rows), ["NS", "NS", "SOA", "TXT"], p.stdout)
        for row in rows:
            self.assertTrue(same_name(row.name, APEX), p.stdout)
        txt = [r for r in rows if r.type == "TXT"][0]
        self.assertEqual((txt.ttl, txt_strings(txt.rdata)), (TXT_TTL, [SHIPPED_TXT]), p.stdout)
        self.assertEqual({r.rdata.rstrip(".") for r in rows if r.type == "NS"},
                         {n.rstrip(".") for n in NS_NAMES}, p.stdout)

    def test_pdnsutil_check_zone(self):
        p = self.pdns.pdnsutil("check-zone", APEX)
        out = p.stdout + p.stderr
        self.assertEqual(p.returncode, 0, out)
        self.assertRegex(out, r"\b0 errors, 0 warnings\b")

    def test_soa_serial_same_in_answer_and_axfr(self):
        soa = self.pdns.dig(APEX, "SOA").answer[0].rdata.split()[2]
        axfr = self.pdns.dig(APEX, "AXFR").records[0].rdata.split()[2]
        self.assertEqual(soa, axfr)


class TestServeUnix(ServeFull, harness.StackTestCase):
    connection = "unix"


class TestServeHttp(ServeFull, harness.StackTestCase):
    connection = "http"


class TestServeHttpPost(ServeCore, harness.StackTestCase):
    connection = "http-post"


class TestServeHttpPostJson(ServeCore, harness.StackTestCase):
    connection = "http-post-json"


# ----------------------------------------------------------------------------------------
# A sender list too long for one 255-octet character-string.

LONG_V4 = [f"198.51.100.{n}" for n in range(101, 136, 2)]  # 18 hosts, no two adjacent
LONG_V6 = ["2001:db8:10::/48", "2001:db8:20::/48", "2001:db8:abcd:1200::/56"]


def long_zone_text():
    """The shipped zone file with its senders replaced; the senders are written in the
    order the record lists them (IPv4 before IPv6, ascending), so the expected text does
    not depend on whether the backend sorts."""
    shipped = harness.read_repo_file("zones", "spf.connectoor.com.toml")
    head = shipped.split("[[senders]]", 1)[0]
    head = re.sub(r"(?m)^max_answer_octets\s*=.*$", "max_answer_octets = 512", head)
    blocks = [f'[[senders]]\nip4 = "{a}"\nnote = "test host {i}"\n'
              for i, a in enumerate(LONG_V4)]
    blocks += [f'[[senders]]\nip6 = "{n}"\nnote = "test network {i}"\n'
               for i, n in enumerate(LONG_V6)]
    return head + "\n".join(blocks)


def long_record_terms():
    v4 = sorted(LONG_V4, key=ipaddress.IPv4Address)
    v6 = sorted(LONG_V6, key=lambda n: ipaddress.IPv6Network(n).network_address)
    return ["v=spf1"] + [f"ip4:{a}" for a in v4] + [f"ip6:{n}" for n in v6] + ["~all"]


class TestLongRecord(harness.StackTestCase):
    connection = "unix"
    zones = staticmethod(lambda: {"spf.connectoor.com.toml": long_zone_text()})

    def strings(self, *options):
        r = self.pdns.dig(APEX, "TXT", *options)
        self.assertEqual(r.status, "NOERROR", r)
        self.assertEqual(len(r.answer), 1, r)  # still one TXT RR, just several strings
        return txt_strings(r.answer[0].rdata), r

    def test_record_needs_several_strings(self):
        strings, r = self.strings()
        self.assertGreaterEqual(len(strings), 2, r)
        for s in strings:
            self.assertLessEqual(len(s.encode()), 255, r)

    def test_strings_split_between_terms(self):
        strings, r = self.strings()
        terms = set(long_record_terms())
        for i, s in enumerate(strings):
            last = i == len(strings) - 1
            if not last:
                # the separating space stays at the end of the earlier string (RFC 7208 §3.3)
                self.assertTrue(s.endswith(" "), f"string {i} {s!r}\n{r}")
            self.assertFalse(s.startswith(" "), f"string {i} {s!r}\n{r}")
            self.assertNotIn("  ", s, r)
            for term in s.split():
                self.assertIn(term, terms, f"string {i} cuts a term: {term!r}\n{r}")

    def test_concatenation_is_the_record(self):
        strings, r = self.strings()
        self.assertEqual("".join(strings), " ".join(long_record_terms()), r)

    def test_without_edns_not_truncated(self):
        strings, r = self.strings("+noedns", "+ignore")
        self.assertNotIn("tc", r.flags, r)
        self.assertLessEqual(r.msg_size, 512, r)
        self.assertEqual("".join(strings), " ".join(long_record_terms()), r)

    def test_bufsize_512_not_truncated(self):
        strings, r = self.strings("+bufsize=512", "+ignore")
        self.assertNotIn("tc", r.flags, r)
        self.assertEqual("".join(strings), " ".join(long_record_terms()), r)

    def test_over_tcp(self):
        strings, r = self.strings("+tcp")
        self.assertEqual("".join(strings), " ".join(long_record_terms()), r)

    def test_kdig_agrees(self):
        dig_strings, _ = self.strings()
        r = self.pdns.kdig(APEX, "TXT", "+short")
        lines = r.lines()
        self.assertEqual(len(lines), 1, r)
        self.assertEqual(txt_strings(lines[0]), dig_strings, r)

    def test_axfr_has_the_same_strings(self):
        strings, _ = self.strings()
        r = self.pdns.dig(APEX, "AXFR")
        txt = [rr for rr in r.records if rr.type == "TXT"]
        self.assertEqual(len(txt), 1, r)
        self.assertEqual(txt_strings(txt[0].rdata), strings, r)

    def test_pdnsutil_check_zone(self):
        p = self.pdns.pdnsutil("check-zone", APEX)
        out = p.stdout + p.stderr
        self.assertEqual(p.returncode, 0, out)
        self.assertRegex(out, r"\b0 errors, 0 warnings\b")


if __name__ == "__main__":
    harness.main()
