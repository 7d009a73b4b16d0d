// SPDX-License-Identifier: MIT
#pragma once

// Flattening: a provider's SPF record turned into the addresses for which check_host() of
// that record gives `pass`, with the same DNS answers. Pure: DNS comes through
// spf_resolver, so it is tested on an in-memory DNS and cross-checked against check_host().

#include "net/ip_network.h"
#include "spf/check_host.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace spfd {

/// What a provider's record passes, as networks we can publish.
struct flat_spf {
    /// Exactly the addresses that pass, aggregated: the fewest networks, IPv4 first, sorted.
    std::vector<ip_network> networks;
    std::string record; ///< the provider's own record, as fetched
    /// The most DNS-querying terms (§4.6.4) one evaluation of the record reaches, nested
    /// ones included: what a receiver would spend on it, and flattening saves.
    unsigned lookups = 0;
    unsigned queries = 0; ///< questions asked of the resolver
    /// The least TTL of the answers used: the data is good until then. None when no answer
    /// carried one (the in-memory DNS of the tests).
    std::optional<std::uint32_t> min_ttl;
};

/// Why a record was not flattened.
struct flatten_failure {
    enum class kind {
        dns,           ///< a lookup failed (timeout, SERVFAIL, …): temperror, try again
        no_record,     ///< no SPF record at the provider or at an include/redirect target
        invalid,       ///< a syntax error, two SPF records, over the limits: permerror
        unflattenable, ///< macros, exists, ptr or +all: keep it as an include: term instead
    };
    kind why = kind::dns;
    std::string message; ///< one line: the term and the domain whose record holds it
};

/// Evaluates `domain`'s record for every IPv4 and IPv6 address at once, as check_host()
/// would for each (RFC 7208 §4-§6): ip4/ip6, a and mx (with their cidr-lengths), include
/// (matches on pass only, §5.2), redirect (§6.1), the first matching term deciding, within
/// the 10-lookup and 2-void-lookup limits of §4.6.4 counted along each address's own path.
/// An address an earlier -, ~ or ? term matches is cut out of later + terms. Any failure
/// that some address would meet (a DNS error, a limit, a term whose result depends on
/// more than the address) fails the whole flattening: its set would not be faithful.
/// IPv4-mapped IPv6 addresses are evaluated as IPv4 by receivers and never listed.
std::variant<flat_spf, flatten_failure> flatten_spf(spf_resolver& dns, std::string_view domain);

std::string_view to_string(flatten_failure::kind why);

} // namespace spfd
