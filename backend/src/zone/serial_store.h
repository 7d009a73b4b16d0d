// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace spfd {

/// Remembers, per zone, the last serial and a fingerprint of what it was given for, so that
/// the SOA serial changes whenever the content changes and never goes down, across restarts.
/// The file is replaced atomically (write, fsync, rename): a crash leaves old or new.
class serial_store {
  public:
    struct entry {
        std::uint32_t serial = 0;
        std::string fingerprint;
        bool operator==(const entry&) const = default;
    };

    explicit serial_store(std::filesystem::path state_dir);

    /// Reads the state file; a missing file is an empty store. Errors name the file.
    bool load(std::string& error);

    /// The serial to serve for content with this fingerprint: the stored one if the content
    /// is unchanged, otherwise max(stored + 1, YYYYMMDD00 of `today_utc`).
    std::uint32_t serial_for(const std::string& apex, const std::string& fingerprint,
                             std::uint32_t today_yyyymmdd) const;

    /// Records the serials in use and writes the file. Nothing changes on failure.
    bool commit(const std::map<std::string, entry>& in_use, std::string& error);

    const std::map<std::string, entry>& entries() const { return entries_; }
    std::filesystem::path file() const { return dir_ / "serials"; }

  private:
    std::filesystem::path dir_;
    std::map<std::string, entry> entries_;
};

/// Today's date in UTC as YYYYMMDD.
std::uint32_t today_yyyymmdd_utc();

} // namespace spfd
