// SPDX-License-Identifier: MIT
#pragma once

#include "zone/snapshot.h"

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spfd {

/// One SPF name of a zone, as served now and as the zone files would publish it, and the
/// addresses that start and stop passing at it: what an operator asks of a change, whatever
/// aggregation does to the terms (85.10.214.4 and 85.10.214.5 become 85.10.214.4/31).
struct name_change {
    std::string name;                       ///< lower case, no trailing dot
    std::optional<std::string> record_now;  ///< none: not served now
    std::optional<std::string> record_next; ///< none: the files would not publish it
    std::vector<ip_network> start_passing;  ///< the fewest networks, sorted
    std::vector<ip_network> stop_passing;   ///< the fewest networks, sorted

    bool record_changes() const { return record_now != record_next; }
};

/// One zone in both states. Where the zone is absent on one side its fields there are empty.
struct zone_change {
    enum class state { unchanged, changed, added, removed };

    std::string zone;
    state what = state::unchanged;
    std::optional<std::uint64_t> serial_now, serial_next;
    std::optional<std::uint64_t> answer_octets_now, answer_octets_next; ///< at the apex
    std::string layout_now, layout_next;                                ///< flat, split or macro
    /// The apex first: its lists are the whole zone's, every address a customer's include lets
    /// pass, in any layout (macro mode's per-IP names are summed up there). Then, in split
    /// layout, the child records `_s<n>`, whose lists are their own share.
    std::vector<name_change> names;
};

struct zone_diff {
    bool differs = false;
    std::vector<zone_change> zones; ///< the candidate's zones in order, then the removed ones
};

/// Compares what the zone files would publish (`candidate`) with what the running backend
/// serves (`served`: the JSON of its GET /zones?passing=1; without the `passing` lists, the
/// networks written in the served records stand for them).
zone_diff diff_zones(const boost::json::value& served, const snapshot& candidate);

} // namespace spfd
