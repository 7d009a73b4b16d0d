// SPDX-License-Identifier: MIT
#include "zone/reloader.h"

#include "net/network_set.h"
#include "util/log.h"
#include "zone/zone_set.h"

#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace spfd {
namespace {

using clock = std::chrono::steady_clock;

// Runs a helper program with a deadline; a hung pdns must never hang our reloads.
bool run_bounded(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                 std::string& error) {
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // Its chatter would break our one-line-per-event log; the exit status says enough.
    posix_spawn_file_actions_t quiet;
    ::posix_spawn_file_actions_init(&quiet);
    ::posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    ::posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, args[0], &quiet, nullptr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&quiet);
    if (rc != 0) {
        error = "cannot start " + argv[0] + ": " + std::strerror(rc);
        return false;
    }
    const auto deadline = clock::now() + limit;
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0) {
            error = "waitpid failed";
            return false;
        }
        if (clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            error = argv[0] + " did not finish within " + std::to_string(limit.count()) + " ms";
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error = argv[0] + " failed (status " + std::to_string(status) + ")";
        return false;
    }
    return true;
}

// The addresses a zone stops letting pass, as the fewest networks: the networks of a zone
// are aggregated, so a term can change (85.10.214.4 becomes 85.10.214.4/31) while every
// address it covered still passes. Whatever the layout: the networks of split and macro
// zones are in no apex record.
std::vector<ip_network> stop_passing(const zone_summary& before, const zone_summary& now) {
    if (!before.networks || !now.networks)
        return {};
    return subtract(*before.networks, *now.networks);
}

std::chrono::microseconds since(clock::time_point started) {
    return std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started);
}

// Every finding goes to the outcome (for the reload command) and to the log, one line each.
void report_findings(const diagnostics& findings, reload_outcome& outcome) {
    for (const diagnostic& d : findings.items()) {
        outcome.messages.push_back(to_string(d));
        log_event(d.level == severity::error ? log_level::error : log_level::warning,
                  "zone_finding", "message=" + log_quoted(outcome.messages.back()));
    }
    outcome.errors = findings.error_count();
    outcome.warnings = findings.items().size() - outcome.errors;
}

// The zones whose serial the new snapshot changes, or that it adds: pdns must forget what
// it cached of them.
std::vector<std::string> changed_zones(const snapshot* old, const snapshot& now) {
    std::vector<std::string> changed;
    for (const auto& zone : now.zones()) {
        const auto* before = old ? old->find_zone(zone.summary.apex + ".") : nullptr;
        if (before == nullptr || before->summary.serial != zone.summary.serial)
            changed.push_back(zone.summary.apex);
    }
    return changed;
}

// Removing a sender is safe only once it has stopped sending for one TTL: receivers may
// still hold the old record (docs/spf-rules.md: receivers cache by TTL). So each network
// whose addresses a zone stops letting pass is a warning, a bounded number of them listed.
void warn_removed_senders(const snapshot& old, const snapshot& now, reload_outcome& outcome) {
    constexpr std::size_t listed = 20; // a generated list may drop thousands at once
    for (const auto& zone : now.zones()) {
        const zone_summary& after = zone.summary;
        const auto* before = old.find_zone(after.apex + ".");
        if (before == nullptr)
            continue;
        const std::vector<ip_network> removed = stop_passing(before->summary, after);
        for (std::size_t i = 0; i < removed.size() && i < listed; ++i) {
            const std::string network = removed[i].to_string();
            outcome.messages.push_back(
                after.file + ": warning: " + network + " is no longer published for " + after.apex +
                "; make sure it stopped sending at least one TTL before this change");
            ++outcome.warnings;
            log_event(log_level::warning, "sender_removed",
                      "zone=" + after.apex + " network=" + network);
        }
        if (removed.size() > listed) {
            outcome.messages.push_back(after.file +
                                       ": warning: " + std::to_string(removed.size() - listed) +
                                       " more networks are no longer published for " + after.apex);
            ++outcome.warnings;
            log_event(log_level::warning, "senders_removed",
                      "zone=" + after.apex + " count=" + std::to_string(removed.size()));
        }
    }
}

// One zone_loaded line per zone, then the reload's outcome line.
void log_published(const snapshot& snap, std::size_t changed, const reload_outcome& outcome) {
    for (const auto& zone : snap.zones())
        log_event(log_level::info, "zone_loaded",
                  "zone=" + zone.summary.apex + " serial=" + std::to_string(zone.summary.serial) +
                      " senders=" + std::to_string(zone.summary.sender_count) +
                      " networks=" + std::to_string(zone.summary.network_count) +
                      " answer_octets=" + std::to_string(zone.summary.spf.measures.answer_octets));
    log_event(log_level::info, "reload_ok",
              "zones=" + std::to_string(snap.zones().size()) + " changed=" +
                  std::to_string(changed) + " warnings=" + std::to_string(outcome.warnings) +
                  " duration_us=" + std::to_string(outcome.duration.count()));
}

} // namespace

reload_outcome reloader::reload(bool accept_held) {
    reload_outcome outcome = load_and_publish(accept_held);
    // The zone files' parse trees and the old snapshot are freed by now; hand the pages back,
    // or the process keeps the peak of its largest reload as resident memory for good.
    ::malloc_trim(0);
    return outcome;
}

reload_outcome reloader::load_and_publish(bool accept_held) {
    const std::lock_guard lock(one_at_a_time_);
    const auto started = clock::now();
    reload_outcome outcome;
    log_event(log_level::info, "reload_start",
              "zones_dir=" + log_quoted(config_.zones_dir.string()));

    zone_set_result loaded = load_zone_set(config_.zones_dir, serials_, includes_, accept_held);
    report_findings(loaded.findings, outcome);
    const std::shared_ptr<const snapshot> old = snapshots_.get();
    std::string error;
    if (loaded.snap && !serials_.commit(loaded.serials, error)) {
        outcome.messages.push_back(error);
        outcome.errors += 1;
        loaded.snap.reset();
    }
    outcome.duration = since(started);
    const std::int64_t now_unix = std::time(nullptr);
    stats_.last_unix_time = now_unix;
    stats_.last_ok = loaded.snap != nullptr;
    if (!loaded.snap) {
        if (includes_ != nullptr)
            includes_->revert_unpublished();
        stats_.failed_total.fetch_add(1);
        log_event(log_level::error, "reload_failed",
                  "errors=" + std::to_string(outcome.errors) +
                      " kept=previous duration_us=" + std::to_string(outcome.duration.count()));
        return outcome;
    }

    const std::vector<std::string> changed = changed_zones(old.get(), *loaded.snap);
    if (old)
        warn_removed_senders(*old, *loaded.snap, outcome);
    snapshots_.publish(loaded.snap);
    if (includes_ != nullptr)
        includes_->mark_published();
    stats_.ok_total.fetch_add(1);
    stats_.published_unix_time = now_unix;
    outcome.published = true;
    outcome.duration = since(started);
    log_published(*loaded.snap, changed.size(), outcome);
    if (old) // at start-up pdns has not cached anything from us yet
        purge_pdns_caches(changed);
    return outcome;
}

void reloader::purge_pdns_caches(const std::vector<std::string>& changed_zones) {
    if (!config_.pdns || changed_zones.empty())
        return;
    const auto& pdns = *config_.pdns;
    const std::string socket_dir = "--socket-dir=" + pdns.socket_dir.string();
    std::string error;
    // A new or removed zone must reach pdns's zone cache; `rediscover` re-reads getAllDomains.
    if (!run_bounded({pdns.control, socket_dir, "rediscover"}, pdns.timeout, error))
        log_event(log_level::warning, "pdns_rediscover_failed", "error=" + log_quoted(error));
    for (const std::string& zone : changed_zones) {
        // `zone$` purges the zone and every name below it from the packet and query caches.
        if (run_bounded({pdns.control, socket_dir, "purge", zone + "$"}, pdns.timeout, error))
            log_event(log_level::info, "pdns_cache_purged", "zone=" + zone);
        else
            log_event(log_level::warning, "pdns_purge_failed",
                      "zone=" + zone + " error=" + log_quoted(error));
    }
}

} // namespace spfd
