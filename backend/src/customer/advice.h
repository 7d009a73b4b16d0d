// SPDX-License-Identifier: MIT
#pragma once

// The instructions for a customer's DNS administrator, in German and in English, in the
// spirit of our customer guide (the customer guide). Texts only.

#include <string>

namespace spfd {

struct customer_report;

enum class advice_language { de, en };

/// Where to put the record, what to replace, the `all` choice, propagation time; plus a
/// line for each problem the administrator has to act on; then the DMARC part (what keeps
/// our mail out, a missing, broken or doubled record, pct) when DMARC has problems.
std::string customer_advice(const customer_report& r, advice_language language);

} // namespace spfd
