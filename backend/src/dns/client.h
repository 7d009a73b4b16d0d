// SPDX-License-Identifier: MIT
#pragma once

// One DNS query with ldns to one explicitly configured server:port. Never the system
// resolver: the probe and the customer checks must only ask the server they were given.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// Where queries go: an IPv4 or IPv6 address literal (no name lookup), a port, a timeout
/// per query.
struct dns_server {
    std::string address = "127.0.0.1";
    std::uint16_t port = 53;
    std::chrono::milliseconds timeout{2000};
    bool recursion_desired = false; ///< RD bit: true when asking a recursive resolver
};

/// The query types SPF evaluation needs (RFC 7208 §4.6, §5), and type 99 (§3.1).
enum class dns_type : std::uint16_t { a = 1, ptr = 12, mx = 15, txt = 16, aaaa = 28, spf = 99 };

enum class dns_transport { udp, udp_edns, tcp };

/// What one query returned.
struct dns_response {
    std::string transport;  ///< "udp", "udp+edns", "tcp"
    std::string failure;    ///< non-empty: no usable response ("timeout after 300 ms", …)
    int rcode = 0;          ///< RCODE (RFC 1035 §4.1.1)
    bool truncated = false; ///< TC flag
    /// RA flag: the server offers recursion. Clear from an authoritative-only server,
    /// which answers only for its own zones.
    bool recursion_available = false;
    std::size_t octets = 0;     ///< wire size of the response message
    std::size_t answer_rrs = 0; ///< RRs of any type in the answer section
    /// The answer RRs of the asked type and class IN, as text: TXT/SPF the character-strings
    /// concatenated (§3.3); A/AAAA the address; MX "preference exchange"; PTR the name. Names
    /// lower case without the final dot.
    std::vector<std::string> records;
    /// The least TTL of those records: how long the answer may be relied on.
    std::optional<std::uint32_t> min_ttl;

    bool answered() const { return failure.empty(); }
};

/// Why `server` cannot be used (not an address literal, port 0, no timeout), or nothing.
std::optional<std::string> check_dns_server(const dns_server& server);

/// The `nameserver` addresses of a resolv.conf text (resolv.conf(5)), in order: the
/// system's resolvers, for when no servers are configured. Lines that are not an address
/// literal (a scoped link-local address, a typo) are skipped.
std::vector<std::string> resolv_conf_servers(std::string_view text);

/// "A", "PTR", "MX", "TXT", "AAAA" or "SPF".
std::string_view dns_type_name(dns_type type);

/// "NOERROR", "NXDOMAIN", … or "RCODE n".
std::string rcode_name(int rcode);

/// Sends one query for `name`/`type` to server (ldns; a fresh resolver per query, one
/// attempt, the timeout bounds each wait; no fallback to TCP: the caller sees TC).
dns_response dns_query(const dns_server& server, const std::string& name, dns_type type,
                       dns_transport transport);

} // namespace spfd
