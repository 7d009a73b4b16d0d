// SPDX-License-Identifier: MIT
#pragma once

#include "config/server_config.h"

#include <iosfwd>

namespace spfd {

/// `check`: loads the zones exactly as a reload would, prints every finding (stderr) and what
/// would be served (stdout). Changes nothing. Returns 0 if it can be served, 1 if not.
int run_check(const server_config& config, std::ostream& out, std::ostream& err);

} // namespace spfd
