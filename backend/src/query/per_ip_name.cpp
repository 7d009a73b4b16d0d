// SPDX-License-Identifier: MIT
#include "query/per_ip_name.h"

#include "util/ascii.h"

#include <cstddef>
#include <optional>

namespace spfd {

namespace {

// The name nearly every per-IP query has: four decimal labels 0-255 as a receiver prints
// them (no sign, no leading zero). nullopt for anything else, which the general reading
// below then classifies. On its own because that reading carries an IPv6 value and three
// flags through every character, which a dotted quad does not need.
std::optional<std::uint32_t> read_dotted_quad(std::string_view labels) {
    const char* p = labels.data();
    const char* const end = p + labels.size();
    std::uint32_t address = 0;
    for (int label = 0; label < 4; ++label) {
        if (label > 0) {
            if (p == end || *p != '.')
                return std::nullopt;
            ++p;
        }
        const char* const start = p;
        unsigned value = 0;
        for (; p != end && p - start < 3 && static_cast<unsigned>(*p - '0') < 10; ++p)
            value = value * 10 + static_cast<unsigned>(*p - '0');
        const std::ptrdiff_t length = p - start;
        if (length == 0 || value > 255 || (length > 1 && *start == '0'))
            return std::nullopt;
        address = (address << 8) | value;
    }
    if (p != end)
        return std::nullopt;
    return address;
}

} // namespace

// One pass over the characters, no search for the dots: each label is judged as it is read.
per_ip_name parse_per_ip_labels(std::string_view labels) {
    per_ip_name out;
    if (const auto quad = read_dotted_quad(labels)) {
        out.kind = per_ip_name::address_v4;
        out.v4 = *quad;
        return out;
    }
    unsigned count = 0;
    bool all_octets = true;
    bool all_nibbles = true;
    std::uint32_t v4 = 0;
    uint128 v6 = 0;
    const char* p = labels.data();
    const char* const end = p + labels.size();
    while (true) {
        // One label: up to three characters, since a longer one is neither an octet nor a
        // nibble.
        const char* const start = p;
        unsigned decimal = 0;
        bool digits = true;
        for (; p != end && *p != '.'; ++p) {
            if (p - start == 3)
                return out;
            const bool digit = *p >= '0' && *p <= '9';
            digits = digits && digit;
            decimal = decimal * 10 + static_cast<unsigned>(*p - '0');
        }
        const std::size_t length = static_cast<std::size_t>(p - start);
        if (++count > 32)
            return out;
        // A decimal label 0-255 as a receiver prints it: no sign, no leading zero.
        const bool octet = length > 0 && digits && decimal <= 255 && !(length > 1 && *start == '0');
        all_octets = all_octets && octet && count <= 4;
        if (all_octets)
            v4 = (v4 << 8) | decimal;
        const int nibble = length == 1 ? hex_value(*start) : -1;
        all_nibbles = all_nibbles && nibble >= 0;
        if (all_nibbles)
            v6 = (v6 << 4) | static_cast<uint128>(nibble);
        if (!all_octets && !all_nibbles)
            return out;
        if (p == end)
            break;
        ++p; // the dot
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
