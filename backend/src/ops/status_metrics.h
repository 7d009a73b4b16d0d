// SPDX-License-Identifier: MIT
#pragma once

#include "zone/snapshot.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace spfd {

/// What the reloads did so far; written by the reloader, read by /metrics and /health.
struct reload_stats {
    std::atomic<bool> last_ok{false};
    std::atomic<std::int64_t> last_unix_time{0};
    std::atomic<std::int64_t> published_unix_time{0}; ///< when the served snapshot went live
    std::atomic<std::uint64_t> ok_total{0};
    std::atomic<std::uint64_t> failed_total{0};
};

/// Prometheus text for the served zones and the reloads. `served` may be null (nothing
/// valid loaded yet). `now_unix` is passed in so that the output is testable.
std::string render_status_metrics(const snapshot* served, const reload_stats& reloads,
                                  std::int64_t now_unix);

} // namespace spfd
