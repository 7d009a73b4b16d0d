// SPDX-License-Identifier: MIT
// Shared by the HTTP and unix listeners: the set of open connections (for max_connections
// and stop()), the accept loop, and the one catch point of a session.
#pragma once

#include "util/log.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace spfd {

/// How many threads run the io_context. With one, every handler already runs in sequence, so
/// a session needs no strand; a strand would only add its locking to every completion.
enum class io_threads { one, several };

/// A connection that a listener can close from any thread; implementations post the work to
/// their own executor.
class closable {
  public:
    virtual ~closable() = default;
    virtual void close() = 0;
    /// Stop reading at the next request boundary, answer what was read, then let go of the
    /// connection so that the next process can take it over (the file descriptor store).
    /// A connection that cannot be handed over just closes.
    virtual void hand_over() { close(); }
};

/// The open connections of one listener. Sessions register when they start and leave in
/// their destructor, so the count is exact whatever way a connection ends.
class connection_set {
  public:
    explicit connection_set(std::size_t limit) : limit_(limit) {}

    /// False when stopped or when `limit` connections are open.
    bool admits() const;
    /// Registers a session; 0 when the set is stopped (the caller then closes the socket).
    std::uint64_t add(std::weak_ptr<closable> member);
    void remove(std::uint64_t id);
    std::size_t size() const;
    /// Refuses new members and closes every current one.
    void close_all();
    /// Refuses new members and asks every current one to hand itself over.
    void hand_over_all();
    /// True at most once per second, so that a connection flood logs one line a second.
    bool may_warn();

  private:
    /// Refuses new members; the members still alive.
    std::vector<std::shared_ptr<closable>> stop_members();

    const std::size_t limit_;
    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<closable>> members_;
    std::uint64_t next_id_ = 1;
    bool stopped_ = false;
    std::chrono::steady_clock::time_point last_warning_{};
};

/// Wraps a member function of a session as a completion handler that keeps the session
/// alive, and is the session's one catch point: an exception ends this connection only.
template <class Session, class... Args>
auto guarded(std::shared_ptr<Session> self, void (Session::*step)(Args...)) {
    return [self = std::move(self), step](Args... args) {
        try {
            ((*self).*step)(std::move(args)...);
        } catch (const std::exception& e) {
            self->fail(e.what());
        }
    };
}

/// Accepts connections on its own strand and gives each accepted socket to `start_session`:
/// on a strand of its own when several threads run the io_context, else on the io_context's
/// executor. Refuses (accept, then close) beyond the connection limit.
template <class Protocol>
class acceptor_loop : public std::enable_shared_from_this<acceptor_loop<Protocol>> {
  public:
    using acceptor_type = typename Protocol::acceptor;
    using socket_type = typename Protocol::socket;
    /// Starts a session; the name is a stored connection's FDNAME when the session adopts
    /// one (adopt()), empty for a connection just accepted.
    using session_factory =
        std::function<void(socket_type, std::shared_ptr<connection_set>, std::string)>;

    acceptor_loop(boost::asio::io_context& io, io_threads threads, std::string transport,
                  std::size_t max_connections, session_factory start_session)
        : io_(io), threads_(threads), acceptor_(boost::asio::make_strand(io)),
          retry_(acceptor_.get_executor()), transport_(std::move(transport)),
          connections_(std::make_shared<connection_set>(max_connections)),
          start_session_(std::move(start_session)) {}

    /// For the owner to open, bind and listen before start().
    acceptor_type& acceptor() { return acceptor_; }
    std::size_t open_connections() const { return connections_->size(); }

    void start() {
        boost::asio::post(acceptor_.get_executor(),
                          [self = this->shared_from_this()] { self->accept(); });
    }

    /// Idempotent; safe from any thread. The acceptor is closed on its strand.
    void stop() {
        if (stopped_.exchange(true))
            return;
        connections_->close_all();
        close_acceptor();
    }

    /// As stop(), but the connections hand themselves over (closable::hand_over()).
    void hand_over() {
        if (stopped_.exchange(true))
            return;
        connections_->hand_over_all();
        close_acceptor();
    }

    /// Starts a session on a connection accepted by an earlier process, with no limit
    /// check: pdns had it open before.
    void adopt(socket_type socket, std::string name) {
        boost::asio::dispatch(acceptor_.get_executor(), [self = this->shared_from_this(),
                                                         s = std::move(socket),
                                                         n = std::move(name)]() mutable {
            try {
                self->start_session_(std::move(s), self->connections_, std::move(n));
            } catch (const std::exception& e) {
                log_event(log_level::warning, "adopt_failed",
                          "transport=" + self->transport_ + " reason=" + log_quoted(e.what()));
            }
        });
    }

    /// An executor for a socket that adopt() will take.
    boost::asio::any_io_executor session_executor() {
        if (threads_ == io_threads::one)
            return io_.get_executor();
        return boost::asio::make_strand(io_);
    }

  private:
    // Closing the acceptor only closes our descriptor: a listening socket that systemd
    // passed in stays open in systemd, and connections keep queueing in its backlog.
    void close_acceptor() {
        boost::asio::dispatch(acceptor_.get_executor(), [self = this->shared_from_this()] {
            boost::system::error_code ignored;
            self->acceptor_.close(ignored);
            self->retry_.cancel();
        });
    }

    void accept() {
        if (stopped_ || !acceptor_.is_open())
            return;
        acceptor_.async_accept(
            session_executor(),
            [self = this->shared_from_this()](boost::system::error_code ec, socket_type socket) {
                self->on_accept(ec, std::move(socket));
            });
    }

    void on_accept(boost::system::error_code ec, socket_type socket) {
        if (ec == boost::asio::error::operation_aborted || stopped_)
            return;
        if (ec) {
            // EMFILE and friends: pause instead of spinning on an error that will repeat.
            log_event(log_level::warning, "accept_failed",
                      "transport=" + transport_ + " reason=" + log_quoted(ec.message()));
            retry_.expires_after(std::chrono::milliseconds(100));
            retry_.async_wait([self = this->shared_from_this()](boost::system::error_code e) {
                if (!e)
                    self->accept();
            });
            return;
        }
        try {
            if (connections_->admits()) {
                start_session_(std::move(socket), connections_, std::string());
            } else {
                boost::system::error_code ignored;
                socket.close(ignored);
                if (connections_->may_warn())
                    log_event(log_level::warning, "connection_refused",
                              "transport=" + transport_ + " reason=max_connections open=" +
                                  std::to_string(connections_->size()));
            }
        } catch (const std::exception& e) {
            log_event(log_level::warning, "accept_failed",
                      "transport=" + transport_ + " reason=" + log_quoted(e.what()));
        }
        accept();
    }

    boost::asio::io_context& io_;
    const io_threads threads_;
    acceptor_type acceptor_;
    boost::asio::steady_timer retry_;
    std::string transport_;
    std::shared_ptr<connection_set> connections_;
    session_factory start_session_;
    std::atomic<bool> stopped_{false};
};

} // namespace spfd
