// SPDX-License-Identifier: MIT
#pragma once

// Which text counts as a domain name depends on what the name is for. Each rule here has a
// name that says which one it is and where it applies; the rules differ on purpose.
//
// | rule                     | octets          | labels | characters                 |
// |--------------------------|-----------------|--------|----------------------------|
// | is_wire_encodable_name   | ≤ 255 wire      | 1-63   | any; `\X`, `\DDD` escapes  |
// | is_check_host_domain     | 1-253 text      | 1-63   | any; no final dot          |
// | parse_host_name          | 1-253 text      | 1-63   | LDH, not `-` at label ends;|
// |                          | (final dot off) |        | last label not all digits  |
//
// The SPF record parser checks domain-specs with macros in them (RFC 7208 §7.1) with its own
// label rule, next to the macro grammar it depends on.

#include <cstddef>
#include <string>
#include <string_view>

namespace spfd {

/// Longest label, in octets (RFC 1035 §2.3.4).
inline constexpr std::size_t max_label_octets = 63;
/// Longest name in text form without the final dot: 255 wire octets less the first length
/// octet and the root label (RFC 1035 §2.3.4).
inline constexpr std::size_t max_name_text_octets = 253;

/// True when `name`, in presentation form (RFC 1035 §5.1: `\X` and `\DDD` escapes, optional
/// final dot, "." for the root), encodes to a wire-format name within RFC 1035 §2.3.4's limits:
/// labels of 1 to 63 octets, at most 255 octets in all. Any octet is allowed. For names we only
/// send in a query (the probe's name, customer domains to check): the server decides whether
/// such a name exists.
bool is_wire_encodable_name(std::string_view name);

/// True when `name` is a domain that check_host() queries (RFC 7208 §4.3, and after macro
/// expansion §7.3): 1 to 253 octets, no empty label (so no final dot) and no label over 63
/// octets. Any characters: a name of other characters simply does not exist. A name that
/// fails makes check_host() return none (§4.3) or count a void lookup.
bool is_check_host_domain(std::string_view name);

/// A host name (RFC 1123 §2.1) in canonical form, or why the text is not one.
struct host_name_parse {
    std::string name;    ///< lower case, no final dot; empty when `problem` is set
    std::string problem; ///< "is empty", "has a label of 64 characters (…)", …

    bool ok() const { return problem.empty(); }
};

/// Reads a host name (RFC 1123 §2.1): letters, digits and '-', labels of 1 to 63 characters
/// that neither start nor end with '-', at most 253 characters without the final dot, and a
/// last label that is not all digits. For the names we publish: the zone apex, the NS names and
/// the SOA's primary and hostmaster. Such names are also valid in the include: terms that
/// customers write (RFC 7208 toplabel).
host_name_parse parse_host_name(std::string_view text);

/// Reads the name of an SPF record we are to follow (a provider's `include:` target): the
/// rules of parse_host_name() with `_` allowed in labels (`_spf.provider.example`), and at
/// least two labels (RFC 7208 domain-end). No macros: such a name cannot be resolved ahead.
host_name_parse parse_spf_target(std::string_view text);

/// True when `name` is `apex` itself or a name below it (`name` ends in "." + apex). Both
/// in the same form: lower case, with or without the final dot on both.
bool is_at_or_below(std::string_view name, std::string_view apex);

/// True when `name` lies below `apex` but is not `apex` itself. Same form as is_at_or_below().
bool is_strictly_below(std::string_view name, std::string_view apex);

} // namespace spfd
