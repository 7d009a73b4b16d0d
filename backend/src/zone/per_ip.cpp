// SPDX-License-Identifier: MIT
#include "zone/per_ip.h"

#include <algorithm>

namespace spfd {

namespace {

// How many of the sorted `count` values at `values` are <= `address`, without branches
// that depend on the data: a binary search's comparisons are coin flips for random
// addresses, and each mispredicted one costs as much as a cache hit.
template <class Address>
std::size_t count_not_above(const Address* values, std::size_t count, Address address) {
    if (count == 0)
        return 0;
    const Address* base = values;
    while (count > 1) {
        const std::size_t half = count / 2;
        base = base[half] <= address ? base + half : base; // a conditional move
        count -= half;
    }
    return static_cast<std::size_t>(base - values) + (*base <= address ? 1 : 0);
}

} // namespace

template <class Address>
range_index<Address>::range_index(const std::vector<std::pair<Address, Address>>& ranges) {
    firsts_.reserve(ranges.size() + block);
    lasts_.reserve(ranges.size());
    for (const auto& [first, last] : ranges) {
        if (!lasts_.empty() && lasts_.back() != static_cast<Address>(~Address{0}) &&
            lasts_.back() + 1 == first) {
            lasts_.back() = last;
            continue;
        }
        firsts_.push_back(first);
        lasts_.push_back(last);
    }
    count_ = firsts_.size();
    block_firsts_.reserve(count_ / block + 1);
    for (std::size_t i = 0; i < count_; i += block)
        block_firsts_.push_back(firsts_[i]);
    // Padding, so that the last block is a whole one too (its extra entries are never
    // counted: see contains()).
    firsts_.resize((count_ + block - 1) / block * block, static_cast<Address>(~Address{0}));
    firsts_.shrink_to_fit();
    lasts_.shrink_to_fit();
}

template <class Address> bool range_index<Address>::contains(Address address) const {
    // The last range starting at or before the address is the only candidate: ranges are
    // sorted and do not overlap. First its block, then its place in the block.
    const std::size_t blocks = count_not_above(block_firsts_.data(), block_firsts_.size(), address);
    if (blocks == 0)
        return false;
    const std::size_t begin = (blocks - 1) * block;
    // Counting a whole block is a few vector compares; the padding must not count (it is
    // the largest address, which `address` may equal).
    std::size_t in_block = 0;
    for (std::size_t k = 0; k < block; ++k)
        in_block += firsts_[begin + k] <= address ? 1 : 0;
    in_block = std::min(in_block, count_ - begin);
    return address <= lasts_[begin + in_block - 1];
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

namespace {

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
