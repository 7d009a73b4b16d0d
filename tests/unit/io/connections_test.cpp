// SPDX-License-Identifier: MIT
#include "io/connections.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <doctest/doctest.h>
#include <stdexcept>
#include <vector>

using namespace spfd;
using namespace std::chrono_literals;

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct counted_member : closable {
    int closed = 0;
    void close() override { ++closed; }
};

/// A session with one step that may throw, as listeners' sessions are driven.
struct stepper : std::enable_shared_from_this<stepper> {
    std::vector<int> seen;
    std::string failure;
    void step(int value) {
        if (value < 0)
            throw std::runtime_error("negative");
        seen.push_back(value);
    }
    void fail(std::string_view what) { failure = what; }
};

} // namespace

TEST_CASE("a connection set admits up to its limit and counts exactly") {
    connection_set set(2);
    auto a = std::make_shared<counted_member>();
    auto b = std::make_shared<counted_member>();
    CHECK(set.admits());
    const auto id_a = set.add(a);
    CHECK(id_a != 0);
    CHECK(set.admits());
    const auto id_b = set.add(b);
    CHECK(id_b != id_a);
    CHECK(set.size() == 2);
    CHECK_FALSE(set.admits());
    set.remove(id_a);
    CHECK(set.size() == 1);
    CHECK(set.admits());
    set.remove(id_a); // twice is harmless
    CHECK(set.size() == 1);
}

TEST_CASE("close_all closes every live member and then refuses new ones") {
    connection_set set(8);
    auto a = std::make_shared<counted_member>();
    auto b = std::make_shared<counted_member>();
    set.add(a);
    set.add(b);
    {
        auto gone = std::make_shared<counted_member>();
        set.add(gone); // expired before close_all: skipped
    }
    set.close_all();
    CHECK(a->closed == 1);
    CHECK(b->closed == 1);
    CHECK_FALSE(set.admits());
    CHECK(set.add(std::make_shared<counted_member>()) == 0);
}

TEST_CASE("a flood warns at most once a second") {
    connection_set set(1);
    CHECK(set.may_warn());
    CHECK_FALSE(set.may_warn());
    CHECK_FALSE(set.may_warn());
}

TEST_CASE("guarded: the step runs with its arguments; an exception goes to fail()") {
    auto session = std::make_shared<stepper>();
    auto handler = guarded(session, &stepper::step);
    CHECK(session.use_count() == 2); // the handler keeps the session alive
    handler(7);
    CHECK(session->seen == std::vector<int>{7});
    CHECK(session->failure.empty());
    handler(-1);
    CHECK(session->failure == "negative");
    CHECK(session->seen == std::vector<int>{7});
}

TEST_CASE("the accept loop hands each connection over, closes those beyond the limit") {
    asio::io_context io;
    std::vector<tcp::socket> accepted;
    std::vector<std::shared_ptr<counted_member>> members;
    auto loop = std::make_shared<acceptor_loop<tcp>>(
        io, io_threads::one, "test", 1,
        [&](tcp::socket socket, std::shared_ptr<connection_set> connections, std::string) {
            // Registered like a session: the set then holds one member.
            auto member = std::make_shared<counted_member>();
            connections->add(member);
            accepted.push_back(std::move(socket));
            members.push_back(member);
        });
    auto& acceptor = loop->acceptor();
    const tcp::endpoint where(asio::ip::address_v4::loopback(), 0);
    acceptor.open(where.protocol());
    acceptor.bind(where);
    acceptor.listen();
    const tcp::endpoint bound = acceptor.local_endpoint();
    loop->start();

    tcp::socket first(io), second(io);
    first.connect(bound);
    io.run_for(200ms);
    CHECK(accepted.size() == 1);
    CHECK(loop->open_connections() == 1);

    second.connect(bound);
    io.restart();
    io.run_for(200ms);
    CHECK(accepted.size() == 1); // refused: accepted by the kernel, then closed by us
    char byte = 0;
    boost::system::error_code ec;
    asio::read(second, asio::buffer(&byte, 1), ec);
    CHECK(ec == asio::error::eof);

    loop->stop();
    loop->stop(); // idempotent
    io.restart();
    io.run_for(100ms);
    CHECK_FALSE(acceptor.is_open());
    REQUIRE(members.size() == 1);
    CHECK(members[0]->closed == 1); // stop() closes the open connections
}
