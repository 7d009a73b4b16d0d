// SPDX-License-Identifier: MIT
#include "zone/serial_store.h"

#include "util/file_access.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace spfd {
namespace {} // namespace

std::uint32_t today_yyyymmdd_utc() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    return static_cast<std::uint32_t>((utc.tm_year + 1900) * 10000 + (utc.tm_mon + 1) * 100 +
                                      utc.tm_mday);
}

serial_store::serial_store(std::filesystem::path state_dir) : dir_(std::move(state_dir)) {}

bool serial_store::load(std::string& error) {
    entries_.clear();
    if (const auto problem = file_problem(file())) {
        if (problem->missing)
            return true; // first start: nothing remembered yet
        // A folder or a socket in its place, or a state folder this user may not enter:
        // never guess, a serial that goes down would be ignored by secondaries.
        error = problem->line(file());
        return false;
    }
    std::ifstream in(file());
    if (!in) {
        error = file().string() + ": cannot read the remembered serials: " + std::strerror(errno);
        return false;
    }
    std::string line;
    unsigned number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        std::string apex;
        std::uint64_t serial = 0;
        entry e;
        if (!(fields >> apex >> serial >> e.fingerprint) || serial > UINT32_MAX) {
            // Never guess: a reset serial could go down and secondaries would ignore us.
            error = file().string() + ":" + std::to_string(number) +
                    ": unreadable line; fix or remove it (serials then restart from today)";
            return false;
        }
        e.serial = static_cast<std::uint32_t>(serial);
        entries_[apex] = e;
    }
    return true;
}

std::uint32_t serial_store::serial_for(const std::string& apex, const std::string& fingerprint,
                                       std::uint32_t today_yyyymmdd) const {
    const std::uint64_t dated = std::uint64_t{today_yyyymmdd} * 100;
    const auto it = entries_.find(apex);
    if (it == entries_.end())
        return static_cast<std::uint32_t>(std::min<std::uint64_t>(dated, UINT32_MAX));
    if (it->second.fingerprint == fingerprint)
        return it->second.serial;
    const std::uint64_t next = std::max<std::uint64_t>(std::uint64_t{it->second.serial} + 1, dated);
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(next, UINT32_MAX));
}

bool serial_store::commit(const std::map<std::string, entry>& in_use, std::string& error) {
    // Zones that are gone keep their entry, so that a zone removed and added back later
    // still never goes down.
    std::map<std::string, entry> next = entries_;
    for (const auto& [apex, e] : in_use)
        next[apex] = e;
    if (next == entries_)
        return true;

    std::string text = "# zone serial fingerprint - written by spf-backend; do not edit\n";
    for (const auto& [apex, e] : next)
        text += apex + ' ' + std::to_string(e.serial) + ' ' + e.fingerprint + '\n';

    if (!write_file_atomically(file(), text, error)) {
        error = file().string() + ": cannot write the serial state: " + error;
        return false;
    }
    entries_ = std::move(next);
    return true;
}

} // namespace spfd
