// SPDX-License-Identifier: MIT
#pragma once

// The client's address as SPF names it: the %{i} text, the reverse-DNS name, and the
// validated names of §5.5 that both the ptr mechanism and the %{p} macro (§7.3) use.

#include "spf/resolver.h"

#include <boost/asio/ip/address.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// %{i} (§7.3): the dotted quad, or 32 dot-separated upper-case nibbles for IPv6 (§7.4).
std::string ip_macro_text(const boost::asio::ip::address& ip);

/// The PTR query name of `ip`, lower case as resolvers take it: reversed octets under
/// in-addr.arpa, nibbles under ip6.arpa.
std::string reverse_dns_name(const boost::asio::ip::address& ip);

/// The names of `ip` that are validated (§5.5): the PTR names, at most the first 10
/// (§4.6.4), each kept when its A (IPv4) or AAAA (IPv6) records contain `ip`. A DNS error
/// for the PTR query gives none; one for a name's addresses skips that name. Lower case,
/// no final dot, in PTR order.
std::vector<std::string> validated_names(spf_resolver& dns, const boost::asio::ip::address& ip);

/// `name` is `domain` or a name below it (case already folded by the caller).
bool is_same_or_subdomain(std::string_view name, std::string_view domain);

/// %{p} for `domain` (§7.3): `domain` itself when validated, else a validated subdomain of
/// it, else the first validated name, else "unknown".
std::string pick_validated_name(const std::vector<std::string>& names, std::string_view domain);

} // namespace spfd
