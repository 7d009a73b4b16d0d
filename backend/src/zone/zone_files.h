// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/zone_spec.h"

#include <filesystem>
#include <string>
#include <vector>

namespace spfd {

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
