// SPDX-License-Identifier: MIT
// spfctl check: the dry run of a reload.
#include "common.h"
#include "zone/check_command.h"

#include <iostream>

namespace spfd::spfctl {

int cmd_check(const command_line& cl) {
    po::options_description options(
        "spfctl check: load settings and zones exactly as a reload would; print every error\n"
        "(file:line:column) and warning, then what would be served. Changes nothing.\n"
        "Reads the settings, the zones and the state folder (for the serial): as root or a\n"
        "member of the service's group.\n"
        "Exit: 0 can be served, 1 refused, 3 a file cannot be read by this user.\n\nOptions");
    po::variables_map args;
    int status = 0;
    if (!parse_sub("check", options, cl.rest, args, status))
        return status;
    const auto cfg = load_inputs(cl.config_path, true, status);
    if (!cfg)
        return status;
    return run_check(*cfg, std::cout, std::cerr);
}

} // namespace spfd::spfctl
