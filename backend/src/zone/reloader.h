// SPDX-License-Identifier: MIT
#pragma once

#include "config/server_config.h"
#include "zone/include_book.h"
#include "zone/serial_store.h"
#include "zone/snapshot_holder.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace spfd {

/// What the reloads did so far; written by the reloader, read by /metrics and /health.
struct reload_stats {
    std::atomic<bool> last_ok{false};
    std::atomic<std::int64_t> last_unix_time{0};
    std::atomic<std::int64_t> published_unix_time{0}; ///< when the served snapshot went live
    std::atomic<std::uint64_t> ok_total{0};
    std::atomic<std::uint64_t> failed_total{0};
    /// Where include entries' addresses come from, for their metrics; null when none.
    const include_book* includes = nullptr;
};

/// What one reload did, for the log, the reload command and (later) metrics.
struct reload_outcome {
    bool published = false;
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::vector<std::string> messages; ///< every finding, `file:line:col: …`
    std::chrono::microseconds duration{0};
};

/// The one path by which new zone data goes live: load and validate a complete zone set
/// aside, remember its serials, then publish it in one swap. On any error the snapshot being
/// served stays as it is. Reloads never overlap.
class reloader {
  public:
    /// `includes`: where include entries get their addresses (null: such zones are refused).
    reloader(const server_config& config, serial_store& serials, snapshot_holder& snapshots,
             include_book* includes = nullptr)
        : config_(config), serials_(serials), snapshots_(snapshots), includes_(includes) {
        stats_.includes = includes;
    }

    /// An operator's reload (start-up, SIGHUP, POST /reload): also publishes include sets
    /// held for one.
    reload_outcome reload() { return reload(true); }
    /// Start-up and the reload after a background refresh changed an include's set: sets
    /// held for an operator stay held.
    reload_outcome reload_keeping_held() { return reload(false); }
    const reload_stats& stats() const { return stats_; }

  private:
    reload_outcome reload(bool accept_held);
    reload_outcome load_and_publish(bool accept_held);
    void purge_pdns_caches(const std::vector<std::string>& changed_zones);

    const server_config& config_;
    serial_store& serials_;
    snapshot_holder& snapshots_;
    include_book* includes_;
    std::mutex one_at_a_time_;
    reload_stats stats_;
};

} // namespace spfd
