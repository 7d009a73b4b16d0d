// SPDX-License-Identifier: MIT
#include "config/server_config.h"

#include "util/toml_reader.h"

#include <boost/asio/ip/address.hpp>

namespace spfd {
namespace {

constexpr std::uintmax_t max_config_bytes = 1024 * 1024;

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& value) {
    const std::filesystem::path p(value);
    return (p.is_absolute() ? p : base / p).lexically_normal();
}

std::optional<std::filesystem::path> read_path(toml_reader& r, const toml::table& t,
                                               std::string_view key, std::string_view where,
                                               const std::filesystem::path& base) {
    auto text = r.string(t, key, where, false);
    if (!text)
        return std::nullopt;
    if (text->empty()) {
        r.error(r.position(*t.get(key)), "'" + std::string(where) + "' is empty");
        return std::nullopt;
    }
    return resolve(base, *text);
}

void read_http(toml_reader& r, const toml::table& root, server_config& cfg) {
    const toml::table* t = r.table(root, "http", "http", false);
    if (t == nullptr)
        return;
    r.reject_unknown_keys(*t, "http", {"address", "port"});
    http_listener_config http;
    if (auto a = r.string(*t, "address", "http.address", false))
        http.address = *a;
    if (auto p = r.integer(*t, "port", "http.port", 1, 65535, false))
        http.port = static_cast<std::uint16_t>(*p);
    cfg.http = http;
}

void read_unix(toml_reader& r, const toml::table& root, server_config& cfg,
               const std::filesystem::path& base) {
    const toml::table* t = r.table(root, "unix", "unix", false);
    if (t == nullptr)
        return;
    r.reject_unknown_keys(*t, "unix", {"path", "mode"});
    unix_listener_config unix_socket;
    if (auto p = read_path(r, *t, "path", "unix.path", base))
        unix_socket.path = *p;
    else if (t->get("path") == nullptr)
        r.error(r.position(*t), "missing key 'unix.path': where pdns finds the socket");
    if (auto mode = r.string(*t, "mode", "unix.mode", false)) {
        // An octal string like chmod's, because TOML has no octal literal that reads well.
        unsigned value = 0;
        bool ok = mode->size() >= 3 && mode->size() <= 4;
        for (char c : *mode) {
            ok = ok && c >= '0' && c <= '7';
            value = value * 8 + static_cast<unsigned>(c - '0');
        }
        if (!ok || value > 0777)
            r.error(r.position(*t->get("mode")),
                    "'unix.mode' is \"" + *mode + "\"; write permissions in octal, e.g. \"0660\"");
        else
            unix_socket.mode = value;
    }
    cfg.unix_socket = unix_socket;
}

void read_limits(toml_reader& r, const toml::table& root, server_config& cfg) {
    const toml::table* t = r.table(root, "limits", "limits", false);
    if (t == nullptr)
        return;
    r.reject_unknown_keys(*t, "limits",
                          {"max_connections", "max_header_bytes", "max_body_bytes",
                           "request_timeout_ms", "idle_timeout_ms"});
    limits_config& l = cfg.limits;
    if (auto v = r.integer(*t, "max_connections", "limits.max_connections", 1, 100000, false))
        l.max_connections = static_cast<std::size_t>(*v);
    if (auto v = r.integer(*t, "max_header_bytes", "limits.max_header_bytes", 1024, 1 << 20, false))
        l.max_header_bytes = static_cast<std::size_t>(*v);
    if (auto v = r.integer(*t, "max_body_bytes", "limits.max_body_bytes", 1024, 16 << 20, false))
        l.max_body_bytes = static_cast<std::size_t>(*v);
    if (auto v =
            r.integer(*t, "request_timeout_ms", "limits.request_timeout_ms", 100, 600000, false))
        l.request_timeout = std::chrono::milliseconds(*v);
    if (auto v = r.integer(*t, "idle_timeout_ms", "limits.idle_timeout_ms", 1000, 86400000, false))
        l.idle_timeout = std::chrono::milliseconds(*v);
}

void read_admin(toml_reader& r, const toml::table& root, server_config& cfg) {
    const toml::table* t = r.table(root, "admin", "admin", false);
    if (t == nullptr)
        return;
    r.reject_unknown_keys(*t, "admin", {"address", "port"});
    admin_listener_config admin;
    if (auto a = r.string(*t, "address", "admin.address", false)) {
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(*a, ec);
        // Reload and metrics have no authentication: only local users may reach them.
        if (ec || !address.is_loopback())
            r.error(r.position(*t->get("address")),
                    "'admin.address' is \"" + *a +
                        "\"; it must be a loopback address "
                        "(127.0.0.1 or ::1): the admin endpoint has no authentication");
        else
            admin.address = *a;
    }
    if (auto p = r.integer(*t, "port", "admin.port", 1, 65535, false))
        admin.port = static_cast<std::uint16_t>(*p);
    cfg.admin = admin;
}

void read_pdns(toml_reader& r, const toml::table& root, server_config& cfg,
               const std::filesystem::path& base) {
    const toml::table* t = r.table(root, "pdns", "pdns", false);
    if (t == nullptr)
        return;
    r.reject_unknown_keys(*t, "pdns", {"socket_dir", "control", "timeout_ms"});
    pdns_control_config pdns;
    if (auto p = read_path(r, *t, "socket_dir", "pdns.socket_dir", base))
        pdns.socket_dir = *p;
    else if (t->get("socket_dir") == nullptr)
        r.error(r.position(*t), "missing key 'pdns.socket_dir': pdns's socket-dir setting");
    if (auto c = r.string(*t, "control", "pdns.control", false))
        pdns.control = *c;
    if (auto v = r.integer(*t, "timeout_ms", "pdns.timeout_ms", 100, 60000, false))
        pdns.timeout = std::chrono::milliseconds(*v);
    cfg.pdns = pdns;
}

void read_resolver_servers(toml_reader& r, const toml::table& t, resolver_config& out) {
    const toml::node* node = t.get("servers");
    if (node == nullptr)
        return;
    const toml::array* list = node->as_array();
    if (list == nullptr || list->empty()) {
        r.error(r.position(*node), "'resolver.servers' must be a non-empty array of IPv4 or IPv6 "
                                   "addresses; remove it to use the system's resolvers");
        return;
    }
    for (const toml::node& item : *list) {
        const auto* text = item.as_string();
        boost::system::error_code ec;
        if (text != nullptr)
            boost::asio::ip::make_address(text->get(), ec);
        if (text == nullptr || ec) {
            r.error(r.position(item), "'resolver.servers' entries must be IPv4 or IPv6 addresses "
                                      "(\"127.0.0.1\", \"::1\"), not host names");
            continue;
        }
        out.servers.push_back(text->get());
    }
}

void read_resolver(toml_reader& r, const toml::table& root, server_config& cfg) {
    const toml::table* t = r.table(root, "resolver", "resolver", false);
    if (t == nullptr)
        return;
    r.reject_unknown_keys(*t, "resolver",
                          {"servers", "port", "timeout_ms", "refresh_s", "max_removed_percent"});
    resolver_config& out = cfg.resolver;
    read_resolver_servers(r, *t, out);
    if (auto v = r.integer(*t, "port", "resolver.port", 1, 65535, false))
        out.port = static_cast<std::uint16_t>(*v);
    if (auto v = r.integer(*t, "timeout_ms", "resolver.timeout_ms", 10, 60000, false))
        out.timeout = std::chrono::milliseconds(*v);
    if (auto v = r.integer(*t, "refresh_s", "resolver.refresh_s", 1, 604800, false))
        out.refresh = std::chrono::seconds(*v);
    if (auto v =
            r.integer(*t, "max_removed_percent", "resolver.max_removed_percent", 0, 100, false))
        out.max_removed_percent = static_cast<unsigned>(*v);
}

void read_log(toml_reader& r, const toml::table& root, server_config& cfg) {
    const toml::table* t = r.table(root, "log", "log", false);
    if (t == nullptr)
        return;
    r.reject_unknown_keys(*t, "log", {"level"});
    auto level = r.string(*t, "level", "log.level", false);
    if (!level)
        return;
    if (*level == "error")
        cfg.level = log_level::error;
    else if (*level == "warning")
        cfg.level = log_level::warning;
    else if (*level == "info")
        cfg.level = log_level::info;
    else if (*level == "debug")
        cfg.level = log_level::debug;
    else
        r.error(r.position(*t->get("level")),
                "'log.level' is \"" + *level + "\"; use error, warning, info or debug");
}

} // namespace

std::optional<server_config> parse_server_config(std::string_view text, const std::string& file,
                                                 diagnostics& out) {
    diagnostics found;
    toml_reader r(file, found);
    auto root = r.parse(text);
    if (!root) {
        out.append(found);
        return std::nullopt;
    }
    const std::filesystem::path base = std::filesystem::path(file).parent_path();
    server_config cfg;
    cfg.file = file;
    cfg.zones_dir = resolve(base, "zones");
    cfg.state_dir = resolve(base, "state");

    r.reject_unknown_keys(
        *root, "",
        {"zones", "state", "unix", "http", "admin", "limits", "pdns", "log", "server", "resolver"});
    if (const toml::table* t = r.table(*root, "zones", "zones", false)) {
        r.reject_unknown_keys(*t, "zones", {"dir"});
        if (auto p = read_path(r, *t, "dir", "zones.dir", base))
            cfg.zones_dir = *p;
    }
    if (const toml::table* t = r.table(*root, "state", "state", false)) {
        r.reject_unknown_keys(*t, "state", {"dir"});
        if (auto p = read_path(r, *t, "dir", "state.dir", base))
            cfg.state_dir = *p;
    }
    read_unix(r, *root, cfg, base);
    read_http(r, *root, cfg);
    read_limits(r, *root, cfg);
    read_pdns(r, *root, cfg, base);
    read_admin(r, *root, cfg);
    read_log(r, *root, cfg);
    read_resolver(r, *root, cfg);
    if (const toml::table* t = r.table(*root, "server", "server", false)) {
        r.reject_unknown_keys(*t, "server", {"threads"});
        if (auto v = r.integer(*t, "threads", "server.threads", 1, 64, false))
            cfg.threads = static_cast<unsigned>(*v);
    }
    if (!cfg.http && !cfg.unix_socket)
        r.error(r.file_position(), "no listener: configure [unix] or [http] (or both) so that "
                                   "PowerDNS can reach the backend");
    out.append(found);
    if (found.has_errors())
        return std::nullopt;
    return cfg;
}

std::optional<server_config> load_server_config(const std::filesystem::path& path,
                                                diagnostics& out) {
    auto text = read_bounded_file(path, max_config_bytes, out);
    if (!text)
        return std::nullopt;
    // Relative paths inside are resolved against the file's own folder, wherever we run.
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec);
    return parse_server_config(*text, (ec ? path : absolute).string(), out);
}

} // namespace spfd
