// SPDX-License-Identifier: MIT
#include "dns/name.h"

#include <doctest/doctest.h>

using namespace spfd;

namespace {

// `count` octets of labels of at most 63 'a's joined by dots, the last label 'b'-terminated.
std::string name_of(std::size_t count) {
    std::string out;
    while (out.size() < count) {
        const std::size_t room = count - out.size();
        out.append(std::min<std::size_t>(room, 63), 'a');
        if (out.size() < count)
            out += '.';
    }
    out.back() = 'b';
    return out;
}

} // namespace

TEST_CASE("wire-encodable names: RFC 1035 limits, any octet, escapes") {
    CHECK(is_wire_encodable_name("example.com"));
    CHECK(is_wire_encodable_name("example.com."));
    CHECK(is_wire_encodable_name("."));
    CHECK(is_wire_encodable_name("a b.example")); // any octet
    CHECK(is_wire_encodable_name("-a.example"));  // no host-name rule
    CHECK(is_wire_encodable_name("*.example"));
    CHECK(is_wire_encodable_name(R"(a\.b.example)")); // an escaped dot stays in the label
    CHECK(is_wire_encodable_name(R"(a\000b)"));
    CHECK(is_wire_encodable_name(std::string(63, 'a')));
    CHECK(is_wire_encodable_name(name_of(253)));
    CHECK(is_wire_encodable_name(name_of(253) + "."));

    CHECK_FALSE(is_wire_encodable_name(""));
    CHECK_FALSE(is_wire_encodable_name(".."));
    CHECK_FALSE(is_wire_encodable_name("a..b"));
    CHECK_FALSE(is_wire_encodable_name(".a"));
    CHECK_FALSE(is_wire_encodable_name(R"(a\999)"));
    CHECK_FALSE(is_wire_encodable_name(R"(a\)"));
    CHECK_FALSE(is_wire_encodable_name(std::string(64, 'a')));
    CHECK_FALSE(is_wire_encodable_name(name_of(254)));
}

TEST_CASE("check_host domains: 1-253 octets, labels 1-63, nothing else") {
    CHECK(is_check_host_domain("example.com"));
    CHECK(is_check_host_domain("com")); // a single label passes
    CHECK(is_check_host_domain("a b.example"));
    CHECK(is_check_host_domain("_spf.example"));
    CHECK(is_check_host_domain(std::string(63, 'a')));
    CHECK(is_check_host_domain(name_of(253)));

    CHECK_FALSE(is_check_host_domain(""));
    CHECK_FALSE(is_check_host_domain("example.com.")); // unlike the wire rule
    CHECK_FALSE(is_check_host_domain("."));
    CHECK_FALSE(is_check_host_domain("a..b"));
    CHECK_FALSE(is_check_host_domain(".a"));
    CHECK_FALSE(is_check_host_domain(std::string(64, 'a')));
    CHECK_FALSE(is_check_host_domain(name_of(254)));
    // Escapes are not read: `\.` is two characters of one label.
    CHECK(is_check_host_domain(R"(a\.b)"));
    CHECK_FALSE(is_check_host_domain(R"(a\..b)"));
}

TEST_CASE("host names: RFC 1123 letters, digits, hyphens, in canonical form") {
    CHECK(parse_host_name("Spf.Connectoor.COM.").name == "spf.connectoor.com");
    CHECK(parse_host_name("ns1.example").ok());
    CHECK(parse_host_name("3com.example").ok());
    CHECK(parse_host_name("com").ok());
    CHECK(parse_host_name(name_of(253)).ok());
    CHECK(parse_host_name(name_of(253) + ".").ok()); // the final dot does not count

    CHECK(parse_host_name("").problem == "is empty");
    CHECK(parse_host_name(".").problem == "is empty");
    CHECK(parse_host_name(name_of(254)).problem == "is longer than 253 characters");
    CHECK(parse_host_name("a..b").problem ==
          "has a label of 0 characters (each must have 1 to 63)");
    CHECK(parse_host_name(std::string(64, 'a') + ".example").problem ==
          "has a label of 64 characters (each must have 1 to 63)");
    CHECK(parse_host_name("-a.example").problem == "has a label that starts or ends with '-'");
    CHECK(parse_host_name("a-.example").problem == "has a label that starts or ends with '-'");
    CHECK(parse_host_name("_spf.example").problem ==
          "has the character '_' (only letters, digits, '-' and '.')");
    CHECK(parse_host_name("a b.example").problem ==
          "has the character ' ' (only letters, digits, '-' and '.')");
    CHECK(parse_host_name("192.0.2.1").problem ==
          "has an all-numeric last label ('1'); a top-level domain has a letter (RFC 1123 §2.1)");
    CHECK(parse_host_name("x.").name == "x");
    CHECK(parse_host_name("bad_").name.empty());
}

TEST_CASE("SPF targets: host names with '_' allowed, at least two labels") {
    CHECK(parse_spf_target("_SPF.Provider.Example.").name == "_spf.provider.example");
    CHECK(parse_spf_target("spf.protection.outlook.com").ok());
    CHECK(parse_spf_target("example").problem ==
          "has one label only; an SPF target ends in '.' and a top-level label (RFC 7208 §7.1)");
    CHECK(parse_spf_target("%{d}.example").problem ==
          "has the character '%' (only letters, digits, '-', '_' and '.')");
    CHECK(parse_spf_target("a..example").problem ==
          "has a label of 0 characters (each must have 1 to 63)");
    CHECK(parse_spf_target("_spf.192").problem.starts_with("has an all-numeric last label"));
}

TEST_CASE("the three rules differ where the table in name.h says") {
    // Accepted by the wire rule only: final dot, root, any characters in a host name's place.
    CHECK(is_wire_encodable_name("example.com."));
    CHECK_FALSE(is_check_host_domain("example.com."));
    CHECK(parse_host_name("example.com.").ok());
    // Underscores: fine to query, not a host name.
    CHECK(is_wire_encodable_name("_spf.example"));
    CHECK(is_check_host_domain("_spf.example"));
    CHECK_FALSE(parse_host_name("_spf.example").ok());
    // An IPv4 literal is a name to the first two, not a host name.
    CHECK(is_check_host_domain("192.0.2.1"));
    CHECK_FALSE(parse_host_name("192.0.2.1").ok());
    // 254 octets of text need 256 on the wire: no rule takes them, final dot or not.
    CHECK_FALSE(is_wire_encodable_name(name_of(254) + "."));
    CHECK_FALSE(parse_host_name(name_of(254) + ".").ok());
}

TEST_CASE("at or below vs strictly below a zone") {
    CHECK(is_at_or_below("spf.example", "spf.example"));
    CHECK(is_at_or_below("a.spf.example", "spf.example"));
    CHECK(is_at_or_below("x.a.spf.example.", "spf.example."));
    CHECK_FALSE(is_at_or_below("xspf.example", "spf.example"));
    CHECK_FALSE(is_at_or_below("example", "spf.example"));

    CHECK_FALSE(is_strictly_below("spf.example", "spf.example"));
    CHECK(is_strictly_below("a.spf.example", "spf.example"));
    CHECK_FALSE(is_strictly_below("xspf.example", "spf.example"));
    CHECK_FALSE(is_strictly_below("example", "spf.example"));
}
