// SPDX-License-Identifier: MIT
#pragma once

#include "config/server_config.h"
#include "io/connections.h"
#include "zone/snapshot_holder.h"

#include <boost/asio/io_context.hpp>
#include <memory>

namespace spfd {

/// Accepts pdns's HTTP connector (REST GET, post=1, post=1+post_json=1) with keep-alive.
/// Binding fails loudly: the constructor throws std::runtime_error with a one-line reason.
class http_listener {
  public:
    http_listener(boost::asio::io_context& io, io_threads threads,
                  const http_listener_config& where, const limits_config& limits,
                  const snapshot_holder& snapshots);
    ~http_listener();
    void start();
    void stop(); ///< stop accepting and close every connection

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

/// Accepts pdns's unix connector: one JSON request per line, one JSON reply per line.
/// Replaces a stale socket file (only if it is a socket), sets the configured mode, and
/// removes the file on stop.
class unix_listener {
  public:
    unix_listener(boost::asio::io_context& io, io_threads threads,
                  const unix_listener_config& where, const limits_config& limits,
                  const snapshot_holder& snapshots);
    ~unix_listener();
    void start();
    void stop();

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace spfd
