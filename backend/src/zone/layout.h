// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/snapshot.h"
#include "zone/zone_spec.h"

#include <optional>
#include <vector>

namespace spfd {

/// How a zone's networks are published: the apex record, and child records in split mode.
struct record_layout {
    overflow_mode mode = overflow_mode::flat;
    spf_record apex;
    std::vector<child_record> children;
    unsigned customer_lookups = 1;
};

/// Chooses and renders the layout the zone asks for (`[spf] overflow`), every answer within
/// the size budget. Refuses with a message that says by how much and what to do.
std::optional<record_layout> lay_out(const zone_spec& spec, const std::vector<ip_network>& networks,
                                     diagnostics& out);

/// Name of the n-th child record (1-based): `_s<n>.<apex>`; stable for a given count.
std::string child_name(const std::string& apex, std::size_t n);

/// The include target of macro mode, and the name under which per-IP answers live.
std::string per_ip_parent(const std::string& apex); ///< `_ip.<apex>`

} // namespace spfd
