// SPDX-License-Identifier: MIT
#include "net/network_set.h"

#include <algorithm>
#include <numeric>

namespace spfd {
namespace {

struct range {
    uint128 first;
    uint128 last;
};

unsigned family_bits(ip_family f) {
    return f == ip_family::v4 ? 32 : 128;
}

uint128 family_max(ip_family f) {
    return f == ip_family::v4 ? uint128{0xffffffffu} : ~uint128{0};
}

// Merges overlapping and adjacent ranges of one family; input sorted by `first`.
std::vector<range> merge(std::vector<range> sorted, ip_family family) {
    std::vector<range> out;
    for (const range& r : sorted) {
        if (!out.empty() &&
            (out.back().last == family_max(family) || r.first <= out.back().last + 1)) {
            out.back().last = std::max(out.back().last, r.last);
            continue;
        }
        out.push_back(r);
    }
    return out;
}

// Cuts [first, last] into the fewest aligned CIDR blocks, largest first from the left.
void emit_cidrs(range r, ip_family family, std::vector<ip_network>& out) {
    const unsigned bits = family_bits(family);
    uint128 at = r.first;
    while (true) {
        unsigned host_bits = 0;
        // Grow the block while `at` stays aligned to it and it stays inside the range.
        while (host_bits < bits) {
            const unsigned next = host_bits + 1;
            const uint128 size_mask = next >= 128 ? ~uint128{0} : (uint128{1} << next) - 1;
            if ((at & size_mask) != 0 || (at | size_mask) > r.last)
                break;
            host_bits = next;
        }
        out.push_back(ip_network::from_integer(family, at, bits - host_bits));
        const uint128 block_last =
            host_bits >= 128 ? ~uint128{0} : at | ((uint128{1} << host_bits) - 1);
        if (block_last >= r.last)
            return;
        at = block_last + 1;
    }
}

// The networks of one family as merged ranges, sorted.
std::vector<range> merged_ranges(const std::vector<ip_network>& networks, ip_family family) {
    std::vector<range> ranges;
    for (const ip_network& n : networks)
        if (n.family() == family)
            ranges.push_back({n.first(), n.last()});
    std::sort(ranges.begin(), ranges.end(),
              [](const range& a, const range& b) { return a.first < b.first; });
    return merge(std::move(ranges), family);
}

// What is left of the merged ranges `from` once the merged ranges `minus` are cut out. Both
// lists are sorted and disjoint, so one pass over each does it.
std::vector<range> cut_out(const std::vector<range>& from, const std::vector<range>& minus) {
    std::vector<range> out;
    std::size_t m = 0;
    for (range r : from) {
        while (m < minus.size() && minus[m].last < r.first)
            ++m;
        bool left = true; // part of r may remain after the cuts so far
        for (std::size_t k = m; k < minus.size() && minus[k].first <= r.last; ++k) {
            if (minus[k].first > r.first)
                out.push_back({r.first, minus[k].first - 1});
            if (minus[k].last >= r.last) {
                left = false;
                break;
            }
            r.first = minus[k].last + 1;
        }
        if (left)
            out.push_back(r);
    }
    return out;
}

} // namespace

std::vector<ip_network> subtract(const std::vector<ip_network>& from,
                                 const std::vector<ip_network>& minus) {
    std::vector<ip_network> out;
    for (ip_family family : {ip_family::v4, ip_family::v6})
        for (const range& r : cut_out(merged_ranges(from, family), merged_ranges(minus, family)))
            emit_cidrs(r, family, out);
    return out;
}

std::vector<ip_network> aggregate(const std::vector<ip_network>& networks) {
    std::vector<ip_network> out;
    for (ip_family family : {ip_family::v4, ip_family::v6})
        for (const range& r : merged_ranges(networks, family))
            emit_cidrs(r, family, out);
    return out;
}

std::vector<covered_network> find_covered(const std::vector<ip_network>& networks) {
    std::vector<std::size_t> order(networks.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Wider networks sort before the narrower ones they contain (same first address).
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return networks[a] < networks[b]; });
    std::vector<covered_network> out;
    bool have_widest = false;
    std::size_t widest = 0; // the earlier network reaching furthest, in this family
    for (std::size_t i : order) {
        const ip_network& n = networks[i];
        if (have_widest && networks[widest].family() == n.family() &&
            n.last() <= networks[widest].last()) {
            out.push_back({i, widest});
            continue;
        }
        if (!have_widest || networks[widest].family() != n.family() ||
            n.last() > networks[widest].last()) {
            widest = i;
            have_widest = true;
        }
    }
    std::sort(out.begin(), out.end(),
              [](const covered_network& a, const covered_network& b) { return a.index < b.index; });
    return out;
}

} // namespace spfd
