// SPDX-License-Identifier: MIT
#include "net/ip_network.h"

#include <doctest/doctest.h>

using namespace spfd;

namespace {

std::string parsed(std::string_view text, ip_family family) {
    auto r = parse_network(text, family);
    if (const auto* e = std::get_if<network_parse_error>(&r))
        return "error: " + e->message;
    return std::get<ip_network>(r).to_string();
}

} // namespace

TEST_CASE("IPv4 senders are parsed strictly and printed without /32") {
    CHECK(parsed("85.10.214.4", ip_family::v4) == "85.10.214.4");
    CHECK(parsed("85.10.214.4/32", ip_family::v4) == "85.10.214.4");
    CHECK(parsed("85.10.214.0/24", ip_family::v4) == "85.10.214.0/24");
    CHECK(parsed("0.0.0.0/0", ip_family::v4) == "0.0.0.0/0");
    for (const char* bad : {"123.4.5.678/90", "1.2.3.4/33", "1.2.3", "1.2.3.4/032", "01.2.3.4",
                            "1.2.3.4.5", "1.2.3.4/", "1.2.3.4/a", "256.1.1.1", "1.2.3.4 ", "",
                            "0x1.2.3.4", "1.2.3.4/24/8", "-1.2.3.4"}) {
        CAPTURE(bad);
        CHECK(parsed(bad, ip_family::v4).starts_with("error: "));
    }
}

// Found by the zone fuzz target (tests/fuzz/regressions/zone/prefix-leading-zero-overflow.toml):
// the suggestion for a prefix with a leading zero was computed with std::stoul, which threw
// std::out_of_range past 20 digits; during a reload that ended the backend.
TEST_CASE("a prefix with a leading zero is refused with the digits to write, however long") {
    CHECK(parsed("1.2.3.0/024", ip_family::v4) ==
          "error: \"1.2.3.0/024\": the prefix length '/024' has a leading zero (RFC 7208 "
          "§5.6); write /24");
    CHECK(parsed("0.0.0.0/00", ip_family::v4).ends_with("write /0"));
    CHECK(parsed("1.2.3.0/099999999999999999999", ip_family::v4)
              .ends_with("has a leading zero (RFC 7208 §5.6); write /99999999999999999999"));
    CHECK(parsed("2001:db8::/0000000000000000000000000048", ip_family::v6).ends_with("write /48"));
}

TEST_CASE("IPv6 senders are printed in RFC 5952 form") {
    CHECK(parsed("2001:DB8:0:0:0:0:0:1", ip_family::v6) == "2001:db8::1");
    CHECK(parsed("2001:db8:0:0:1:0:0:1", ip_family::v6) == "2001:db8::1:0:0:1");
    CHECK(parsed("2001:0db8::0001/128", ip_family::v6) == "2001:db8::1");
    CHECK(parsed("2001:db8:0:1:0:0:0:0/64", ip_family::v6) == "2001:db8:0:1::/64");
    CHECK(parsed("2001:db8:1:1:1:1:0:1", ip_family::v6) == "2001:db8:1:1:1:1:0:1");
    for (const char* bad : {"::g", "2001:db8::1/129", "2001:db8::/048", "2001:db8::1/64",
                            "fe80::1%eth0", "::ffff:1.2.3.4", "1.2.3.4", "2001:db8:::1"}) {
        CAPTURE(bad);
        CHECK(parsed(bad, ip_family::v6).starts_with("error: "));
    }
}

TEST_CASE("messages tell the operator what to write instead") {
    CHECK(parsed("1.2.3.4/24", ip_family::v4) ==
          "error: \"1.2.3.4/24\": has host bits set after /24; write 1.2.3.0/24 for the whole "
          "network, or 1.2.3.4 for the single address");
    CHECK(parsed("2001:db8::1", ip_family::v4) ==
          "error: \"2001:db8::1\": is an IPv6 address where an IPv4 one is expected; write it as "
          "ip6 = \"2001:db8::1\"");
    CHECK(parsed("1.2.3.4", ip_family::v6).find("write it as ip4 = \"1.2.3.4\"") !=
          std::string::npos);
}

TEST_CASE("networks order IPv4 first, then numerically, wider first") {
    auto net = [](std::string_view t, ip_family f) {
        return std::get<ip_network>(parse_network(t, f));
    };
    CHECK(net("9.0.0.0/8", ip_family::v4) < net("10.0.0.0/8", ip_family::v4));
    CHECK(net("10.0.0.0/8", ip_family::v4) < net("10.0.0.0/9", ip_family::v4));
    CHECK(net("255.255.255.255", ip_family::v4) < net("::/0", ip_family::v6));
    CHECK(net("10.0.0.0/8", ip_family::v4).last() == 0x0affffffu);
    CHECK(net("85.10.214.4", ip_family::v4).to_mechanism() == "ip4:85.10.214.4");
    CHECK(net("2001:db8::/32", ip_family::v6).to_mechanism() == "ip6:2001:db8::/32");
}
