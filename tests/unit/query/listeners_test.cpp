// SPDX-License-Identifier: MIT
// Both listeners on one io_context on loopback, driven by plain Asio clients; every client read is
// bounded.
#include "query/listeners.h"
#include "support/listener_fixture.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;
using namespace std::chrono_literals;

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
