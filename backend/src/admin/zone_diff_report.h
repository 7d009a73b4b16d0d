// SPDX-License-Identifier: MIT
#pragma once

#include "admin/zone_diff.h"

#include <string>

namespace spfd {

/// `spfctl diff` for the operator: per zone a line with the serial, the answer size and the
/// layout, then per SPF name the networks that stop (`-`) and start (`+`) passing and the
/// record now and next. A change that moves no address says "same addresses".
std::string diff_text(const zone_diff& diff);

/// `spfctl diff --json`: the same as one JSON object, `{"differs", "zones": {<zone>:
/// {"status", "serial", "answer_octets", "layout" (each {"now", "next"}), "names": {<name>:
/// {"record_now", "record_next", "start_passing", "stop_passing"}}}}}`; null where a side
/// has no such zone or name.
std::string diff_json(const zone_diff& diff);

} // namespace spfd
