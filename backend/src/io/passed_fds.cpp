// SPDX-License-Identifier: MIT
#include "io/passed_fds.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fcntl.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

namespace spfd {
namespace {

constexpr std::string_view connection_infix = "-conn-";

/// The number of a stored connection's name of this kind, if the name is one.
std::optional<std::uint64_t> connection_number(std::string_view name, connection_kind kind) {
    const std::string_view kind_name = connection_kind_name(kind);
    if (!name.starts_with(kind_name))
        return std::nullopt;
    name.remove_prefix(kind_name.size());
    if (!name.starts_with(connection_infix))
        return std::nullopt;
    name.remove_prefix(connection_infix.size());
    std::uint64_t number = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
    if (ec != std::errc() || end != name.data() + name.size() || name.empty())
        return std::nullopt;
    return number;
}

/// Puts a listener in its slot; a second one of the same name is unknown.
void place_listener(std::optional<int>& slot, passed_fd fd, passed_fds& out) {
    if (slot)
        out.unknown.push_back(std::move(fd));
    else
        slot = fd.fd;
}

} // namespace

std::string_view connection_kind_name(connection_kind kind) {
    return kind == connection_kind::unix_socket ? "unix" : "http";
}

std::string connection_fd_name(connection_kind kind, std::uint64_t number) {
    return std::string(connection_kind_name(kind)) + std::string(connection_infix) +
           std::to_string(number);
}

passed_fds sort_passed_fds(std::vector<passed_fd> fds) {
    passed_fds out;
    for (passed_fd& fd : fds) {
        if (fd.name == unix_listener_fd_name) {
            place_listener(out.unix_listener, std::move(fd), out);
        } else if (fd.name == http_listener_fd_name) {
            place_listener(out.http_listener, std::move(fd), out);
        } else if (fd.name == admin_listener_fd_name) {
            place_listener(out.admin_listener, std::move(fd), out);
        } else if (const auto n = connection_number(fd.name, connection_kind::unix_socket)) {
            out.next_connection_number = std::max(out.next_connection_number, *n + 1);
            out.unix_connections.push_back(std::move(fd));
        } else if (const auto m = connection_number(fd.name, connection_kind::http)) {
            out.next_connection_number = std::max(out.next_connection_number, *m + 1);
            out.http_connections.push_back(std::move(fd));
        } else {
            out.unknown.push_back(std::move(fd));
        }
    }
    return out;
}

int socket_family(int fd) {
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0)
        return -1;
    return address.ss_family;
}

std::vector<passed_fd> take_passed_fds() {
    char** names = nullptr;
    const int count = ::sd_listen_fds_with_names(1, &names);
    std::vector<passed_fd> out;
    for (int i = 0; i < count; ++i) {
        const int fd = SD_LISTEN_FDS_START + i;
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        out.push_back({fd, names && names[i] ? names[i] : "unknown"});
    }
    if (names) {
        for (int i = 0; names[i]; ++i)
            std::free(names[i]);
        std::free(names);
    }
    return out;
}

} // namespace spfd
