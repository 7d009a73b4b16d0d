// SPDX-License-Identifier: MIT
#pragma once

#include "net/ip_network.h"

#include <optional>
#include <string_view>

namespace spfd {

/// If the network overlaps an address block that never sends mail on the public Internet
/// (IANA special-purpose registries, RFC 6890 and successors), what that block is, e.g.
/// "private-use (RFC 1918)". Such a sender is almost always a typo or a test left behind.
std::optional<std::string_view> special_purpose(const ip_network& network);

} // namespace spfd
