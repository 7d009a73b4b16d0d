#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: an independent SPF implementation (Debian's pyspf 2.0.14 with dnspython)
judges mail from customer domains that `include:spf.connectoor.com`, resolving everything
through one real pdns_server: the customer zones come from pdns's bind backend, our zone
from spf-backend (launch=bind,remote).

Run alone:  /usr/bin/python3 tests/integration/test_judge.py [--binary PATH]
"""

import os
import sys
import warnings

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX, SHIPPED_SENDERS, SHIPPED_TXT  # noqa: E402

try:
    import dns.resolver
    import spf  # /usr/lib/python3/dist-packages/spf.py (python3-spf)
except ImportError as e:  # the pyenv python3 on PATH lacks Debian's modules
    raise SystemExit(f"{e}: run this with /usr/bin/python3 (python3-spf, python3-dnspython)")

UNLISTED_V4 = "192.0.2.1"
UNLISTED_V6 = "2001:db8::1"
CUSTOMER_MX_IP = "192.0.2.25"


def zone_file(origin, txt, extra=""):
    return f"""$ORIGIN {origin}.
$TTL 300
@    IN SOA ns1.{origin}. hostmaster.{origin}. 2026010101 3600 600 1209600 300
@    IN NS  ns1.{origin}.
@    IN TXT "{txt}"
ns1  IN A   127.0.0.1
{extra}"""


# A customer with nothing of their own, only us.
CUSTOMER = "customer.test"
CUSTOMER_TXT = f"v=spf1 include:{APEX} -all"
# A typical customer: their own MX, then us, softfail for the rest.
MX_CUSTOMER = "mx-customer.test"
MX_CUSTOMER_TXT = f"v=spf1 mx include:{APEX} ~all"


class TestJudge(harness.StackTestCase):
    connection = "unix"
    bind_zones = {
        CUSTOMER: zone_file(CUSTOMER, CUSTOMER_TXT, "mx   IN A   192.0.2.25\n"),
        MX_CUSTOMER: zone_file(MX_CUSTOMER, MX_CUSTOMER_TXT,
                               f"@    IN MX  10 mx.{MX_CUSTOMER}.\n"
                               f"mx   IN A   {CUSTOMER_MX_IP}\n"),
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # pyspf looks names up with dns.resolver.query(), i.e. through dnspython's default
        # resolver: point that at our pdns only, never at /etc/resolv.conf.
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = ["127.0.0.1"]
        resolver.port = cls.pdns.port
        resolver.timeout = 3
        resolver.lifetime = 5
        cls._saved_resolver = dns.resolver.default_resolver
        dns.resolver.default_resolver = resolver
        cls.addClassCleanup(setattr, dns.resolver, "default_resolver", cls._saved_resolver)
        # dnspython 2.x warns that query() is deprecated in favour of resolve().
        warnings.filterwarnings("ignore", category=DeprecationWarning)

    def judge(self, ip, domain):
        result, explanation = spf.check2(i=ip, s=f"user@{domain}", h=f"mx.{domain}", timeout=10)
        return result, explanation

    def assertJudged(self, ip, domain, expected):
        result, explanation = self.judge(ip, domain)
        self.assertEqual(result, expected, f"{ip} sending for {domain}: {explanation}")

    def test_resolver_reaches_our_pdns(self):
        # Guards the setup: both backends answer through the resolver pyspf uses.
        ours = dns.resolver.get_default_resolver().resolve(APEX, "TXT")
        self.assertEqual([b"".join(r.strings).decode() for r in ours], [SHIPPED_TXT])
        theirs = dns.resolver.get_default_resolver().resolve(CUSTOMER, "TXT")
        self.assertEqual([b"".join(r.strings).decode() for r in theirs], [CUSTOMER_TXT])

    def test_listed_senders_pass_for_customer(self):
        for ip in SHIPPED_SENDERS:
            with self.subTest(ip=ip):
                self.assertJudged(ip, CUSTOMER, "pass")

    def test_unlisted_ipv4_fails_for_customer(self):
        # our ~all does not match inside an include, so the customer's -all decides
        self.assertJudged(UNLISTED_V4, CUSTOMER, "fail")

    def test_unlisted_ipv6_fails_for_customer(self):
        self.assertJudged(UNLISTED_V6, CUSTOMER, "fail")

    def test_neighbour_of_listed_sender_fails(self):
        # /32 means exactly that address
        self.assertJudged("85.10.214.5", CUSTOMER, "fail")

    def test_listed_senders_pass_directly(self):
        for ip in SHIPPED_SENDERS:
            with self.subTest(ip=ip):
                self.assertJudged(ip, APEX, "pass")

    def test_unlisted_softfails_directly(self):
        for ip in (UNLISTED_V4, UNLISTED_V6):
            with self.subTest(ip=ip):
                self.assertJudged(ip, APEX, "softfail")

    def test_customer_with_own_mx(self):
        self.assertJudged(CUSTOMER_MX_IP, MX_CUSTOMER, "pass")
        self.assertJudged(SHIPPED_SENDERS[0], MX_CUSTOMER, "pass")
        self.assertJudged(UNLISTED_V4, MX_CUSTOMER, "softfail")

    def test_name_below_our_zone_has_no_policy(self):
        # NXDOMAIN below the zone: no SPF record at all
        self.assertJudged(SHIPPED_SENDERS[0], "nonexistent." + APEX, "none")


if __name__ == "__main__":
    harness.main()
