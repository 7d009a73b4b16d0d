// SPDX-License-Identifier: MIT
#include "spf/record_parser.h"

#include <doctest/doctest.h>

using namespace spfd;

namespace {

// The first syntax error's message, or "" for a valid record.
std::string first_error(std::string_view record) {
    const spf_parse_result r = parse_spf(record);
    if (r.errors.empty())
        return "";
    return r.errors.front().message;
}

bool valid(std::string_view record) {
    return parse_spf(record).ok();
}

bool has_warning(const spf_parse_result& r, std::string_view needle) {
    for (const spf_finding& w : r.warnings)
        if (w.message.find(needle) != std::string::npos)
            return true;
    return false;
}

const spf_term& only_term(const spf_parse_result& r) {
    REQUIRE(r.errors.empty());
    REQUIRE(r.terms.size() == 1);
    return r.terms.front();
}

} // namespace

TEST_CASE("today's record parses into four terms") {
    const spf_parse_result r =
        parse_spf("v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip4:178.63.53.35 -all");
    REQUIRE(r.ok());
    CHECK(r.warnings.empty());
    REQUIRE(r.terms.size() == 4);
    CHECK(r.terms[0].kind == spf_term_kind::ip4);
    CHECK(r.terms[0].address.to_string() == "85.10.214.4");
    CHECK(r.terms[0].prefix_length() == 32);
    CHECK_FALSE(r.terms[0].ip4_cidr.has_value());
    CHECK(r.terms[0].qualifier == spf_qualifier::pass);
    CHECK_FALSE(r.terms[0].explicit_qualifier);
    CHECK(r.terms[0].offset == 7);
    CHECK(r.terms[0].text == "ip4:85.10.214.4");
    CHECK(r.terms[3].kind == spf_term_kind::all);
    CHECK(r.terms[3].qualifier == spf_qualifier::fail);
    CHECK(r.terms[3].explicit_qualifier);
    CHECK(r.terms[3].offset == 56);

    const spf_term_summary s = summarize_terms(r.terms);
    CHECK(s.querying_terms == 0);
    CHECK(s.reachable_lookups == 0);
    CHECK(s.all_index == 3u);
    CHECK(s.all_qualifier == spf_qualifier::fail);
    CHECK(s.mechanisms_after_all == 0);
    CHECK_FALSE(s.has_redirect);
    CHECK_FALSE(s.has_macros);
}

TEST_CASE("the version must be v=spf1 followed by a space or the end") {
    CHECK(is_spf_record("v=spf1"));
    CHECK(is_spf_record("v=spf1 -all"));
    CHECK(is_spf_record("V=SPF1 -ALL"));
    CHECK(is_spf_record("v=spf1    "));
    CHECK_FALSE(is_spf_record("v=spf10 -all"));
    CHECK_FALSE(is_spf_record("v=spf2.0/pra ip4:192.0.2.1 -all"));
    CHECK_FALSE(is_spf_record(" v=spf1 -all"));
    CHECK_FALSE(is_spf_record("v=spf1\t-all"));
    CHECK_FALSE(is_spf_record("v=spf"));
    CHECK_FALSE(is_spf_record(""));
    CHECK_FALSE(is_spf_record("google-site-verification=abc"));

    CHECK(valid("v=spf1"));
    CHECK(parse_spf("v=spf1").terms.empty());
    CHECK(valid("V=SPF1 IP4:192.0.2.1 -ALL"));

    const spf_parse_result missing = parse_spf("ip4:192.0.2.1 -all");
    CHECK_FALSE(missing.is_spf);
    CHECK_FALSE(missing.ok());
    CHECK(missing.terms.empty());
    REQUIRE(missing.errors.size() == 1);
    CHECK(missing.errors[0].term == "ip4:192.0.2.1");
    CHECK(missing.errors[0].message.find("not an SPF record") != std::string::npos);

    const spf_parse_result ten = parse_spf("v=spf10 -all");
    CHECK_FALSE(ten.is_spf);
    REQUIRE(ten.errors.size() == 1);
    CHECK(ten.errors[0].term == "v=spf10");
    CHECK(ten.errors[0].message.find("different version") != std::string::npos);

    CHECK_FALSE(parse_spf("").is_spf);
}

TEST_CASE("spaces: several between terms and trailing ones are allowed") {
    const spf_parse_result r = parse_spf("v=spf1  ip4:192.0.2.1   -all  ");
    REQUIRE(r.ok());
    REQUIRE(r.terms.size() == 2);
    CHECK(r.terms[0].offset == 8);
    CHECK(r.terms[1].offset == 24);
    CHECK(r.terms[1].text == "-all");
}

TEST_CASE("Google-style records: includes of per-family children") {
    const spf_parse_result top =
        parse_spf("v=spf1 include:_netblocks.google.com include:_netblocks2.google.com "
                  "include:_netblocks3.google.com ~all");
    REQUIRE(top.ok());
    REQUIRE(top.terms.size() == 4);
    CHECK(top.terms[0].kind == spf_term_kind::include);
    CHECK(top.terms[0].domain_spec == "_netblocks.google.com");
    CHECK(top.terms[3].qualifier == spf_qualifier::softfail);
    const spf_term_summary s = summarize_terms(top.terms);
    CHECK(s.includes == 3);
    CHECK(s.querying_terms == 3);
    CHECK(s.reachable_lookups == 3);

    const spf_parse_result child =
        parse_spf("v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20 "
                  "ip4:66.249.80.0/20 ip4:72.14.192.0/18 ip6:2001:4860:4000::/36 "
                  "ip6:2404:6800:4000::/36 ip6:2607:f8b0:4000::/36 ~all");
    REQUIRE(child.ok());
    CHECK(child.warnings.empty());
    REQUIRE(child.terms.size() == 9);
    CHECK(child.terms[1].ip4_cidr == 19u);
    CHECK(child.terms[5].kind == spf_term_kind::ip6);
    CHECK(child.terms[5].address.to_string() == "2001:4860:4000::");
    CHECK(child.terms[5].prefix_length() == 36);
    CHECK(summarize_terms(child.terms).querying_terms == 0);
}

TEST_CASE("Microsoft-style record: CIDRs of both families and one chained include") {
    const spf_parse_result r =
        parse_spf("v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/14 "
                  "ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 "
                  "include:spfd.protection.outlook.com -all");
    REQUIRE(r.ok());
    CHECK(r.warnings.empty());
    CHECK(r.terms.size() == 8);
    CHECK(summarize_terms(r.terms).reachable_lookups == 1);
}

TEST_CASE("a customer's record that includes ours") {
    const spf_parse_result r = parse_spf("v=spf1 a mx include:spf.connectoor.com ~all");
    REQUIRE(r.ok());
    REQUIRE(r.terms.size() == 4);
    CHECK(r.terms[0].kind == spf_term_kind::a);
    CHECK(r.terms[0].domain_spec.empty());
    CHECK(r.terms[1].kind == spf_term_kind::mx);
    const spf_term_summary s = summarize_terms(r.terms);
    CHECK(s.a == 1);
    CHECK(s.mx == 1);
    CHECK(s.includes == 1);
    CHECK(s.querying_terms == 3);
}

TEST_CASE("qualifiers") {
    const spf_parse_result r =
        parse_spf("v=spf1 +ip4:192.0.2.1 -ip4:192.0.2.2 ~ip4:192.0.2.3 ?ip4:192.0.2.4 -all");
    REQUIRE(r.ok());
    CHECK(r.terms[0].qualifier == spf_qualifier::pass);
    CHECK(r.terms[0].explicit_qualifier);
    CHECK(r.terms[1].qualifier == spf_qualifier::fail);
    CHECK(r.terms[2].qualifier == spf_qualifier::softfail);
    CHECK(r.terms[3].qualifier == spf_qualifier::neutral);
    CHECK(qualifier_char(spf_qualifier::pass) == '+');
    CHECK(qualifier_char(spf_qualifier::fail) == '-');
    CHECK(qualifier_char(spf_qualifier::softfail) == '~');
    CHECK(qualifier_char(spf_qualifier::neutral) == '?');

    // Not qualifiers: the term then does not start with a name.
    for (const char* bad : {"v=spf1 *all", "v=spf1 !include:example.com", "v=spf1 #all"}) {
        CAPTURE(bad);
        CHECK(first_error(bad).find("not a mechanism or modifier") != std::string::npos);
    }
    CHECK(first_error("v=spf1 -") == "a qualifier without a mechanism");
    CHECK(first_error("v=spf1 --all").find("unknown mechanism '-all'") != std::string::npos);
}

TEST_CASE("mechanism and modifier names are case-insensitive") {
    const spf_parse_result r =
        parse_spf("v=spf1 INCLUDE:example.com Ip4:192.0.2.1 MX A:example.org REDIRECT=x.example");
    REQUIRE(r.ok());
    CHECK(r.terms[0].kind == spf_term_kind::include);
    CHECK(r.terms[1].kind == spf_term_kind::ip4);
    CHECK(r.terms[2].kind == spf_term_kind::mx);
    CHECK(r.terms[3].kind == spf_term_kind::a);
    CHECK(r.terms[4].kind == spf_term_kind::redirect);
    CHECK(r.terms[4].domain_spec == "x.example");
}

TEST_CASE("every mechanism with its valid forms") {
    for (const char* good : {"v=spf1 all",
                             "v=spf1 include:example.com",
                             "v=spf1 include:example.com.",
                             "v=spf1 a",
                             "v=spf1 a:example.com",
                             "v=spf1 a/24",
                             "v=spf1 a//64",
                             "v=spf1 a/24//64",
                             "v=spf1 a:example.com/24//64",
                             "v=spf1 mx",
                             "v=spf1 mx:example.com",
                             "v=spf1 mx/0",
                             "v=spf1 ptr",
                             "v=spf1 ptr:example.com",
                             "v=spf1 ip4:192.0.2.1",
                             "v=spf1 ip4:0.0.0.0/0",
                             "v=spf1 ip6:::1",
                             "v=spf1 ip6:2001:db8::/32",
                             "v=spf1 ip6:::ffff:192.0.2.1",
                             "v=spf1 exists:example.com",
                             "v=spf1 redirect=example.com",
                             "v=spf1 exp=explain.example.com",
                             "v=spf1 include:_spf.example.co.uk",
                             "v=spf1 include:a-b.example.xn--p1ai",
                             "v=spf1 include:example.1-2"}) {
        CAPTURE(good);
        CHECK(first_error(good) == "");
    }
}

TEST_CASE("dual-cidr-length on a and mx") {
    const spf_term t = only_term(parse_spf("v=spf1 mx:example.com/24//64"));
    CHECK(t.kind == spf_term_kind::mx);
    CHECK(t.domain_spec == "example.com");
    CHECK(t.ip4_cidr == 24u);
    CHECK(t.ip6_cidr == 64u);

    const spf_term v6 = only_term(parse_spf("v=spf1 a//128"));
    CHECK(v6.domain_spec.empty());
    CHECK_FALSE(v6.ip4_cidr.has_value());
    CHECK(v6.ip6_cidr == 128u);

    const spf_term v4 = only_term(parse_spf("v=spf1 a:example.com/0"));
    CHECK(v4.ip4_cidr == 0u);
    CHECK_FALSE(v4.ip6_cidr.has_value());

    // A macro before the lengths.
    const spf_term m = only_term(parse_spf("v=spf1 a:%{d}/28"));
    CHECK(m.domain_spec == "%{d}");
    CHECK(m.has_macros);
    CHECK(m.ip4_cidr == 28u);

    CHECK(first_error("v=spf1 a/33").find("out of range /0 to /32") != std::string::npos);
    CHECK(first_error("v=spf1 a//129").find("out of range /0 to /128") != std::string::npos);
    CHECK(first_error("v=spf1 a/024").find("leading zero") != std::string::npos);
    CHECK(first_error("v=spf1 mx//064").find("leading zero") != std::string::npos);
    for (const char* bad : {"v=spf1 a/", "v=spf1 a//", "v=spf1 a/24/64", "v=spf1 a/24//",
                            "v=spf1 a///64", "v=spf1 a:example.com/24/64", "v=spf1 mx/x"}) {
        CAPTURE(bad);
        CHECK_FALSE(first_error(bad).empty());
    }
    CHECK(first_error("v=spf1 a:example.com/24/64").find("malformed dual-cidr-length '/24/64'") !=
          std::string::npos);
    CHECK(first_error("v=spf1 a:/24") == "empty domain after 'a:'");
    CHECK(first_error("v=spf1 mx:") == "empty domain after 'mx:'");
    CHECK_FALSE(first_error("v=spf1 ax").empty());
    CHECK(first_error("v=spf1 a!").find("unexpected '!'") != std::string::npos);
}

TEST_CASE("ip4 and ip6: strict addresses, host bits legal but reported") {
    const spf_term net = only_term(parse_spf("v=spf1 ip4:192.0.2.0/24"));
    CHECK(net.address.is_v4());
    CHECK(net.prefix_length() == 24);

    const spf_parse_result host_bits = parse_spf("v=spf1 ip4:192.0.2.1/24");
    REQUIRE(host_bits.ok());
    CHECK(host_bits.terms[0].address.to_string() == "192.0.2.1");
    CHECK(has_warning(host_bits, "receivers match 192.0.2.0/24"));

    const spf_parse_result v6_host_bits = parse_spf("v=spf1 ip6:2001:db8::1/64");
    REQUIRE(v6_host_bits.ok());
    CHECK(has_warning(v6_host_bits, "receivers match 2001:db8::/64"));

    const spf_term upper = only_term(parse_spf("v=spf1 IP6:2001:DB8::1"));
    CHECK(upper.address.to_string() == "2001:db8::1");
    CHECK(upper.prefix_length() == 128);

    CHECK(first_error("v=spf1 ip4:192.0.2.1/33") ==
          "the IPv4 prefix length /33 is out of range /0 to /32 (§5.6)");
    CHECK(first_error("v=spf1 ip6:2001:db8::/129") ==
          "the IPv6 prefix length /129 is out of range /0 to /128 (§5.6)");
    CHECK(first_error("v=spf1 ip4:192.0.2.0/024").find("leading zero") != std::string::npos);
    CHECK(first_error("v=spf1 ip6:2001:db8::/048").find("leading zero") != std::string::npos);
    CHECK(first_error("v=spf1 ip4:01.2.3.4").find("leading zero") != std::string::npos);
    CHECK(first_error("v=spf1 ip4:256.1.1.1").find("larger than 255") != std::string::npos);
    CHECK(first_error("v=spf1 ip4").find("ip4 needs an address") != std::string::npos);
    CHECK(first_error("v=spf1 ip6:").find("ip6 needs an address") != std::string::npos);
    for (const char* bad : {"v=spf1 ip4:192.0.2", "v=spf1 ip4:1.2.3.4.5", "v=spf1 ip4:192.0.2.1/",
                            "v=spf1 ip4:1.2.3.4/24/8", "v=spf1 ip4:1.2.3.4//64", "v=spf1 ip4:::1",
                            "v=spf1 ip4:0x1.2.3.4", "v=spf1 ip4:example.com", "v=spf1 ip6:1.2.3.4",
                            "v=spf1 ip6:fe80::1%eth0", "v=spf1 ip6:2001:db8:::1",
                            "v=spf1 ip6:2001:db8::g", "v=spf1 ip6:1:2:3:4:5:6:7:8:9",
                            "v=spf1 ip6:12345::1", "v=spf1 ip6:2001:db8::/", "v=spf1 ip4/24"}) {
        CAPTURE(bad);
        CHECK_FALSE(first_error(bad).empty());
    }
}

TEST_CASE("macros in domain-specs (RFC 7208 §7.4 examples)") {
    for (const char* spec : {"%{s}",
                             "%{o}",
                             "%{d}",
                             "%{d4}",
                             "%{d3}",
                             "%{d2}",
                             "%{d1}",
                             "%{dr}",
                             "%{d2r}",
                             "%{l}",
                             "%{l-}",
                             "%{lr}",
                             "%{lr-}",
                             "%{l1r-}",
                             "%{ir}.%{v}._spf.%{d2}",
                             "%{lr-}.lp._spf.%{d2}",
                             "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
                             "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
                             "%{d2}.trusted-domains.example.net",
                             "%{i}._ip.spf.connectoor.com",
                             "%{IR}.example.com",
                             "%{h}.example.com",
                             "%{l1r+-}._spf.%{d}",
                             "%{d2.-+,/_=}",
                             "a%%b.example.com",
                             "a%_b.example.com",
                             "a%-b.example.com",
                             "%{d}.example.com.",
                             "%{d128}"}) {
        CAPTURE(spec);
        const spf_parse_result r = parse_spf(std::string("v=spf1 exists:") + spec);
        CHECK(first_error(std::string("v=spf1 exists:") + spec) == "");
        REQUIRE(r.terms.size() == 1);
        CHECK(r.terms[0].has_macros);
        CHECK(r.terms[0].domain_spec == spec);
        CHECK_FALSE(check_macro_string(spec, macro_context::domain_spec).has_value());
    }
    const spf_parse_result r = parse_spf("v=spf1 include:%{i}._ip.spf.connectoor.com -all");
    REQUIRE(r.ok());
    CHECK(summarize_terms(r.terms).has_macros);
}

TEST_CASE("malformed macros and stray percent signs") {
    const auto err = [](std::string_view spec) {
        return first_error("v=spf1 include:" + std::string(spec));
    };
    CHECK(err("%foo.example.com").find("stray '%' before 'f'") != std::string::npos);
    CHECK(err("foo%.example.com").find("stray '%'") != std::string::npos);
    CHECK(err("example.com%").find("stray '%'") != std::string::npos);
    CHECK(err("%{x}.example.com").find("unknown macro letter 'x'") != std::string::npos);
    CHECK(err("%{d0}.example.com").find("must be nonzero") != std::string::npos);
    CHECK(err("%{d00r}.example.com").find("must be nonzero") != std::string::npos);
    CHECK(err("%{d.example.com").find("unterminated macro") != std::string::npos);
    CHECK(err("%{}.example.com").find("empty macro") != std::string::npos);
    CHECK(err("%{d2r!}.example.com").find("invalid '!'") != std::string::npos);
    CHECK(err("%{dr2}.example.com").find("invalid '2'") != std::string::npos);
    for (const char* exp_only : {"%{c}.example.com", "%{r}.example.com", "%{t}.example.com"}) {
        CAPTURE(exp_only);
        CHECK(err(exp_only).find("allowed only in explanation text") != std::string::npos);
    }
    CHECK(first_error("v=spf1 exp=%{c}.example.com").find("explanation") != std::string::npos);
}

TEST_CASE("explanation text may use c, r, t and spaces") {
    CHECK_FALSE(check_macro_string("%{c} is not one of %{d}'s designated mail servers.",
                                   macro_context::explanation)
                    .has_value());
    CHECK_FALSE(
        check_macro_string("See http://%{d}/why.html?s=%{S}&i=%{I}", macro_context::explanation)
            .has_value());
    CHECK(check_macro_string("%{c} sent at %{t}", macro_context::domain_spec).has_value());
    CHECK(check_macro_string("100% sure", macro_context::explanation).has_value());
    CHECK_FALSE(check_macro_string("", macro_context::any_letter).has_value());
    CHECK(check_macro_string("", macro_context::domain_spec).has_value());
}

TEST_CASE("domain-end: a top-level label or a macro") {
    const auto err = [](std::string_view spec) {
        return first_error("v=spf1 include:" + std::string(spec));
    };
    CHECK(err("example").find("is not a domain") != std::string::npos);
    CHECK(err("example.123").find("not a top-level label") != std::string::npos);
    CHECK(err("example.-com").find("not a top-level label") != std::string::npos);
    CHECK(err("example.com-").find("not a top-level label") != std::string::npos);
    CHECK(err("example.com..").find("not a top-level label") != std::string::npos);
    CHECK(err("example..com").find("empty label") != std::string::npos);
    CHECK(err(".example.com").find("empty label") != std::string::npos);
    CHECK(err("%{d}.").find("is not a domain") != std::string::npos);
    CHECK(err("%{d}com").find("is not a domain") != std::string::npos);
    CHECK(err(std::string(64, 'a') + ".com").find("label of 64 octets") != std::string::npos);
    CHECK(err(std::string(63, 'a') + ".com") == "");
    std::string long_name;
    for (int i = 0; i < 5; ++i)
        long_name += std::string(60, 'a') + ".";
    CHECK(err(long_name + "com").find("at most 253") != std::string::npos);
    CHECK(err("exämple.com").find("the octet 0xc3") != std::string::npos);
}

TEST_CASE("include and exists need a domain") {
    CHECK(first_error("v=spf1 include:") == "include:: the domain is empty");
    CHECK(first_error("v=spf1 include").find("include needs a domain") != std::string::npos);
    CHECK(first_error("v=spf1 exists").find("exists needs a domain") != std::string::npos);
    CHECK(first_error("v=spf1 include/24").find("include needs a domain") != std::string::npos);
    CHECK(first_error("v=spf1 exists:example.com/24").find("not a top-level label") !=
          std::string::npos);
    CHECK(first_error("v=spf1 all:example.com") == "'all' takes no argument");
    CHECK(first_error("v=spf1 all/24") == "'all' takes no argument");
    CHECK(first_error("v=spf1 ptr/24") == "'ptr' takes only an optional ':<domain>'");
}

TEST_CASE("unknown mechanisms are errors, with a hint for modifiers written as mechanisms") {
    CHECK(first_error("v=spf1 foo:example.com") == "unknown mechanism 'foo' (§5)");
    CHECK(first_error("v=spf1 ip5:192.0.2.1").find("unknown mechanism 'ip5'") != std::string::npos);
    CHECK(first_error("v=spf1 spf2:example.com").find("unknown mechanism") != std::string::npos);
    CHECK(first_error("v=spf1 redirect:example.com").find("did you mean 'redirect='") !=
          std::string::npos);
    CHECK(first_error("v=spf1 exp:example.com").find("did you mean 'exp='") != std::string::npos);
    CHECK(first_error("v=spf1 :example.com").find("not a mechanism or modifier") !=
          std::string::npos);
}

TEST_CASE("modifiers: redirect and exp at most once, unknown ones ignored") {
    const spf_parse_result r = parse_spf("v=spf1 ip4:192.0.2.1 redirect=_spf.example.com "
                                         "exp=explain.%{d} foo=bar foo=baz x-y_z.1=");
    REQUIRE(r.ok());
    REQUIRE(r.terms.size() == 6);
    CHECK(r.terms[1].kind == spf_term_kind::redirect);
    CHECK(r.terms[1].domain_spec == "_spf.example.com");
    CHECK(r.terms[1].is_modifier());
    CHECK(r.terms[2].kind == spf_term_kind::exp);
    CHECK(r.terms[2].has_macros);
    CHECK(r.terms[3].kind == spf_term_kind::unknown_modifier);
    CHECK(r.terms[3].modifier_name == "foo");
    CHECK(r.terms[3].modifier_value == "bar");
    CHECK(r.terms[5].modifier_name == "x-y_z.1");
    CHECK(r.terms[5].modifier_value.empty());

    const spf_parse_result twice = parse_spf("v=spf1 redirect=a.example redirect=b.example");
    CHECK_FALSE(twice.ok());
    REQUIRE(twice.errors.size() == 1);
    CHECK(twice.errors[0].term == "redirect=b.example");
    CHECK(twice.errors[0].offset == 26);
    CHECK(twice.errors[0].message.find("more than once") != std::string::npos);

    CHECK(first_error("v=spf1 exp=a.example EXP=b.example").find("exp= appears more than once") !=
          std::string::npos);
    // The first one malformed still counts.
    CHECK(parse_spf("v=spf1 redirect=bad redirect=b.example").errors.size() == 2);

    CHECK(first_error("v=spf1 redirect=").find("the domain is empty") != std::string::npos);
    CHECK(first_error("v=spf1 -redirect=example.com").find("a modifier takes no qualifier") !=
          std::string::npos);
    CHECK(first_error("v=spf1 1foo=bar").find("invalid modifier name") != std::string::npos);
    CHECK(first_error("v=spf1 =bar").find("invalid modifier name") != std::string::npos);
    CHECK(first_error("v=spf1 foo=%").find("stray '%'") != std::string::npos);
    CHECK(first_error("v=spf1 foo=%{c}") == ""); // never expanded: any letter
}

TEST_CASE("warnings for legal but harmful or useless terms") {
    CHECK(has_warning(parse_spf("v=spf1 ptr -all"), "ptr SHOULD NOT"));
    CHECK(has_warning(parse_spf("v=spf1 +all"), "passes mail from every host"));
    CHECK(has_warning(parse_spf("v=spf1 all"), "passes mail from every host"));
    CHECK_FALSE(has_warning(parse_spf("v=spf1 ?all"), "passes mail"));
    CHECK(has_warning(parse_spf("v=spf1 exists:%{p}.example.com"), "p macro"));

    const spf_parse_result after = parse_spf("v=spf1 -all ip4:192.0.2.1 exp=x.example");
    REQUIRE(after.ok());
    REQUIRE(after.warnings.size() == 1);
    CHECK(after.warnings[0].term == "ip4:192.0.2.1");
    CHECK(after.warnings[0].message.find("never evaluated") != std::string::npos);

    const spf_parse_result both = parse_spf("v=spf1 redirect=_spf.example.com ~all");
    REQUIRE(both.ok());
    CHECK(has_warning(both, "ignored: the record has an 'all' mechanism"));

    CHECK(
        has_warning(parse_spf("v=spf1 include=_spf.example.com -all"), "did you mean 'include:'"));
}

TEST_CASE("characters outside visible ASCII are errors") {
    const spf_parse_result tab = parse_spf("v=spf1 ip4:192.0.2.1\t-all");
    REQUIRE(tab.errors.size() == 1);
    CHECK(tab.errors[0].message.find("a tab") != std::string::npos);
    CHECK(first_error("v=spf1 ip4:192.0.2.1\n-all").find("0x0a") != std::string::npos);
}

TEST_CASE("every error is reported, and the good terms are kept") {
    const spf_parse_result r =
        parse_spf("v=spf1 foo ip4:192.0.2.1/33 include: a:example.com -all redirect=x.example "
                  "redirect=y.example");
    CHECK(r.is_spf);
    CHECK_FALSE(r.ok());
    REQUIRE(r.errors.size() == 4);
    CHECK(r.errors[0].term == "foo");
    CHECK(r.errors[0].offset == 7);
    CHECK(r.errors[1].term == "ip4:192.0.2.1/33");
    CHECK(r.errors[2].term == "include:");
    CHECK(r.errors[3].term == "redirect=y.example");
    REQUIRE(r.terms.size() == 3);
    CHECK(r.terms[0].kind == spf_term_kind::a);
    CHECK(r.terms[1].kind == spf_term_kind::all);
    CHECK(r.terms[2].kind == spf_term_kind::redirect);
}

TEST_CASE("summary: lookups as written and as an evaluation reaches them") {
    const spf_parse_result r =
        parse_spf("v=spf1 a mx ptr exists:%{i}.x.example include:a.example -all "
                  "include:b.example redirect=c.example exp=d.example");
    REQUIRE(r.ok());
    const spf_term_summary s = summarize_terms(r.terms);
    CHECK(s.querying_terms == 7);
    CHECK(s.reachable_lookups == 5);
    CHECK(s.includes == 2);
    CHECK(s.a == 1);
    CHECK(s.mx == 1);
    CHECK(s.ptr == 1);
    CHECK(s.exists == 1);
    CHECK(s.all_index == 5u);
    CHECK(s.all_qualifier == spf_qualifier::fail);
    CHECK(s.mechanisms_after_all == 1);
    CHECK(s.has_redirect);
    CHECK(s.redirect_ignored);
    CHECK(s.has_exp);
    CHECK(s.has_macros);

    const spf_term_summary redirect_only =
        summarize_terms(parse_spf("v=spf1 include:a.example redirect=b.example").terms);
    CHECK(redirect_only.reachable_lookups == 2);
    CHECK_FALSE(redirect_only.redirect_ignored);
    CHECK_FALSE(redirect_only.all_index.has_value());

    CHECK(summarize_terms({}).querying_terms == 0);
}

TEST_CASE("which terms cost a DNS lookup (§4.6.4)") {
    for (const auto k : {spf_term_kind::include, spf_term_kind::a, spf_term_kind::mx,
                         spf_term_kind::ptr, spf_term_kind::exists, spf_term_kind::redirect})
        CHECK(costs_dns_lookup(k));
    for (const auto k : {spf_term_kind::all, spf_term_kind::ip4, spf_term_kind::ip6,
                         spf_term_kind::exp, spf_term_kind::unknown_modifier})
        CHECK_FALSE(costs_dns_lookup(k));
}

TEST_CASE("a term's kind from its name alone") {
    CHECK(term_kind_of("include:x.example") == spf_term_kind::include);
    CHECK(term_kind_of("-MX/24") == spf_term_kind::mx);
    CHECK(term_kind_of("?a") == spf_term_kind::a);
    CHECK(term_kind_of("Redirect=r.example") == spf_term_kind::redirect);
    CHECK(term_kind_of("exp=e.example") == spf_term_kind::exp);
    CHECK(term_kind_of("v=spf1") == spf_term_kind::unknown_modifier);
    CHECK(term_kind_of("a=b") == spf_term_kind::unknown_modifier);
    CHECK_FALSE(term_kind_of("aa").has_value());
    CHECK_FALSE(term_kind_of("redirect:r.example").has_value());
}

TEST_CASE("term kind names") {
    CHECK(term_kind_name(spf_term_kind::include) == "include");
    CHECK(term_kind_name(spf_term_kind::ip6) == "ip6");
    CHECK(term_kind_name(spf_term_kind::redirect) == "redirect");
    CHECK(term_kind_name(spf_term_kind::unknown_modifier) == "unknown-modifier");
    spf_term t;
    t.kind = spf_term_kind::exists;
    CHECK(t.is_mechanism());
    t.kind = spf_term_kind::exp;
    CHECK(t.is_modifier());
    CHECK(t.prefix_length() == 0);
}
