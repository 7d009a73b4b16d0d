// SPDX-License-Identifier: MIT
#pragma once

// A reloader over a scratch zones folder, for the tests of the reload path and of what
// reads its results (the admin endpoint, the diff).

#include "support/zone_folder.h"
#include "zone/reloader.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace spfd::test {

/// A reloader whose zones and state live in <tmp>/spfd-reloader-<pid>, removed afterwards.
struct reload_fixture {
    std::filesystem::path root;
    server_config config;
    serial_store serials;
    snapshot_holder snapshots{nullptr};
    reloader zones{config, serials, snapshots};

    static std::filesystem::path make_root() {
        auto root = std::filesystem::temp_directory_path() /
                    ("spfd-reloader-" + std::to_string(::getpid()));
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root / "zones");
        std::filesystem::create_directories(root / "state");
        return root;
    }

    reload_fixture() : root(make_root()), serials(root / "state") {
        config.zones_dir = root / "zones";
        config.state_dir = root / "state";
    }
    ~reload_fixture() { std::filesystem::remove_all(root); }

    void write(const std::string& senders) {
        std::ofstream(root / "zones" / "spf.connectoor.com.toml") << zone_text(senders);
    }
    std::string served_record() const { return snapshots.get()->zones().at(0).summary.spf.text; }
    std::uint32_t served_serial() const { return snapshots.get()->zones().at(0).summary.serial; }
};

/// One sender, and two: a reload from `two` to `one` removes 176.9.5.158.
const std::string one = "[[senders]]\nip4 = \"85.10.214.4\"\n";
const std::string two = one + "[[senders]]\nip4 = \"176.9.5.158\"\n";

} // namespace spfd::test
