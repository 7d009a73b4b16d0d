// SPDX-License-Identifier: MIT
#pragma once

// The monitoring probe: asks one server for `<name> TXT` the ways receivers do and judges
// the answers by the rules of RFC 7208 (docs/spf-rules.md). The judging is pure (evaluate_probe);
// only run_probe() and its ldns queries touch the network, and only the configured server:port.

#include "dns/client.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// Nagios / Icinga plugin states, also the exit code of `spfctl probe`.
inline constexpr int probe_ok = 0;
inline constexpr int probe_warning = 1;
inline constexpr int probe_critical = 2;
inline constexpr int probe_unknown = 3;

/// At most this many include/redirect targets are resolved per probe; each costs at most
/// two queries (UDP with EDNS, then TCP if truncated), so a probe sends at most
/// 3 + 2 × 11 = 25 queries. Eleven distinct targets already exceed the 10-lookup limit.
inline constexpr std::size_t probe_max_followed_targets = 11;

struct probe_options {
    std::string server = "127.0.0.1"; ///< an IPv4 or IPv6 address literal; no name lookup
    std::uint16_t port = 53;
    std::string name = "spf.connectoor.com";
    std::size_t warn_octets = 400;           ///< answer size (no EDNS) at or over this: WARNING
    std::size_t crit_octets = 450;           ///< … at or over this: CRITICAL
    std::chrono::milliseconds timeout{2000}; ///< per query
    /// The record text the zone files would publish, for drift detection.
    std::optional<std::string> expected_record;
    /// Lookups the record itself may cost before it is a WARNING: 0 for a flat record; the
    /// zone files' layout when they chose one (split: its children; macro: 1).
    unsigned planned_lookups = 0;
};

/// What one `TXT` query returned (records: the TXT RRs, character-strings concatenated).
/// run_probe() fills it with dns_query(); tests build it by hand.
using txt_answer = dns_response;

/// Resolves `name TXT` for an include/redirect target on the probed server.
using txt_lookup = std::function<txt_answer(const std::string& name)>;

struct probe_result {
    int status = probe_ok; ///< probe_ok … probe_unknown
    /// One line per problem, the most severe first.
    std::vector<std::string> problems;
    std::string name;
    std::string record; ///< the served v=spf1 record; empty when none was found
    /// Wire sizes of the NOERROR responses (0: no response, or another RCODE).
    std::size_t udp_octets = 0;  ///< UDP without EDNS (truncated or not)
    std::size_t edns_octets = 0; ///< UDP with EDNS, buffer 1232
    std::size_t tcp_octets = 0;  ///< TCP
    /// The full answer without EDNS: the UDP one, or the TCP one when UDP was truncated.
    std::size_t answer_octets = 0;
    bool truncated_without_edns = false;
    bool lookups_counted = false; ///< a record was found and parsed, so lookups mean something
    unsigned lookups = 0;         ///< DNS-querying terms an evaluation reaches, includes followed
    unsigned void_lookups = 0;    ///< NXDOMAIN or empty answers among them (§4.6.4)
    std::vector<std::string> unfollowed; ///< include/redirect terms not resolved (macros, …)
    unsigned queries = 0;                ///< DNS queries this probe sent
    std::size_t warn_octets = 400, crit_octets = 450; ///< thresholds, for the perfdata
    unsigned planned_lookups = 0; ///< lookups over this are a WARNING, for the perfdata

    /// Records a problem and raises the status to at least `level`.
    void add_problem(int level, std::string message);

    /// One plugin output line: `SPF OK - spf.connectoor.com 109 octets (EDNS 120), 0 lookups,
    /// 0 void | size=109B;400;450;0 edns_size=120B;;;0 lookups=0;0;10;0 void=0;;2;0`.
    /// Problems come after the name. Performance data as the Nagios plugin guidelines write
    /// it, `label=value[unit];warn;crit;min`: values not measured are `U`; the lookup
    /// thresholds are the ranges the probe judges by (a WARNING over the planned lookups, a
    /// CRITICAL over 10 lookups or 2 void ones); the size thresholds are the options as given,
    /// which the probe applies from that size on.
    std::string summary_line() const;

  private:
    std::vector<int> levels_; // parallel to problems, for ordering them
};

/// The result for scripts (`spfctl probe --json`): status, every measure, the problems.
std::string probe_json(const probe_result& r);

/// The more severe of two states: CRITICAL > WARNING > UNKNOWN > OK (as monitoring-plugins'
/// max_state_alt), so a real failure is never hidden behind "could not tell".
int worse_status(int a, int b);
/// "OK", "WARNING", "CRITICAL" or "UNKNOWN".
std::string_view status_name(int status);

/// Compares the served record with what the zone files would publish: nothing when they
/// are identical, otherwise what differs (terms only in one of them, or their order).
std::optional<std::string> describe_drift(std::string_view served, std::string_view expected);

/// Judges the three answers for options.name (UDP without EDNS, UDP with EDNS, TCP) and
/// follows include/redirect targets without macros through `lookup`, at most
/// probe_max_followed_targets of them. Pure apart from what `lookup` does.
probe_result evaluate_probe(const probe_options& options, const txt_answer& udp,
                            const txt_answer& edns, const txt_answer& tcp,
                            const txt_lookup& lookup);

/// Queries options.server:port with ldns (each query bounded by options.timeout, at most 25
/// queries) and evaluates the answers. A server that does not answer is CRITICAL:
/// receivers would see temperror. UNKNOWN only for unusable options.
probe_result run_probe(const probe_options& options);

} // namespace spfd
