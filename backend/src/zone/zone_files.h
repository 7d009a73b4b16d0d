// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/zone_spec.h"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace spfd {

/// How long the zones folder and its sender lists must have held still before they are
/// read: a writer that pauses for longer leaves a valid shorter list that no quiet check can
/// tell apart from a finished one (editors that save by rename never do).
inline constexpr std::chrono::milliseconds zone_files_settle_time{20};

/// The first step of every load: parses each `*.toml` of the zones folder (sorted; editor
/// droppings and backups skipped) with load_zone_file(), but only once the folder, and every
/// sender list a zone names outside it, has held still: a file written in place while it is
/// read can parse as a valid, shorter list. A folder that keeps changing for 2 s is refused
/// with an error that names the changing file.
/// Whether a name in the zones folder is a zone file: `*.toml`, but not editor droppings
/// (`.#x.toml`, `.x.toml.swp`) nor backups (`x.toml~`).
bool is_zone_file_name(const std::string& name);

std::vector<zone_spec> load_zone_files(const std::filesystem::path& zones_dir, diagnostics& out);

} // namespace spfd
