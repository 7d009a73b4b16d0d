// SPDX-License-Identifier: MIT
#pragma once

// TXT RDATA in zone-file presentation form (RFC 1035 §5.1), as the remote backend hands it to
// pdns: `"v=spf1 ip4:… " "ip6:… ~all"`. Written when a snapshot is built, read back when a
// customer check is answered from a snapshot.

#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// The character-strings in presentation form: each in double quotes with `"` and `\` escaped
/// by a backslash, separated by one space. parse_txt_presentation() is its inverse.
std::string txt_presentation(const std::vector<std::string>& strings);

/// The character-strings of presentation-form TXT content: the inverse of txt_presentation().
/// A backslash inside quotes takes the next character as it is (`\X`); `\DDD` is not decoded,
/// since txt_presentation() never writes it. Text outside quotes is skipped, and a string left
/// open runs to the end of `content`.
std::vector<std::string> parse_txt_presentation(std::string_view content);

/// The character-strings of `content` joined without separators, as SPF reads a TXT record
/// (RFC 7208 §3.3).
std::string txt_presentation_text(std::string_view content);

} // namespace spfd
