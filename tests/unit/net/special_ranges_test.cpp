// SPDX-License-Identifier: MIT
#include "net/special_ranges.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("special-purpose address space is recognised") {
    auto net = [](std::string_view t, ip_family f) {
        return std::get<ip_network>(parse_network(t, f));
    };
    CHECK(special_purpose(net("10.1.2.3", ip_family::v4)) == "private-use (RFC 1918)");
    CHECK(special_purpose(net("192.0.2.0/24", ip_family::v4)) ==
          "documentation, TEST-NET-1 (RFC 5737)");
    CHECK(special_purpose(net("127.0.0.1", ip_family::v4)) == "loopback (RFC 1122)");
    CHECK(special_purpose(net("8.0.0.0/7", ip_family::v4)) == std::nullopt);
    CHECK(special_purpose(net("0.0.0.0/0", ip_family::v4)).has_value()); // overlaps them all
    CHECK(special_purpose(net("85.10.214.4", ip_family::v4)) == std::nullopt);
    CHECK(special_purpose(net("fe80::1", ip_family::v6)) == "link-local (RFC 4291)");
    CHECK(special_purpose(net("2001:db8:1::/48", ip_family::v6)) == "documentation (RFC 3849)");
    CHECK(special_purpose(net("2a01:4f8::/32", ip_family::v6)) == std::nullopt);
}

TEST_CASE("a block is named when a network only touches it, from either side") {
    auto net = [](std::string_view t, ip_family f) {
        return std::get<ip_network>(parse_network(t, f));
    };
    CHECK(special_purpose(net("9.255.255.255", ip_family::v4)) == std::nullopt);
    CHECK(special_purpose(net("11.0.0.0", ip_family::v4)) == std::nullopt);
    CHECK(special_purpose(net("10.255.255.255", ip_family::v4)) == "private-use (RFC 1918)");
    CHECK(special_purpose(net("8.0.0.0/6", ip_family::v4)) == "private-use (RFC 1918)");
    CHECK(special_purpose(net("172.15.0.0/16", ip_family::v4)) == std::nullopt);
    CHECK(special_purpose(net("172.31.255.0/24", ip_family::v4)) == "private-use (RFC 1918)");
    CHECK(special_purpose(net("255.255.255.255", ip_family::v4)) == "reserved (RFC 1112)");
    CHECK(special_purpose(net("::1", ip_family::v6)) == "unspecified or loopback (RFC 4291)");
    CHECK(special_purpose(net("::2", ip_family::v6)) == std::nullopt);
    CHECK(special_purpose(net("ff02::1", ip_family::v6)) == "multicast (RFC 4291)");
    CHECK(special_purpose(net("fd00::/8", ip_family::v6)) == "unique-local (RFC 4193)");
}

TEST_CASE("IPv4 and IPv6 blocks never answer for each other") {
    auto net = [](std::string_view t, ip_family f) {
        return std::get<ip_network>(parse_network(t, f));
    };
    // ::a00:1 is 10.0.0.1 in the low bits, and ::/96 is not special beyond ::/127.
    CHECK(special_purpose(net("::a00:1", ip_family::v6)) == std::nullopt);
    CHECK(special_purpose(net("0.0.0.1", ip_family::v4)) == "\"this network\" (RFC 791)");
}
