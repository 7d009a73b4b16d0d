// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/serial_store.h"
#include "zone/snapshot.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spfd {

/// The last step of a load, per zone: lays out the validated spec's networks
/// (flat/split/macro), renders every record (SOA with serial 0, NS, the SPF TXT, split
/// children, the macro ENT) and fills the summary. Warns when a flat answer comes within
/// 50 octets of the budget. Null, with the reason in `out`, when no layout fits.
std::optional<compiled_zone> compile_zone(const zone_spec& spec, int id, diagnostics& out);

/// Sets the serial in the summary and in the SOA record.
void assign_serial(compiled_zone& zone, std::uint32_t serial);

/// Gives each zone the serial `serials` keeps for what it serves (a fingerprint of its
/// records, and of its networks in macro mode), or the next one when that changed. Returns
/// the entries to commit before the zones are published.
std::map<std::string, serial_store::entry> assign_serials(std::vector<compiled_zone>& zones,
                                                          const serial_store& serials);

} // namespace spfd
