// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace spfd {

/// Runs reloads on their own thread, so that queries keep being answered while a large
/// zone set is loaded. Requests that arrive during a reload collapse into one more reload:
/// the files are read again after the last request, never skipped.
class reload_queue {
  public:
    explicit reload_queue(std::function<void()> reload)
        : reload_(std::move(reload)), worker_([this](std::stop_token stop) { run(stop); }) {}

    ~reload_queue() {
        worker_.request_stop();
        wake_.notify_all();
    }

    void request() {
        {
            const std::lock_guard lock(mutex_);
            pending_ = true;
        }
        wake_.notify_all();
    }

  private:
    void run(std::stop_token stop) {
        std::unique_lock lock(mutex_);
        while (true) {
            wake_.wait(lock, [&] { return pending_ || stop.stop_requested(); });
            if (stop.stop_requested())
                return;
            pending_ = false;
            lock.unlock();
            reload_();
            lock.lock();
        }
    }

    std::function<void()> reload_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = false;
    std::jthread worker_; // last: started after the members it uses
};

} // namespace spfd
