// SPDX-License-Identifier: MIT
#include "daemon/include_refresher.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace spfd {

include_refresher::include_refresher(include_book& book, reloader& zones)
    : book_(book), zones_(zones), worker_([this](std::stop_token stop) { run(stop); }) {}

include_refresher::~include_refresher() {
    worker_.request_stop();
    wake_.notify_all();
}

void include_refresher::run(std::stop_token stop) {
    using std::chrono::milliseconds;
    while (!stop.stop_requested()) {
        const std::int64_t now = std::time(nullptr);
        if (const auto due = book_.next_due(); due && *due <= now && book_.refresh_due(now))
            zones_.reload_keeping_held();
        // Reloads change which includes are in use, so look again at least every few
        // seconds rather than sleeping until the next one known now.
        const auto due = book_.next_due();
        const auto wait =
            std::clamp<std::int64_t>(due ? (*due - std::time(nullptr)) * 1000 : 5000, 200, 5000);
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, stop, milliseconds(wait), [] { return false; });
    }
}

} // namespace spfd
