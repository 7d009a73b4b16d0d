// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/zone_spec.h"

#include <filesystem>
#include <vector>

namespace spfd {

/// The first step of every load: parses each `*.toml` of the zones folder (sorted; editor
/// droppings and backups skipped) with load_zone_file(), but only once the folder, and every
/// sender list a zone names outside it, has held still: a file written in place while it is
/// read can parse as a valid, shorter list. A folder that keeps changing for 2 s is refused
/// with an error that names the changing file.
std::vector<zone_spec> load_zone_files(const std::filesystem::path& zones_dir, diagnostics& out);

} // namespace spfd
