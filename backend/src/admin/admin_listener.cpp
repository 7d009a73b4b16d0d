// SPDX-License-Identifier: MIT
// The admin endpoint's transport: one HTTP request per connection, small and bounded.
#include "admin/admin_listener.h"

#include "io/connections.h"
#include "io/passed_fds.h"
#include "util/log.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

namespace spfd {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t admin_max_connections = 16;
constexpr std::size_t admin_max_request_bytes = 8 * 1024;
constexpr std::chrono::seconds admin_request_timeout{5};
// A reload of a very large zone set may take a while; the reply waits for it.
constexpr std::chrono::seconds admin_reply_timeout{60};

class admin_session final : public closable, public std::enable_shared_from_this<admin_session> {
  public:
    admin_session(tcp::socket socket, std::shared_ptr<connection_set> connections,
                  const snapshot_holder& snapshots, reloader& zones)
        : stream_(std::move(socket)), connections_(std::move(connections)), snapshots_(snapshots),
          zones_(zones) {}

    ~admin_session() override {
        if (id_ != 0)
            connections_->remove(id_);
    }

    void start() {
        id_ = connections_->add(weak_from_this());
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if (self->id_ == 0)
                self->shut();
            else
                self->read();
        });
    }

    void close() override {
        asio::post(stream_.get_executor(), [self = shared_from_this()] { self->shut(); });
    }

    void fail(std::string_view what) {
        log_event(log_level::debug, "admin_session_failed", "reason=" + log_quoted(what));
        shut();
    }

  private:
    void read() {
        parser_.header_limit(admin_max_request_bytes);
        parser_.body_limit(admin_max_request_bytes);
        stream_.expires_after(admin_request_timeout);
        http::async_read(stream_, buffer_, parser_,
                         guarded(shared_from_this(), &admin_session::on_request));
    }

    void on_request(beast::error_code ec, std::size_t) {
        if (ec) {
            reply({400, "text/plain; charset=utf-8", "bad request\n"});
            return;
        }
        const auto& req = parser_.get();
        const std::string_view target(req.target().data(), req.target().size());
        if (req.method() == http::verb::post && target == "/reload") {
            // Reloading reads files and may take long.
            answer_aside([](admin_session& self) {
                const reload_outcome outcome = self.zones_.reload();
                return admin_reply{outcome.published ? 200u : 422u, "application/json",
                                   reload_reply_json(outcome, self.snapshots_.get().get())};
            });
            return;
        }
        if (req.method() != http::verb::get) {
            reply({405, "text/plain; charset=utf-8", "use GET, or POST /reload\n"});
            return;
        }
        if (admin_get_takes_long(target)) {
            answer_aside([target = std::string(target)](admin_session& self) {
                return handle_admin_get(target, self.snapshots_, self.zones_.stats());
            });
            return;
        }
        reply(handle_admin_get(target, snapshots_, zones_.stats()));
    }

    // Computes the reply on a thread of its own: never on the I/O thread, which also
    // answers pdns.
    template <class Compute> void answer_aside(Compute compute) {
        std::thread([self = shared_from_this(), compute = std::move(compute)] {
            admin_reply r = compute(*self);
            asio::post(self->stream_.get_executor(),
                       [self, r = std::move(r)]() mutable { self->reply(std::move(r)); });
        }).detach();
    }

    void reply(admin_reply r) {
        response_.emplace(static_cast<http::status>(r.status), 11);
        response_->set(http::field::content_type, r.content_type);
        response_->body() = std::move(r.body);
        response_->keep_alive(false);
        response_->prepare_payload();
        stream_.expires_after(admin_reply_timeout);
        http::async_write(stream_, *response_,
                          guarded(shared_from_this(), &admin_session::on_written));
    }

    void on_written(beast::error_code, std::size_t) { shut(); }

    void shut() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    beast::tcp_stream stream_;
    std::shared_ptr<connection_set> connections_;
    const snapshot_holder& snapshots_;
    reloader& zones_;
    std::uint64_t id_ = 0;
    beast::flat_buffer buffer_{admin_max_request_bytes};
    http::request_parser<http::string_body> parser_;
    std::optional<http::response<http::string_body>> response_;
};

} // namespace

struct admin_listener::impl {
    std::shared_ptr<acceptor_loop<tcp>> loop;
};

admin_listener::admin_listener(asio::io_context& io, io_threads threads,
                               const admin_listener_config& where, const snapshot_holder& snapshots,
                               reloader& zones, int passed_fd)
    : impl_(std::make_shared<impl>()) {
    impl_->loop = std::make_shared<acceptor_loop<tcp>>(
        io, threads, "admin", admin_max_connections,
        [&snapshots, &zones](tcp::socket socket, std::shared_ptr<connection_set> connections,
                             std::string /*stored_as: admin connections are never stored*/) {
            std::make_shared<admin_session>(std::move(socket), std::move(connections), snapshots,
                                            zones)
                ->start();
        });
    auto& acceptor = impl_->loop->acceptor();
    if (passed_fd >= 0) {
        beast::error_code ec;
        const auto protocol = socket_family(passed_fd) == AF_INET6 ? tcp::v6() : tcp::v4();
        if (acceptor.assign(protocol, passed_fd, ec); ec)
            throw std::runtime_error("cannot use the admin socket systemd passed: " + ec.message());
        return;
    }
    const std::string label = where.address + ":" + std::to_string(where.port);
    try {
        const tcp::endpoint endpoint(asio::ip::make_address(where.address), where.port);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen();
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot listen for admin requests on " + label + ": " + e.what());
    }
}

admin_listener::~admin_listener() {
    if (impl_ && impl_->loop)
        impl_->loop->stop();
}

void admin_listener::start() {
    impl_->loop->start();
}

void admin_listener::stop() {
    impl_->loop->stop();
}

} // namespace spfd
