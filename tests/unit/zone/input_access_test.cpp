// SPDX-License-Identifier: MIT
#include "support/reload_fixture.h"
#include "support/unprivileged.h"
#include "zone/input_access.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

using namespace spfd;
using namespace spfd::test;

namespace {

// What denied_input says as a user without privileges, with `closed` at mode 0070 meanwhile.
std::optional<std::string>
denied_as_nobody(const reload_fixture& f, const std::filesystem::path& closed, bool with_serials) {
    REQUIRE(::chmod(closed.c_str(), 0070) == 0);
    std::optional<std::string> out;
    {
        unprivileged as_nobody;
        out = denied_input(f.config, with_serials);
    }
    ::chmod(closed.c_str(), 0755);
    return out;
}

} // namespace

TEST_CASE("readable zones and state: nothing to say") {
    reload_fixture f;
    f.write(one_sender);
    std::ofstream(f.serials.file()) << "spf.connectoor.com 2026112700 aaa\n";
    unprivileged as_nobody;
    CHECK_FALSE(denied_input(f.config, true));
}

TEST_CASE("a zones folder, zone file or state folder closed to this user is named") {
    reload_fixture f;
    f.write(one_sender);
    const auto zone = f.config.zones_dir / "spf.connectoor.com.toml";
    const auto folder = denied_as_nobody(f, f.config.zones_dir, false);
    REQUIRE(folder);
    CHECK(folder->starts_with(f.config.zones_dir.string() + ": cannot be listed: permission "));
    const auto file = denied_as_nobody(f, zone, false);
    REQUIRE(file);
    CHECK(file->starts_with(zone.string() + ": cannot open for reading: permission denied"));

    // The serials only when asked for: the probe and the customer checks do not need them.
    CHECK_FALSE(denied_as_nobody(f, f.config.state_dir, false));
    const auto state = denied_as_nobody(f, f.config.state_dir, true);
    REQUIRE(state);
    CHECK(state->starts_with(f.serials.file().string() + ": cannot read: permission denied"));
}

TEST_CASE("what is wrong with the files themselves is left to the load, which refuses it") {
    reload_fixture f;
    f.config.zones_dir = f.root / "gone";
    std::filesystem::create_directory(f.config.state_dir / "serials");
    CHECK_FALSE(denied_input(f.config, true));
}
