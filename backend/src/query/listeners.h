// SPDX-License-Identifier: MIT
#pragma once

#include "config/server_config.h"
#include "io/connections.h"
#include "io/passed_fds.h"
#include "io/service_notify.h"
#include "zone/snapshot_holder.h"

#include <boost/asio/io_context.hpp>
#include <memory>

namespace spfd {

/// What systemd gives a listener when the backend runs under it (deploy/systemd/).
struct service_sockets {
    int listening_fd = -1;            ///< a passed listening socket; -1: bind from the settings
    service_notify* notify = nullptr; ///< keeps accepted connections in the fd store
};

/// Accepts pdns's HTTP connector (REST GET, post=1, post=1+post_json=1) with keep-alive.
/// Binding fails loudly: the constructor throws std::runtime_error with a one-line reason.
/// With `systemd.listening_fd` it serves that socket and binds nothing.
class http_listener {
  public:
    http_listener(boost::asio::io_context& io, io_threads threads,
                  const http_listener_config& where, const limits_config& limits,
                  const snapshot_holder& snapshots, service_sockets systemd = {});
    ~http_listener();
    void start();
    void stop(); ///< stop accepting and close every connection
    /// Stop accepting; each connection answers the request it is in, then is handed over
    /// (kept in the fd store) or, when not stored, closed right after a reply that says
    /// `Connection: close`.
    void hand_over();
    /// Serves a connection a previous process kept in the fd store.
    void adopt(const passed_fd& connection);

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

/// Accepts pdns's unix connector: one JSON request per line, one JSON reply per line.
/// Replaces a stale socket file (only if it is a socket), sets the configured mode, and
/// removes the file on stop. With `systemd.listening_fd` it serves that socket instead and
/// leaves the file to systemd.
class unix_listener {
  public:
    unix_listener(boost::asio::io_context& io, io_threads threads,
                  const unix_listener_config& where, const limits_config& limits,
                  const snapshot_holder& snapshots, service_sockets systemd = {});
    ~unix_listener();
    void start();
    void stop();
    /// Stop accepting; each connection answers what it has read (a partial request is read
    /// to its end, and not a byte further), then is handed over to the fd store, or closed
    /// when it is not stored.
    void hand_over();
    /// Serves a connection a previous process kept in the fd store.
    void adopt(const passed_fd& connection);

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace spfd
