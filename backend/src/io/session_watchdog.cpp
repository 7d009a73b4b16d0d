// SPDX-License-Identifier: MIT
#include "io/session_watchdog.h"

#include <algorithm>
#include <boost/system/error_code.hpp>

namespace spfd {
namespace {

/// A floor for the check period, so that however short the timeouts, an idle session wakes
/// at most ten times a second (the config allows 100 ms at the least anyway).
constexpr std::chrono::milliseconds min_lead{100};

} // namespace

session_watchdog::session_watchdog(const boost::asio::any_io_executor& executor,
                                   std::chrono::milliseconds lead)
    : timer_(executor), lead_(std::max(lead, min_lead)) {}

void session_watchdog::start(std::weak_ptr<void> owner, expired_action on_expired) {
    owner_ = std::move(owner);
    on_expired_ = std::move(on_expired);
}

void session_watchdog::set(phase p, std::chrono::milliseconds timeout) {
    if (stopped_)
        return;
    const auto now = clock::now();
    phase_ = p;
    deadline_ = now + timeout;
    // The hot path ends here: a pending wait is due before the new deadline can pass.
    if (!waiting_ || deadline_ < due_)
        schedule(now);
}

void session_watchdog::stop() {
    stopped_ = true;
    if (waiting_) {
        waiting_ = false;
        timer_.cancel();
    }
}

void session_watchdog::schedule(clock::time_point now) {
    // Any deadline set after `now` is at least now + lead_ away, so checking again then, or
    // at the current deadline if that is sooner, never misses one.
    due_ = std::min(deadline_, now + lead_);
    timer_.expires_at(due_); // cancels a pending wait, whose handler then finds a stale ticket
    waiting_ = true;
    timer_.async_wait([owner = owner_, this, ticket = ++ticket_](boost::system::error_code ec) {
        // Locked first: the watchdog lives inside the owner, so it is gone if the owner is.
        const auto alive = owner.lock();
        if (!alive || ec || ticket != ticket_)
            return;
        on_timer();
    });
}

void session_watchdog::on_timer() {
    waiting_ = false;
    if (stopped_)
        return;
    const auto now = clock::now();
    if (deadline_ > now) {
        schedule(now);
        return;
    }
    stopped_ = true;
    if (on_expired_)
        on_expired_(phase_);
}

} // namespace spfd
