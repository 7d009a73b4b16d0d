// SPDX-License-Identifier: MIT
#include "zone/include_book.h"

#include "net/network_set.h"
#include "spf/flatten.h"
#include "util/file_access.h"
#include "util/log.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <variant>

namespace spfd {
namespace {

constexpr std::size_t listed_per_line = 20; // a provider may renumber hundreds at once

// The addresses of one family in `nets`, as a number that keeps its proportions.
long double address_count(const std::vector<ip_network>& nets, ip_family family) {
    long double sum = 0;
    for (const ip_network& n : nets)
        if (n.family() == family)
            sum += std::ldexp(
                1.0L, static_cast<int>((family == ip_family::v4 ? 32 : 128) - n.prefix_length()));
    return sum;
}

std::string network_list(const std::vector<ip_network>& nets) {
    std::string out;
    for (std::size_t i = 0; i < nets.size() && i < listed_per_line; ++i)
        out += (out.empty() ? "" : ",") + nets[i].to_string();
    if (nets.size() > listed_per_line)
        out += ",…(" + std::to_string(nets.size()) + " in all)";
    return out.empty() ? "none" : out;
}

void log_change(const std::string& domain, const std::vector<ip_network>& before,
                const std::vector<ip_network>& after) {
    log_event(log_level::info, "include_changed",
              "include=" + domain + " added=" + network_list(subtract(after, before)) +
                  " removed=" + network_list(subtract(before, after)) +
                  " networks=" + std::to_string(after.size()));
}

std::optional<ip_network> parse_state_network(std::string_view text) {
    auto parsed = parse_network(text, text.find(':') == std::string_view::npos ? ip_family::v4
                                                                               : ip_family::v6);
    if (const auto* n = std::get_if<ip_network>(&parsed))
        return *n;
    return std::nullopt;
}

std::vector<dns_server> resolver_servers(const resolver_config& config) {
    std::vector<std::string> addresses = config.servers;
    if (addresses.empty()) {
        std::ifstream in("/etc/resolv.conf");
        std::stringstream text;
        text << in.rdbuf();
        addresses = resolv_conf_servers(text.str());
    }
    std::vector<dns_server> out;
    for (const std::string& a : addresses)
        out.push_back({a, config.port, config.timeout, true});
    return out;
}

} // namespace

std::unique_ptr<include_book> make_include_book(const server_config& config, bool writable) {
    include_policy policy;
    policy.refresh = config.resolver.refresh;
    policy.retry = std::min(policy.retry, policy.refresh);
    policy.max_removed_percent = config.resolver.max_removed_percent;
    return std::make_unique<include_book>(
        config.state_dir, policy,
        std::make_unique<failover_resolver>(resolver_servers(config.resolver)), writable);
}

bool removes_too_much(const std::vector<ip_network>& before, const std::vector<ip_network>& after,
                      unsigned percent) {
    const std::vector<ip_network> removed = subtract(before, after);
    for (ip_family family : {ip_family::v4, ip_family::v6}) {
        const long double had = address_count(before, family);
        if (had > 0 && address_count(removed, family) * 100 > had * percent)
            return true;
    }
    return false;
}

std::string include_state_text(const std::map<std::string, include_state>& states) {
    std::string text = "# include resolved_at ttl lookups networks... - written by spf-backend; "
                       "do not edit\n";
    for (const auto& [domain, s] : states) {
        if (!s.resolved)
            continue;
        text += domain + ' ' + std::to_string(s.resolved_at) + ' ' + std::to_string(s.ttl) + ' ' +
                std::to_string(s.lookups);
        for (const ip_network& n : s.networks)
            text += ' ' + n.to_string();
        text += '\n';
        if (s.held) { // for spfctl diff: what an operator's reload would publish
            text += "held " + domain;
            for (const ip_network& n : *s.held)
                text += ' ' + n.to_string();
            text += '\n';
        }
    }
    return text;
}

std::optional<std::map<std::string, include_state>> parse_include_state(std::string_view text,
                                                                        std::string& error) {
    std::map<std::string, include_state> out;
    std::istringstream lines{std::string(text)};
    std::string line;
    for (unsigned number = 1; std::getline(lines, line); ++number) {
        if (line.empty() || line.front() == '#')
            continue;
        std::istringstream fields(line);
        std::string domain, network;
        if (line.starts_with("held ")) {
            fields >> network >> domain;
            std::vector<ip_network> held;
            while (fields >> network)
                if (const auto n = parse_state_network(network))
                    held.push_back(*n);
            if (const auto it = out.find(domain); it != out.end())
                it->second.held = std::move(held);
            continue;
        }
        include_state s;
        if (!(fields >> domain >> s.resolved_at >> s.ttl >> s.lookups)) {
            error = "line " + std::to_string(number) +
                    ": expected 'include resolved_at ttl "
                    "lookups networks...'";
            return std::nullopt;
        }
        while (fields >> network) {
            const auto n = parse_state_network(network);
            if (!n) {
                error = "line " + std::to_string(number) + ": '" + network + "' is no network";
                return std::nullopt;
            }
            s.networks.push_back(*n);
        }
        s.resolved = true;
        s.last_success = s.resolved_at;
        out[domain] = std::move(s);
    }
    return out;
}

include_book::include_book(std::filesystem::path state_dir, include_policy policy,
                           std::unique_ptr<spf_resolver> dns, bool writable)
    : dir_(std::move(state_dir)), policy_(policy), dns_(std::move(dns)), writable_(writable) {}

bool include_book::load(std::string& error) {
    std::ifstream in(file());
    if (!in)
        return true; // never written: no include resolved yet
    std::stringstream text;
    text << in.rdbuf();
    auto states = parse_include_state(text.str(), error);
    if (!states) {
        error =
            file().string() + ": " + error + " (remove the file to resolve every include again)";
        return false;
    }
    const std::lock_guard lock(mutex_);
    states_ = std::move(*states);
    return true;
}

void include_book::prepare(const std::set<std::string>& domains, std::int64_t now,
                           bool accept_held) {
    {
        const std::lock_guard lock(mutex_);
        in_use_ = domains;
        for (auto& [domain, s] : states_)
            if (accept_held && s.held && domains.count(domain)) {
                log_change(domain, s.networks, *s.held);
                s.networks = std::move(*s.held);
                s.held.reset();
            }
    }
    for (const std::string& domain : domains) {
        const auto s = find(domain);
        if (!s || !s->resolved)
            resolve(domain, now);
    }
    if (!domains.empty())
        persist();
}

void include_book::mark_published() {
    const std::lock_guard lock(mutex_);
    published_.clear();
    for (const std::string& domain : in_use_)
        if (const auto it = states_.find(domain); it != states_.end() && it->second.resolved)
            published_.emplace(domain, it->second);
}

void include_book::revert_unpublished() {
    bool reverted = false;
    {
        const std::lock_guard lock(mutex_);
        for (auto& [domain, served] : published_) {
            include_state& s = states_[domain];
            if (!s.resolved || s.networks == served.networks)
                continue;
            log_event(log_level::warning, "include_held",
                      "include=" + domain +
                          " added=" + network_list(subtract(s.networks, served.networks)) +
                          " removed=" + network_list(subtract(served.networks, s.networks)) +
                          " reason=" + log_quoted("the zones with it were refused") +
                          " (spfctl check shows why; spfctl reload publishes it)");
            // The data's age is the served set's again: a held change nobody publishes
            // ages into the stale-data alert.
            s.held = std::move(s.networks);
            s.networks = served.networks;
            s.resolved_at = served.resolved_at;
            reverted = true;
        }
    }
    if (reverted)
        persist();
}

bool include_book::refresh_due(std::int64_t now) {
    std::vector<std::string> due_now;
    {
        const std::lock_guard lock(mutex_);
        for (const std::string& domain : in_use_)
            if (due(states_[domain]) <= now)
                due_now.push_back(domain);
    }
    bool changed = false;
    for (const std::string& domain : due_now)
        changed = resolve(domain, now) || changed;
    if (!due_now.empty())
        persist(); // the data's age too, for a restart
    return changed;
}

std::int64_t include_book::due(const include_state& s) const {
    if (!s.resolved)
        return s.last_attempt + policy_.retry.count();
    std::int64_t wait = policy_.refresh.count();
    if (s.ttl > 0)
        wait = std::min<std::int64_t>(wait, s.ttl);
    if (!s.last_error.empty())
        wait = std::min<std::int64_t>(wait, policy_.retry.count());
    return std::max(s.last_attempt, s.resolved_at) + std::max<std::int64_t>(wait, 1);
}

std::optional<std::int64_t> include_book::next_due() const {
    const std::lock_guard lock(mutex_);
    std::optional<std::int64_t> first;
    for (const std::string& domain : in_use_) {
        const auto it = states_.find(domain);
        const std::int64_t at = it == states_.end() ? 0 : due(it->second);
        first = std::min(first.value_or(at), at);
    }
    return first;
}

bool include_book::resolve(const std::string& domain, std::int64_t now) {
    const std::lock_guard one(lookups_);
    auto result = flatten_spf(*dns_, domain);
    const std::lock_guard lock(mutex_);
    include_state& s = states_[domain];
    s.last_attempt = now;
    if (const auto* f = std::get_if<flatten_failure>(&result)) {
        ++s.failures;
        s.last_error = std::string(to_string(f->why)) + ": " + f->message;
        log_event(log_level::warning, "include_failed",
                  "include=" + domain + " error=" + log_quoted(s.last_error) + " kept=" +
                      (s.resolved ? std::to_string(s.networks.size()) + "_networks" : "nothing"));
        return false;
    }
    const flat_spf& flat = std::get<flat_spf>(result);
    s.last_error.clear();
    s.last_success = now;
    s.ttl = flat.min_ttl.value_or(0);
    s.lookups = flat.lookups;
    if (s.resolved && s.networks == flat.networks) {
        s.resolved_at = now;
        s.held.reset();
        return false;
    }
    if (s.held && *s.held == flat.networks)
        return false; // still waiting for an operator's reload, logged when it was held
    if (s.resolved && removes_too_much(s.networks, flat.networks, policy_.max_removed_percent)) {
        if (!s.held || *s.held != flat.networks)
            log_event(log_level::warning, "include_held",
                      "include=" + domain +
                          " removed=" + network_list(subtract(s.networks, flat.networks)) +
                          " max_removed=" + std::to_string(policy_.max_removed_percent) +
                          "% (spfctl diff shows it; spfctl reload publishes it)");
        s.held = flat.networks;
        return false; // refresh_due() persists it, for spfctl diff
    }
    log_change(domain, s.networks, flat.networks);
    s.networks = flat.networks;
    s.resolved = true;
    s.resolved_at = now;
    s.held.reset();
    return true;
}

void include_book::persist() {
    if (!writable_)
        return;
    std::string text;
    {
        const std::lock_guard lock(mutex_);
        text = include_state_text(states_);
    }
    std::string error;
    if (!write_file_atomically(file(), text, error))
        log_event(log_level::error, "include_state_not_written",
                  "file=" + log_quoted(file().string()) + " error=" + log_quoted(error));
}

std::optional<include_state> include_book::find(const std::string& domain) const {
    const std::lock_guard lock(mutex_);
    const auto it = states_.find(domain);
    if (it == states_.end())
        return std::nullopt;
    return it->second;
}

std::map<std::string, include_state> include_book::all() const {
    const std::lock_guard lock(mutex_);
    return states_;
}

std::map<std::string, include_state> include_book::in_use() const {
    const std::lock_guard lock(mutex_);
    std::map<std::string, include_state> out;
    for (const std::string& domain : in_use_)
        if (const auto it = states_.find(domain); it != states_.end())
            out.emplace(domain, it->second);
    return out;
}

} // namespace spfd
