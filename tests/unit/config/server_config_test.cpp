// SPDX-License-Identifier: MIT
#include "config/server_config.h"

#include <doctest/doctest.h>

using namespace spfd;

namespace {

std::string messages(const diagnostics& d) {
    std::string out;
    for (const auto& item : d.items())
        out += to_string(item) + "\n";
    return out;
}

} // namespace

TEST_CASE("the shipped settings load, with paths relative to the file") {
    diagnostics found;
    const auto cfg = load_server_config(SPFD_SOURCE_DIR "/config/backend.toml", found);
    REQUIRE_MESSAGE(cfg.has_value(), messages(found));
    CHECK(cfg->zones_dir == std::filesystem::path(SPFD_SOURCE_DIR "/zones").lexically_normal());
    REQUIRE(cfg->unix_socket.has_value());
    CHECK(cfg->unix_socket->mode == 0660);
    REQUIRE(cfg->http.has_value());
    CHECK(cfg->http->address == "127.0.0.1");
    CHECK(cfg->http->port == 8053);
    CHECK(cfg->limits.max_body_bytes == 65536);
    CHECK(cfg->level == log_level::info);
}

TEST_CASE("defaults apply to keys left out; a listener is required") {
    diagnostics found;
    auto cfg = parse_server_config("[http]\n", "/etc/spf/backend.toml", found);
    REQUIRE(cfg.has_value());
    CHECK(cfg->zones_dir == "/etc/spf/zones");
    CHECK(cfg->state_dir == "/etc/spf/state");
    CHECK(cfg->http->port == 8053);
    CHECK_FALSE(cfg->unix_socket.has_value());
    CHECK(cfg->limits.request_timeout == std::chrono::milliseconds(5000));

    diagnostics none;
    CHECK_FALSE(parse_server_config("", "/etc/spf/backend.toml", none).has_value());
    CHECK(messages(none).find("no listener") != std::string::npos);
}

TEST_CASE("unknown keys and wrong types are errors at their position") {
    diagnostics found;
    CHECK_FALSE(parse_server_config("[http]\nprot = 8053\n", "b.toml", found).has_value());
    CHECK(messages(found).starts_with("b.toml:2:1: error: unknown key 'http.prot'"));

    diagnostics typed;
    CHECK_FALSE(parse_server_config("[http]\nport = \"8053\"\n", "b.toml", typed).has_value());
    CHECK(messages(typed).starts_with(
        "b.toml:2:8: error: 'http.port' must be an integer, not a string"));

    diagnostics range;
    CHECK_FALSE(parse_server_config("[http]\nport = 70000\n", "b.toml", range).has_value());
    CHECK(messages(range).find("between 1 and 65535") != std::string::npos);

    diagnostics mode;
    CHECK_FALSE(
        parse_server_config("[unix]\npath = \"s\"\nmode = \"0999\"\n", "b.toml", mode).has_value());
    CHECK(messages(mode).find("b.toml:3:8: error: 'unix.mode'") != std::string::npos);

    diagnostics level;
    CHECK_FALSE(
        parse_server_config("[http]\n[log]\nlevel = \"loud\"\n", "b.toml", level).has_value());
    CHECK(messages(level).find("use error, warning, info or debug") != std::string::npos);
}

TEST_CASE("[resolver]: servers as addresses, port, timeout, refresh, held share; defaults") {
    diagnostics found;
    const auto plain = parse_server_config("[http]\n", "b.toml", found);
    REQUIRE(plain);
    CHECK(plain->resolver.servers.empty()); // the system's
    CHECK(plain->resolver.port == 53);
    CHECK(plain->resolver.refresh == std::chrono::seconds(3600));
    CHECK(plain->resolver.max_removed_percent == 50);

    const auto set = parse_server_config("[http]\n[resolver]\nservers = [\"127.0.0.1\", \"::1\"]\n"
                                         "port = 5301\ntimeout_ms = 300\nrefresh_s = 2\n"
                                         "max_removed_percent = 10\n",
                                         "b.toml", found);
    REQUIRE(set);
    CHECK(set->resolver.servers == std::vector<std::string>{"127.0.0.1", "::1"});
    CHECK(set->resolver.port == 5301);
    CHECK(set->resolver.timeout == std::chrono::milliseconds(300));
    CHECK(set->resolver.refresh == std::chrono::seconds(2));
    CHECK(set->resolver.max_removed_percent == 10);

    diagnostics bad;
    CHECK_FALSE(
        parse_server_config("[http]\n[resolver]\nservers = [\"dns.example\"]\n", "b.toml", bad));
    CHECK(messages(bad).find("b.toml:3:12: error: 'resolver.servers' entries must be IPv4 or IPv6 "
                             "addresses") != std::string::npos);
}
