// SPDX-License-Identifier: MIT
#pragma once

#include "net/ip_network.h"
#include "net/uint128.h"

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace spfd {

/// The served networks as sorted, merged address ranges: "is this IP ours?" in O(log n)
/// for the per-IP answers of macro mode, which are never rendered ahead of time.
class ip_ranges {
  public:
    /// `networks` as aggregate() returns them: sorted, merged, IPv4 first.
    explicit ip_ranges(const std::vector<ip_network>& networks);

    bool contains_v4(std::uint32_t address) const;
    bool contains_v6(uint128 address) const;
    std::size_t size() const { return v4_.size() + v6_.size(); }

  private:
    std::vector<std::pair<std::uint32_t, std::uint32_t>> v4_;
    std::vector<std::pair<uint128, uint128>> v6_;
    /// v4_ index of the first range starting in each /16 (65,537 entries, the last one
    /// v4_.size()): a lookup searches one /16's few ranges instead of all of them, a couple
    /// of cache lines instead of ~20 misses for a million networks.
    std::vector<std::uint32_t> v4_bucket_;
};

/// What the labels in front of `._ip.<zone>.` say. Receivers expand `%{i}` to a dotted
/// quad for IPv4 and to 32 dot-separated nibbles for IPv6 (RFC 7208 §7.3), in either letter
/// case. The ancestors of such names (1–3 decimal labels, 1–31 nibbles) exist as empty
/// non-terminals: answering them NXDOMAIN would, by RFC 8020, tell resolvers that nothing
/// below exists either.
struct per_ip_name {
    enum kind_type { address_v4, address_v6, ancestor, malformed } kind = malformed;
    std::uint32_t v4 = 0;
    uint128 v6 = 0;
};

/// `labels` is lower case, without the trailing `._ip.<zone>.` (e.g. "192.0.2.1").
per_ip_name parse_per_ip_labels(std::string_view labels);

} // namespace spfd
