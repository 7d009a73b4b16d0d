// SPDX-License-Identifier: MIT
#include "io/service_notify.h"
#include "support/notify_socket.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace spfd;
using namespace spfd::test;
using namespace std::chrono_literals;

TEST_CASE("without NOTIFY_SOCKET nothing is sent and nothing is stored") {
    ::unsetenv("NOTIFY_SOCKET");
    service_notify notify;
    CHECK_FALSE(notify.active());
    int pair[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    CHECK(notify.keep(pair[0], connection_kind::unix_socket).empty());
    notify.ready(); // no-ops
    notify.forget("unix-conn-1");
    ::close(pair[0]);
    ::close(pair[1]);
}

TEST_CASE("READY=1, STOPPING=1, and a connection stored and removed by its name") {
    notify_socket manager;
    service_notify notify(7);
    REQUIRE(notify.active());

    notify.ready();
    auto message = manager.receive(2s);
    REQUIRE(message);
    CHECK(message->text == "READY=1");

    int pair[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    const std::string name = notify.keep(pair[0], connection_kind::unix_socket);
    CHECK(name == "unix-conn-7");
    message = manager.receive(2s);
    REQUIRE(message);
    CHECK(message->text == "FDSTORE=1\nFDNAME=unix-conn-7");
    REQUIRE(message->fds.size() == 1);
    struct stat kept {
    }, original{};
    REQUIRE(::fstat(message->fds[0], &kept) == 0);
    REQUIRE(::fstat(pair[0], &original) == 0);
    CHECK(kept.st_ino == original.st_ino); // the same socket, not a copy of its bytes
    ::close(message->fds[0]);

    CHECK(notify.keep(pair[1], connection_kind::http) == "http-conn-8");
    message = manager.receive(2s);
    REQUIRE(message);
    for (int fd : message->fds)
        ::close(fd);

    notify.forget(name);
    message = manager.receive(2s);
    REQUIRE(message);
    CHECK(message->text == "FDSTOREREMOVE=1\nFDNAME=unix-conn-7");
    CHECK(message->fds.empty());

    notify.stopping();
    message = manager.receive(2s);
    REQUIRE(message);
    CHECK(message->text == "STOPPING=1");
    ::close(pair[0]);
    ::close(pair[1]);
}
