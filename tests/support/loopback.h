// SPDX-License-Identifier: MIT
#pragma once

// Loopback helpers for tests that run a listener: a port nothing listens on, and an
// io_context served by a thread of its own for as long as the test needs it.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <thread>

namespace spfd::test {

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
inline std::uint16_t free_loopback_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    return probe.local_endpoint().port();
}

/// Runs `io` on one thread until destroyed. Declare it before the listeners it serves, so
/// that they are destroyed first.
struct io_thread {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work =
        boost::asio::make_work_guard(io);
    std::thread thread{[this] { io.run(); }};

    ~io_thread() {
        work.reset();
        io.stop();
        thread.join();
    }
};

} // namespace spfd::test
