// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "util/log.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spfd {

/// HTTP connector listener (pdns `remote-connection-string=http:url=http://ADDR:PORT/PATH`).
struct http_listener_config {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8053;
};

/// Unix-socket connector listener (pdns `remote-connection-string=unix:path=PATH`).
struct unix_listener_config {
    std::filesystem::path path;
    unsigned mode = 0660; ///< file permissions of the socket
};

/// Bounds on everything that comes from the network.
struct limits_config {
    std::size_t max_connections = 512; ///< per listener
    std::size_t max_header_bytes = 8 * 1024;
    std::size_t max_body_bytes = 64 * 1024;          ///< also the longest unix-socket request line
    std::chrono::milliseconds request_timeout{5000}; ///< from first byte to whole request
    std::chrono::milliseconds idle_timeout{300000};  ///< keep-alive wait between requests
};

/// The operators' endpoint: /metrics, /health, /zones, POST /reload. Loopback only, on its
/// own port, so pdns's listener never offers it.
struct admin_listener_config {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8054;
};

/// How to reach the local pdns after a reload, to purge its caches (optional).
struct pdns_control_config {
    std::filesystem::path socket_dir; ///< pdns's `socket-dir`
    std::string control = "pdns_control";
    std::chrono::milliseconds timeout{3000};
};

/// Where the addresses of providers' SPF records (include entries) are looked up, and how
/// often again (`[resolver]`).
struct resolver_config {
    /// Address literals of recursive resolvers, tried in order; empty: the system's, from
    /// /etc/resolv.conf when the resolver is made.
    std::vector<std::string> servers;
    std::uint16_t port = 53;
    std::chrono::milliseconds timeout{2000}; ///< per query
    /// The longest a resolved include is served before it is resolved again; sooner when
    /// the least TTL of its answers says so.
    std::chrono::seconds refresh{3600};
    /// A refresh that would remove more than this share of one include's addresses waits
    /// for an operator's reload (percent).
    unsigned max_removed_percent = 50;
};

/// `config/backend.toml`. Relative paths are resolved against the file's folder.
struct server_config {
    std::string file;
    std::filesystem::path zones_dir;
    std::filesystem::path state_dir;
    std::optional<http_listener_config> http;
    std::optional<unix_listener_config> unix_socket;
    limits_config limits;
    std::optional<pdns_control_config> pdns;
    std::optional<admin_listener_config> admin;
    resolver_config resolver;
    log_level level = log_level::info;
    unsigned threads = 1;
};

/// Parses the server settings; unknown keys and wrong types are errors.
std::optional<server_config> parse_server_config(std::string_view text, const std::string& file,
                                                 diagnostics& out);
std::optional<server_config> load_server_config(const std::filesystem::path& path,
                                                diagnostics& out);

} // namespace spfd
