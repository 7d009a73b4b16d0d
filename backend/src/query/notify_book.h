// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace spfd {

/// Which serial pdns last sent NOTIFYs for, per zone: what getUpdatedMasters compares the
/// served serial with, and setNotified writes. The only state the protocol keeps beside the
/// snapshot; it outlives reloads (a reload that changes nothing must not notify again).
/// Kept in memory only: after a restart pdns notifies once more, which secondaries answer
/// with an SOA check and nothing else.
class notify_book {
  public:
    /// The one book of this process, shared by all listeners.
    static notify_book& global();

    std::optional<std::uint32_t> notified(std::string_view apex) const;
    void record(std::string_view apex, std::uint32_t serial);
    void clear();

  private:
    mutable std::mutex mutex_;
    std::map<std::string, std::uint32_t, std::less<>> serials_;
};

} // namespace spfd
