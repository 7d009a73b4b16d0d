// SPDX-License-Identifier: MIT
// What the backend tells systemd (sd_notify(3)): READY=1, STOPPING=1, and the pdns
// connections it keeps in the file descriptor store so that they outlive the process.
#pragma once

#include "io/passed_fds.h"

#include <atomic>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace spfd {

/// The service manager's notification socket (NOTIFY_SOCKET). Without it every call does
/// nothing, so the backend runs the same outside systemd. Thread-safe.
class service_notify {
  public:
    /// `next_connection_number`: where stored connections' numbers go on
    /// (passed_fds::next_connection_number).
    explicit service_notify(std::uint64_t next_connection_number = 1);

    /// Whether NOTIFY_SOCKET was set at construction: then stored connections survive a
    /// restart (given FileDescriptorStoreMax= in the unit).
    bool active() const { return active_; }

    /// READY=1: the first zone set is served.
    void ready() const;
    /// STOPPING=1: the process is on its way out.
    void stopping() const;
    /// FDSTORE=1 with FDNAME=<kind>-conn-<n>: systemd keeps a copy of `fd`. Returns the
    /// name, or empty when nothing was stored (no notification socket, or sending failed).
    std::string keep(int fd, connection_kind kind);
    /// FDSTOREREMOVE=1 for `name`: a closed connection must leave the store, or systemd's
    /// copy keeps it open and the peer never sees the end.
    void forget(const std::string& name) const;

  private:
    bool send(std::string_view state) const;

    bool active_;
    std::atomic<std::uint64_t> next_number_;
};

/// A session's entry in the fd store: stored when the session starts on a new connection,
/// named already when it adopts one, removed when the connection ends for good.
class stored_connection {
  public:
    /// `adopted_name`: the FDNAME of a connection taken from the store; empty for a new one.
    stored_connection(service_notify* notify, std::string adopted_name)
        : notify_(notify), name_(std::move(adopted_name)) {}

    /// Stores a new connection when the store is there; nothing for an adopted one.
    void keep(int fd, connection_kind kind) {
        if (notify_ && name_.empty())
            name_ = notify_->keep(fd, kind);
    }
    bool stored() const { return !name_.empty(); }
    const std::string& name() const { return name_; }
    /// FDSTOREREMOVE=1; the entry is empty afterwards, so a second call does nothing.
    void forget() {
        if (notify_ && !name_.empty())
            notify_->forget(std::exchange(name_, std::string()));
    }

  private:
    service_notify* notify_;
    std::string name_;
};

/// Ends a connection for the peer too, and takes it out of the store: the shutdown reaches
/// pdns even though systemd holds a copy of the descriptor, which then goes as well.
template <class Socket> void close_for_good(Socket& socket, stored_connection& entry) {
    boost::system::error_code ignored;
    socket.shutdown(Socket::shutdown_both, ignored);
    socket.close(ignored);
    entry.forget();
}

/// The end of a hand-over: closes only our descriptor of a stored connection, which lives
/// on in the store for the next process. False, and nothing done, when it is not stored.
template <class Socket> bool let_go_of(Socket& socket, const stored_connection& entry) {
    if (!entry.stored())
        return false;
    boost::system::error_code ignored;
    socket.close(ignored);
    return true;
}

} // namespace spfd
