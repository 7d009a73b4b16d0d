// SPDX-License-Identifier: MIT
#pragma once

#include "config/server_config.h"
#include "zone/reloader.h"
#include "zone/snapshot_holder.h"

#include <functional>

namespace spfd {

/// Binds the configured listeners (pdns's and the admin endpoint), or takes those systemd
/// passes (io/passed_fds), adopts the pdns connections an earlier process stored, logs
/// `event=ready` (and tells systemd READY=1), and runs until SIGINT or SIGTERM. Under systemd
/// SIGTERM hands pdns's connections over to the next process (io/service_notify); otherwise
/// they close. SIGHUP calls `on_hangup` on the event loop, never in signal context. Returns
/// the exit status: 0 after a clean stop, 1 if a listener could not be set up.
int serve(const server_config& config, const snapshot_holder& snapshots, reloader& zones,
          std::function<void()> on_hangup);

} // namespace spfd
