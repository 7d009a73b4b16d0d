// SPDX-License-Identifier: MIT
// spfctl diff: the zone files against what the running backend serves.
#include "admin/admin_client.h"
#include "admin/zone_diff.h"
#include "admin/zone_diff_report.h"
#include "common.h"
#include "zone/serial_store.h"
#include "zone/zone_set.h"

#include <boost/json/parse.hpp>
#include <iostream>

namespace spfd::spfctl {

int cmd_diff(const command_line& cl) {
    po::options_description options(
        "spfctl diff: compare what the zone files would publish with what the running\n"
        "backend serves now (asked through its admin endpoint). A dry run: changes nothing.\n"
        "Per zone and SPF name: the addresses and networks that stop (-) and start (+)\n"
        "passing, and the record now and next. Reads what `check` reads.\n"
        "Exit: 0 no difference, 1 differs or the files are invalid, 3 backend unreachable or\n"
        "a file cannot be read by this user.\n\n"
        "Options");
    options.add_options()("json", "print the difference as one JSON object");
    po::variables_map args;
    int status = 0;
    if (!parse_sub("diff", options, cl.rest, args, status))
        return status;
    const auto cfg = load_inputs(cl.config_path, true, status);
    if (!cfg)
        return status;
    serial_store serials(cfg->state_dir);
    std::string error;
    if (!serials.load(error)) {
        std::cerr << error << '\n';
        return exit_refused;
    }
    const zone_set_result candidate = load_zone_set(*cfg, serials, true);
    for (const auto& d : candidate.findings.items())
        std::cerr << to_string(d) << '\n';
    if (!candidate.snap) {
        std::cerr << "the zone files are invalid: a reload would be refused\n";
        return exit_refused;
    }
    const auto* admin = admin_of(*cfg);
    if (admin == nullptr)
        return exit_unreachable;
    // Macro zones publish their networks in no record: the backend lists what passes.
    const auto reply =
        admin_call(*admin, false, "/zones?passing=1", std::chrono::seconds(5), error);
    if (!reply) {
        std::cerr << error << '\n';
        return exit_unreachable;
    }
    boost::system::error_code ec;
    const auto served = boost::json::parse(reply->body, ec);
    if (ec || reply->status != 200) {
        std::cerr << "unexpected answer from the admin endpoint (HTTP " << reply->status << ")\n";
        return exit_unreachable;
    }
    const zone_diff diff = diff_zones(served, *candidate.snap);
    std::cout << (args.count("json") ? diff_json(diff) : diff_text(diff));
    return diff.differs ? exit_refused : exit_ok;
}

} // namespace spfd::spfctl
