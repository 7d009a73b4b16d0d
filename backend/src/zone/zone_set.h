// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/include_book.h"
#include "zone/serial_store.h"
#include "zone/snapshot.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace spfd {

/// The one path from files to a servable snapshot, used at start-up, by `check` and by
/// reload: read every `*.toml` in the zones folder once it holds still (zone_files), parse
/// and check each (zone_loader, sender_checks), refuse a zone inside another, compile and
/// measure each (compile, layout), assign serials. `snap` is set only when all is valid.
struct zone_set_result {
    std::shared_ptr<const snapshot> snap;
    diagnostics findings;
    std::map<std::string, serial_store::entry> serials; ///< to commit before publishing
};

/// Include entries take their addresses from `includes` (include_book::prepare(), with
/// `accept_held`); without a book a zone with include entries is refused.
zone_set_result load_zone_set(const std::filesystem::path& zones_dir, const serial_store& serials,
                              include_book* includes = nullptr, bool accept_held = true);

/// The tools' load (check, diff, probe): include entries get the service's last good sets
/// from the state folder, those it has none of are looked up with the `[resolver]`
/// settings; nothing is written. `accept_held`: with the sets held for an operator, as the
/// next operator's reload would publish them (spfctl diff), or without (what is served).
zone_set_result load_zone_set(const server_config& config, const serial_store& serials,
                              bool accept_held = false);

} // namespace spfd
