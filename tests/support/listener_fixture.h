// SPDX-License-Identifier: MIT
#pragma once

// The listeners on loopback, driven by plain Asio clients; every client read is bounded.
// Shared by the tests of the HTTP and the unix listener.

#include "query/listeners.h"

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace spfd::test {

using namespace std::chrono_literals;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using unix_stream = asio::local::stream_protocol;

constexpr auto client_timeout = 2s;
constexpr std::string_view apex = "spf.connectoor.com.";

inline std::shared_ptr<const snapshot> test_snapshot() {
    compiled_zone zone;
    zone.summary.apex = "spf.connectoor.com";
    zone.summary.id = 1;
    zone.summary.serial = 2024010101;
    zone.records = {
        {"spf.connectoor.com.", "SOA",
         "ns1.connectoor.com. hostmaster.connectoor.com. 2024010101 3600 600 604800 300", 3600},
        {"spf.connectoor.com.", "NS", "ns1.connectoor.com.", 3600},
        {"spf.connectoor.com.", "TXT", "\"v=spf1 ip4:192.0.2.0/24 ~all\"", 300},
    };
    std::vector<compiled_zone> zones;
    zones.push_back(std::move(zone));
    return std::make_shared<const snapshot>(std::move(zones));
}

inline std::string expected_reply(const snapshot& snap, std::string_view qtype) {
    const auto* entry = snap.find_name(apex);
    REQUIRE(entry != nullptr);
    return std::string(entry->reply_for(qtype));
}

/// Short limits so that timeout tests stay fast.
inline limits_config fast_limits() {
    limits_config limits;
    limits.max_connections = 8;
    limits.max_header_bytes = 2048;
    limits.max_body_bytes = 4096;
    limits.request_timeout = 300ms;
    limits.idle_timeout = 2s;
    return limits;
}

/// The server side of a test: an io_context run by two threads, as with `threads = 2`.
/// Declare it before the listener, so that the listener is destroyed first.
struct server_loop {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
    std::vector<std::thread> threads;
    snapshot_holder snapshots{test_snapshot()};
    limits_config limits = fast_limits();

    void run() {
        for (int i = 0; i < 2; ++i)
            threads.emplace_back([this] { io.run(); });
    }
    ~server_loop() {
        work.reset();
        io.stop();
        for (auto& t : threads)
            t.join();
    }
};

inline std::uint16_t free_port() {
    asio::io_context io;
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    return probe.local_endpoint().port();
}

/// A fresh directory under /tmp, removed at the end of the test.
struct temp_dir {
    fs::path path;
    temp_dir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("spfd-listeners-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

/// A blocking-style client whose every read gives up after client_timeout.
template <class Protocol> class client {
  public:
    explicit client(const typename Protocol::endpoint& where) { socket_.connect(where); }

    void send(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }

    /// The next HTTP response, or nullopt if the server closed or did not answer in time.
    std::optional<http::response<http::string_body>> http_reply() {
        http::response_parser<http::string_body> parser;
        parser.eager(true);
        beast::error_code result = asio::error::timed_out;
        http::async_read(socket_, buffer_, parser,
                         [&](beast::error_code ec, std::size_t) { result = ec; });
        run();
        if (result)
            return std::nullopt;
        return parser.release();
    }

    /// The next line without its '\n', or nullopt if closed or not answered in time.
    std::optional<std::string> line() {
        boost::system::error_code result = asio::error::timed_out;
        std::size_t length = 0;
        asio::async_read_until(socket_, asio::dynamic_buffer(text_), '\n',
                               [&](boost::system::error_code ec, std::size_t n) {
                                   result = ec;
                                   length = n;
                               });
        run();
        if (result)
            return std::nullopt;
        std::string out = text_.substr(0, length - 1);
        text_.erase(0, length);
        return out;
    }

    /// True if the server closes the connection (EOF or reset) within the timeout; any
    /// bytes that arrive first are discarded.
    bool closed_by_server() {
        boost::system::error_code result = asio::error::timed_out;
        std::function<void()> read = [&] {
            socket_.async_read_some(asio::buffer(chunk_),
                                    [&](boost::system::error_code ec, std::size_t) {
                                        if (ec)
                                            result = ec;
                                        else
                                            read();
                                    });
        };
        read();
        run();
        return result == asio::error::eof || result == asio::error::connection_reset;
    }

    typename Protocol::socket& socket() { return socket_; }

  private:
    void run() {
        io_.restart();
        io_.run_for(client_timeout);
        if (!io_.stopped()) {
            socket_.cancel();
            io_.restart();
            io_.run();
        }
    }

    asio::io_context io_;
    typename Protocol::socket socket_{io_};
    beast::flat_buffer buffer_;
    std::string text_;
    std::array<char, 4096> chunk_{};
};

using tcp_client = client<tcp>;
using unix_client = client<unix_stream>;

inline std::string get_request(std::string_view target, std::string_view extra_headers = {}) {
    // The header set and order pdns 4.7.3 sends (docs/design.md).
    std::string out = "GET " + std::string(target) +
                      " HTTP/1.1\r\n"
                      "Accept: application/json\r\n"
                      "Connection: Keep-Alive\r\n"
                      "Host: 127.0.0.1\r\n"
                      "User-Agent: YaHTTP v1.0\r\n"
                      "X-Remotebackend-Local: 0.0.0.0\r\n"
                      "X-Remotebackend-Real-Remote: 0.0.0.0/0\r\n"
                      "X-Remotebackend-Remote: 0.0.0.0\r\n"
                      "X-Remotebackend-Zone-Id: -1\r\n";
    out += extra_headers;
    out += "\r\n";
    return out;
}

inline std::string post_request(std::string_view target, std::string_view content_type,
                                std::string_view body) {
    return "POST " + std::string(target) +
           " HTTP/1.1\r\n"
           "Connection: Keep-Alive\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\nContent-Type: " + std::string(content_type) +
           "\r\nHost: 127.0.0.1\r\n\r\n" + std::string(body);
}

/// An HTTP listener on a free loopback port.
struct http_fixture {
    server_loop loop;
    std::uint16_t port = free_port();
    std::optional<http_listener> listener;

    explicit http_fixture(limits_config limits = fast_limits()) {
        loop.limits = limits;
        listener.emplace(loop.io, io_threads::several, http_listener_config{"127.0.0.1", port},
                         loop.limits, loop.snapshots);
        listener->start();
        loop.run();
    }
    ~http_fixture() { listener.reset(); }
    tcp::endpoint endpoint() const { return {asio::ip::address_v4::loopback(), port}; }
};

/// A unix listener in a fresh temporary directory.
struct unix_fixture {
    temp_dir dir;
    server_loop loop;
    fs::path path = dir.path / "backend.sock";
    std::optional<unix_listener> listener;

    explicit unix_fixture(limits_config limits = fast_limits(), unsigned mode = 0660) {
        loop.limits = limits;
        listener.emplace(loop.io, io_threads::several, unix_listener_config{path, mode},
                         loop.limits, loop.snapshots);
        listener->start();
        loop.run();
    }
    ~unix_fixture() { listener.reset(); }
    unix_stream::endpoint endpoint() const { return unix_stream::endpoint(path.string()); }
};

inline void check_json_200(const http::response<http::string_body>& res) {
    CHECK(res.result() == http::status::ok);
    CHECK(res[http::field::content_type] == "application/json");
    CHECK(res[http::field::content_length] == std::to_string(res.body().size()));
}

} // namespace spfd::test
