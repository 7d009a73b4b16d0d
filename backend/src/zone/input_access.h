// SPDX-License-Identifier: MIT
#pragma once

#include "config/server_config.h"

#include <optional>
#include <string>

namespace spfd {

/// For the operators' tool, which runs as users other than the service's (a monitoring
/// user, a member of the service's group): the first of the zones folder, a zone file in it
/// and, with `with_serials`, the remembered serials, that this user may not read, as one
/// line `<path>: <what> (<todo>)`. Only a missing permission: the tool then cannot judge the
/// files, which are not at fault. Anything else wrong with them (missing, a folder where a
/// file belongs, invalid) is left to the load, which refuses it as a reload would.
std::optional<std::string> denied_input(const server_config& config, bool with_serials);

} // namespace spfd
