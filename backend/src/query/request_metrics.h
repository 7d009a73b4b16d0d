// SPDX-License-Identifier: MIT
#pragma once

#include "query/request.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace spfd {

enum class connector { http, unix_socket };

/// Counters the listeners bump for every request: lock-free, relaxed atomics, so that
/// counting costs a few nanoseconds on the answer path.
class request_metrics {
  public:
    static constexpr std::size_t method_count = static_cast<std::size_t>(method::unknown) + 1;
    static constexpr std::array<double, 10> bucket_seconds{1e-5, 2.5e-5, 5e-5,   1e-4, 2.5e-4,
                                                           5e-4, 1e-3,   2.5e-3, 5e-3, 1e-2};

    /// The process-wide instance the listeners and the metrics endpoint share.
    static request_metrics& global();

    void record(connector via, method kind, std::chrono::nanoseconds took);
    void record_error(connector via); ///< a request that could not be parsed or was cut off
    void connection_opened(connector via);
    void connection_closed(connector via);

    /// Prometheus text for these counters.
    std::string render() const;

  private:
    struct per_connector {
        std::array<std::atomic<std::uint64_t>, method_count> requests{};
        std::array<std::atomic<std::uint64_t>, bucket_seconds.size()> buckets{}; // not cumulative
        std::atomic<std::uint64_t> count{0};
        std::atomic<std::uint64_t> sum_ns{0};
        std::atomic<std::uint64_t> errors{0};
        std::atomic<std::int64_t> open_connections{0};
    };
    std::array<per_connector, 2> by_connector_{};
};

} // namespace spfd
