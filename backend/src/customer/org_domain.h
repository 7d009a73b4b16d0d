// SPDX-License-Identifier: MIT
#pragma once

// The organizational domain of DMARC (RFC 7489 §3.2): the public suffix of a name plus one
// label, from the public suffix list (libpsl; Debian's publicsuffix package when newer than
// libpsl's built-in copy).

#include <string>
#include <string_view>

namespace spfd {

/// `domain`'s organizational domain, lower case without the final dot; `domain` itself
/// when it is a public suffix or has no registrable part.
std::string organizational_domain(std::string_view domain);

} // namespace spfd
