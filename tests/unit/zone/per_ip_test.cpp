// SPDX-License-Identifier: MIT
#include "net/network_set.h"
#include "support/per_ip_plain_reading.h"
#include "zone/per_ip.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <random>

using namespace spfd;

namespace {

ip_network net(std::string_view text) {
    auto parsed = parse_network(text, text.find(':') == text.npos ? ip_family::v4 : ip_family::v6);
    REQUIRE(std::holds_alternative<ip_network>(parsed));
    return std::get<ip_network>(parsed);
}

std::uint32_t v4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
}

// 192.0.2.1 as a receiver expands %{i}.
std::string dotted(std::uint32_t address) {
    return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
           std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

} // namespace

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

TEST_CASE("per-IP labels: IPv4 dotted, IPv6 nibbles, ancestors and the rest") {
    auto kind = [](std::string_view labels) { return parse_per_ip_labels(labels).kind; };
    CHECK(parse_per_ip_labels("192.0.2.1").v4 == v4(192, 0, 2, 1));
    CHECK(kind("0.0.0.0") == per_ip_name::address_v4);
    CHECK(kind("255.255.255.255") == per_ip_name::address_v4);
    // Four nibbles are an IPv4 address too (and the ancestor of IPv6 names): TXT, with
    // names below it.
    CHECK(kind("2.0.0.1") == per_ip_name::address_v4);
    const auto six =
        parse_per_ip_labels("2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1");
    REQUIRE(six.kind == per_ip_name::address_v6);
    CHECK(six.v6 == net("2001:db8::cb01").first()); // RFC 7208 §7.4's example
    for (std::string_view ancestor : {"192", "192.0", "192.0.2", "2.0.0.1.0", "a.b", "f"}) {
        CAPTURE(ancestor);
        CHECK(kind(ancestor) == per_ip_name::ancestor);
    }
    for (std::string_view bad :
         {"", "256.0.0.1", "01.0.0.1",
          "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15."
          "16.17",
          "1..2.3", "1.2.3.", ".1.2.3", "g", "ab.c", "-1.2.3.4", "1.2.3.4x", "1.2.3.0004"}) {
        CAPTURE(bad);
        CHECK(kind(bad) == per_ip_name::malformed);
    }
    // 33 nibbles are too many; 32 with one bad label are malformed.
    CHECK(kind("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0") ==
          per_ip_name::malformed);
    CHECK(kind("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.x") ==
          per_ip_name::malformed);
}

TEST_CASE(
    "per-IP labels: the single pass agrees with splitting at the dots, for every short name") {
    // Every string of up to seven characters over digits that make octets, leading zeros and
    // values above 255, a hex letter, a letter beyond hex and the dot: 2.4 million names.
    constexpr std::string_view alphabet = "0125a9g.";
    std::string labels;
    std::size_t disagreements = 0;
    for (std::size_t length = 0; length <= 7; ++length) {
        std::vector<std::size_t> digit(length, 0);
        while (true) {
            labels.resize(length);
            for (std::size_t i = 0; i < length; ++i)
                labels[i] = alphabet[digit[i]];
            const per_ip_name got = parse_per_ip_labels(labels);
            // An address's labels are the only way to write it: the value prints back as them.
            if (got.kind != plain::per_ip_kind(labels) ||
                (got.kind == per_ip_name::address_v4 && dotted(got.v4) != labels)) {
                if (++disagreements <= 5)
                    FAIL_CHECK("disagree on \"" << labels << "\"");
            }
            std::size_t i = 0;
            while (i < length && ++digit[i] == alphabet.size())
                digit[i++] = 0;
            if (i == length)
                break;
        }
    }
    CHECK(disagreements == 0);
}

TEST_CASE("per-IP labels: dotted quads of every awkward label agree with the plain reading") {
    // Four labels (and three, and five) from octets at their bounds, leading zeros, values
    // above 255, four digits, signs, a hex letter and the empty label: the dotted-quad fast
    // path must leave everything it does not take to the general reading. About 850,000 names.
    const std::vector<std::string_view> pieces = {
        "0",   "00",  "1",   "9",   "10",  "25", "99",  "100", "199",  "200", "249", "250",
        "255", "256", "260", "300", "999", "01", "001", "010", "1000", "a",   ""};
    std::size_t disagreements = 0;
    auto check = [&](const std::string& name) {
        const per_ip_name got = parse_per_ip_labels(name);
        if (got.kind != plain::per_ip_kind(name) ||
            (got.kind == per_ip_name::address_v4 && dotted(got.v4) != name)) {
            if (++disagreements <= 5)
                FAIL_CHECK("disagree on \"" << name << "\"");
        }
    };
    for (auto a : pieces)
        for (auto b : pieces)
            for (auto c : pieces) {
                const std::string three =
                    std::string(a) + "." + std::string(b) + "." + std::string(c);
                check(three);
                for (auto d : pieces) {
                    const std::string four = three + "." + std::string(d);
                    check(four);
                    check(four + "." + std::string(pieces[(a.size() + d.size()) % pieces.size()]));
                    check(four + ".");
                }
            }
    CHECK(disagreements == 0);
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
