// SPDX-License-Identifier: MIT
#pragma once

// A strict RFC 7208 record parser for records we did not write: the monitoring probe reads
// back what the server publishes, and customer records are checked with it. Pure: no DNS.

#include "spf/macro_string.h"

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// The result a directive gives when its mechanism matches (RFC 7208 §4.6.2).
enum class spf_qualifier { pass, fail, softfail, neutral };

/// The eight mechanisms (§5) and the modifiers (§6).
enum class spf_term_kind {
    all,
    include,
    a,
    mx,
    ptr,
    ip4,
    ip6,
    exists,
    redirect,
    exp,
    unknown_modifier
};

/// The terms that cost a DNS lookup and count towards the limit of §4.6.4: include, a, mx,
/// ptr, exists and redirect. ip4, ip6 and all query nothing; exp is fetched only after a
/// fail and does not count.
constexpr bool costs_dns_lookup(spf_term_kind kind) {
    switch (kind) {
    case spf_term_kind::include:
    case spf_term_kind::a:
    case spf_term_kind::mx:
    case spf_term_kind::ptr:
    case spf_term_kind::exists:
    case spf_term_kind::redirect:
        return true;
    default:
        return false;
    }
}

/// One well-formed term of a record.
struct spf_term {
    spf_term_kind kind = spf_term_kind::all;
    std::string text;       ///< the term as written, qualifier included
    std::size_t offset = 0; ///< 0-based octet offset of the term in the record

    spf_qualifier qualifier = spf_qualifier::pass; ///< mechanisms only; `+` when omitted
    bool explicit_qualifier = false;               ///< the qualifier character was written

    /// include, exists, redirect, exp: the target; a, mx, ptr: empty when omitted (the
    /// current domain). Kept as written (a macro-string, §7.1), trailing dot included.
    std::string domain_spec;
    bool has_macros = false; ///< domain_spec or modifier_value contains a macro-expand

    /// ip4, ip6: the address as written; host bits are legal in SPF and kept.
    boost::asio::ip::address address;
    /// ip4: the prefix length if written; a, mx: the IPv4 part of the dual-cidr-length.
    std::optional<unsigned> ip4_cidr;
    /// ip6: the prefix length if written; a, mx: the IPv6 part of the dual-cidr-length.
    std::optional<unsigned> ip6_cidr;

    std::string modifier_name;  ///< unknown modifiers: the name as written
    std::string modifier_value; ///< unknown modifiers: the macro-string after `=`

    bool is_mechanism() const;
    bool is_modifier() const { return !is_mechanism(); }
    /// ip4, ip6: the effective prefix length (32 or 128 when none was written).
    unsigned prefix_length() const;
};

/// A problem found in a record, with the term it is about.
struct spf_finding {
    std::string term;       ///< the offending term as written
    std::size_t offset = 0; ///< where it starts in the record
    std::string message;
};

/// Everything parse_spf() learned about one record.
struct spf_parse_result {
    /// The record starts with `v=spf1` (any case) followed by a space or its end (§4.5).
    /// When false the text is not an SPF record, and no terms are parsed.
    bool is_spf = false;
    std::vector<spf_term> terms;       ///< the well-formed terms, in record order
    std::vector<spf_finding> errors;   ///< syntax errors: receivers return permerror (§4.6)
    std::vector<spf_finding> warnings; ///< legal, but discouraged or without effect

    bool ok() const { return is_spf && errors.empty(); }
};

/// True when `text` is an SPF record at all: `v=spf1`, any case, then a space or the end
/// (§4.5). `v=spf10` and `v=spf2.0/pra` are not.
bool is_spf_record(std::string_view text);

/// Parses one record (the TXT character-strings already concatenated, §3.3) against the
/// ABNF of §12, reporting every syntax error rather than the first one only.
spf_parse_result parse_spf(std::string_view record);

/// The kind a term's name gives it (qualifier skipped; `name=` makes a modifier) without
/// checking the rest of it; nothing when the name is no mechanism. For records we rendered
/// ourselves, where parsing in full would only repeat what the renderer knows.
std::optional<spf_term_kind> term_kind_of(std::string_view term);

/// Checks the syntax of a macro-string; returns why it is malformed, or nothing.
/// For macro_context::domain_spec the domain-end rule applies too: the text must end in
/// `.` and a top-level label (optionally a final `.`), or in a macro.
std::optional<std::string> check_macro_string(std::string_view text, macro_context context);

/// What one record costs and where its `all` is; the basis of lookup limits (§4.6.4).
struct spf_term_summary {
    /// Terms that cost a DNS lookup as written (costs_dns_lookup()).
    unsigned querying_terms = 0;
    /// Those an evaluation can reach: the mechanisms up to the first `all` (later ones are
    /// never evaluated, §5.1), plus redirect only when there is no `all` (§6.1).
    unsigned reachable_lookups = 0;
    unsigned includes = 0, a = 0, mx = 0, ptr = 0, exists = 0;
    std::optional<std::size_t> all_index;       ///< index in terms of the first `all`
    std::optional<spf_qualifier> all_qualifier; ///< its qualifier
    std::size_t mechanisms_after_all = 0;       ///< never evaluated (§5.1)
    bool has_redirect = false;
    bool redirect_ignored = false; ///< redirect together with `all` (§6.1)
    bool has_exp = false;
    bool has_macros = false; ///< some term contains a macro-expand
};

/// Counts and locates the terms of one record (not following includes).
spf_term_summary summarize_terms(const std::vector<spf_term>& terms);

/// The record's space-separated words as written (`v=spf1` first), runs of spaces
/// skipped; unlike parse_spf() it works on malformed records too.
std::vector<std::string> split_record_terms(std::string_view record);

/// `+`, `-`, `~` or `?`.
char qualifier_char(spf_qualifier q);
/// The term's name in lower case: `include`, `ip4`, `redirect`, `unknown-modifier`, …
std::string_view term_kind_name(spf_term_kind kind);

} // namespace spfd
