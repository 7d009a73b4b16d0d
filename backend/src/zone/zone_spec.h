// SPDX-License-Identifier: MIT
#pragma once

#include "net/ip_network.h"
#include "util/diagnostic.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// One entry of the sender list, as the operator wrote it.
struct sender {
    ip_network network;
    std::string text;  ///< as written, for messages
    std::string note;  ///< which host, which ticket
    bool wide = false; ///< operator confirmed that a very wide network is intended
    // Where it was written: zone_spec::where() makes the position. Kept small (no file name
    // per entry) because a generated sender list may hold a million of them.
    std::uint16_t source = 0; ///< index into zone_spec::sources
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

/// A sender we do not own: a provider's SPF record (`include = "_spf.provider.example"`),
/// flattened into the addresses it passes, or kept as an `include:` term of our record.
struct sender_include {
    std::string domain; ///< lower case, no final dot
    std::string note;
    /// Published as `include:<domain>` instead of flattened: costs every customer one more
    /// DNS lookup, but serves records that cannot be flattened (macros, exists, ptr).
    bool keep = false;
    std::uint16_t source = 0; ///< index into zone_spec::sources
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    /// The addresses the provider's record passes: its last good set, given by the load
    /// (zone_set) before the zone is compiled, with what the reports say of it.
    std::vector<ip_network> networks;
    std::int64_t resolved_at = 0;             ///< unix time of the lookup that gave `networks`
    std::uint32_t ttl = 0;                    ///< least TTL of its answers; 0: unknown
    unsigned lookups = 0;                     ///< DNS lookups of the provider's record itself
    std::string last_error;                   ///< the last lookup failed: why
    std::optional<std::size_t> held_networks; ///< networks of a change held for an operator
};

struct soa_spec {
    std::string primary;    ///< MNAME, absolute, lower case, no trailing dot
    std::string hostmaster; ///< RNAME in DNS-name form (`hostmaster.connectoor.com`)
    std::uint32_t refresh = 0, retry = 0, expire = 0, minimum = 0;
    std::uint32_t ttl = 0;
};

/// The final `all` term of our record. Never `+all` (anyone may send as every customer) nor
/// `?all` (says nothing): RFC 7208 §5.1, docs/spf-rules.md.
enum class all_qualifier { softfail, fail };

/// What to do when the flat record does not fit the size budget.
enum class overflow_mode {
    flat,  ///< one record; refuse when over budget
    split, ///< the apex includes child records that share the networks
    macro, ///< the apex includes %{i}._ip.<zone>; per-IP answers computed per query
    auto_, ///< flat if it fits, else split within the lookup maximum, else macro
};

std::string_view to_string(overflow_mode mode);

/// Everything one `zones/<apex>.toml` says, validated, before it is rendered.
struct zone_spec {
    std::string file;
    std::string apex; ///< lower case, no trailing dot
    soa_spec soa;
    std::vector<std::string> nameservers;
    std::uint32_t ns_ttl = 0;
    all_qualifier all = all_qualifier::softfail;
    std::uint32_t spf_ttl = 0;
    std::uint32_t max_answer_octets = 450; ///< size budget for the TXT answer on the wire
    overflow_mode overflow = overflow_mode::flat;
    /// Most DNS lookups a customer's include:<apex> may cost them (RFC 7208 §4.6.4 allows
    /// 10 for their whole evaluation); split is refused above it.
    unsigned max_customer_lookups = 3;
    /// A plain-text list of more senders (`senders_file`, resolved against the zone file's
    /// folder); empty if the zone has none.
    std::string senders_file;
    source_position senders_file_key; ///< where `senders_file` is set, for messages
    std::vector<std::string> sources; ///< files the senders come from: [0] is `file`
    std::vector<sender> senders;
    std::vector<sender_include> includes; ///< in the order written, [[senders]] first

    template <typename Entry> source_position where(const Entry& s) const {
        return {s.source < sources.size() ? sources[s.source] : file, s.line, s.column};
    }
};

} // namespace spfd
