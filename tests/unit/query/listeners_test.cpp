// SPDX-License-Identifier: MIT
// Both listeners on loopback, driven by plain Asio clients; every client read is bounded.
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

using namespace spfd;
using namespace std::chrono_literals;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using unix_stream = asio::local::stream_protocol;

constexpr auto client_timeout = 2s;
constexpr std::string_view apex = "spf.connectoor.com.";

std::shared_ptr<const snapshot> test_snapshot() {
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

std::string expected_reply(const snapshot& snap, std::string_view qtype) {
    const auto* entry = snap.find_name(apex);
    REQUIRE(entry != nullptr);
    return std::string(entry->reply_for(qtype));
}

/// Short limits so that timeout tests stay fast.
limits_config fast_limits() {
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

std::uint16_t free_port() {
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

std::string get_request(std::string_view target, std::string_view extra_headers = {}) {
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

std::string post_request(std::string_view target, std::string_view content_type,
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

void check_json_200(const http::response<http::string_body>& res) {
    CHECK(res.result() == http::status::ok);
    CHECK(res[http::field::content_type] == "application/json");
    CHECK(res[http::field::content_length] == std::to_string(res.body().size()));
}

} // namespace

TEST_SUITE("http_listener") {

    TEST_CASE("REST lookup, then getAllDomains on the same kept-alive connection") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/lookup/spf%2econnectoor%2ecom%2e/SOA"));
        auto first = c.http_reply();
        REQUIRE(first);
        check_json_200(*first);
        CHECK(first->keep_alive());
        CHECK(first->body() == expected_reply(*f.loop.snapshots.get(), "SOA"));

        c.send(get_request("/dns/getAllDomains?includeDisabled=true"));
        auto second = c.http_reply();
        REQUIRE(second);
        check_json_200(*second);
        CHECK(second->body() == f.loop.snapshots.get()->all_domains_reply());
    }

    TEST_CASE("two pipelined requests are answered in order") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/lookup/spf%2econnectoor%2ecom%2e/TXT") +
               get_request("/dns/lookup/spf%2econnectoor%2ecom%2e/NS"));
        auto first = c.http_reply();
        auto second = c.http_reply();
        REQUIRE(first);
        REQUIRE(second);
        CHECK(first->body() == expected_reply(*f.loop.snapshots.get(), "TXT"));
        CHECK(second->body() == expected_reply(*f.loop.snapshots.get(), "NS"));
    }

    TEST_CASE("post_json and post=1 bodies") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(post_request(
            "/dns/endpoint.json", "text/javascript; charset=utf-8",
            R"({"method": "getAllDomains", "parameters": {"include_disabled": true}})"));
        auto json = c.http_reply();
        REQUIRE(json);
        check_json_200(*json);
        CHECK(json->body() == f.loop.snapshots.get()->all_domains_reply());

        c.send(post_request("/dns/lookup.json", "application/x-www-form-urlencoded; charset=utf-8",
                            "parameters=%7b%22qname%22%3a%20%22spf%2econnectoor%2ecom%2e%22%2c%20%"
                            "22qtype%22%3a%20%22ANY%22%2c%20%22zone%2did%22%3a%201%7d"));
        auto form = c.http_reply();
        REQUIRE(form);
        check_json_200(*form);
        CHECK(form->body() == expected_reply(*f.loop.snapshots.get(), "ANY"));
    }

    TEST_CASE("unknown methods get false and bad requests get a JSON error, both with 200") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/getDomainKeys/spf%2econnectoor%2ecom%2e"));
        auto unknown = c.http_reply();
        REQUIRE(unknown);
        check_json_200(*unknown);
        CHECK(unknown->body() == R"({"result":false})");

        c.send(get_request("/dns/lookup/spf%2econnectoor%2ecom%2e"));
        auto bad = c.http_reply();
        REQUIRE(bad);
        check_json_200(*bad);
        CHECK(bad->body().starts_with(R"({"result":false,"log":[)"));
        CHECK(bad->body().find("qtype") != std::string::npos);
    }

    TEST_CASE("HTTP/1.0 without keep-alive is answered, then closed") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send("GET /dns/getAllDomains HTTP/1.0\r\n\r\n");
        auto reply = c.http_reply();
        REQUIRE(reply);
        check_json_200(*reply);
        CHECK(c.closed_by_server());
    }

    TEST_CASE("several connections are served at once") {
        http_fixture f;
        std::vector<std::unique_ptr<tcp_client>> clients;
        for (int i = 0; i < 4; ++i)
            clients.push_back(std::make_unique<tcp_client>(f.endpoint()));
        for (int round = 0; round < 2; ++round)
            for (auto& c : clients) {
                c->send(get_request("/dns/lookup/spf%2econnectoor%2ecom%2e/ANY"));
                auto reply = c->http_reply();
                REQUIRE(reply);
                CHECK(reply->body() == expected_reply(*f.loop.snapshots.get(), "ANY"));
            }
    }

    TEST_CASE("an oversize header is refused and the listener goes on serving") {
        http_fixture f;
        {
            tcp_client c(f.endpoint());
            c.send(get_request("/dns/getAllDomains",
                               "X-Padding: " + std::string(f.loop.limits.max_header_bytes, 'x') +
                                   "\r\n"));
            // The rest of the header is drained after the reply, so the 400 is not lost to
            // a reset.
            auto reply = c.http_reply();
            REQUIRE(reply);
            CHECK(reply->result() == http::status::bad_request);
            CHECK(reply->body().starts_with(R"({"result":false,"log":[)"));
            CHECK(c.closed_by_server());
        }
        tcp_client next(f.endpoint());
        next.send(get_request("/dns/getAllDomains"));
        auto reply = next.http_reply();
        REQUIRE(reply);
        check_json_200(*reply);
    }

    TEST_CASE("an oversize body and garbage are refused with 400") {
        http_fixture f;
        {
            tcp_client c(f.endpoint());
            c.send(post_request("/dns", "text/javascript",
                                std::string(f.loop.limits.max_body_bytes + 1, ' ')));
            auto reply = c.http_reply();
            REQUIRE(reply);
            CHECK(reply->result() == http::status::bad_request);
            CHECK(c.closed_by_server());
        }
        {
            tcp_client c(f.endpoint());
            c.send("\x16\x03\x01 this is not HTTP\r\n\r\n");
            auto reply = c.http_reply();
            REQUIRE(reply);
            CHECK(reply->result() == http::status::bad_request);
            CHECK(reply->body().starts_with(R"({"result":false,"log":[)"));
            CHECK(c.closed_by_server());
        }
    }

    TEST_CASE("a request that stalls half-way is cut off after the request timeout") {
        http_fixture f;
        tcp_client c(f.endpoint());
        const auto start = std::chrono::steady_clock::now();
        c.send("GET /dns/lookup/spf%2econnectoor%2ecom%2e/SOA HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        CHECK(c.closed_by_server());
        CHECK(std::chrono::steady_clock::now() - start < 1500ms);
    }

    TEST_CASE("an idle kept-alive connection is closed after the idle timeout") {
        auto limits = fast_limits();
        limits.idle_timeout = 200ms;
        http_fixture f(limits);
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/getAllDomains"));
        REQUIRE(c.http_reply());
        CHECK(c.closed_by_server());
    }

    TEST_CASE("beyond max_connections a connection is accepted and closed") {
        auto limits = fast_limits();
        limits.max_connections = 2;
        http_fixture f(limits);
        tcp_client a(f.endpoint());
        tcp_client b(f.endpoint());
        for (auto* c : {&a, &b}) {
            c->send(get_request("/dns/getAllDomains"));
            REQUIRE(c->http_reply());
        }
        tcp_client refused(f.endpoint());
        CHECK(refused.closed_by_server());
        // The open ones still work.
        a.send(get_request("/dns/getAllDomains"));
        CHECK(a.http_reply());
    }

    TEST_CASE("stop() closes open connections") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/getAllDomains"));
        REQUIRE(c.http_reply());
        f.listener->stop();
        CHECK(c.closed_by_server());
    }

    TEST_CASE("a port in use is a one-line error") {
        server_loop loop;
        asio::io_context other;
        tcp::acceptor taken(other, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        const auto port = taken.local_endpoint().port();
        try {
            http_listener l(loop.io, io_threads::several, http_listener_config{"127.0.0.1", port},
                            loop.limits, loop.snapshots);
            FAIL("bind should have failed");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "cannot listen on 127.0.0.1:" + std::to_string(port) +
                                               ": Address already in use");
        }
        CHECK_THROWS_WITH_AS(http_listener(loop.io, io_threads::several,
                                           http_listener_config{"localhost", port}, loop.limits,
                                           loop.snapshots),
                             doctest::Contains("not an IP address"), std::runtime_error);
    }

} // TEST_SUITE

TEST_SUITE("unix_listener") {

    TEST_CASE("initialize, then lookups, one reply line per request line") {
        unix_fixture f;
        unix_client c(f.endpoint());
        c.send(
            R"({"method": "initialize", "parameters": {"path": "/run/backend.sock", "timeout": "2000"}})"
            "\n");
        CHECK(c.line() == R"({"result":true})");

        c.send(
            R"({"method": "lookup", "parameters": {"local": "0.0.0.0", "qname": "spf.connectoor.com.", "qtype": "SOA", "real-remote": "0.0.0.0/0", "remote": "0.0.0.0", "zone-id": -1}})"
            "\n");
        CHECK(c.line() == expected_reply(*f.loop.snapshots.get(), "SOA"));

        // Two requests in one write, an empty line between them, and one split across writes.
        c.send(
            R"({"method": "lookup", "parameters": {"qname": "spf.connectoor.com.", "qtype": "TXT"}})"
            "\n\n"
            R"({"method": "getAllDomains", "parameters": {"include_disabled": true}})"
            "\n"
            R"({"method": "lookup", "parameters": {"qname": "nope.spf.connectoor.com.",)");
        CHECK(c.line() == expected_reply(*f.loop.snapshots.get(), "TXT"));
        CHECK(c.line() == f.loop.snapshots.get()->all_domains_reply());
        c.send(R"( "qtype": "ANY"}})"
               "\n");
        CHECK(c.line() == R"({"result":false})");
    }

    TEST_CASE("a garbage line gets an error reply and the connection stays usable") {
        unix_fixture f;
        unix_client c(f.endpoint());
        c.send("this is not json\n");
        auto reply = c.line();
        REQUIRE(reply);
        CHECK(reply->starts_with(R"({"result":false,"log":[)"));
        c.send(R"({"method": "getAllDomains", "parameters": {}})"
               "\n");
        CHECK(c.line() == f.loop.snapshots.get()->all_domains_reply());
    }

    TEST_CASE("an oversize line gets an error reply, then the connection is closed") {
        unix_fixture f;
        {
            unix_client c(f.endpoint());
            c.send(std::string(f.loop.limits.max_body_bytes + 10, 'x'));
            auto reply = c.line();
            REQUIRE(reply);
            CHECK(reply->find("longer than") != std::string::npos);
            CHECK(c.closed_by_server());
        }
        unix_client next(f.endpoint());
        next.send(R"({"method": "initialize", "parameters": {}})"
                  "\n");
        CHECK(next.line() == R"({"result":true})");
    }

    TEST_CASE("a partial line is cut off after the request timeout, an idle one after idle") {
        auto limits = fast_limits();
        limits.idle_timeout = 200ms;
        unix_fixture f(limits);
        unix_client partial(f.endpoint());
        partial.send(R"({"method": "initial)");
        CHECK(partial.closed_by_server());

        unix_client idle(f.endpoint());
        idle.send(R"({"method": "initialize", "parameters": {}})"
                  "\n");
        CHECK(idle.line() == R"({"result":true})");
        CHECK(idle.closed_by_server());
    }

    TEST_CASE("the socket gets the configured mode and is removed on stop") {
        unix_fixture f(fast_limits(), 0600);
        struct stat info {};
        REQUIRE(::stat(f.path.c_str(), &info) == 0);
        CHECK(S_ISSOCK(info.st_mode));
        CHECK((info.st_mode & 07777) == 0600);

        unix_client c(f.endpoint());
        c.send(R"({"method": "initialize", "parameters": {}})"
               "\n");
        CHECK(c.line() == R"({"result":true})");
        f.listener->stop();
        CHECK(!fs::exists(f.path));
        CHECK(c.closed_by_server());
    }

    TEST_CASE("a stale socket file is replaced") {
        temp_dir dir;
        const fs::path path = dir.path / "backend.sock";
        {
            asio::io_context io;
            unix_stream::acceptor crashed(io, unix_stream::endpoint(path.string()));
        } // closed without unlinking, as after a crash
        REQUIRE(fs::is_socket(fs::symlink_status(path)));

        server_loop loop;
        unix_listener l(loop.io, io_threads::several, unix_listener_config{path, 0660}, loop.limits,
                        loop.snapshots);
        l.start();
        loop.run();
        unix_client c(unix_stream::endpoint(path.string()));
        c.send(R"({"method": "initialize", "parameters": {}})"
               "\n");
        CHECK(c.line() == R"({"result":true})");
    }

    TEST_CASE("a socket someone is listening on is not taken over") {
        temp_dir dir;
        const fs::path path = dir.path / "backend.sock";
        asio::io_context io;
        unix_stream::acceptor live(io, unix_stream::endpoint(path.string()));
        server_loop loop;
        CHECK_THROWS_WITH_AS(unix_listener(loop.io, io_threads::several,
                                           unix_listener_config{path, 0660}, loop.limits,
                                           loop.snapshots),
                             doctest::Contains("another process is listening"), std::runtime_error);
        CHECK(fs::is_socket(fs::symlink_status(path)));
    }

    TEST_CASE("a file that is not a socket is never removed") {
        temp_dir dir;
        const fs::path path = dir.path / "backend.sock";
        std::ofstream(path) << "operator's notes\n";
        server_loop loop;
        CHECK_THROWS_WITH_AS(unix_listener(loop.io, io_threads::several,
                                           unix_listener_config{path, 0660}, loop.limits,
                                           loop.snapshots),
                             doctest::Contains("not a socket"), std::runtime_error);
        REQUIRE(fs::is_regular_file(path));
        std::ifstream in(path);
        std::string text;
        std::getline(in, text);
        CHECK(text == "operator's notes");
    }

    TEST_CASE("a missing directory is a clear error") {
        temp_dir dir;
        server_loop loop;
        CHECK_THROWS_WITH_AS(
            unix_listener(loop.io, io_threads::several,
                          unix_listener_config{dir.path / "missing" / "b.sock", 0660}, loop.limits,
                          loop.snapshots),
            doctest::Contains("does not exist"), std::runtime_error);
        CHECK(!fs::exists(dir.path / "missing"));
    }

} // TEST_SUITE

TEST_SUITE("listeners") {

    TEST_CASE("after stop() the io_context runs out of work, with connections still open") {
        // serve() relies on this: it stops the listeners and waits for run() to return.
        temp_dir dir;
        asio::io_context io;
        snapshot_holder snapshots{test_snapshot()};
        const limits_config limits = fast_limits();
        const auto port = free_port();
        const fs::path path = dir.path / "backend.sock";
        http_listener http_side(io, io_threads::one, http_listener_config{"127.0.0.1", port},
                                limits, snapshots);
        unix_listener unix_side(io, io_threads::one, unix_listener_config{path, 0660}, limits,
                                snapshots);
        http_side.start();
        unix_side.start();
        std::atomic<bool> returned{false};
        std::thread runner([&] {
            io.run();
            returned = true;
        });

        tcp_client over_http(tcp::endpoint(asio::ip::address_v4::loopback(), port));
        over_http.send(get_request("/dns/getAllDomains"));
        REQUIRE(over_http.http_reply());
        unix_client over_unix(unix_stream::endpoint(path.string()));
        over_unix.send(R"({"method": "initialize", "parameters": {}})"
                       "\n");
        REQUIRE(over_unix.line());
        unix_client half_way(unix_stream::endpoint(path.string()));
        half_way.send(R"({"method": )");

        http_side.stop();
        unix_side.stop();
        const auto deadline = std::chrono::steady_clock::now() + 1s;
        while (!returned && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(5ms);
        CHECK(returned);
        io.stop();
        runner.join();
        CHECK(over_http.closed_by_server());
        CHECK(over_unix.closed_by_server());
    }

} // TEST_SUITE
