// SPDX-License-Identifier: MIT
#pragma once

// A customer check's report as people and scripts read it: text (with the instructions
// for the administrator) or JSON.

#include "customer/customer_check.h"

#include <string>

namespace spfd {

/// The plain-text report (with the DE and EN instructions when `advice`).
std::string customer_text(const customer_report& r, bool advice = true);
/// The report as one JSON object.
std::string customer_json(const customer_report& r);

} // namespace spfd
