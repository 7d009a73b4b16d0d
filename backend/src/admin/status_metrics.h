// SPDX-License-Identifier: MIT
#pragma once

#include "zone/reloader.h"
#include "zone/snapshot.h"

#include <cstdint>
#include <string>

namespace spfd {

/// Prometheus text for the served zones and the reloads. `served` may be null (nothing
/// valid loaded yet). `now_unix` is passed in so that the output is testable.
std::string render_status_metrics(const snapshot* served, const reload_stats& reloads,
                                  std::int64_t now_unix);

} // namespace spfd
