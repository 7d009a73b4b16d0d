// SPDX-License-Identifier: MIT
// The real listeners: each input is the byte stream of one client connection to the unix
// listener (in a private /tmp folder) or the HTTP listener (127.0.0.1, a free port),
// driven on one io_context in this thread. The client sends the bytes (whole, or in small
// pieces with the server running in between, like a slow client), closes its sending side
// and reads until the server closes. Checks beyond "no crash": the server always ends the
// connection; every reply is a complete JSON envelope (unix: one line each; HTTP: a
// complete response, 200 or 400, with a JSON body); the session is gone afterwards.
//
// Input: the first byte's low bit picks the listener (0 unix, 1 HTTP), its other bits the
// piece size (0: all at once); the rest is what the client sends.
#include "fuzz_support.h"
#include "query/listeners.h"
#include "query/request_metrics.h"
#include "util/log.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <filesystem>
#include <unistd.h>

using namespace spfd;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using unix_stream = asio::local::stream_protocol;

namespace {

constexpr auto exchange_deadline = std::chrono::seconds(10);
constexpr std::size_t max_pieces = 64; // then the rest goes at once, to keep runs fast

struct server {
    asio::io_context io;
    snapshot_holder snapshots{fuzz::shipped_snapshot()};
    limits_config limits;
    std::filesystem::path dir;
    std::uint16_t port = 0;
    std::unique_ptr<unix_listener> unix_side;
    std::unique_ptr<http_listener> http_side;

    server() {
        set_log_level(log_level::error);
        dir = std::filesystem::temp_directory_path() /
              ("spfd-fuzz-listener-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        unix_side = std::make_unique<unix_listener>(
            io, io_threads::one, unix_listener_config{dir / "backend.sock", 0600}, limits,
            snapshots);
        unix_side->start();
        // A free loopback port; the listener fails loudly if someone took it meanwhile.
        {
            tcp::acceptor probe(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
            port = probe.local_endpoint().port();
        }
        http_side = std::make_unique<http_listener>(
            io, io_threads::one, http_listener_config{"127.0.0.1", port}, limits, snapshots);
        http_side->start();
    }
};

server& the_server() {
    static server* s = new server; // never destroyed: libFuzzer exits without unwinding
    return *s;
}

std::int64_t open_connections(std::string_view connector_name) {
    const std::string text = request_metrics::global().render();
    const std::string key =
        "spf_backend_connections{connector=\"" + std::string(connector_name) + "\"} ";
    const auto at = text.find(key);
    fuzz::require(at != std::string::npos, "no connections gauge in the metrics", text);
    return std::stoll(text.substr(at + key.size()));
}

template <class Socket> class client {
  public:
    client(Socket socket, std::string_view bytes, std::size_t piece)
        : socket_(std::move(socket)), rest_(bytes), piece_(piece) {}

    void start() { send_next(); }
    bool done() const { return done_; }
    const std::string& received() const { return received_; }

  private:
    void send_next() {
        if (rest_.empty()) {
            boost::system::error_code ignored;
            socket_.shutdown(Socket::shutdown_send, ignored);
            receive();
            return;
        }
        const std::size_t n =
            piece_ == 0 || ++pieces_ >= max_pieces ? rest_.size() : std::min(piece_, rest_.size());
        const std::string_view now = rest_.substr(0, n);
        rest_.remove_prefix(n);
        asio::async_write(socket_, asio::buffer(now.data(), now.size()),
                          [this](boost::system::error_code ec, std::size_t) {
                              if (ec) // the server closed early: read what it said
                                  receive();
                              else
                                  send_next();
                          });
    }

    void receive() {
        socket_.async_read_some(asio::buffer(chunk_),
                                [this](boost::system::error_code ec, std::size_t n) {
                                    received_.append(chunk_.data(), n);
                                    if (ec)
                                        done_ = true;
                                    else
                                        receive();
                                });
    }

    Socket socket_;
    std::string_view rest_;
    std::size_t piece_;
    std::size_t pieces_ = 0;
    std::array<char, 16384> chunk_{};
    std::string received_;
    bool done_ = false;
};

template <class Socket>
std::string exchange(server& s, Socket socket, std::string_view bytes, std::size_t piece) {
    client<Socket> c(std::move(socket), bytes, piece);
    c.start();
    const auto deadline = std::chrono::steady_clock::now() + exchange_deadline;
    while (!c.done()) {
        s.io.run_one_for(std::chrono::milliseconds(100));
        fuzz::require(std::chrono::steady_clock::now() < deadline,
                      "the server did not close the connection after the client's EOF");
    }
    return c.received();
}

void check_unix_replies(std::string_view out) {
    while (!out.empty()) {
        const auto newline = out.find('\n');
        fuzz::require(newline != std::string_view::npos, "a unix reply without its newline", out);
        fuzz::require_envelope_reply(out.substr(0, newline));
        out.remove_prefix(newline + 1);
    }
}

void check_http_replies(std::string_view out) {
    beast::flat_buffer buffer;
    buffer.commit(asio::buffer_copy(buffer.prepare(out.size()), asio::buffer(out)));
    while (buffer.size() > 0) {
        http::response_parser<http::string_body> parser;
        parser.eager(true);
        parser.body_limit(16 * 1024 * 1024);
        beast::error_code ec;
        const std::size_t used = parser.put(buffer.data(), ec);
        fuzz::require(!ec && parser.is_done(), "an incomplete or malformed HTTP response", out);
        buffer.consume(used);
        const auto& res = parser.get();
        fuzz::require(res.result() == http::status::ok || res.result() == http::status::bad_request,
                      "an HTTP status other than 200 or 400", out);
        fuzz::require_envelope_reply(res.body());
    }
}

// A blocking connect, retried when a signal interrupts it: a run that is stopped (SIGSTOP,
// a debugger) and resumed gets EINTR here, which is the harness's business, not a finding.
template <class Socket, class Endpoint> void connect_retrying(Socket& socket, const Endpoint& to) {
    // The interrupted attempt may still complete in the background: start afresh.
    boost::system::error_code ec;
    for (socket.connect(to, ec); ec == boost::asio::error::interrupted; socket.connect(to, ec)) {
        boost::system::error_code ignored;
        socket.close(ignored);
    }
    fuzz::require(!ec, "cannot connect to the listener", ec.message());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    server& s = the_server();
    const bool use_http = (data[0] & 1) != 0;
    const std::size_t piece = data[0] >> 1;
    const std::string_view bytes = fuzz::as_text(data + 1, size - 1);

    if (use_http) {
        tcp::socket socket(s.io);
        connect_retrying(socket, tcp::endpoint(asio::ip::address_v4::loopback(), s.port));
        check_http_replies(exchange(s, std::move(socket), bytes, piece));
    } else {
        unix_stream::socket socket(s.io);
        connect_retrying(socket, unix_stream::endpoint((s.dir / "backend.sock").string()));
        check_unix_replies(exchange(s, std::move(socket), bytes, piece));
    }

    // The session must go away once the connection is closed (no leaked sessions).
    const char* name = use_http ? "http" : "unix";
    const auto deadline = std::chrono::steady_clock::now() + exchange_deadline;
    while (open_connections(name) != 0) {
        s.io.run_one_for(std::chrono::milliseconds(10));
        fuzz::require(std::chrono::steady_clock::now() < deadline,
                      "a session outlived its connection");
    }
    return 0;
}
