// SPDX-License-Identifier: MIT
#pragma once

#include "util/diagnostic.h"
#include "zone/zone_spec.h"

namespace spfd {

/// The checks over all of a zone's senders, wherever they were written ([[senders]] tables
/// and the senders_file): none at all is an error, exact duplicates are errors, covered
/// entries, very wide and special-purpose networks are warnings (a bounded number of each is
/// listed, then a count).
void check_senders(const zone_spec& zone, diagnostics& out);

} // namespace spfd
