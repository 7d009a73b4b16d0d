// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/zone_spec.h"

#include <filesystem>
#include <optional>
#include <string_view>

namespace spfd {

/// Parses and validates one zone file's text. `file` is used in messages only. Returns the
/// zone when there was no error; warnings may be present either way. A zone with a
/// `senders_file` comes back without that file's senders and unchecked: load_zone_file()
/// reads the list and then calls finish_senders().
std::optional<zone_spec> parse_zone(std::string_view text, const std::string& file,
                                    diagnostics& out);

/// The checks over all of a zone's senders, wherever they were written: none at all is an
/// error, exact duplicates are errors, covered entries, very wide and special-purpose
/// networks are warnings (a bounded number of each is listed).
void finish_senders(zone_spec& zone, diagnostics& out);

/// Reads and parses one zone file from disk (bounded in size).
std::optional<zone_spec> load_zone_file(const std::filesystem::path& path, diagnostics& out);

} // namespace spfd
