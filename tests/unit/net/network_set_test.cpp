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
