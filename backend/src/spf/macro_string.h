// SPDX-License-Identifier: MIT
#pragma once

// The macro-string grammar of RFC 7208 §7.1, parsed in one place: the record parser checks
// domain-specs and modifier values with it, check_host() expands what it parsed. Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// Where a macro-string (§7.1) is used: the letters c, r and t are allowed only in
/// explanation text (§7.2), which may also contain spaces (explain-string); any_letter is
/// for unknown-modifier values, which receivers never expand.
enum class macro_context { domain_spec, explanation, any_letter };

/// One piece of a macro-string.
struct macro_piece {
    enum class kind {
        literal, ///< text copied as it is
        escape,  ///< `%%`, `%_` or `%-`; `letter` is the character after the `%`
        macro    ///< `%{…}`: macro-letter, transformers, delimiters
    };
    kind type = kind::literal;
    std::string_view text; ///< the piece as written, `%` and braces included
    /// macro: the letter as written (upper case asks for URL escaping, §7.3); escape: `%`,
    /// `_` or `-`.
    char letter = 0;
    /// macro: how many right-hand parts to keep (§7.3); 0 when no digits were written. Large
    /// numbers are kept as 1000, more parts than a name can have.
    unsigned keep = 0;
    bool reverse = false;        ///< macro: the `r` transformer
    std::string_view delimiters; ///< macro: as written; empty means `.`
};

/// A macro-string split into pieces, or why it is malformed.
struct macro_string {
    std::vector<macro_piece> pieces; ///< in order; complete only when there is no error
    std::optional<std::string> error;
    bool has_macros = false; ///< some piece is an escape or a macro
    bool uses_p = false;     ///< some macro uses the letter p (§7.3: SHOULD NOT)
    /// The literal text after the last macro-expand (the whole text when there is none);
    /// where a domain-spec's domain-end is (§7.1).
    std::string_view tail;
    /// The text ends in a macro-expand, which is a domain-end on its own (§7.1).
    bool ends_with_macro = false;
};

/// How an octet that is not allowed is named in a message: "a space", "the octet 0x7f".
std::string describe_char(unsigned char c);

/// Parses `text` as a macro-string (for macro_context::explanation an explain-string) and
/// reports the first syntax error. The domain-end rule of domain-specs is not checked here.
macro_string parse_macro_string(std::string_view text, macro_context context);

} // namespace spfd
