// SPDX-License-Identifier: MIT
#pragma once

// A DMARC record (RFC 7489 §6.3, §6.4) read strictly: every tag checked, every mistake
// named, and the policy a receiver applies despite them (§6.6.3). Pure: no DNS.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// p= and sp= (§6.3).
enum class dmarc_policy { none, quarantine, reject };
std::string_view policy_name(dmarc_policy p);

/// One DMARC record as parsed.
struct dmarc_record {
    std::string text;
    std::optional<dmarc_policy> p;  ///< absent or invalid: nothing
    std::optional<dmarc_policy> sp; ///< absent or invalid: nothing
    bool sp_written = false;        ///< an sp= tag is there (valid or not)
    unsigned pct = 100;
    char adkim = 'r', aspf = 'r';    ///< 'r' relaxed, 's' strict
    std::vector<std::string> rua;    ///< the valid aggregate-report URIs, as written
    std::vector<std::string> errors; ///< syntax mistakes, each naming the tag

    /// The policy receivers apply for a message from the record's own domain or (`for_sub`)
    /// from a name below it (§6.6.3 step 6): p (sp for a subdomain when given); a record
    /// whose p or sp is missing or invalid counts as p=none when it has a valid rua, and as
    /// no policy at all (nothing) otherwise.
    std::optional<dmarc_policy> applied_policy(bool for_sub) const;
};

/// True when a TXT record is a DMARC record at all: it starts with `v=DMARC1` (§6.6.3
/// step 2 discards the rest), spaces around `=` allowed.
bool is_dmarc_record(std::string_view text);

/// Parses a record that is_dmarc_record(). `org_level`: it is the organizational domain's,
/// where p is required (§6.3).
dmarc_record parse_dmarc(std::string_view text, bool org_level);

} // namespace spfd
