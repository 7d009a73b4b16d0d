// SPDX-License-Identifier: MIT
#pragma once

// The resolved addresses of the providers' records the zones include, kept as the last good
// set of each: a lookup that fails never takes addresses away, and the sets survive
// restarts in the state folder, so a start without DNS serves them at once.

#include "config/server_config.h"
#include "net/ip_network.h"
#include "spf/check_host.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spfd {

/// What we know of one provider's record.
struct include_state {
    bool resolved = false;            ///< `networks` is a good set (from DNS or the state folder)
    std::vector<ip_network> networks; ///< served: the last good set, aggregated
    std::int64_t resolved_at = 0;     ///< unix time of the flattening that gave `networks`
    std::uint32_t ttl = 0;            ///< least TTL of its answers; 0: unknown
    unsigned lookups = 0;             ///< what a receiver would spend on the record itself
    std::int64_t last_attempt = 0;    ///< unix time of the last lookup, good or not
    std::int64_t last_success = 0;    ///< unix time of the last good lookup
    std::uint64_t failures = 0;       ///< failed lookups since the start
    std::string last_error;           ///< why the last lookup failed; empty after a success
    /// A good set that would remove more than the allowed share of `networks`: waits for
    /// an operator's reload.
    std::optional<std::vector<ip_network>> held;
};

/// When to look again and what to hold.
struct include_policy {
    std::chrono::seconds refresh{3600}; ///< at the latest; sooner by the answers' TTL
    std::chrono::seconds retry{60};     ///< after a failure, at the latest
    unsigned max_removed_percent = 50;  ///< of one include's addresses, per family
};

/// The includes' last good sets. Thread-safe: the reload thread and the refresh thread
/// share one book; lookups run one at a time.
class include_book {
  public:
    /// `writable`: false for the tools (check, diff), which read the state but leave it
    /// to the service.
    include_book(std::filesystem::path state_dir, include_policy policy,
                 std::unique_ptr<spf_resolver> dns, bool writable = true);

    /// Reads the state file (a missing one is an empty book). Errors name the file.
    bool load(std::string& error);

    /// The includes the zones now use: resolves those without a good set at once, and
    /// with `accept_held` publishes the held sets (an operator's reload). Later refreshes
    /// look only at these.
    void prepare(const std::set<std::string>& domains, std::int64_t now, bool accept_held);

    /// Looks up every include in use that is due; true when a served set changed (the
    /// zones must be reloaded). Logs one line per include changed, failed or held.
    bool refresh_due(std::int64_t now);

    /// The sets in use went into a published snapshot: what revert_unpublished() returns to.
    void mark_published();

    /// A reload with the sets in use was refused (over the size budget, say): the zones
    /// keep serving the published sets, so the book, and the state file a restart reads,
    /// go back to them, and each newer set waits as a held change for an operator's reload.
    /// Without it a restart would load the refused sets and serve nothing.
    void revert_unpublished();

    /// When the next include in use is due (unix time); nothing when none is in use.
    std::optional<std::int64_t> next_due() const;

    std::optional<include_state> find(const std::string& domain) const;
    std::map<std::string, include_state> all() const;
    /// The includes the zones use now, as the last load named them.
    std::map<std::string, include_state> in_use() const;
    std::filesystem::path file() const { return dir_ / "includes"; }

  private:
    bool resolve(const std::string& domain, std::int64_t now); // true: served set changed
    std::int64_t due(const include_state& s) const;
    void persist();

    std::filesystem::path dir_;
    include_policy policy_;
    std::unique_ptr<spf_resolver> dns_;
    bool writable_ = true;
    mutable std::mutex mutex_; // guards states_ and in_use_
    std::mutex lookups_;       // one resolution at a time
    std::map<std::string, include_state> states_;
    std::set<std::string> in_use_;
    std::map<std::string, include_state> published_; // what the served zones hold
};

/// The book of a service (`writable`) or a tool, with the `[resolver]` settings: its
/// servers, or the system's from /etc/resolv.conf.
std::unique_ptr<include_book> make_include_book(const server_config& config, bool writable);

/// Whether replacing `before` with `after` removes more than `percent` of the addresses
/// of either family that `before` holds.
bool removes_too_much(const std::vector<ip_network>& before, const std::vector<ip_network>& after,
                      unsigned percent);

/// The state file's text, and back (networks parsed strictly; errors name the line).
std::string include_state_text(const std::map<std::string, include_state>& states);
std::optional<std::map<std::string, include_state>> parse_include_state(std::string_view text,
                                                                        std::string& error);

} // namespace spfd
