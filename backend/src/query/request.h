// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spfd {

/// The remote backend methods we answer; everything else is `unknown` and gets false.
enum class method {
    initialize,
    lookup,
    get_all_domains,
    get_domain_info,
    list,
    get_all_domain_metadata,
    get_domain_metadata,
    get_updated_masters, ///< pdns with `primary=yes` polls it for zones to NOTIFY about
    set_notified,        ///< and then reports the serial it sent NOTIFYs for
    unknown,
};

/// A SOA serial in text: decimal digits, optionally followed by '.' and zeros (pdns's REST
/// body for setNotified writes the serial as a double). False if it is not one.
bool parse_serial_text(std::string_view text, std::uint32_t& out);

/// Case-insensitive: `getAllDomains`, `getalldomains` and `GETALLDOMAINS` are one method.
method method_from_name(std::string_view name);

/// A request from pdns, whichever connector brought it. Only the parameters we use are kept.
struct request {
    method kind = method::unknown;
    std::string qname; ///< lookup
    std::string qtype; ///< lookup, as sent ("ANY", "SOA", …)
    std::int64_t zone_id = -1;
    std::string name;     ///< getDomainInfo, get(All)DomainMetadata
    std::string kind_arg; ///< getDomainMetadata's `kind`
    std::string zonename; ///< list
    std::int64_t domain_id = -1;
    std::int64_t id = -1;     ///< setNotified: the zone id of getUpdatedMasters
    std::uint32_t serial = 0; ///< setNotified
};

/// The longest name a request may carry, in presentation form with escapes; everything
/// from the network is bounded.
inline constexpr std::size_t max_name_text = 1024;

/// Why a request could not be understood; sent back in the reply's `log`.
struct request_error {
    std::string message;
};

} // namespace spfd
