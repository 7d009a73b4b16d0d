// SPDX-License-Identifier: MIT
#pragma once

// A zones folder and a state folder of its own under /tmp, with the reloader that serves
// them: for the tests of the reload path and of what reports on it (admin endpoint, diff).

#include "support/zone_folder.h"
#include "zone/reloader.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace spfd::test {

struct reload_fixture {
    std::filesystem::path root;
    server_config config;
    serial_store serials;
    snapshot_holder snapshots{nullptr};
    reloader zones{config, serials, snapshots};

    static std::filesystem::path make_root() {
        static std::atomic<int> counter{0};
        auto root =
            std::filesystem::temp_directory_path() /
            ("spfd-reloader-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
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

    /// spf.connectoor.com's zone file with these `[[senders]]` tables.
    void write(const std::string& senders) {
        std::ofstream(root / "zones" / "spf.connectoor.com.toml") << zone_text(senders);
    }
    std::string served_record() const { return snapshots.get()->zones().at(0).summary.spf.text; }
    std::uint32_t served_serial() const { return snapshots.get()->zones().at(0).summary.serial; }
};

inline const std::string one_sender = "[[senders]]\nip4 = \"85.10.214.4\"\n";
inline const std::string two_senders = one_sender + "[[senders]]\nip4 = \"176.9.5.158\"\n";

/// `[[senders]]` tables, one per entry; `ip6` where the entry has a colon.
inline std::string senders(std::initializer_list<const char*> entries) {
    std::string out;
    for (std::string e : entries)
        out += "[[senders]]\n" + std::string(e.find(':') == std::string::npos ? "ip4" : "ip6") +
               " = \"" + e + "\"\n";
    return out;
}

} // namespace spfd::test
