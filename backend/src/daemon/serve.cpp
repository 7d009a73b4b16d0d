// SPDX-License-Identifier: MIT
#include "daemon/serve.h"

#include "admin/admin_listener.h"
#include "io/passed_fds.h"
#include "io/service_notify.h"
#include "query/listeners.h"
#include "util/log.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
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

// The listeners the settings ask for, or systemd passes; each stops its own sessions.
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

    // pdns's connections go to the next process; the admin endpoint's just close.
    void hand_over() const {
        if (unix_side)
            unix_side->hand_over();
        if (http_side)
            http_side->hand_over();
        if (admin_side)
            admin_side->stop();
    }
};

/// A passed descriptor's socket when there is one, else -1: bind from the settings.
int passed_or_bind(const std::optional<int>& fd) {
    return fd ? *fd : -1;
}

// Sets up every configured listener, taking the socket systemd passed where there is one
// and binding it otherwise; a listener systemd passes is served even without its table.
void make_listeners(boost::asio::io_context& io, io_threads threads, const server_config& config,
                    const passed_fds& passed, service_notify& notify,
                    const snapshot_holder& snapshots, reloader& zones, listener_set& out) {
    if (config.unix_socket || passed.unix_listener)
        out.unix_side = std::make_unique<unix_listener>(
            io, threads, config.unix_socket.value_or(unix_listener_config{}), config.limits,
            snapshots, service_sockets{passed_or_bind(passed.unix_listener), &notify});
    if (config.http || passed.http_listener)
        out.http_side = std::make_unique<http_listener>(
            io, threads, config.http.value_or(http_listener_config{}), config.limits, snapshots,
            service_sockets{passed_or_bind(passed.http_listener), &notify});
    if (config.admin || passed.admin_listener)
        out.admin_side = std::make_unique<admin_listener>(
            io, threads, config.admin.value_or(admin_listener_config{}), snapshots, zones,
            passed_or_bind(passed.admin_listener));
}

// Binds and starts every listener. A failed bind is logged; the listeners already started
// are stopped again and the result is false.
bool start_listeners(boost::asio::io_context& io, io_threads threads, const server_config& config,
                     const passed_fds& passed, service_notify& notify,
                     const snapshot_holder& snapshots, reloader& zones, listener_set& out) {
    try {
        make_listeners(io, threads, config, passed, notify, snapshots, zones, out);
        if (out.unix_side)
            out.unix_side->start();
        if (out.http_side)
            out.http_side->start();
        if (out.admin_side)
            out.admin_side->start();
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

// Connections an earlier process kept in the fd store are served again, whatever pdns
// wrote into them meanwhile included. One whose listener is gone leaves the store.
template <class Listener>
std::size_t adopt_all(const std::vector<passed_fd>& connections, Listener* listener,
                      const service_notify& notify) {
    std::size_t adopted = 0;
    for (const passed_fd& c : connections) {
        try {
            if (!listener)
                throw std::runtime_error("its listener is not configured");
            listener->adopt(c);
            ++adopted;
        } catch (const std::exception& e) {
            log_event(log_level::warning, "adopt_failed",
                      "name=" + c.name + " reason=" + log_quoted(e.what()));
            ::close(c.fd);
            notify.forget(c.name);
        }
    }
    return adopted;
}

// Descriptors whose names we do not know are closed, and said so.
void close_unknown(const passed_fds& passed) {
    for (const passed_fd& fd : passed.unknown) {
        log_event(log_level::warning, "passed_fd_ignored",
                  "name=" + log_quoted(fd.name) +
                      " reason=\"not a name spf-backend knows (docs/operations.md)\"");
        ::close(fd.fd);
    }
}

// The `ready` line's fields: where each listener listens, and what systemd passed.
std::string listening_on(const server_config& config, const passed_fds& passed,
                         std::size_t adopted) {
    std::string where;
    if (passed.unix_listener)
        where += " unix=systemd";
    else if (config.unix_socket)
        where += " unix=" + log_quoted(config.unix_socket->path.string());
    if (passed.http_listener)
        where += " http=systemd";
    else if (config.http)
        where += " http=" + config.http->address + ":" + std::to_string(config.http->port);
    if (passed.admin_listener)
        where += " admin=systemd";
    else if (config.admin)
        where += " admin=" + config.admin->address + ":" + std::to_string(config.admin->port);
    return where + " adopted_connections=" + std::to_string(adopted);
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
    const passed_fds passed = sort_passed_fds(take_passed_fds());
    close_unknown(passed);
    service_notify notify(passed.next_connection_number);
    listener_set listeners;
    if (!start_listeners(io, threads, config, passed, notify, snapshots, zones, listeners))
        return 1;
    const std::size_t adopted =
        adopt_all(passed.unix_connections, listeners.unix_side.get(), notify) +
        adopt_all(passed.http_connections, listeners.http_side.get(), notify);

    // Named, not a temporary: the signal handler keeps a reference to it. Under systemd the
    // connections outlive the process in the fd store; otherwise they close as it stops.
    const std::function<void()> stop_listeners = [&] {
        notify.stopping();
        if (notify.active())
            listeners.hand_over();
        else
            listeners.stop();
    };
    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    wait_for_signals(signals, io, on_hangup, stop_listeners);
    log_event(log_level::info, "ready",
              "threads=" + std::to_string(config.threads) + listening_on(config, passed, adopted));
    // Once the loop runs: the zones are loaded and every listener answers.
    boost::asio::post(io, [&notify] { notify.ready(); });

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
