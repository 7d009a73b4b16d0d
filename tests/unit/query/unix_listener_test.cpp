// SPDX-License-Identifier: MIT
// The unix listener on loopback, driven by plain Asio clients; every client read is bounded.
#include "query/listeners.h"
#include "support/listener_fixture.h"
#include "support/notify_socket.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;
using namespace std::chrono_literals;

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

    // systemd's part is played by notify_socket: it receives each stored connection's copy,
    // which the test then passes to a second listener, as the next process gets it.
    TEST_CASE("hand-over: a partial request is finished and answered, the next one stays in "
              "the socket for the process that adopts the connection") {
        notify_socket manager;
        service_notify notify;
        temp_dir dir;
        server_loop loop;
        unix_listener old_process(loop.io, io_threads::several,
                                  unix_listener_config{dir.path / "a.sock", 0660}, loop.limits,
                                  loop.snapshots, service_sockets{-1, &notify});
        old_process.start();
        loop.run();
        unix_client c(unix_stream::endpoint((dir.path / "a.sock").string()));
        c.send(R"({"method": "initialize", "parameters": {}})"
               "\n");
        CHECK(c.line() == R"({"result":true})");
        const auto stored = manager.receive(2s);
        REQUIRE(stored);
        CHECK(stored->text == "FDSTORE=1\nFDNAME=unix-conn-1");
        REQUIRE(stored->fds.size() == 1);

        c.send(R"({"method": "getAllDomains",)");
        std::this_thread::sleep_for(100ms); // read by the old process
        old_process.hand_over();
        std::this_thread::sleep_for(100ms);
        c.send(
            R"( "parameters": {}})"
            "\n"
            R"({"method": "lookup", "parameters": {"qname": "spf.connectoor.com.", "qtype": "TXT"}})"
            "\n");
        CHECK(c.line() == loop.snapshots.get()->all_domains_reply());
        std::this_thread::sleep_for(100ms);
        CHECK_FALSE(manager.receive(100ms)); // let go, not removed from the store

        unix_listener new_process(loop.io, io_threads::several,
                                  unix_listener_config{dir.path / "b.sock", 0660}, loop.limits,
                                  loop.snapshots, service_sockets{-1, &notify});
        new_process.start();
        new_process.adopt(passed_fd{stored->fds[0], "unix-conn-1"});
        CHECK(c.line() == expected_reply(*loop.snapshots.get(), "TXT"));

        // pdns closes it: the adopted connection leaves the store under its own name.
        c.socket().close();
        const auto removed = manager.receive(2s);
        REQUIRE(removed);
        CHECK(removed->text == "FDSTOREREMOVE=1\nFDNAME=unix-conn-1");
    }

    TEST_CASE("hand-over without the fd store closes each connection once it has answered") {
        unix_fixture f;
        unix_client c(f.endpoint());
        c.send(R"({"method": "getAllDomains",)");
        std::this_thread::sleep_for(100ms);
        f.listener->hand_over();
        c.send(R"( "parameters": {}})"
               "\n");
        CHECK(c.line() == f.loop.snapshots.get()->all_domains_reply());
        CHECK(c.closed_by_server());
    }

} // TEST_SUITE
