// SPDX-License-Identifier: MIT
// A session's timeouts without a timer system call per request: the session moves a plain
// deadline (steady_clock::now() is a vDSO call), one timer per session looks at it lazily.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace spfd {

/// One deadline per session, checked by one timer. The timer is due at
/// min(deadline, last check + `lead`), and a deadline set on the hot path is never earlier
/// than now + `lead`, so no deadline can pass unseen between two checks: a timeout is
/// enforced on time (not up to a period late), yet moving the deadline costs no system
/// call. A timeout shorter than `lead` (the linger after a 400) re-arms the timer at once,
/// which is one system call on a rare path. An idle session wakes once per `lead`.
///
/// Not thread-safe: use it on the session's executor only (its strand when several threads
/// run the io_context), on which the timer runs too.
class session_watchdog {
  public:
    enum class phase { idle, request, linger };
    /// Called on the executor when the deadline has passed, with the phase it was set for.
    /// The watchdog is stopped by then.
    using expired_action = std::function<void(phase)>;

    /// `lead`: the shortest timeout that set() is called with on the hot path.
    session_watchdog(const boost::asio::any_io_executor& executor, std::chrono::milliseconds lead);

    /// Call before the first set(). `owner` is the session that holds this watchdog: the
    /// timer holds it weakly, so a session is never kept alive by its watchdog, and
    /// `on_expired` runs only while it lives.
    void start(std::weak_ptr<void> owner, expired_action on_expired);
    /// Enters `p`, which must end within `timeout` from now. Cheap unless timeout < lead.
    void set(phase p, std::chrono::milliseconds timeout);
    /// Cancels the timer for good; idempotent.
    void stop();

  private:
    using clock = std::chrono::steady_clock;

    void schedule(clock::time_point now);
    void on_timer();

    boost::asio::steady_timer timer_;
    const clock::duration lead_;
    std::weak_ptr<void> owner_;
    expired_action on_expired_;
    clock::time_point deadline_ = clock::time_point::max();
    clock::time_point due_ = clock::time_point::max(); ///< when the pending wait fires
    phase phase_ = phase::idle;
    std::uint64_t ticket_ = 0; ///< identifies the one wait that counts; older ones return
    bool waiting_ = false;
    bool stopped_ = false;
};

} // namespace spfd
