// SPDX-License-Identifier: MIT
#include "spf/client_names.h"
#include "support/fake_dns.h"

#include <doctest/doctest.h>

using namespace spfd;
using spfd::test::fake_dns;

namespace {
boost::asio::ip::address ip(const char* text) {
    return boost::asio::ip::make_address(text);
}
} // namespace

TEST_CASE("%{i} and the reverse name of IPv4 and IPv6") {
    CHECK(ip_macro_text(ip("192.0.2.3")) == "192.0.2.3");
    CHECK(ip_macro_text(ip("2001:db8::cb01")) ==
          "2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1");
    CHECK(reverse_dns_name(ip("192.0.2.3")) == "3.2.0.192.in-addr.arpa");
    CHECK(reverse_dns_name(ip("2001:db8::cb01")) ==
          "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

TEST_CASE("validated names: forward-confirmed, at most ten examined, errors skip") {
    fake_dns dns;
    const std::string rev = "1.2.0.192.in-addr.arpa";
    dns.add(rev, dns_type::ptr, "a.servfail.test"); // address lookup fails: skipped
    dns.add(rev, dns_type::ptr, "wrong.test");      // does not point back
    dns.a("wrong.test", "192.0.2.99");
    for (int k = 0; k < 9; ++k) {
        const std::string name = "h" + std::to_string(k) + ".test";
        dns.add(rev, dns_type::ptr, name);
        dns.a(name, "192.0.2.1");
    }
    // Eleven names: the last one is not examined.
    CHECK(validated_names(dns, ip("192.0.2.1")).size() == 8);
    CHECK(validated_names(dns, ip("192.0.2.7")).empty());
}

TEST_CASE("%{p}: the domain itself, else a subdomain, else the first, else unknown") {
    const std::vector<std::string> names = {"mx.other.test", "mx.e.test", "e.test"};
    CHECK(pick_validated_name(names, "e.test") == "e.test");
    CHECK(pick_validated_name({"mx.other.test", "mx.e.test"}, "e.test") == "mx.e.test");
    CHECK(pick_validated_name({"mx.other.test"}, "e.test") == "mx.other.test");
    CHECK(pick_validated_name({}, "e.test") == "unknown");
    CHECK(is_same_or_subdomain("a.e.test", "e.test"));
    CHECK_FALSE(is_same_or_subdomain("ae.test", "e.test"));
}
