// SPDX-License-Identifier: MIT
// The per-IP labels read the obvious way, split at every dot and each label judged on its
// own: what parse_per_ip_labels()'s single pass must agree with, in the unit test (every
// short name) and in the per_ip fuzz target (whatever the fuzzer makes).
#pragma once

#include "query/per_ip_name.h"

#include <string>
#include <string_view>
#include <vector>

namespace spfd::plain {

inline bool is_octet(std::string_view label) {
    if (label.empty() || label.size() > 3 || (label.size() > 1 && label[0] == '0') ||
        label.find_first_not_of("0123456789") != std::string_view::npos)
        return false;
    return std::stoi(std::string(label)) <= 255;
}

inline bool is_nibble(std::string_view label) {
    return label.size() == 1 && std::string_view("0123456789abcdef").find(label[0]) != label.npos;
}

inline per_ip_name::kind_type per_ip_kind(std::string_view labels) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const auto dot = labels.find('.', start);
        parts.push_back(labels.substr(start, dot == labels.npos ? labels.npos : dot - start));
        if (dot == labels.npos)
            break;
        start = dot + 1;
    }
    bool octets = !labels.empty();
    bool nibbles = !labels.empty();
    for (std::string_view p : parts) {
        octets = octets && is_octet(p);
        nibbles = nibbles && is_nibble(p);
    }
    if (octets && parts.size() == 4)
        return per_ip_name::address_v4;
    if (nibbles && parts.size() == 32)
        return per_ip_name::address_v6;
    if ((octets && parts.size() < 4) || (nibbles && parts.size() < 32))
        return per_ip_name::ancestor;
    return per_ip_name::malformed;
}

} // namespace spfd::plain
