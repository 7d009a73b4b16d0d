// SPDX-License-Identifier: MIT
#pragma once

#include "zone/include_book.h"
#include "zone/reloader.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace spfd {

/// Looks up the providers' records the zones include off the query path, each when it is
/// due (the refresh interval, or sooner by its TTL), and reloads the zones through the one
/// reload path when a served set changed.
class include_refresher {
  public:
    include_refresher(include_book& book, reloader& zones);
    ~include_refresher();
    include_refresher(const include_refresher&) = delete;
    include_refresher& operator=(const include_refresher&) = delete;

  private:
    void run(std::stop_token stop);

    include_book& book_;
    reloader& zones_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread worker_; // last: started after the members it uses
};

} // namespace spfd
