// SPDX-License-Identifier: MIT
#pragma once

#include "net/uint128.h"

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <compare>
#include <string>
#include <string_view>
#include <variant>

namespace spfd {

enum class ip_family { v4, v6 };

/// An IPv4 or IPv6 network in canonical form (host bits zero). A single address is a /32
/// or /128 network.
class ip_network {
  public:
    explicit ip_network(const boost::asio::ip::network_v4& net);
    explicit ip_network(const boost::asio::ip::network_v6& net);

    ip_family family() const { return family_; }
    unsigned prefix_length() const { return prefix_; }
    bool is_host() const;

    /// First and last address as integers in host order (IPv4 in the low 32 bits), so
    /// networks of one family compare and merge numerically.
    uint128 first() const;
    uint128 last() const;

    /// SPF text: the address alone for a host (no /32, /128), otherwise `addr/len`;
    /// IPv6 in RFC 5952 form (lower case, longest zero run compressed).
    std::string to_string() const;
    /// The SPF mechanism: `ip4:…` or `ip6:…`.
    std::string to_mechanism() const;

    /// Order: IPv4 before IPv6, then by address, then wider networks first.
    std::strong_ordering operator<=>(const ip_network& other) const;
    bool operator==(const ip_network& other) const { return (*this <=> other) == 0; }

    /// Builds the network of `prefix` bits that starts at `first` (host bits must be zero).
    static ip_network from_integer(ip_family family, uint128 first, unsigned prefix);

  private:
    ip_network(ip_family family, uint128 first, unsigned prefix)
        : first_(first), prefix_(static_cast<unsigned char>(prefix)), family_(family) {}

    // Kept as one number so that both families share the range arithmetic; Asio parses
    // and prints.
    uint128 first_ = 0;
    unsigned char prefix_ = 0;
    ip_family family_ = ip_family::v4;
};

/// Why a sender text was refused; the message is meant for the operator as it stands.
struct network_parse_error {
    std::string message;
};

/// Parses what an operator writes for one sender: `a.b.c.d`, `a.b.c.d/len`, an RFC 4291
/// IPv6 address, or `addr/len`. Strict as RFC 7208 §5.6: no shortened IPv4, no leading
/// zeros in octets or prefix lengths, no zone ids, no IPv4-mapped IPv6. Host bits set in a
/// network are refused (not silently cleared): `1.2.3.4/24` is ambiguous, and the message
/// says which two things the operator may have meant.
std::variant<ip_network, network_parse_error> parse_network(std::string_view text,
                                                            ip_family expected);

} // namespace spfd
