// SPDX-License-Identifier: MIT
// The file descriptors systemd hands to the service at start (sd_listen_fds(3)): the
// listening sockets of its .socket units and the pdns connections the previous process kept
// in the file descriptor store. Told apart by name only: systemd passes them in an order it
// does not document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// FileDescriptorName= of the .socket units (deploy/systemd/).
inline constexpr std::string_view unix_listener_fd_name = "pdns-unix";
inline constexpr std::string_view http_listener_fd_name = "pdns-http";
inline constexpr std::string_view admin_listener_fd_name = "admin";

/// The two kinds of pdns connection; a stored connection is named `<kind>-conn-<n>`.
enum class connection_kind { unix_socket, http };

/// "unix" or "http": the first part of a stored connection's name.
std::string_view connection_kind_name(connection_kind kind);
/// `<kind>-conn-<n>`, the FDNAME of a connection in the store.
std::string connection_fd_name(connection_kind kind, std::uint64_t number);

/// One descriptor as systemd passed it.
struct passed_fd {
    int fd = -1;
    std::string name;
};

/// What the passed descriptors are, by name.
struct passed_fds {
    std::optional<int> unix_listener;
    std::optional<int> http_listener;
    std::optional<int> admin_listener;
    std::vector<passed_fd> unix_connections; ///< stored by a previous process
    std::vector<passed_fd> http_connections;
    std::vector<passed_fd> unknown; ///< names we do not know, or a listener passed twice
    /// The first number a new stored connection may take: above every adopted one, so that
    /// names stay unique in the store across generations.
    std::uint64_t next_connection_number = 1;
};

/// Sorts descriptors by name. Pure: no system calls.
passed_fds sort_passed_fds(std::vector<passed_fd> fds);

/// The address family of a socket (AF_UNIX, AF_INET, AF_INET6), or -1 when `fd` is not one.
int socket_family(int fd);

/// Takes what systemd passed (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES) and unsets those
/// variables, so that pdns_control and other children never see them. Empty when the
/// process was not started with descriptors. The descriptors get FD_CLOEXEC.
std::vector<passed_fd> take_passed_fds();

} // namespace spfd
