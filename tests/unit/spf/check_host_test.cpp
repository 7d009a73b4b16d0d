// SPDX-License-Identifier: MIT
#include "spf/check_host.h"
#include "support/fake_dns.h"

#include <doctest/doctest.h>

using namespace spfd;
using spfd::test::fake_dns;

namespace {

spf_evaluation run(fake_dns& dns, const std::string& ip, const std::string& domain,
                   const std::string& sender = "") {
    spf_request req;
    req.ip = boost::asio::ip::make_address(ip);
    req.sender = sender.empty() ? "user@" + domain : sender;
    req.helo = "mail.example.org";
    return check_host(dns, req, domain);
}

std::string result(fake_dns& dns, const std::string& ip, const std::string& domain) {
    return std::string(result_name(run(dns, ip, domain).result));
}

fake_dns ours() {
    fake_dns dns;
    dns.txt("spf.connectoor.com", "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip6:2a01:4f8::/48 ~all");
    return dns;
}

} // namespace

TEST_CASE("no record, one record, two records") {
    fake_dns dns = ours();
    dns.txt("none.test", "google-site-verification=abc");
    dns.txt("two.test", "v=spf1 -all").txt("two.test", "v=spf1 +all");
    CHECK(result(dns, "85.10.214.4", "none.test") == "none");
    CHECK(result(dns, "85.10.214.4", "missing.test") == "none");
    CHECK(run(dns, "85.10.214.4", "missing.test").void_lookups == 1);
    CHECK(result(dns, "85.10.214.4", "two.test") == "permerror");
    CHECK(result(dns, "85.10.214.4", "servfail.test") == "temperror");
    CHECK(result(dns, "85.10.214.4", "bad..name") == "none"); // §4.3
}

TEST_CASE("qualifiers, first match wins, default neutral") {
    fake_dns dns = ours();
    dns.txt("q.test", "v=spf1 -ip4:10.0.0.1 ~ip4:10.0.0.2 ?ip4:10.0.0.3 ip4:10.0.0.0/24 -all");
    dns.txt("n.test", "v=spf1 ip4:10.0.0.1");
    CHECK(result(dns, "10.0.0.1", "q.test") == "fail");
    CHECK(result(dns, "10.0.0.2", "q.test") == "softfail");
    CHECK(result(dns, "10.0.0.3", "q.test") == "neutral");
    CHECK(result(dns, "10.0.0.4", "q.test") == "pass");
    CHECK(result(dns, "10.0.1.4", "q.test") == "fail");
    CHECK(result(dns, "10.0.1.4", "n.test") == "neutral");
    CHECK(result(dns, "::ffff:10.0.0.4", "q.test") == "pass"); // IPv4-mapped is IPv4
}

TEST_CASE("include: pass matches, fail goes on, none is permerror") {
    fake_dns dns = ours();
    dns.txt("c.test", "v=spf1 include:spf.connectoor.com -all");
    dns.txt("bad.test", "v=spf1 include:nothing.test -all");
    const spf_evaluation e = run(dns, "85.10.214.4", "c.test");
    CHECK(result_name(e.result) == "pass");
    CHECK(e.lookups == 1);
    CHECK(e.void_lookups == 0);
    REQUIRE(e.includes.size() == 1);
    CHECK(e.includes[0].domain == "spf.connectoor.com");
    CHECK(e.includes[0].result == spf_result::pass);
    CHECK(result(dns, "192.0.2.1", "c.test") == "fail");
    CHECK(result(dns, "2a01:4f8:0:1::25", "c.test") == "pass");
    CHECK(result(dns, "85.10.214.4", "bad.test") == "permerror");
}

TEST_CASE("nothing after all is evaluated; redirect only without a match") {
    fake_dns dns = ours();
    dns.txt("late.test", "v=spf1 mx ~all include:spf.connectoor.com");
    dns.txt("r.test", "v=spf1 redirect=_spf.r.test");
    dns.txt("_spf.r.test", "v=spf1 include:spf.connectoor.com -all");
    dns.txt("ra.test", "v=spf1 ~all redirect=_spf.r.test");
    dns.add("late.test", dns_type::mx, "10 mx.late.test");
    dns.a("mx.late.test", "192.0.2.25");
    const spf_evaluation late = run(dns, "85.10.214.4", "late.test");
    CHECK(result_name(late.result) == "softfail");
    CHECK(late.lookups == 1);
    CHECK(late.includes.empty());
    CHECK(result(dns, "192.0.2.25", "late.test") == "pass");

    const spf_evaluation r = run(dns, "85.10.214.4", "r.test");
    CHECK(result_name(r.result) == "pass");
    CHECK(r.lookups == 2);
    CHECK(result(dns, "192.0.2.1", "r.test") == "fail");
    const spf_evaluation ra = run(dns, "85.10.214.4", "ra.test");
    CHECK(result_name(ra.result) == "softfail");
    CHECK(ra.lookups == 0);
}

TEST_CASE("a and mx with dual CIDR lengths") {
    fake_dns dns;
    dns.txt("m.test", "v=spf1 a/24//64 mx:mail.test/28 -all");
    dns.a("m.test", "198.51.100.10");
    dns.add("m.test", dns_type::aaaa, "2001:db8:1:2::1");
    dns.add("mail.test", dns_type::mx, "20 mx2.mail.test")
        .add("mail.test", dns_type::mx, "10 mx1.mail.test");
    dns.a("mx1.mail.test", "203.0.113.1").a("mx2.mail.test", "203.0.113.33");
    CHECK(result(dns, "198.51.100.200", "m.test") == "pass");
    CHECK(result(dns, "198.51.101.1", "m.test") == "fail");
    CHECK(result(dns, "2001:db8:1:2:ffff::1", "m.test") == "pass");
    CHECK(result(dns, "2001:db8:1:3::1", "m.test") == "fail");
    CHECK(result(dns, "203.0.113.14", "m.test") == "pass");
    CHECK(result(dns, "203.0.113.40", "m.test") == "pass");
    CHECK(result(dns, "203.0.113.50", "m.test") == "fail");
}

TEST_CASE("more than 10 MX names is permerror") {
    fake_dns dns;
    dns.txt("mx.test", "v=spf1 mx -all");
    for (int i = 0; i < 11; ++i)
        dns.add("mx.test", dns_type::mx, "10 m" + std::to_string(i) + ".mx.test");
    CHECK(result(dns, "192.0.2.1", "mx.test") == "permerror");
}

TEST_CASE("the 10-lookup limit counts nested terms and stops at the 11th") {
    fake_dns dns = ours();
    std::string big = "v=spf1";
    for (int i = 0; i < 5; ++i) {
        const std::string child = "c" + std::to_string(i) + ".big.test";
        dns.txt(child, "v=spf1 a:h" + std::to_string(i) + ".big.test -all");
        dns.a("h" + std::to_string(i) + ".big.test", "192.0.2." + std::to_string(100 + i));
        big += " include:" + child;
    }
    dns.txt("ten.test", big + " include:spf.connectoor.com -all"); // 5*2 + 1 = 11
    dns.txt("nine.test", "v=spf1 a:h0.big.test a:h1.big.test a:h2.big.test a:h3.big.test "
                         "a:h4.big.test a:h0.big.test a:h1.big.test a:h2.big.test "
                         "include:spf.connectoor.com -all"); // 9
    const spf_evaluation over = run(dns, "85.10.214.4", "ten.test");
    CHECK(result_name(over.result) == "permerror");
    CHECK(over.lookups == 11);
    const spf_evaluation early = run(dns, "192.0.2.100", "ten.test");
    CHECK(result_name(early.result) == "pass"); // matched before the limit
    CHECK(early.lookups == 2);
    const spf_evaluation nine = run(dns, "85.10.214.4", "nine.test");
    CHECK(result_name(nine.result) == "pass");
    CHECK(nine.lookups == 9);
}

TEST_CASE("void lookups: the third is permerror") {
    fake_dns dns = ours();
    dns.exists_name("empty.test");
    dns.txt("v.test",
            "v=spf1 a:gone1.test a:empty.test a:gone2.test include:spf.connectoor.com -all");
    dns.txt("v2.test", "v=spf1 a:gone1.test a:empty.test include:spf.connectoor.com -all");
    const spf_evaluation e = run(dns, "85.10.214.4", "v.test");
    CHECK(result_name(e.result) == "permerror");
    CHECK(e.void_lookups == 3);
    CHECK(e.lookups == 3);
    const spf_evaluation ok = run(dns, "85.10.214.4", "v2.test");
    CHECK(result_name(ok.result) == "pass");
    CHECK(ok.void_lookups == 2);
}

TEST_CASE("exists with macros, IPv4 and IPv6") {
    fake_dns dns;
    dns.txt("x.test", "v=spf1 exists:%{i}._ip.x.test -all");
    dns.a("4.214.10.85._ip.x.test", "127.0.0.2");
    dns.a("85.10.214.4._ip.x.test", "127.0.0.2");
    CHECK(result(dns, "85.10.214.4", "x.test") == "pass");
    CHECK(result(dns, "85.10.214.5", "x.test") == "fail");
    dns.txt("xr.test", "v=spf1 exists:%{ir}.%{v}._ip.x.test -all");
    dns.a("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._ip.x.test",
          "127.0.0.2");
    CHECK(result(dns, "2001:db8::1", "xr.test") == "pass");
    CHECK(result(dns, "2001:db8::2", "xr.test") == "fail");
}

TEST_CASE("ptr: validated names, suffix match, counted") {
    fake_dns dns;
    dns.txt("p.test", "v=spf1 ptr -all");
    dns.add("1.2.0.192.in-addr.arpa", dns_type::ptr, "host.p.test");
    dns.a("host.p.test", "192.0.2.1");
    dns.add("2.2.0.192.in-addr.arpa", dns_type::ptr, "host2.p.test"); // not validated
    dns.a("host2.p.test", "192.0.2.99");
    const spf_evaluation e = run(dns, "192.0.2.1", "p.test");
    CHECK(result_name(e.result) == "pass");
    CHECK(e.lookups == 1);
    CHECK(result(dns, "192.0.2.2", "p.test") == "fail");
    CHECK(result(dns, "192.0.2.3", "p.test") == "fail"); // no PTR
}

TEST_CASE("syntax errors are permerror") {
    fake_dns dns;
    dns.txt("s.test", "v=spf1 ip4:1.2.3 -all");
    dns.txt("s2.test", "v=spf1 redirect=a.test redirect=b.test");
    CHECK(result(dns, "192.0.2.1", "s.test") == "permerror");
    CHECK(result(dns, "192.0.2.1", "s2.test") == "permerror");
}

TEST_CASE("macro expansion (RFC 7208 §7.4 examples)") {
    macro_values v;
    v.sender = "strong-bad@email.example.com";
    v.domain = "email.example.com";
    v.helo = "mx.example.org";
    v.ip = boost::asio::ip::make_address("192.0.2.3");
    const auto x = [&](std::string_view s) { return expand_macros(s, v).value_or("<error>"); };
    CHECK(x("%{s}") == "strong-bad@email.example.com");
    CHECK(x("%{o}") == "email.example.com");
    CHECK(x("%{d}") == "email.example.com");
    CHECK(x("%{d4}") == "email.example.com");
    CHECK(x("%{d3}") == "email.example.com");
    CHECK(x("%{d2}") == "example.com");
    CHECK(x("%{d1}") == "com");
    CHECK(x("%{dr}") == "com.example.email");
    CHECK(x("%{d2r}") == "example.email");
    CHECK(x("%{l}") == "strong-bad");
    CHECK(x("%{l-}") == "strong.bad");
    CHECK(x("%{lr}") == "strong-bad");
    CHECK(x("%{lr-}") == "bad.strong");
    CHECK(x("%{l1r-}") == "strong");
    CHECK(x("%{ir}.%{v}._spf.%{d2}") == "3.2.0.192.in-addr._spf.example.com");
    CHECK(x("%{lr-}.lp._spf.%{d2}") == "bad.strong.lp._spf.example.com");
    CHECK(x("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}") ==
          "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
    CHECK(x("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}") == "3.2.0.192.in-addr.strong.lp._spf.example.com");
    CHECK(x("%{d2}.trusted-domains.example.net") == "example.com.trusted-domains.example.net");
    CHECK(x("%{h}") == "mx.example.org");
    CHECK(x("%{p}") == "unknown"); // check_host() fills in the validated name
    CHECK(x("%%%_%-") == "% %20");
    CHECK(x("%{S}") == "strong-bad%40email.example.com"); // upper case: URL-escaped
    CHECK(x("%{c}") == "<error>");                        // c only in exp
    CHECK(expand_macros("%{c}", v, true) == "192.0.2.3");
    v.ip = boost::asio::ip::make_address("2001:db8::cb01");
    CHECK(x("%{ir}.%{v}._spf.%{d2}") == "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0."
                                        "1.0.0.2.ip6._spf.example.com");
    v.sender = std::string(200, 'a') + "@" + std::string(60, 'b') + ".example";
    CHECK(x("%{l}.%{o}").size() <= 253);
}

TEST_CASE("%{p}: a validated name at or below the domain first, not counted as a term") {
    fake_dns dns;
    dns.txt("p7.test", "v=spf1 exists:%{p}.ok.p7.test -all");
    dns.add("42.2.0.192.in-addr.arpa", dns_type::ptr, "mx.other.test");
    dns.add("42.2.0.192.in-addr.arpa", dns_type::ptr, "mx.p7.test");
    dns.a("mx.other.test", "192.0.2.42").a("mx.p7.test", "192.0.2.42");
    dns.a("mx.p7.test.ok.p7.test", "127.0.0.2");
    const spf_evaluation e = run(dns, "192.0.2.42", "p7.test");
    CHECK(result_name(e.result) == "pass");
    CHECK(e.lookups == 1);
    CHECK(e.void_lookups == 0);
    dns.a("unknown.ok.p7.test", "127.0.0.2"); // no PTR: "unknown"
    CHECK(result(dns, "192.0.2.43", "p7.test") == "pass");
}

TEST_CASE("exp=: fetched and expanded for a fail only, errors give no explanation") {
    fake_dns dns;
    dns.txt("e.test", "v=spf1 ip4:192.0.2.1 -all exp=why.e.test");
    dns.txt("why.e.test", "%{c} is not allowed to send for %{d} (receiver %{r})");
    dns.txt("bad.test", "v=spf1 -all exp=bad-why.test");
    dns.txt("bad-why.test", "%{x} broken");
    dns.txt("r.test", "v=spf1 redirect=e.test exp=other.test");
    const spf_evaluation fail = run(dns, "192.0.2.9", "e.test");
    CHECK(result_name(fail.result) == "fail");
    CHECK(fail.explanation == "192.0.2.9 is not allowed to send for e.test (receiver unknown)");
    CHECK(run(dns, "192.0.2.1", "e.test").explanation.empty()); // pass
    CHECK(run(dns, "192.0.2.9", "bad.test").explanation.empty());
    // §6.2: after redirect= the target's exp= counts, the original's does not.
    CHECK(run(dns, "192.0.2.9", "r.test").explanation ==
          "192.0.2.9 is not allowed to send for e.test (receiver unknown)");
    spf_request req;
    req.ip = boost::asio::ip::make_address("192.0.2.9");
    req.sender = "a@e.test";
    req.receiver = "mx.receiver.test";
    CHECK(check_host(dns, req, "e.test").explanation.ends_with("(receiver mx.receiver.test)"));
}

TEST_CASE("the checked domain: MAIL FROM's, or HELO's for a bounce") {
    spf_request req;
    req.helo = "mail.example.org";
    CHECK(req.checked_domain() == "mail.example.org");
    req.sender = "a@b@example.com";
    CHECK(req.checked_domain() == "example.com");
    req.sender = "@example.net";
    CHECK(req.checked_domain() == "example.net");
}

TEST_CASE("the caching resolver asks each question once") {
    fake_dns dns = ours();
    dns.txt("c.test", "v=spf1 include:spf.connectoor.com -all");
    caching_resolver cache(dns);
    spf_request req;
    req.ip = boost::asio::ip::make_address("85.10.214.4");
    req.sender = "x@c.test";
    check_host(cache, req, "c.test");
    check_host(cache, req, "c.test");
    CHECK(dns.queries() == 2);
    CHECK(cache.queries() == 2);
}

TEST_CASE("mx_exchanges: by preference, normalized, null MX left out") {
    CHECK(mx_exchanges({"20 B.example.", "10 a.example", "0 ", "5"}) ==
          std::vector<std::string>{"a.example", "b.example"});
}
