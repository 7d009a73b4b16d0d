// SPDX-License-Identifier: MIT
// serve() with only the admin endpoint, on a free 127.0.0.1 port: signals are sent to this
// process only once the endpoint answers, that is once serve() handles them.
#include "admin/admin_client.h"
#include "daemon/serve.h"
#include "support/loopback.h"
#include "support/reload_fixture.h"

#include <atomic>
#include <csignal>
#include <doctest/doctest.h>
#include <future>
#include <thread>
#include <unistd.h>

using namespace spfd;
using namespace spfd::test;
using namespace std::chrono_literals;

namespace {

/// Asks the admin endpoint until it answers (at most two seconds); true when it did.
bool answers(const admin_listener_config& where) {
    const auto until = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < until) {
        std::string error;
        if (admin_call(where, false, "/health", 500ms, error))
            return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

} // namespace

TEST_CASE("serve: SIGHUP calls on_hangup on the loop, SIGTERM stops with status 0") {
    reload_fixture f;
    f.config.admin = admin_listener_config{"127.0.0.1", free_loopback_port()};
    std::atomic<int> hangups{0};
    auto served = std::async(std::launch::async, [&] {
        return serve(f.config, f.snapshots, f.zones, [&] { ++hangups; });
    });
    REQUIRE(answers(*f.config.admin));

    REQUIRE(::kill(::getpid(), SIGHUP) == 0);
    const auto until = std::chrono::steady_clock::now() + 2s;
    while (hangups == 0 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(5ms);
    CHECK(hangups == 1);
    CHECK(answers(*f.config.admin)); // still serving after SIGHUP

    REQUIRE(::kill(::getpid(), SIGTERM) == 0);
    REQUIRE(served.wait_for(5s) == std::future_status::ready);
    CHECK(served.get() == 0);
    std::string error;
    CHECK_FALSE(admin_call(*f.config.admin, false, "/health", 500ms, error)); // closed
}

TEST_CASE("serve: a listener that cannot be set up is status 1, at once") {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor taken(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    reload_fixture f;
    f.config.admin = admin_listener_config{"127.0.0.1", taken.local_endpoint().port()};
    CHECK(serve(f.config, f.snapshots, f.zones, {}) == 1);
}
