// SPDX-License-Identifier: MIT
#pragma once

#include "net/ip_network.h"
#include "net/uint128.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace spfd {

/// Sorted, disjoint address ranges of one family, laid out for lookups that miss the cache
/// and the TLB (a million ranges are 8 MiB, far more 4 KiB pages than the TLB holds). The
/// ranges sit in leaves, first and last addresses side
/// by side, so that a lookup reads one leaf: two adjacent cache lines for IPv4. Above
/// them, a static search tree of 16-key nodes (one cache line each for IPv4) over the
/// leaves' first addresses: 4 node reads for a million IPv4 ranges, the upper ones cached,
/// where a binary search makes 20 dependent reads. No branch depends on the address.
template <class Address> class range_index {
  public:
    /// `ranges` sorted by first address, not overlapping. Touching ranges are joined.
    explicit range_index(const std::vector<std::pair<Address, Address>>& ranges);

    bool contains(Address address) const;
    std::size_t size() const { return count_; }

  private:
    /// 16 IPv4 ranges (two cache lines, which the CPU fetches as a pair) rather than 8: half
    /// as many leaves make the tree a level shorter for a million ranges, one dependent
    /// memory read less per lookup. IPv6 keys are four times as wide: 8 of them already take
    /// two lines.
    static constexpr std::size_t leaf_size = sizeof(Address) == 4 ? 16 : 8;
    static constexpr std::size_t fanout = 16;

    struct alignas(64) leaf {
        Address firsts[leaf_size];
        Address lasts[leaf_size];
    };
    /// One tree level: the first address of each node (or leaf) of the level below, padded
    /// to whole nodes; `count` of them are real.
    struct level {
        std::vector<Address> keys;
        std::size_t count = 0;
    };

    std::size_t count_ = 0;
    std::vector<leaf> leaves_;  ///< the last one padded; see contains()
    std::vector<level> levels_; ///< levels_[0] indexes the leaves; the last one is one node
};

/// The served networks as address ranges: "is this IP ours?" for the per-IP answers of
/// macro mode, which are never rendered ahead of time.
class ip_ranges {
  public:
    /// `networks` as aggregate() returns them: sorted, merged, IPv4 first.
    explicit ip_ranges(const std::vector<ip_network>& networks);

    bool contains_v4(std::uint32_t address) const { return v4_.contains(address); }
    bool contains_v6(uint128 address) const { return v6_.contains(address); }
    /// Ranges after joining touching networks (10.0.0.0/25 and 10.0.0.128/25 are one).
    std::size_t size() const { return v4_.size() + v6_.size(); }

  private:
    range_index<std::uint32_t> v4_;
    range_index<uint128> v6_;
};

} // namespace spfd
