// SPDX-License-Identifier: MIT
#include "daemon/serve.h"

#include "admin/admin_listener.h"
#include "query/listeners.h"
#include "util/log.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

namespace spfd {
namespace {

// Every connection costs a file descriptor. A shell's soft limit (often 1024) cannot hold two
// full listeners: accept would then fail with EMFILE for everyone, pdns included, before
// max_connections is reached. Raise the soft limit as far as [limits] needs, within the hard
// limit, and say so when that is not enough.
void raise_fd_limit(const server_config& config) {
    rlim_t needed = 64; // zone files, the state folder, pdns_control, the admin endpoint
    if (config.unix_socket)
        needed += config.limits.max_connections;
    if (config.http)
        needed += config.limits.max_connections;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= needed)
        return;
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = std::min(needed, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
        limit.rlim_cur = before;
    if (limit.rlim_cur < needed)
        log_event(log_level::warning, "fd_limit_low",
                  "soft=" + std::to_string(limit.rlim_cur) + " needed=" + std::to_string(needed) +
                      " reason=" +
                      log_quoted("the hard limit of open files is below what [limits] "
                                 "max_connections needs; connections fail with EMFILE before"));
    else
        log_event(log_level::info, "fd_limit_raised",
                  "from=" + std::to_string(before) + " to=" + std::to_string(limit.rlim_cur));
}

void wait_for_signals(boost::asio::signal_set& signals, boost::asio::io_context& io,
                      const std::function<void()>& on_hangup,
                      const std::function<void()>& stop_listeners) {
    signals.async_wait([&](const boost::system::error_code& ec, int number) {
        if (ec)
            return;
        if (number == SIGHUP) {
            if (on_hangup)
                on_hangup();
            wait_for_signals(signals, io, on_hangup, stop_listeners);
            return;
        }
        log_event(log_level::info, "stopping", "signal=" + std::to_string(number));
        stop_listeners();
        signals.cancel();
    });
}

// The listeners the settings ask for; each stops its own sessions.
struct listener_set {
    std::unique_ptr<unix_listener> unix_side;
    std::unique_ptr<http_listener> http_side;
    std::unique_ptr<admin_listener> admin_side;

    void stop() const {
        if (unix_side)
            unix_side->stop();
        if (http_side)
            http_side->stop();
        if (admin_side)
            admin_side->stop();
    }
};

// Binds and starts every configured listener. A failed bind is logged; the listeners already
// started are stopped again and the result is false.
bool start_listeners(boost::asio::io_context& io, io_threads threads, const server_config& config,
                     const snapshot_holder& snapshots, reloader& zones, listener_set& out) {
    try {
        if (config.unix_socket) {
            out.unix_side = std::make_unique<unix_listener>(io, threads, *config.unix_socket,
                                                            config.limits, snapshots);
            out.unix_side->start();
        }
        if (config.http) {
            out.http_side = std::make_unique<http_listener>(io, threads, *config.http,
                                                            config.limits, snapshots);
            out.http_side->start();
        }
        if (config.admin) {
            out.admin_side =
                std::make_unique<admin_listener>(io, threads, *config.admin, snapshots, zones);
            out.admin_side->start();
        }
    } catch (const std::exception& e) {
        log_event(log_level::error, "listen_failed", "error=" + log_quoted(e.what()));
        if (out.unix_side)
            out.unix_side->stop();
        if (out.http_side)
            out.http_side->stop();
        return false;
    }
    return true;
}

// The `ready` line's fields: where each listener listens.
std::string listening_on(const server_config& config) {
    std::string where;
    if (config.unix_socket)
        where += " unix=" + log_quoted(config.unix_socket->path.string());
    if (config.http)
        where += " http=" + config.http->address + ":" + std::to_string(config.http->port);
    if (config.admin)
        where += " admin=" + config.admin->address + ":" + std::to_string(config.admin->port);
    return where;
}

} // namespace

int serve(const server_config& config, const snapshot_holder& snapshots, reloader& zones,
          std::function<void()> on_hangup) {
    raise_fd_limit(config);
    // One thread: Asio may drop the per-socket locks of its reactor. Other threads (reloads)
    // only post to the io_context, and posting keeps its lock under this hint.
    boost::asio::io_context io(config.threads == 1 ? BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO
                                                   : static_cast<int>(config.threads));
    const io_threads threads = config.threads == 1 ? io_threads::one : io_threads::several;
    listener_set listeners;
    if (!start_listeners(io, threads, config, snapshots, zones, listeners))
        return 1;

    // Named, not a temporary: the signal handler keeps a reference to it.
    const std::function<void()> stop_listeners = [&] { listeners.stop(); };
    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    wait_for_signals(signals, io, on_hangup, stop_listeners);
    log_event(log_level::info, "ready",
              "threads=" + std::to_string(config.threads) + listening_on(config));

    std::vector<std::thread> extra;
    for (unsigned i = 1; i < config.threads; ++i)
        extra.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : extra)
        t.join();
    log_event(log_level::info, "stopped");
    return 0;
}

} // namespace spfd
