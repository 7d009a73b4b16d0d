// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/serial_store.h"
#include "zone/snapshot.h"

#include <filesystem>
#include <memory>

namespace spfd {

/// The one path from files to a servable snapshot, used at start-up, by `check` and by
/// reload: read every `*.toml` in the zones folder, validate, aggregate, render, measure,
/// check the size budget, assign serials. `snap` is set only when everything is valid.
struct zone_set_result {
    std::shared_ptr<const snapshot> snap;
    diagnostics findings;
    std::map<std::string, serial_store::entry> serials; ///< to commit before publishing
};

zone_set_result load_zone_set(const std::filesystem::path& zones_dir, const serial_store& serials);

/// Compiles one validated zone with serial 0; load_zone_set then assigns the real one.
std::optional<compiled_zone> compile_zone(const zone_spec& spec, int id, diagnostics& out);

/// Sets the serial in the summary and in the SOA record.
void assign_serial(compiled_zone& zone, std::uint32_t serial);

} // namespace spfd
