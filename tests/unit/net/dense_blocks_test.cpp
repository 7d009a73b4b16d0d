// SPDX-License-Identifier: MIT
// The bitmaps of IPv4 /16 blocks dense with ranges, seen through ip_ranges, which decides
// which blocks they hold and must answer exactly as the ranges would.
#include "net/ip_ranges.h"
#include "net/network_set.h"
#include "support/ipv4_text.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <random>
#include <vector>

using namespace spfd;
using namespace spfd::test;

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

TEST_CASE("ip_ranges: a /16 of more than 1,024 ranges is a bitmap, and answers the same") {
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
    CHECK(ranges.dense_v4_block_count() == 3);
    // 10.0.255.252/30 and 10.1.0.0/30 are one range, as are 10.1.255.252/30 and 10.2.0.0/30,
    // though each has a piece in the bitmap. The 2,200 single addresses of the two end
    // blocks and 255.255.255.255 are one range each.
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

TEST_CASE("ip_ranges: 1,024 ranges in a /16 stay ranges, 1,025 make a bitmap") {
    CHECK(ip_ranges(aggregate(every_other(v4(10, 1, 0, 0), 1024))).dense_v4_block_count() == 0);
    const std::vector<ip_network> over = every_other(v4(10, 1, 0, 0), 1025);
    const ip_ranges ranges(aggregate(over));
    CHECK(ranges.dense_v4_block_count() == 1);
    CHECK(ranges.size() == 1025);
    for (std::uint32_t a = v4(10, 1, 0, 0) - 3; a < v4(10, 1, 8, 10); ++a) {
        CAPTURE(dotted(a));
        REQUIRE(ranges.contains_v4(a) == ((a - v4(10, 1, 0, 0)) % 2 == 0 && a >= v4(10, 1, 0, 0) &&
                                          a <= v4(10, 1, 0, 0) + 2048));
    }
    // A /16 wholly listed is one range, however many networks it was written as.
    CHECK(ip_ranges(aggregate({net("10.9.0.0/16")})).dense_v4_block_count() == 0);
}
