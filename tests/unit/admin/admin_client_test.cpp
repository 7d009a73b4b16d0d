// SPDX-License-Identifier: MIT
// The client's failures; its successes are in admin_listener_test, against the real endpoint.
#include "admin/admin_client.h"
#include "support/loopback.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace std::chrono_literals;

TEST_CASE("nothing listening: the reason names the endpoint") {
    const admin_listener_config where{"127.0.0.1", test::free_loopback_port()};
    std::string error;
    CHECK_FALSE(admin_call(where, false, "/health", 2s, error));
    CHECK(error.starts_with("cannot connect to the backend's admin endpoint at 127.0.0.1:" +
                            std::to_string(where.port) +
                            ": Connection refused (is spf-backend running"));
}

TEST_CASE("an address that is not one is refused before connecting") {
    std::string error;
    CHECK_FALSE(admin_call({"localhost", 8054}, true, "/reload", 2s, error));
    CHECK(error.starts_with("bad admin address localhost:8054: "));
}

TEST_CASE("a backend that accepts but never answers costs the timeout, not more") {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor silent(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    const admin_listener_config where{"127.0.0.1", silent.local_endpoint().port()};
    std::string error;
    const auto started = std::chrono::steady_clock::now();
    CHECK_FALSE(admin_call(where, false, "/health", 300ms, error));
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(error.starts_with("no answer from 127.0.0.1:" + std::to_string(where.port) + ": "));
}
