// SPDX-License-Identifier: MIT
#pragma once

#include "net/uint128.h"

#include <cstdint>
#include <string_view>

namespace spfd {

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
