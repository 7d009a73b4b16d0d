// SPDX-License-Identifier: MIT
// The unix-socket transport: one JSON request per line in, one JSON reply per line out.
#include "io/connections.h"
#include "io/service_notify.h"
#include "io/session_watchdog.h"
#include "query/answer.h"
#include "query/envelope.h"
#include "query/listeners.h"
#include "query/request_metrics.h"
#include "util/log.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace spfd {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using unix_stream = asio::local::stream_protocol;

constexpr std::size_t read_chunk_bytes = 4096;

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

class unix_session final : public closable, public std::enable_shared_from_this<unix_session> {
  public:
    /// `stored_as`: the FDNAME of an adopted connection, already in the store; empty for a
    /// new one, which start() stores when `notify` is active.
    unix_session(unix_stream::socket socket, std::shared_ptr<connection_set> connections,
                 const limits_config& limits, const snapshot_holder& snapshots,
                 service_notify* notify, std::string stored_as)
        : socket_(std::move(socket)),
          watchdog_(socket_.get_executor(), std::min(limits.idle_timeout, limits.request_timeout)),
          connections_(std::move(connections)), limits_(limits), snapshots_(snapshots),
          stored_(notify, std::move(stored_as)) {}

    ~unix_session() override {
        if (id_ != 0) {
            connections_->remove(id_);
            request_metrics::global().connection_closed(connector::unix_socket);
        }
    }

    void start() {
        id_ = connections_->add(weak_from_this());
        if (id_ != 0) {
            request_metrics::global().connection_opened(connector::unix_socket);
            stored_.keep(socket_.native_handle(), connection_kind::unix_socket);
        }
        asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
            if (self->id_ == 0) {
                self->let_go(); // stopping already: an adopted connection stays stored
                return;
            }
            self->watchdog_.start(self->weak_from_this(),
                                  [raw = self.get()](auto phase) { raw->expire(phase); });
            self->next();
        });
    }

    void close() override {
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->shut(); });
    }

    // pdns writes one request and waits for its reply, so a connection is either waiting
    // for a request (then the read is cancelled; a read that already took bytes completes
    // with them instead) or busy with one, which is answered first (next() sees the flag).
    void hand_over() override {
        asio::post(socket_.get_executor(), [self = shared_from_this()] {
            self->handing_over_ = true;
            if (self->reading_) {
                boost::system::error_code ignored;
                self->socket_.cancel(ignored);
            }
        });
    }

    /// The session's one catch point (see guarded()).
    void fail(std::string_view what) {
        log_event(log_level::warning, "unix_session_failed", "reason=" + log_quoted(what));
        shut();
    }

  private:
    /// Answers the first complete line in the buffer, or reads more when there is none.
    /// One reply is in flight at a time, which bounds what a client can make us buffer.
    void next() {
        while (true) {
            const auto newline = in_.find('\n', scanned_);
            if (newline == std::string::npos) {
                scanned_ = in_.size();
                break;
            }
            if (newline > limits_.max_body_bytes) {
                refuse_oversize();
                return;
            }
            const std::string_view line(in_.data(), newline);
            if (is_blank(line)) {
                in_.erase(0, newline + 1);
                scanned_ = 0;
                continue;
            }
            respond(line, newline + 1);
            return;
        }
        if (in_.size() > limits_.max_body_bytes) {
            refuse_oversize();
            return;
        }
        if (!handing_over_)
            read_more();
        else if (in_.empty())
            let_go();
        else
            read_rest_of_request(); // a partial request is finished here, never lost
    }

    void respond(std::string_view line, std::size_t consumed) {
        const auto started = std::chrono::steady_clock::now();
        auto parsed = parse_envelope(line);
        out_.clear();
        if (const auto* error = std::get_if<request_error>(&parsed)) {
            log_event(log_level::debug, "unix_request_refused",
                      "reason=" + log_quoted(error->message));
            out_ = error_reply(error->message);
            request_metrics::global().record_error(connector::unix_socket);
        } else if (const auto snap = snapshots_.get()) {
            // Copied, so the snapshot is released before the write: replies are small.
            const request& req = std::get<request>(parsed);
            out_.append(answer(*snap, req, scratch_));
            request_metrics::global().record(connector::unix_socket, req.kind,
                                             std::chrono::steady_clock::now() - started);
        } else {
            out_ = error_reply("no zone data loaded");
        }
        out_.push_back('\n');
        in_.erase(0, consumed);
        scanned_ = 0;
        write_out();
    }

    void refuse_oversize() {
        request_metrics::global().record_error(connector::unix_socket);
        log_event(log_level::debug, "unix_request_refused",
                  "reason=\"request line longer than " + std::to_string(limits_.max_body_bytes) +
                      " bytes\"");
        out_ = error_reply("request line longer than " + std::to_string(limits_.max_body_bytes) +
                           " bytes");
        out_.push_back('\n');
        closing_ = true;
        write_out();
    }

    void write_out() {
        watchdog_.set(session_watchdog::phase::request, limits_.request_timeout);
        partial_armed_ = false;
        asio::async_write(socket_, asio::buffer(out_),
                          guarded(shared_from_this(), &unix_session::on_written));
    }

    void on_written(boost::system::error_code ec, std::size_t /*bytes*/) {
        if (ec) {
            end(ec, "write");
            return;
        }
        if (closing_) {
            shut();
            return;
        }
        next();
    }

    // An empty buffer waits under the idle timeout; a partial line must be completed within
    // the request timeout, counted from when its first bytes arrived.
    void read_more() {
        if (in_.empty()) {
            watchdog_.set(session_watchdog::phase::idle, limits_.idle_timeout);
            partial_armed_ = false;
        } else if (!partial_armed_) {
            watchdog_.set(session_watchdog::phase::request, limits_.request_timeout);
            partial_armed_ = true;
        }
        reading_ = true;
        socket_.async_read_some(asio::buffer(chunk_),
                                guarded(shared_from_this(), &unix_session::on_read));
    }

    void on_read(boost::system::error_code ec, std::size_t bytes) {
        reading_ = false;
        if (ec == asio::error::operation_aborted && handing_over_ && socket_.is_open()) {
            next(); // cancelled by hand_over(), nothing taken
            return;
        }
        if (ec) {
            end(ec, "read");
            return;
        }
        in_.append(chunk_.data(), bytes);
        next();
    }

    // While handing over: take the rest of the partial request and not one byte more, so
    // that whatever pdns writes after it stays in the socket for the next process.
    void read_rest_of_request() {
        reading_ = true;
        socket_.async_wait(unix_stream::socket::wait_read,
                           guarded(shared_from_this(), &unix_session::on_readable));
    }

    void on_readable(boost::system::error_code ec) {
        reading_ = false;
        if (!ec) {
            const std::size_t peeked =
                socket_.receive(asio::buffer(chunk_), unix_stream::socket::message_peek, ec);
            if (!ec && peeked == 0)
                ec = asio::error::eof;
            if (!ec) {
                const std::string_view seen(chunk_.data(), peeked);
                const auto newline = seen.find('\n');
                const std::size_t take = newline == std::string_view::npos ? peeked : newline + 1;
                in_.append(chunk_.data(), socket_.receive(asio::buffer(chunk_, take), 0, ec));
            }
        }
        if (ec == asio::error::would_block ||
            (ec == asio::error::operation_aborted && handing_over_ && socket_.is_open())) {
            read_rest_of_request();
            return;
        }
        if (ec) {
            end(ec, "read");
            return;
        }
        next();
    }

    /// The watchdog saw the deadline pass; the pending operation then ends as aborted.
    void expire(session_watchdog::phase phase) {
        log_event(log_level::debug, "unix_connection_closed",
                  phase == session_watchdog::phase::idle ? "reason=idle"
                                                         : "reason=\"request timeout\"");
        shut();
    }

    void end(const boost::system::error_code& ec, std::string_view stage) {
        if (ec != asio::error::eof && ec != asio::error::operation_aborted)
            log_event(log_level::debug, "unix_connection_closed",
                      "stage=" + std::string(stage) + " reason=" + log_quoted(ec.message()));
        else if (ec == asio::error::eof && !in_.empty())
            log_event(log_level::debug, "unix_connection_closed",
                      "stage=read reason=\"end of stream inside a request\"");
        shut();
    }

    void shut() {
        watchdog_.stop();
        close_for_good(socket_, stored_);
    }

    /// The end of a hand-over; a connection that is not stored ends as shut() ends it.
    void let_go() {
        watchdog_.stop();
        if (!let_go_of(socket_, stored_)) {
            shut();
            return;
        }
        log_event(log_level::debug, "unix_connection_handed_over", "name=" + stored_.name());
    }

    unix_stream::socket socket_;
    session_watchdog watchdog_;
    std::shared_ptr<connection_set> connections_;
    const limits_config limits_;
    const snapshot_holder& snapshots_;
    std::array<char, read_chunk_bytes> chunk_{};
    std::string in_;          ///< received, not yet answered
    std::size_t scanned_ = 0; ///< prefix of in_ known to hold no newline
    std::string out_;
    std::string scratch_; ///< replies computed per query (per-IP answers), reused
    stored_connection stored_;
    std::uint64_t id_ = 0;
    bool partial_armed_ = false;
    bool closing_ = false;
    bool reading_ = false;      ///< waiting for pdns to write
    bool handing_over_ = false; ///< answer what was read, then let go
};

std::string cannot_listen(const fs::path& path, const std::string& reason) {
    return "cannot listen on unix socket " + path.string() + ": " + reason;
}

/// Whether a process accepts connections on the socket file at `path`. A refused connect
/// means a stale file left by a crash; a full backlog still means someone is listening.
bool socket_is_served(const fs::path& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error(cannot_listen(path, std::strerror(errno)));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string text = path.string();
    std::memcpy(address.sun_path, text.c_str(), text.size() + 1); // length checked by caller
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    const int error = rc == 0 ? 0 : errno;
    ::close(fd);
    if (rc == 0 || error == EAGAIN || error == EINPROGRESS)
        return true;
    if (error == ECONNREFUSED)
        return false;
    throw std::runtime_error(
        cannot_listen(path, "cannot tell whether the existing socket is in use: " +
                                std::string(std::strerror(error))));
}

/// Makes room for our socket: only a stale socket file may be removed, never anything else.
void clear_stale_socket(const fs::path& path) {
    const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(parent, ec))
        throw std::runtime_error(
            cannot_listen(path, "directory " + parent.string() + " does not exist"));
    const auto status = fs::symlink_status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        throw std::runtime_error(cannot_listen(path, ec.message()));
    if (!fs::exists(status))
        return;
    if (!fs::is_socket(status))
        throw std::runtime_error(cannot_listen(path, "the path exists and is not a socket"));
    if (socket_is_served(path))
        throw std::runtime_error(cannot_listen(path, "another process is listening on it"));
    if (!fs::remove(path, ec) && ec)
        throw std::runtime_error(
            cannot_listen(path, "cannot remove stale socket: " + ec.message()));
    log_event(log_level::info, "stale_socket_removed", "path=" + log_quoted(path.string()));
}

} // namespace

namespace {

/// Identity of the socket file we created, so that stop() never unlinks a socket that
/// someone else has put at the same path since.
struct file_identity {
    dev_t device = 0;
    ino_t inode = 0;
};

/// Opens, binds and sets the mode of the socket file, as the settings say.
file_identity bind_socket_file(unix_stream::acceptor& acceptor, const unix_listener_config& where) {
    const std::string text = where.path.string();
    if (text.empty())
        throw std::runtime_error("cannot listen on unix socket: the path is empty");
    if (text.size() >= sizeof(sockaddr_un::sun_path))
        throw std::runtime_error(cannot_listen(
            where.path, "the path is longer than " +
                            std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes"));
    clear_stale_socket(where.path);
    boost::system::error_code ec;
    const auto fail = [&](const std::string& reason) {
        throw std::runtime_error(cannot_listen(where.path, reason));
    };
    if (acceptor.open(unix_stream(), ec); ec)
        fail(ec.message());
    if (acceptor.bind(unix_stream::endpoint(text), ec); ec)
        fail(ec.message());
    file_identity made;
    struct stat info {};
    if (::lstat(text.c_str(), &info) == 0)
        made = {info.st_dev, info.st_ino};
    if (::chmod(text.c_str(), static_cast<mode_t>(where.mode & 07777)) != 0) {
        const std::string reason = "cannot set mode: " + std::string(std::strerror(errno));
        ::unlink(text.c_str());
        fail(reason);
    }
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
        ::unlink(text.c_str());
        fail(ec.message());
    }
    return made;
}

/// The socket systemd passed; its path is what the socket unit says.
fs::path take_passed_socket(unix_stream::acceptor& acceptor, int fd) {
    boost::system::error_code ec;
    if (acceptor.assign(unix_stream(), fd, ec); ec)
        throw std::runtime_error("cannot use the unix socket systemd passed: " + ec.message());
    const auto local = acceptor.local_endpoint(ec);
    return ec ? fs::path() : fs::path(local.path());
}

} // namespace

struct unix_listener::impl {
    std::shared_ptr<acceptor_loop<unix_stream>> loop;
    fs::path path;
    std::optional<file_identity> made; ///< empty: systemd owns the socket file
    std::atomic<bool> unlinked{false};
};

unix_listener::unix_listener(asio::io_context& io, io_threads threads,
                             const unix_listener_config& where, const limits_config& limits,
                             const snapshot_holder& snapshots, service_sockets systemd)
    : impl_(std::make_shared<impl>()) {
    impl_->path = where.path;
    impl_->loop = std::make_shared<acceptor_loop<unix_stream>>(
        io, threads, "unix", limits.max_connections,
        [limits, &snapshots, notify = systemd.notify](unix_stream::socket socket,
                                                      std::shared_ptr<connection_set> connections,
                                                      std::string stored_as) {
            std::make_shared<unix_session>(std::move(socket), std::move(connections), limits,
                                           snapshots, notify, std::move(stored_as))
                ->start();
        });
    if (systemd.listening_fd >= 0)
        impl_->path = take_passed_socket(impl_->loop->acceptor(), systemd.listening_fd);
    else
        impl_->made = bind_socket_file(impl_->loop->acceptor(), where);
}

unix_listener::~unix_listener() {
    stop();
}

void unix_listener::start() {
    log_event(log_level::debug, "listening",
              "transport=unix path=" + log_quoted(impl_->path.string()) +
                  (impl_->made ? "" : " from=systemd"));
    impl_->loop->start();
}

void unix_listener::stop() {
    impl_->loop->stop();
    if (!impl_->made || impl_->unlinked.exchange(true))
        return;
    struct stat info {};
    if (::lstat(impl_->path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode) &&
        info.st_dev == impl_->made->device && info.st_ino == impl_->made->inode)
        ::unlink(impl_->path.c_str());
}

void unix_listener::hand_over() {
    impl_->loop->hand_over();
    stop(); // the file goes only if we made it
}

void unix_listener::adopt(const passed_fd& connection) {
    unix_stream::socket socket(impl_->loop->session_executor());
    boost::system::error_code ec;
    if (socket.assign(unix_stream(), connection.fd, ec); ec) {
        ::close(connection.fd);
        throw std::runtime_error("cannot adopt " + connection.name + ": " + ec.message());
    }
    impl_->loop->adopt(std::move(socket), connection.name);
}

} // namespace spfd
