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
/// reads the list and then calls check_senders().
std::optional<zone_spec> parse_zone(std::string_view text, const std::string& file,
                                    diagnostics& out);

/// Reads and parses one zone file from disk (bounded in size).
std::optional<zone_spec> load_zone_file(const std::filesystem::path& path, diagnostics& out);

} // namespace spfd
