// SPDX-License-Identifier: MIT
// The watchdog on a real io_context and the real clock. The bounds are wide enough for a
// loaded machine, but each one separates "on time" from "one check period late", which
// is the mistake a lazily checked deadline invites.
#include "io/session_watchdog.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <doctest/doctest.h>
#include <memory>
#include <optional>

using namespace std::chrono_literals;
using spfd::session_watchdog;
using phase = session_watchdog::phase;
using clock_type = std::chrono::steady_clock;

namespace {

/// A watchdog with its owner and what the expiry reported.
struct watched {
    boost::asio::io_context io;
    std::shared_ptr<int> owner = std::make_shared<int>(0);
    session_watchdog dog;
    clock_type::time_point began = clock_type::now();
    std::optional<phase> expired_in;
    clock_type::duration expired_after{};

    explicit watched(std::chrono::milliseconds lead) : dog(io.get_executor(), lead) {
        dog.start(owner, [this](phase p) {
            expired_in = p;
            expired_after = clock_type::now() - began;
        });
    }

    /// Runs `action` on the io_context `after` from the start.
    template <class Action> void at(std::chrono::milliseconds after, Action action) {
        auto timer = std::make_shared<boost::asio::steady_timer>(io, began + after);
        timer->async_wait([timer, action](boost::system::error_code) { action(); });
    }

    /// Runs the io_context for `span` from the start.
    void run_until(std::chrono::milliseconds span) { io.run_until(began + span); }

    long long expired_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(expired_after).count();
    }
};

/// The watchdog expired in phase `p`, no earlier than `earliest` and before `latest` ms.
void check_expired(const watched& w, phase p, long long earliest, long long latest) {
    REQUIRE(w.expired_in);
    CHECK(*w.expired_in == p);
    CHECK(w.expired_ms() >= earliest);
    CHECK(w.expired_ms() < latest);
}

} // namespace

TEST_CASE("a request deadline that falls just after a check expires on time") {
    // Checks run once per lead (1 s). The idle phase arms the first check for 1.0 s; the
    // request set at 50 ms must end at 1.05 s. Waiting for the next check would end it at
    // 2.0 s.
    watched w(1000ms);
    w.dog.set(phase::idle, 5000ms);
    w.at(50ms, [&] { w.dog.set(phase::request, 1000ms); });
    w.run_until(3000ms);
    check_expired(w, phase::request, 1050, 1600);
}

TEST_CASE("a shorter deadline after a long one is not held back by the long one") {
    watched w(300ms);
    w.dog.set(phase::idle, 2000ms);
    w.dog.set(phase::request, 300ms);
    w.run_until(2500ms);
    check_expired(w, phase::request, 300, 1000);
}

TEST_CASE("a timeout shorter than the lead (the linger after a 400) ends on time") {
    watched w(1000ms);
    w.dog.set(phase::idle, 5000ms);
    w.dog.set(phase::linger, 200ms);
    w.run_until(3000ms);
    check_expired(w, phase::linger, 200, 900);
}

TEST_CASE("moving the deadline on keeps the session alive; it ends one timeout after") {
    watched w(200ms);
    w.dog.set(phase::request, 200ms);
    // A request every 100 ms for a second, each with a fresh 200 ms deadline.
    for (auto t = 100ms; t <= 1000ms; t += 100ms)
        w.at(t, [&] { w.dog.set(phase::request, 200ms); });
    w.run_until(1100ms);
    CHECK_FALSE(w.expired_in);
    w.run_until(2000ms);
    check_expired(w, phase::request, 1200, 1700);
}

TEST_CASE("stop() means no expiry, and set() after it does nothing") {
    watched w(200ms);
    w.dog.set(phase::request, 200ms);
    w.at(100ms, [&] {
        w.dog.stop();
        w.dog.stop(); // idempotent
        w.dog.set(phase::request, 200ms);
    });
    w.run_until(800ms);
    CHECK_FALSE(w.expired_in);
}

TEST_CASE("the expiry does not run once its owner is gone") {
    watched w(200ms);
    w.dog.set(phase::request, 200ms);
    w.owner.reset();
    w.run_until(800ms);
    CHECK_FALSE(w.expired_in);
}

TEST_CASE("an expired watchdog fires once") {
    int calls = 0;
    watched w(200ms);
    w.dog.start(w.owner, [&](phase) { ++calls; });
    w.dog.set(phase::request, 200ms);
    w.at(500ms, [&] { w.dog.set(phase::request, 200ms); });
    w.run_until(1200ms);
    CHECK(calls == 1);
}
