// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/zone_spec.h"

#include <string_view>

namespace spfd {

/// Parses a plain-text sender list (a zone's `senders_file`) and appends its entries to
/// `zone.senders`, with `zone.sources` extended by `file`. For lists too long to write as
/// [[senders]] tables, typically generated from an address-management system. One entry
/// per line, written as in the SPF record:
///
///     ip4:85.10.214.4            # mail1, OPS-1234
///     ip6:2a01:4f8:10::/48 wide  # the whole block on purpose
///     include:_spf.provider.example   # backup relay, flattened into addresses
///     include:_spf.other.example keep_include  # published as an include: term
///
/// `#` starts a comment (the entry's note); blank lines are ignored. The address or network
/// is parsed exactly as in the zone file; `wide` is `wide = true`, `keep_include` is `keep_include
/// = true`. Errors name the line and column; after `max_errors` of them the rest are counted, not
/// listed.
void parse_sender_list(std::string_view text, const std::string& file, zone_spec& zone,
                       diagnostics& out, std::size_t max_errors = 50);

} // namespace spfd
