// SPDX-License-Identifier: MIT
#pragma once

#include "config/server_config.h"
#include "io/connections.h"
#include "zone/reloader.h"
#include "zone/snapshot_holder.h"

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

namespace spfd {

/// What the admin endpoint answers, computed without sockets (unit-testable).
struct admin_reply {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

/// GET /metrics, GET /health, GET /zones (with `?passing=1`, each zone's `passing`: every
/// network it lets pass, aggregated). Anything else but POST /reload (handled by the
/// listener, because it runs on the reload thread) is 404 or 405.
admin_reply handle_admin_get(std::string_view target, const snapshot_holder& snapshots,
                             const reload_stats& reloads);

/// GET /zones?passing=1 lists every network of every zone: a million of them take a while
/// to render, which must not hold up the I/O thread that also answers pdns.
bool admin_get_takes_long(std::string_view target);

/// The JSON body of a POST /reload reply.
std::string reload_reply_json(const reload_outcome& outcome, const snapshot* served);

/// Loopback HTTP endpoint for operators and monitoring; one request per connection.
/// With `passed_fd` (a listening socket from systemd) it serves that and binds nothing.
class admin_listener {
  public:
    admin_listener(boost::asio::io_context& io, io_threads threads,
                   const admin_listener_config& where, const snapshot_holder& snapshots,
                   reloader& zones, int passed_fd = -1);
    ~admin_listener();
    void start();
    void stop();

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace spfd
