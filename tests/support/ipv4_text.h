// SPDX-License-Identifier: MIT
#pragma once

// Addresses and networks written as text, for the tests of the range index and the
// per-IP names.

#include "net/ip_network.h"

#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <string_view>
#include <variant>

namespace spfd::test {

/// An IPv4 or IPv6 network (or single address) that must parse.
inline ip_network net(std::string_view text) {
    auto parsed = parse_network(text, text.find(':') == text.npos ? ip_family::v4 : ip_family::v6);
    REQUIRE(std::holds_alternative<ip_network>(parsed));
    return std::get<ip_network>(parsed);
}

/// The IPv4 address a.b.c.d as an integer.
inline std::uint32_t v4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
}

/// 192.0.2.1 as a receiver expands %{i}.
inline std::string dotted(std::uint32_t address) {
    return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
           std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

} // namespace spfd::test
