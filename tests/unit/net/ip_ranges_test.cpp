// SPDX-License-Identifier: MIT
#include "net/ip_ranges.h"
#include "net/network_set.h"
#include "support/ipv4_text.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <random>
#include <utility>
#include <vector>

using namespace spfd;
using namespace spfd::test;

TEST_CASE("ip_ranges: first and last address of each network, and their neighbours") {
    const ip_ranges ranges(
        aggregate({net("85.10.214.0/24"), net("176.9.5.158"), net("2a01:4f8:10::/48")}));
    CHECK(ranges.size() == 3);
    CHECK(ranges.contains_v4(v4(85, 10, 214, 0)));
    CHECK(ranges.contains_v4(v4(85, 10, 214, 255)));
    CHECK_FALSE(ranges.contains_v4(v4(85, 10, 213, 255)));
    CHECK_FALSE(ranges.contains_v4(v4(85, 10, 215, 0)));
    CHECK(ranges.contains_v4(v4(176, 9, 5, 158)));
    CHECK_FALSE(ranges.contains_v4(v4(176, 9, 5, 157)));
    CHECK_FALSE(ranges.contains_v4(0));
    CHECK_FALSE(ranges.contains_v4(0xffffffffu));
    const uint128 first = net("2a01:4f8:10::/48").first();
    CHECK(ranges.contains_v6(first));
    CHECK(ranges.contains_v6(net("2a01:4f8:10::/48").last()));
    CHECK_FALSE(ranges.contains_v6(first - 1));
    CHECK_FALSE(ranges.contains_v6(net("2a01:4f8:10::/48").last() + 1));
    CHECK_FALSE(ranges.contains_v6(0));
}

TEST_CASE("ip_ranges: the whole address space and an empty set") {
    const ip_ranges everything(aggregate({net("0.0.0.0/0"), net("::/0")}));
    CHECK(everything.contains_v4(0));
    CHECK(everything.contains_v4(0xffffffffu));
    CHECK(everything.contains_v6(~uint128(0)));
    const ip_ranges none(std::vector<ip_network>{});
    CHECK_FALSE(none.contains_v4(1));
    CHECK_FALSE(none.contains_v6(1));
}

TEST_CASE("ip_ranges: touching networks are one range") {
    const ip_ranges ranges(
        aggregate({net("10.0.0.0/25"), net("10.0.0.128/26"), net("10.0.0.200")}));
    CHECK(ranges.size() == 2); // 10.0.0.0-10.0.0.191 and 10.0.0.200
    CHECK(ranges.contains_v4(v4(10, 0, 0, 191)));
    CHECK_FALSE(ranges.contains_v4(v4(10, 0, 0, 192)));
    CHECK(ranges.contains_v4(v4(10, 0, 0, 200)));
}

TEST_CASE("range_index: agrees with a plain scan across many blocks") {
    // Ranges of 1-3 addresses with gaps of 1-4, far more than one block (16) of them, so
    // that every position in a block and every block boundary is looked up.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
    std::uint32_t at = 5;
    for (std::uint32_t i = 0; i < 1000; ++i) {
        const std::uint32_t length = i % 3, gap = 2 + i % 4;
        ranges.emplace_back(at, at + length);
        at += length + gap;
    }
    const range_index<std::uint32_t> index(ranges);
    CHECK(index.size() == ranges.size());
    auto scan = [&](std::uint32_t a) {
        for (const auto& [first, last] : ranges)
            if (first <= a && a <= last)
                return true;
        return false;
    };
    for (std::uint32_t a = 0; a <= at + 2; ++a) {
        CAPTURE(a);
        REQUIRE(index.contains(a) == scan(a));
    }
    const range_index<std::uint32_t> top({{0xfffffff0u, 0xffffffffu}});
    CHECK(top.contains(0xffffffffu));
    CHECK_FALSE(top.contains(0xffffffefu));
}

TEST_CASE_TEMPLATE("range_index: agrees with a binary search at every size around a leaf and node",
                   Address, std::uint32_t, uint128) {
    // Sizes around the leaf (16 IPv4, 8 IPv6) and node (16) widths and their products, up to
    // four tree levels; each probed at every range's edges and their neighbours, at random
    // addresses, and at the ends of the address space.
    constexpr Address largest = static_cast<Address>(~Address{0});
    std::mt19937 random(11);
    for (std::size_t size :
         {1,   2,   7,   8,   9,    15,   16,   17,   31,   32,   33,    127,   128,
          129, 255, 256, 257, 2047, 2048, 2049, 4095, 4096, 4097, 40000, 65536, 65537}) {
        CAPTURE(size);
        std::vector<std::pair<Address, Address>> ranges;
        Address at = 1 + random() % 64;
        for (std::size_t i = 0; i < size; ++i) {
            const Address length = random() % 4, gap = 2 + random() % 1000;
            ranges.emplace_back(at, at + length);
            at += length + gap;
        }
        if (size % 2 == 0) // the last range ends at the largest address, as the padding does
            ranges.back().second = largest;
        const range_index<Address> index(ranges);
        REQUIRE(index.size() == size);
        auto reference = [&](Address a) {
            auto it = std::upper_bound(ranges.begin(), ranges.end(), std::pair{a, largest});
            return it != ranges.begin() && a <= std::prev(it)->second;
        };
        std::vector<Address> probes{0, 1, largest - 1, largest};
        for (const auto& [first, last] : ranges)
            for (Address a : {first - 1, first, last, last + 1})
                probes.push_back(a);
        for (int i = 0; i < 1000; ++i)
            probes.push_back(
                static_cast<Address>(random() % (static_cast<std::uint64_t>(at) + 10)));
        for (Address a : probes) {
            CAPTURE(static_cast<std::uint64_t>(a));
            REQUIRE(index.contains(a) == reference(a));
        }
    }
}

namespace {

// `count` single addresses two apart from `start`: ranges that never join.
std::vector<ip_network> every_other(std::uint32_t start, std::size_t count) {
    std::vector<ip_network> out;
    for (std::size_t i = 0; i < count; ++i)
        out.push_back(net(dotted(start + 2 * static_cast<std::uint32_t>(i))));
    return out;
}

// Whether one of `networks` (sorted, disjoint: as aggregate() returns them) holds `a`.
bool listed_v4(const std::vector<ip_network>& networks, std::uint32_t a) {
    auto after = std::upper_bound(networks.begin(), networks.end(), a,
                                  [](std::uint32_t x, const ip_network& n) {
                                      return n.family() != ip_family::v4 || x < n.first();
                                  });
    return after != networks.begin() && a <= std::prev(after)->last();
}

} // namespace

TEST_CASE("ip_ranges: thousands of ranges in one /16, and ranges across /16 boundaries") {
    // 10.1.0.0/16 dense, with ranges that cross into it from 10.0/16 and out of it into
    // 10.2/16, a /8 elsewhere, and a dense block at each end of the address space.
    std::vector<ip_network> networks = every_other(v4(10, 1, 0, 8), 2000);
    for (std::string_view text : {"10.0.255.252/30", "10.1.0.0/30", "10.1.255.252/30",
                                  "10.2.0.0/30", "20.0.0.0/8", "192.0.2.7"})
        networks.push_back(net(text));
    for (std::uint32_t start : {0u, v4(255, 255, 0, 1)})
        for (const ip_network& n : every_other(start, 1100))
            networks.push_back(n);
    networks.push_back(net("255.255.255.255"));
    const std::vector<ip_network> merged = aggregate(networks);
    const ip_ranges ranges(merged);
    // 10.0.255.252/30 and 10.1.0.0/30 are one range, as are 10.1.255.252/30 and 10.2.0.0/30.
    // The 2,200 single addresses of the two end blocks and 255.255.255.255 are one range
    // each.
    CHECK(ranges.size() == 2000 + 2 + 2 + 2200 + 1);
    for (std::uint32_t a = v4(10, 0, 0, 0); a < v4(10, 3, 0, 0); ++a) {
        CAPTURE(dotted(a));
        REQUIRE(ranges.contains_v4(a) == listed_v4(merged, a));
    }
    for (std::uint32_t a :
         {0u, 1u, 2u, 2199u, 2200u, 2201u, v4(19, 255, 255, 255), v4(20, 0, 0, 0),
          v4(20, 255, 255, 255), v4(21, 0, 0, 0), v4(192, 0, 2, 6), v4(192, 0, 2, 7),
          v4(192, 0, 2, 8), v4(255, 254, 255, 255), v4(255, 255, 0, 0), v4(255, 255, 0, 1),
          v4(255, 255, 255, 254), 0xffffffffu}) {
        CAPTURE(dotted(a));
        CHECK(ranges.contains_v4(a) == listed_v4(merged, a));
    }
    std::mt19937 random(5);
    for (int i = 0; i < 200000; ++i) {
        const std::uint32_t a = static_cast<std::uint32_t>(random());
        const std::uint32_t near = v4(255, 255, 0, 0) + (a & 0x1fff);
        for (std::uint32_t probe : {a, near, a & 0x3fff}) {
            CAPTURE(dotted(probe));
            REQUIRE(ranges.contains_v4(probe) == listed_v4(merged, probe));
        }
    }
}

TEST_CASE("ip_ranges: 1,025 single addresses in a /16") {
    const std::vector<ip_network> over = every_other(v4(10, 1, 0, 0), 1025);
    const ip_ranges ranges(aggregate(over));
    CHECK(ranges.size() == 1025);
    for (std::uint32_t a = v4(10, 1, 0, 0) - 3; a < v4(10, 1, 8, 10); ++a) {
        CAPTURE(dotted(a));
        REQUIRE(ranges.contains_v4(a) == ((a - v4(10, 1, 0, 0)) % 2 == 0 && a >= v4(10, 1, 0, 0) &&
                                          a <= v4(10, 1, 0, 0) + 2048));
    }
    // A /16 wholly listed is one range, however many networks it was written as.
    CHECK(ip_ranges(aggregate({net("10.9.0.0/16")})).size() == 1);
}
