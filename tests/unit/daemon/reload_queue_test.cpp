// SPDX-License-Identifier: MIT
#include "daemon/reload_queue.h"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <future>
#include <thread>

using namespace spfd;
using namespace std::chrono_literals;

namespace {

/// Waits up to two seconds for `done`; true if it came.
template <class Predicate> bool eventually(Predicate done) {
    const auto until = std::chrono::steady_clock::now() + 2s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until)
            return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

} // namespace

TEST_CASE("a request runs the reload on the queue's own thread") {
    std::atomic<int> runs{0};
    std::atomic<std::thread::id> ran_on{};
    reload_queue queue([&] {
        ran_on = std::this_thread::get_id();
        ++runs;
    });
    CHECK(runs == 0); // nothing before the first request
    queue.request();
    CHECK(eventually([&] { return runs == 1; }));
    CHECK(ran_on.load() != std::this_thread::get_id());
    queue.request();
    CHECK(eventually([&] { return runs == 2; }));
}

TEST_CASE("requests during a reload collapse into one more, never into none") {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<int> started{0};
    reload_queue queue([&] {
        if (++started == 1)
            released.wait(); // the first reload is slow
    });
    queue.request();
    REQUIRE(eventually([&] { return started == 1; }));
    for (int i = 0; i < 5; ++i)
        queue.request(); // all while the first reload runs
    release.set_value();
    CHECK(eventually([&] { return started == 2; }));
    std::this_thread::sleep_for(50ms);
    CHECK(started == 2);
}

TEST_CASE("destroying the queue ends its thread, also with nothing requested") {
    std::atomic<int> runs{0};
    {
        reload_queue idle([&] { ++runs; });
    }
    CHECK(runs == 0);
}
