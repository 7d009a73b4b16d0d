// SPDX-License-Identifier: MIT
#pragma once

// A scratch zones folder for the reload path's tests: <tmp>/<name>-<pid>/{zones,state},
// removed afterwards, and the findings of a load as one text to search.

#include "util/diagnostic.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace spfd::test {

/// A zone file for spf.connectoor.com: SOA and NS, then `extra`, then `senders`.
inline std::string zone_text(const std::string& senders, const std::string& extra = "") {
    return "zone = \"spf.connectoor.com\"\n[soa]\nprimary = \"ns1.connectoor.com\"\n"
           "hostmaster = \"hostmaster.connectoor.com\"\n[ns]\nnames = "
           "[\"ns1.connectoor.com\"]\n" +
           extra + senders;
}

struct zone_folder {
    std::filesystem::path root;

    explicit zone_folder(const std::string& name)
        : root(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root / "zones");
        std::filesystem::create_directories(root / "state");
    }
    ~zone_folder() { std::filesystem::remove_all(root); }
    zone_folder(const zone_folder&) = delete;
    zone_folder& operator=(const zone_folder&) = delete;

    /// Writes zones/spf.connectoor.com.toml as zone_text() makes it.
    void write_zone(const std::string& senders, const std::string& extra = "") const {
        std::ofstream(root / "zones" / "spf.connectoor.com.toml") << zone_text(senders, extra);
    }
};

/// `count` single IPv4 [[senders]] in 198.18.0.0/15, spaced by 2 so that none aggregate.
inline std::string spaced_senders(unsigned count) {
    std::string out;
    for (unsigned i = 0; i < count; ++i)
        out += "[[senders]]\nip4 = \"198.18." + std::to_string(i / 100) + "." +
               std::to_string((i % 100) * 2 + 1) + "\"\n";
    return out;
}

/// Every finding, one `file:line:col: level: message` line each.
inline std::string messages(const diagnostics& d) {
    std::string out;
    for (const auto& item : d.items())
        out += to_string(item) + "\n";
    return out;
}

} // namespace spfd::test
