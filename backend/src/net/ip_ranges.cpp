// SPDX-License-Identifier: MIT
#include "net/ip_ranges.h"

#include <algorithm>

namespace spfd {

namespace {

// How many of the `n` values at `values` are <= `address`: `n` is a constant, so this is a
// few vector compares, where a search would branch on coin flips for random addresses. The
// count is 32 bits wide, as IPv4 keys are: with a std::size_t count the compiler widens each
// compare's lanes to 64 bits before adding them.
template <std::size_t n, class Address>
std::size_t count_not_above(const Address* values, Address address) {
    std::uint32_t count = 0;
    for (std::size_t k = 0; k < n; ++k)
        count += values[k] <= address ? 1u : 0u;
    return count;
}

// Touching ranges as one (10.0.0.0-10.0.0.127 and 10.0.0.128-10.0.0.255 are one): what
// range_index stores and counts. `ranges` sorted, not overlapping.
template <class Address>
std::vector<std::pair<Address, Address>>
join_touching(const std::vector<std::pair<Address, Address>>& ranges) {
    std::vector<std::pair<Address, Address>> joined;
    joined.reserve(ranges.size());
    for (const auto& [first, last] : ranges) {
        if (!joined.empty() && joined.back().second != static_cast<Address>(~Address{0}) &&
            joined.back().second + 1 == first) {
            joined.back().second = last;
            continue;
        }
        joined.emplace_back(first, last);
    }
    return joined;
}

} // namespace

template <class Address>
range_index<Address>::range_index(const std::vector<std::pair<Address, Address>>& ranges) {
    const std::vector<std::pair<Address, Address>> joined = join_touching(ranges);
    count_ = joined.size();
    if (count_ == 0)
        return;
    // Padding never counts: contains() caps every count at the real entries, because the
    // padding (the largest address) may equal the address looked up.
    constexpr Address largest = static_cast<Address>(~Address{0});
    leaves_.resize((count_ + leaf_size - 1) / leaf_size);
    for (leaf& l : leaves_)
        std::fill(std::begin(l.firsts), std::end(l.firsts), largest);
    for (std::size_t i = 0; i < count_; ++i) {
        leaves_[i / leaf_size].firsts[i % leaf_size] = joined[i].first;
        leaves_[i / leaf_size].lasts[i % leaf_size] = joined[i].second;
    }
    // Each level holds the first key of every node of the one below, until one node is left.
    level bottom;
    for (const leaf& l : leaves_)
        bottom.keys.push_back(l.firsts[0]);
    levels_.push_back(std::move(bottom));
    while (true) {
        level& below = levels_.back();
        below.count = below.keys.size();
        below.keys.resize((below.count + fanout - 1) / fanout * fanout, largest);
        if (below.count <= fanout)
            break;
        level above;
        for (std::size_t i = 0; i < below.count; i += fanout)
            above.keys.push_back(below.keys[i]);
        levels_.push_back(std::move(above));
    }
}

template <class Address> bool range_index<Address>::contains(Address address) const {
    // The last range starting at or before the address is the only candidate: ranges are
    // sorted and do not overlap. Down the tree to its leaf, then its place in the leaf.
    if (leaves_.empty())
        return false;
    std::size_t node = 0;
    for (auto it = levels_.rbegin(); it != levels_.rend(); ++it) {
        const std::size_t begin = node * fanout;
        const std::size_t below =
            std::min(count_not_above<fanout>(it->keys.data() + begin, address), it->count - begin);
        // Only the root can count none: below it, a node's first key is its parent's key,
        // which was counted.
        if (below == 0)
            return false;
        node = begin + below - 1;
    }
    const leaf& l = leaves_[node];
    const std::size_t in_leaf =
        std::min(count_not_above<leaf_size>(l.firsts, address), count_ - node * leaf_size);
    return address <= l.lasts[in_leaf - 1];
}

template class range_index<std::uint32_t>;
template class range_index<uint128>;

namespace {

// The ranges of one family, sorted: aggregate() sorts and merges, but the constructor
// must not rely on it.
template <class Address>
std::vector<std::pair<Address, Address>> ranges_of(const std::vector<ip_network>& networks,
                                                   ip_family family) {
    std::vector<std::pair<Address, Address>> out;
    for (const ip_network& n : networks)
        if (n.family() == family)
            out.emplace_back(static_cast<Address>(n.first()), static_cast<Address>(n.last()));
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

ip_ranges::ip_ranges(const std::vector<ip_network>& networks)
    : v4_(ranges_of<std::uint32_t>(networks, ip_family::v4)),
      v6_(ranges_of<uint128>(networks, ip_family::v6)) {}

} // namespace spfd
