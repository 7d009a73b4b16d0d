// SPDX-License-Identifier: MIT
#pragma once

#include "zone/serial_store.h"
#include "zone/snapshot.h"

#include <string>

namespace spfd {

/// Human-readable account of one zone for `--check`: the record, its size against the
/// budget, the lookup cost for customers, and the serial it will be served with.
std::string describe_zone(const zone_summary& zone, const serial_store& remembered);

} // namespace spfd
