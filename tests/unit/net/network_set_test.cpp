// SPDX-License-Identifier: MIT
#include "net/network_set.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <random>

using namespace spfd;

namespace {

std::vector<ip_network> nets(std::initializer_list<std::string_view> texts) {
    std::vector<ip_network> out;
    for (std::string_view t : texts) {
        const auto family = t.find(':') == std::string_view::npos ? ip_family::v4 : ip_family::v6;
        out.push_back(std::get<ip_network>(parse_network(t, family)));
    }
    return out;
}

std::vector<std::string> texts(const std::vector<ip_network>& n) {
    std::vector<std::string> out;
    for (const auto& x : n)
        out.push_back(x.to_string());
    return out;
}

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("today's senders stay as they are, sorted numerically") {
    CHECK(texts(aggregate(nets({"178.63.53.35", "85.10.214.4", "176.9.5.158"}))) ==
          strings{"85.10.214.4", "176.9.5.158", "178.63.53.35"});
}

TEST_CASE("adjacent networks merge into the fewest CIDRs") {
    CHECK(texts(aggregate(nets({"10.0.0.0", "10.0.0.1"}))) == strings{"10.0.0.0/31"});
    CHECK(texts(aggregate(nets({"10.0.0.1", "10.0.0.2"}))) == strings{"10.0.0.1", "10.0.0.2"});
    CHECK(texts(aggregate(nets({"10.0.0.0/25", "10.0.0.128/25", "10.0.1.0/24"}))) ==
          strings{"10.0.0.0/23"});
    CHECK(texts(aggregate(nets({"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"}))) ==
          strings{"10.0.0.1", "10.0.0.2/31", "10.0.0.4"});
    CHECK(texts(aggregate(nets({"2001:db8::/33", "2001:db8:8000::/33"}))) ==
          strings{"2001:db8::/32"});
}

TEST_CASE("covered networks disappear and are reported") {
    const auto input = nets({"85.10.214.4", "85.10.214.0/24", "85.10.214.200/29"});
    CHECK(texts(aggregate(input)) == strings{"85.10.214.0/24"});
    const auto covered = find_covered(input);
    REQUIRE(covered.size() == 2);
    CHECK(covered[0].index == 0);
    CHECK(covered[0].covered_by == 1);
    CHECK(covered[1].index == 2);
    CHECK(covered[1].covered_by == 1);
    CHECK(find_covered(nets({"10.0.0.0/31", "10.0.0.2/31"})).empty());
}

TEST_CASE("IPv4 comes before IPv6 and the edges of the address space work") {
    CHECK(texts(aggregate(nets({"2001:db8::1", "0.0.0.0/1", "128.0.0.0/1", "255.255.255.255"}))) ==
          strings{"0.0.0.0/0", "2001:db8::1"});
    CHECK(texts(aggregate(nets({"::/1", "8000::/1"}))) == strings{"::/0"});
    CHECK(texts(aggregate(nets({"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
                                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}))) ==
          strings{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127"});
}

TEST_CASE("the same set in any order gives the same list") {
    std::vector<ip_network> input;
    std::mt19937 random(7);
    for (int i = 0; i < 300; ++i) {
        const auto a = static_cast<std::uint32_t>(random()) & 0x0a0000ffu; // many neighbours
        input.push_back(ip_network::from_integer(ip_family::v4, a, 32));
    }
    std::sort(input.begin(), input.end());
    input.erase(std::unique(input.begin(), input.end()), input.end());
    const auto expected = texts(aggregate(input));
    for (int round = 0; round < 5; ++round) {
        std::shuffle(input.begin(), input.end(), random);
        CHECK(texts(aggregate(input)) == expected);
    }
    // The result covers exactly the input addresses: count them.
    uint128 covered = 0;
    for (const auto& n : aggregate(input))
        covered += n.last() - n.first() + 1;
    CHECK(covered == input.size());
}

TEST_CASE("subtract: an address joined into a /31 is not taken away") {
    const auto before = nets({"85.10.214.4", "176.9.5.158"});
    const auto after = aggregate(nets({"85.10.214.4", "85.10.214.5", "176.9.5.158"}));
    CHECK(texts(after) == strings{"85.10.214.4/31", "176.9.5.158"});
    CHECK(texts(subtract(before, after)).empty());
    CHECK(texts(subtract(after, before)) == strings{"85.10.214.5"});
}

TEST_CASE("subtract: one address out of the middle of a range leaves the fewest CIDRs") {
    const auto before = nets({"10.0.0.0/24"});
    const auto after =
        aggregate(nets({"10.0.0.0/26", "10.0.0.64/27", "10.0.0.96/28", "10.0.0.112/29",
                        "10.0.0.120/30", "10.0.0.124/31", "10.0.0.126", "10.0.0.128/25"}));
    CHECK(texts(subtract(before, after)) == strings{"10.0.0.127"});
    CHECK(texts(subtract(after, before)).empty());
    CHECK(texts(subtract(nets({"10.0.0.0/24"}), nets({"10.0.0.64/26"}))) ==
          strings{"10.0.0.0/26", "10.0.0.128/25"});
}

TEST_CASE("subtract: IPv6, both families, overlapping and unsorted inputs") {
    CHECK(texts(subtract(nets({"2001:db8::/47"}), nets({"2001:db8:1::/48"}))) ==
          strings{"2001:db8::/48"});
    CHECK(texts(subtract(nets({"2001:db8::/127"}), nets({"2001:db8::1"}))) ==
          strings{"2001:db8::"});
    CHECK(texts(subtract(nets({"2001:db8::/48", "10.0.0.0/31", "10.0.0.1"}),
                         nets({"10.0.0.0", "2001:db8::/32"}))) == strings{"10.0.0.1"});
    // The same address in the other family is another address.
    CHECK(texts(subtract(nets({"10.0.0.1"}), nets({"::a00:1"}))) == strings{"10.0.0.1"});
}

TEST_CASE("subtract: the edges of the address space and empty sides") {
    CHECK(texts(subtract(nets({"0.0.0.0/0"}), nets({"0.0.0.0", "255.255.255.255"}))).size() == 62);
    CHECK(texts(subtract(nets({"0.0.0.0/0"}), nets({"0.0.0.0/1"}))) == strings{"128.0.0.0/1"});
    CHECK(texts(subtract(nets({"::/0"}), nets({"::/0"}))).empty());
    CHECK(texts(subtract(nets({"::/0"}), nets({"8000::/1"}))) == strings{"::/1"});
    CHECK(texts(subtract({}, nets({"10.0.0.0/8"}))).empty());
    CHECK(texts(subtract(nets({"10.0.0.0/8", "2001:db8::/32"}), {})) ==
          strings{"10.0.0.0/8", "2001:db8::/32"});
}

TEST_CASE("subtract agrees with a per-address check on random sets") {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        std::vector<ip_network> a, b;
        for (auto* side : {&a, &b})
            for (int i = std::uniform_int_distribution<int>(0, 6)(rng); i > 0; --i) {
                const unsigned prefix = std::uniform_int_distribution<unsigned>(26, 32)(rng);
                const std::uint32_t base = 0x0a000000u | (rng() & 0xffu);
                const std::uint32_t mask = prefix == 32 ? ~0u : ~((1u << (32 - prefix)) - 1);
                side->push_back(ip_network::from_integer(ip_family::v4, base & mask, prefix));
            }
        const auto diff = subtract(a, b);
        CHECK(diff == aggregate(diff));
        auto in = [](const std::vector<ip_network>& set, std::uint32_t address) {
            return std::any_of(set.begin(), set.end(), [&](const ip_network& n) {
                return n.first() <= address && address <= n.last();
            });
        };
        for (std::uint32_t address = 0x0a000000u; address <= 0x0a0000ffu; ++address)
            CHECK(in(diff, address) == (in(a, address) && !in(b, address)));
    }
}
