// SPDX-License-Identifier: MIT
#pragma once

// The DNS as the SPF evaluation sees it: an interface, so that check_host() and the
// validated names run on an in-memory DNS in tests and on ldns in spfctl.

#include "dns/client.h"
#include "util/ascii.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// What a resolver returns for one name and type.
struct dns_lookup {
    enum class outcome { ok, nxdomain, error };
    outcome status = outcome::ok;     ///< error: SERVFAIL, REFUSED, timeout, …
    std::vector<std::string> records; ///< as dns_response::records (may be empty: NODATA)
    std::string error;                ///< why, for outcome::error
    std::optional<std::uint32_t> ttl; ///< the least TTL of the records, when known
    /// The answer came with RA clear: the server is authoritative only, so its REFUSED or
    /// NXDOMAIN for a name outside its zones says nothing about that name.
    bool server_not_recursive = false;

    /// RFC 7208 §4.6.4: NXDOMAIN or an empty answer.
    bool is_void() const { return status != outcome::error && records.empty(); }
};

/// The DNS as check_host() sees it.
class spf_resolver {
  public:
    virtual ~spf_resolver() = default;
    /// `name` is lower case without the final dot.
    virtual dns_lookup lookup(const std::string& name, dns_type type) = 0;
};

/// A domain name as compared and looked up here: lower case, no final dot.
inline std::string normalized_domain(std::string_view name) {
    std::string out = ascii_lower(name);
    while (!out.empty() && out.back() == '.')
        out.pop_back();
    return out;
}

} // namespace spfd
