// SPDX-License-Identifier: MIT
#pragma once

// Two zone sets side by side, each published by a reloader of its own: `now` as the running
// backend serves it (read back through GET /zones?passing=1), `next` as the zone files
// would publish it. For the tests of spfctl diff.

#include "admin/admin_listener.h"
#include "admin/zone_diff.h"
#include "support/reload_fixture.h"

#include <boost/json.hpp>
#include <stdexcept>

namespace spfd::test {

struct zone_diff_pair {
    reload_fixture now, next;
    zone_diff diff;

    /// `served` and `files`: the [[senders]] tables (and any [spf] before them) of each side.
    zone_diff_pair(const std::string& served, const std::string& files) {
        now.write(served);
        next.write(files);
        if (!now.zones.reload().published || !next.zones.reload().published)
            throw std::runtime_error("a side of the diff did not load");
        diff = diff_zones(served_json(), *next.snapshots.get());
    }

    boost::json::value served_json() const {
        return boost::json::parse(
            handle_admin_get("/zones?passing=1", now.snapshots, now.zones.stats()).body);
    }
    const zone_change& zone() const { return diff.zones.at(0); }
    const name_change& apex() const { return zone().names.at(0); }
};

/// Networks as their text, for comparisons.
inline std::vector<std::string> texts(const std::vector<ip_network>& networks) {
    std::vector<std::string> out;
    for (const ip_network& n : networks)
        out.push_back(n.to_string());
    return out;
}

} // namespace spfd::test
