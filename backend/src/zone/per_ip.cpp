// SPDX-License-Identifier: MIT
#include "zone/per_ip.h"

#include <algorithm>

namespace spfd {

ip_ranges::ip_ranges(const std::vector<ip_network>& networks) {
    for (const ip_network& n : networks) {
        if (n.family() == ip_family::v4)
            v4_.emplace_back(static_cast<std::uint32_t>(n.first()),
                             static_cast<std::uint32_t>(n.last()));
        else
            v6_.emplace_back(n.first(), n.last());
    }
    std::sort(v4_.begin(), v4_.end());
    std::sort(v6_.begin(), v6_.end());
    v4_bucket_.assign(65537, 0);
    std::size_t at = 0;
    for (std::uint32_t bucket = 0; bucket <= 65536; ++bucket) {
        while (at < v4_.size() && (v4_[at].first >> 16) < bucket)
            ++at;
        v4_bucket_[bucket] = static_cast<std::uint32_t>(at);
    }
}

namespace {

template <class Ranges, class Address> bool contains(const Ranges& ranges, Address address) {
    // The last range starting at or before the address is the only candidate: ranges are
    // sorted and do not overlap.
    auto it = std::upper_bound(ranges.begin(), ranges.end(), address,
                               [](Address a, const auto& r) { return a < r.first; });
    return it != ranges.begin() && address <= std::prev(it)->second;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

// A decimal label 0–255 as a receiver prints it: no sign, no leading zero.
int octet_value(std::string_view label) {
    if (label.empty() || label.size() > 3 || (label.size() > 1 && label[0] == '0'))
        return -1;
    int value = 0;
    for (char c : label) {
        if (c < '0' || c > '9')
            return -1;
        value = value * 10 + (c - '0');
    }
    return value <= 255 ? value : -1;
}

} // namespace

bool ip_ranges::contains_v4(std::uint32_t address) const {
    return contains(v4_, address);
}

bool ip_ranges::contains_v6(uint128 address) const {
    return contains(v6_, address);
}

per_ip_name parse_per_ip_labels(std::string_view labels) {
    per_ip_name out;
    if (labels.empty())
        return out;
    unsigned count = 0;
    bool all_octets = true;
    bool all_nibbles = true;
    std::uint32_t v4 = 0;
    uint128 v6 = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = labels.find('.', start);
        const std::string_view label = labels.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        ++count;
        if (count > 32)
            return out;
        const int octet = octet_value(label);
        all_octets = all_octets && octet >= 0 && count <= 4;
        if (all_octets)
            v4 = (v4 << 8) | static_cast<std::uint32_t>(octet);
        const int nibble = label.size() == 1 ? hex_value(label[0]) : -1;
        all_nibbles = all_nibbles && nibble >= 0;
        if (all_nibbles)
            v6 = (v6 << 4) | static_cast<uint128>(nibble);
        if (!all_octets && !all_nibbles)
            return out;
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    if (all_octets && count == 4) {
        out.kind = per_ip_name::address_v4;
        out.v4 = v4;
    } else if (all_nibbles && count == 32) {
        out.kind = per_ip_name::address_v6;
        out.v6 = v6;
    } else if ((all_octets && count < 4) || (all_nibbles && count < 32)) {
        out.kind = per_ip_name::ancestor;
    }
    return out;
}

} // namespace spfd
