// SPDX-License-Identifier: MIT
// The HTTP transport: frames requests with take_plain_request() (the plain ones pdns sends) or
// else http_request_parser (Beast's basic_parser) and hands them to request_from_http() and
// answer(); it knows nothing about the protocol beyond that.
#include "io/connections.h"
#include "io/http_response_head.h"
#include "io/passed_fds.h"
#include "io/service_notify.h"
#include "io/session_watchdog.h"
#include "query/answer.h"
#include "query/http_request.h"
#include "query/http_request_parser.h"
#include "query/listeners.h"
#include "query/plain_http_request.h"
#include "query/request_metrics.h"
#include "util/log.h"

#include <algorithm>
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace spfd {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

/// Bytes read while waiting for a request to start; the parser takes the rest.
constexpr std::size_t first_read_bytes = 4096;
/// After a 400, how long to drain what the client still sends, so that closing does not
/// reset the connection before the client has read the reply.
constexpr std::chrono::milliseconds linger_time{500};

std::string endpoint_text(const tcp::endpoint& ep) {
    const auto address = ep.address();
    const std::string host =
        address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return host + ":" + std::to_string(ep.port());
}

bool is_http_syntax_error(const beast::error_code& ec) {
    return ec.category() == beast::error_code(http::error::bad_target).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

class http_session final : public closable, public std::enable_shared_from_this<http_session> {
  public:
    /// `stored_as`: the FDNAME of an adopted connection, already in the store; empty for a
    /// new one, which start() stores when `notify` is active.
    http_session(tcp::socket socket, std::shared_ptr<connection_set> connections,
                 const limits_config& limits, const snapshot_holder& snapshots,
                 service_notify* notify, std::string stored_as)
        : socket_(std::move(socket)),
          watchdog_(socket_.get_executor(), std::min(limits.idle_timeout, limits.request_timeout)),
          connections_(std::move(connections)), limits_(limits), snapshots_(snapshots),
          buffer_(limits.max_header_bytes + limits.max_body_bytes + first_read_bytes),
          stored_(notify, std::move(stored_as)) {
        beast::error_code ec;
        const auto peer = socket_.remote_endpoint(ec);
        peer_ = ec ? std::string("unknown") : endpoint_text(peer);
    }

    ~http_session() override {
        if (id_ != 0) {
            connections_->remove(id_);
            request_metrics::global().connection_closed(connector::http);
        }
    }

    void start() {
        id_ = connections_->add(weak_from_this());
        if (id_ != 0) {
            request_metrics::global().connection_opened(connector::http);
            stored_.keep(socket_.native_handle(), connection_kind::http);
        }
        asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
            if (self->id_ == 0) {
                self->let_go(); // stopping already: an adopted connection stays stored
                return;
            }
            self->watchdog_.start(self->weak_from_this(),
                                  [raw = self.get()](session_watchdog::phase) { raw->expire(); });
            self->wait_for_request();
        });
    }

    void close() override {
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->shut(); });
    }

    // pdns sends one request at a time: a connection waiting for one has its read cancelled
    // (a read that already took bytes completes with them instead); one inside a request
    // answers it first, and wait_for_request() then lets go.
    void hand_over() override {
        asio::post(socket_.get_executor(), [self = shared_from_this()] {
            self->handing_over_ = true;
            if (self->waiting_) {
                beast::error_code ignored;
                self->socket_.cancel(ignored);
            }
        });
    }

    /// The session's one catch point (see guarded()).
    void fail(std::string_view what) {
        log_event(log_level::warning, "http_session_failed",
                  "peer=" + peer_ + " reason=" + log_quoted(what));
        shut();
    }

  private:
    // Waiting for a request on a kept-alive connection is bounded by the idle timeout; once
    // its first byte is in, the whole request must arrive within the request timeout.
    void wait_for_request() {
        if (buffer_.size() > 0) {
            read_request();
            return;
        }
        if (handing_over_) {
            let_go();
            return;
        }
        watchdog_.set(session_watchdog::phase::idle, limits_.idle_timeout);
        waiting_ = true;
        socket_.async_read_some(buffer_.prepare(first_read_bytes),
                                guarded(shared_from_this(), &http_session::on_first_bytes));
    }

    void on_first_bytes(beast::error_code ec, std::size_t bytes) {
        waiting_ = false;
        if (ec == asio::error::operation_aborted && handing_over_ && socket_.is_open()) {
            wait_for_request(); // cancelled by hand_over(), nothing taken
            return;
        }
        if (ec) {
            end(ec, "idle");
            return;
        }
        buffer_.commit(bytes);
        read_request();
    }

    void read_request() {
        // From the first byte on, the request and its reply must be done within the request
        // timeout: one deadline for both.
        watchdog_.set(session_watchdog::phase::request, limits_.request_timeout);
        const std::string_view buffered(static_cast<const char*>(buffer_.data().data()),
                                        buffer_.size());
        if (const auto plain =
                take_plain_request(buffered, limits_.max_header_bytes, limits_.max_body_bytes)) {
            respond(plain->input, plain->keep_alive, plain->version);
            buffer_.consume(plain->size); // after respond(): plain->input views these bytes
            return;
        }
        parser_.emplace(request_, limits_.max_header_bytes, limits_.max_body_bytes);
        // pdns writes each request in one piece, so it is usually all here already: parse it
        // without another trip through the event loop.
        if (const auto ec = parser_->put_buffered(buffer_); ec != http::error::need_more) {
            on_request(ec, 0);
            return;
        }
        http::async_read(socket_, buffer_, *parser_,
                         guarded(shared_from_this(), &http_session::on_request));
    }

    void on_request(beast::error_code ec, std::size_t /*bytes*/) {
        if (is_http_syntax_error(ec)) {
            // Not HTTP, or beyond our limits: say so once, then close.
            log_event(log_level::debug, "http_bad_request",
                      "peer=" + peer_ + " reason=" + log_quoted(ec.message()));
            closing_ = true;
            request_metrics::global().record_error(connector::http);
            owned_body_ = error_reply("bad HTTP request: " + ec.message());
            send(400, owned_body_, false, 11);
            return;
        }
        if (ec) {
            end(ec, "request");
            return;
        }

        respond(request_.input(), request_.keep_alive, request_.version);
    }

    /// Answers one request; `in` need not outlive the call.
    void respond(const http_input& in, bool keep_alive, unsigned version) {
        const auto started = std::chrono::steady_clock::now();
        auto parsed = request_from_http(in);
        std::string_view body;
        if (const auto* error = std::get_if<request_error>(&parsed)) {
            log_event(log_level::debug, "http_request_refused",
                      "peer=" + peer_ + " reason=" + log_quoted(error->message));
            owned_body_ = error_reply(error->message);
            body = owned_body_;
            request_metrics::global().record_error(connector::http);
        } else if ((snapshot_ = snapshots_.get())) {
            const request& r = std::get<request>(parsed);
            body = answer(*snapshot_, r, owned_body_);
            request_metrics::global().record(connector::http, r.kind,
                                             std::chrono::steady_clock::now() - started);
        } else {
            owned_body_ = error_reply("no zone data loaded");
            body = owned_body_;
        }
        // A connection that cannot be handed over closes after this reply, and says so:
        // pdns then opens a new one instead of writing into a closed one.
        send(200, body, keep_alive && !(handing_over_ && !stored_.stored()), version);
    }

    /// `body` must stay valid until the write completes: it points into snapshot_ or
    /// owned_body_, or is static.
    void send(unsigned status, std::string_view body, bool keep_alive, unsigned version) {
        write_response_head(head_, status, body.size(), keep_alive, version);
        keep_alive_ = keep_alive;
        const std::array<asio::const_buffer, 2> reply{asio::buffer(head_), asio::buffer(body)};
        // Still under the request's deadline, set when its first byte came in.
        asio::async_write(socket_, reply, guarded(shared_from_this(), &http_session::on_written));
    }

    void on_written(beast::error_code ec, std::size_t /*bytes*/) {
        const bool keep_alive = keep_alive_;
        snapshot_.reset(); // the reply is out; a reload may now free the old snapshot
        if (ec) {
            end(ec, "write");
            return;
        }
        if (closing_) {
            linger();
            return;
        }
        if (!keep_alive) {
            shut();
            return;
        }
        wait_for_request();
    }

    void linger() {
        beast::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        buffer_.consume(buffer_.size());
        watchdog_.set(session_watchdog::phase::linger,
                      std::min(linger_time, limits_.request_timeout));
        drain();
    }

    void drain() {
        socket_.async_read_some(buffer_.prepare(first_read_bytes),
                                guarded(shared_from_this(), &http_session::on_drained));
    }

    void on_drained(beast::error_code ec, std::size_t bytes) {
        if (ec) {
            shut();
            return;
        }
        buffer_.commit(bytes);
        buffer_.consume(buffer_.size());
        drain();
    }

    /// The watchdog saw the deadline pass: close, and let the pending operation, which
    /// completes as aborted, report it as the timeout it is (end()).
    void expire() {
        timed_out_ = true;
        shut();
    }

    void end(beast::error_code ec, std::string_view stage) {
        if (timed_out_)
            ec = beast::error::timeout;
        const bool ordinary = ec == http::error::end_of_stream || ec == asio::error::eof ||
                              ec == asio::error::operation_aborted ||
                              (ec == beast::error::timeout && stage == "idle");
        if (!ordinary)
            log_event(log_level::debug, "http_connection_closed",
                      "peer=" + peer_ + " stage=" + std::string(stage) +
                          " reason=" + log_quoted(ec.message()));
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
        log_event(log_level::debug, "http_connection_handed_over", "name=" + stored_.name());
    }

    tcp::socket socket_;
    session_watchdog watchdog_;
    std::shared_ptr<connection_set> connections_;
    const limits_config limits_;
    const snapshot_holder& snapshots_;
    beast::flat_buffer buffer_;
    http_request_parts request_; ///< the request being parsed or answered, reused
    std::optional<http_request_parser> parser_;
    std::string head_;                         ///< the reply's status line and headers, reused
    std::shared_ptr<const snapshot> snapshot_; ///< keeps the reply body alive while writing
    std::string owned_body_;                   ///< error replies and replies computed per query
    std::string peer_;
    stored_connection stored_;
    std::uint64_t id_ = 0;
    bool keep_alive_ = false; ///< of the reply being written
    bool closing_ = false;
    bool timed_out_ = false;
    bool waiting_ = false;      ///< for the first byte of a request
    bool handing_over_ = false; ///< answer the request under way, then let go
};

/// Opens, binds and listens on the address the settings give; `label` is set to it.
void bind_endpoint(tcp::acceptor& acceptor, const http_listener_config& where, std::string& label) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(where.address, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + where.address + ":" +
                                 std::to_string(where.port) + ": not an IP address");
    const tcp::endpoint endpoint(address, where.port);
    label = endpoint_text(endpoint);
    const auto fail = [&](const beast::error_code& error) {
        throw std::runtime_error("cannot listen on " + label + ": " + error.message());
    };
    if (acceptor.open(endpoint.protocol(), ec); ec)
        fail(ec);
    if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec)
        fail(ec);
    if (acceptor.bind(endpoint, ec); ec)
        fail(ec);
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec)
        fail(ec);
}

} // namespace

struct http_listener::impl {
    std::shared_ptr<acceptor_loop<tcp>> loop;
    std::string where;
};

http_listener::http_listener(asio::io_context& io, io_threads threads,
                             const http_listener_config& where, const limits_config& limits,
                             const snapshot_holder& snapshots, service_sockets systemd)
    : impl_(std::make_shared<impl>()) {
    impl_->loop = std::make_shared<acceptor_loop<tcp>>(
        io, threads, "http", limits.max_connections,
        [limits, &snapshots, notify = systemd.notify](tcp::socket socket,
                                                      std::shared_ptr<connection_set> connections,
                                                      std::string stored_as) {
            std::make_shared<http_session>(std::move(socket), std::move(connections), limits,
                                           snapshots, notify, std::move(stored_as))
                ->start();
        });
    auto& acceptor = impl_->loop->acceptor();
    beast::error_code ec;
    if (systemd.listening_fd >= 0) {
        const int family = socket_family(systemd.listening_fd);
        if (acceptor.assign(family == AF_INET6 ? tcp::v6() : tcp::v4(), systemd.listening_fd, ec);
            ec)
            throw std::runtime_error("cannot use the HTTP socket systemd passed: " + ec.message());
    } else {
        bind_endpoint(acceptor, where, impl_->where);
    }
    // With port 0 the kernel picks one; report what we really listen on.
    if (const auto bound = acceptor.local_endpoint(ec); !ec)
        impl_->where = endpoint_text(bound);
}

http_listener::~http_listener() {
    stop();
}

void http_listener::start() {
    log_event(log_level::debug, "listening", "transport=http address=" + impl_->where);
    impl_->loop->start();
}

void http_listener::stop() {
    impl_->loop->stop();
}

void http_listener::hand_over() {
    impl_->loop->hand_over();
}

void http_listener::adopt(const passed_fd& connection) {
    tcp::socket socket(impl_->loop->session_executor());
    beast::error_code ec;
    const int family = socket_family(connection.fd);
    if (socket.assign(family == AF_INET6 ? tcp::v6() : tcp::v4(), connection.fd, ec); ec) {
        ::close(connection.fd);
        throw std::runtime_error("cannot adopt " + connection.name + ": " + ec.message());
    }
    impl_->loop->adopt(std::move(socket), connection.name);
}

} // namespace spfd
