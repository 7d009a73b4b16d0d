// SPDX-License-Identifier: MIT
#include "io/passed_fds.h"

#include <cerrno>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using namespace spfd;

TEST_CASE("passed fds are told apart by name, in any order") {
    const auto sorted = sort_passed_fds({{7, "unix-conn-12"},
                                         {3, "admin"},
                                         {5, "http-conn-3"},
                                         {4, "pdns-unix"},
                                         {6, "unix-conn-2"},
                                         {8, "pdns-http"}});
    CHECK(sorted.unix_listener == 4);
    CHECK(sorted.http_listener == 8);
    CHECK(sorted.admin_listener == 3);
    REQUIRE(sorted.unix_connections.size() == 2);
    CHECK(sorted.unix_connections[0].fd == 7);
    CHECK(sorted.unix_connections[0].name == "unix-conn-12");
    CHECK(sorted.unix_connections[1].name == "unix-conn-2");
    REQUIRE(sorted.http_connections.size() == 1);
    CHECK(sorted.http_connections[0].fd == 5);
    CHECK(sorted.unknown.empty());
    // New connections are numbered above every adopted one, whatever its kind.
    CHECK(sorted.next_connection_number == 13);
}

TEST_CASE("names that are not ours, and a second listener of one name, are unknown") {
    const auto sorted = sort_passed_fds({{3, "pdns-unix"},
                                         {4, "pdns-unix"},
                                         {5, "stored"},
                                         {6, "unix-conn-"},
                                         {7, "unix-conn-1x"},
                                         {8, "tcp-conn-1"},
                                         {9, "unknown"}});
    CHECK(sorted.unix_listener == 3);
    CHECK(sorted.unix_connections.empty());
    REQUIRE(sorted.unknown.size() == 6);
    CHECK(sorted.unknown[0].fd == 4);
    CHECK(sorted.next_connection_number == 1);
    CHECK_FALSE(sorted.http_listener);
    CHECK_FALSE(sorted.admin_listener);
}

TEST_CASE("a stored connection's name is <kind>-conn-<n>") {
    CHECK(connection_fd_name(connection_kind::unix_socket, 1) == "unix-conn-1");
    CHECK(connection_fd_name(connection_kind::http, 42) == "http-conn-42");
    const auto back = sort_passed_fds({{3, connection_fd_name(connection_kind::http, 42)}});
    CHECK(back.http_connections.size() == 1);
    CHECK(back.next_connection_number == 43);
}

TEST_CASE("socket_family tells unix from the rest") {
    int pair[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    CHECK(socket_family(pair[0]) == AF_UNIX);
    ::close(pair[0]);
    ::close(pair[1]);
    CHECK(socket_family(-1) == -1);
}

namespace {

bool fd_is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

} // namespace

// The real protocol: LISTEN_PID must be ours, fds start at 3, and the variables go.
TEST_CASE("take_passed_fds reads LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES, then unsets them") {
    int pair[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    // Out of the way first: the pair itself may have taken 3 and 4.
    const int high[2] = {::fcntl(pair[0], F_DUPFD, 100), ::fcntl(pair[1], F_DUPFD, 100)};
    ::close(pair[0]);
    ::close(pair[1]);
    if (fd_is_open(3) || fd_is_open(4)) {
        ::close(high[0]);
        ::close(high[1]);
        MESSAGE("fd 3 or 4 is in use in this process; the environment test is skipped");
        return;
    }
    REQUIRE(::dup2(high[0], 3) == 3);
    REQUIRE(::dup2(high[1], 4) == 4);
    ::close(high[0]);
    ::close(high[1]);
    ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
    ::setenv("LISTEN_FDS", "2", 1);
    ::setenv("LISTEN_FDNAMES", "pdns-unix:unix-conn-4", 1);

    const auto fds = take_passed_fds();
    REQUIRE(fds.size() == 2);
    CHECK(fds[0].fd == 3);
    CHECK(fds[0].name == "pdns-unix");
    CHECK(fds[1].fd == 4);
    CHECK(fds[1].name == "unix-conn-4");
    CHECK((::fcntl(3, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(std::getenv("LISTEN_FDS") == nullptr);
    CHECK(std::getenv("LISTEN_PID") == nullptr);
    CHECK(std::getenv("LISTEN_FDNAMES") == nullptr);
    CHECK(take_passed_fds().empty()); // nothing twice
    ::close(3);
    ::close(4);
}

TEST_CASE("take_passed_fds ignores descriptors meant for another process") {
    ::setenv("LISTEN_PID", "1", 1);
    ::setenv("LISTEN_FDS", "2", 1);
    CHECK(take_passed_fds().empty());
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
}
