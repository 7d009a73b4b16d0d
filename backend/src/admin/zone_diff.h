// SPDX-License-Identifier: MIT
#pragma once

#include "zone/snapshot.h"

#include <boost/json/value.hpp>
#include <string>

namespace spfd {

struct zone_diff {
    bool differs = false;
    std::string text; ///< for the operator: per zone, the terms added and removed, sizes
};

/// Compares what the zone files would publish (`candidate`) with what the running backend
/// serves (`served`: the JSON of its GET /zones).
zone_diff diff_zones(const boost::json::value& served, const snapshot& candidate);

} // namespace spfd
