// SPDX-License-Identifier: MIT
#pragma once

#include "zone/snapshot.h"

#include <atomic>
#include <memory>

namespace spfd {

/// The snapshot being served. Readers take a reference for the duration of one request, so
/// a reload that publishes a new snapshot never changes an answer half-way; the old
/// snapshot is freed when its last reader is done.
class snapshot_holder {
  public:
    explicit snapshot_holder(std::shared_ptr<const snapshot> initial)
        : current_(std::move(initial)) {}

    std::shared_ptr<const snapshot> get() const { return current_.load(std::memory_order_acquire); }
    void publish(std::shared_ptr<const snapshot> next) {
        current_.store(std::move(next), std::memory_order_release);
    }

  private:
    std::atomic<std::shared_ptr<const snapshot>> current_;
};

} // namespace spfd
