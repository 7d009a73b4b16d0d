// SPDX-License-Identifier: MIT
// spfctl probe: the published record as a receiver sees it, for Nagios and Icinga.
#include "probe/probe.h"

#include "common.h"
#include "zone/input_access.h"
#include "zone/serial_store.h"
#include "zone/zone_set.h"

#include <iostream>

namespace spfd::spfctl {
namespace {

// Drift: the record the zone files say, to compare with the one DNS serves. Serials are not
// in the record, so the state folder, closed to a monitoring user, is not read. Returns why
// the files cannot be read, if they cannot.
std::optional<std::string> expect_zone_files(const std::string& config_path, probe_options& p) {
    if (auto problem = settings_problem(config_path))
        return problem;
    int status = 0;
    const auto cfg = load_config(config_path, status);
    if (!cfg)
        return config_path + ": invalid settings (the errors are on stderr)";
    if (auto denied = denied_input(*cfg, false))
        return denied;
    const auto files = load_zone_set(*cfg, serial_store(cfg->state_dir));
    // Without the files' record there is nothing to compare: OK would be a guess.
    if (!files.snap)
        return cfg->zones_dir.string() + ": the zone files are invalid (spfctl check shows why)";
    for (const auto& z : files.snap->zones())
        if (z.summary.apex + "." == p.name || z.summary.apex == p.name) {
            p.expected_record = z.summary.spf.text;
            p.planned_lookups = z.summary.customer_lookups - 1;
            return std::nullopt;
        }
    return cfg->zones_dir.string() + ": no zone file serves " + p.name +
           " (check --name, or --no-drift)";
}

} // namespace

int cmd_probe(const command_line& cl) {
    probe_options p;
    po::options_description options(
        "spfctl probe: ask a DNS server for the SPF record over UDP without EDNS, UDP with\n"
        "EDNS and TCP, like a receiver would, and judge it: one v=spf1 record, no truncation,\n"
        "size against thresholds, DNS-lookup and void-lookup counts, drift from the zone files.\n"
        "Prints one line (with perfdata after '|'). The drift check reads the settings and\n"
        "zones (not the state folder): `SPF UNKNOWN - <reason>` if this user cannot.\n"
        "Exit: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n\nOptions");
    options.add_options()("server", po::value(&p.server)->default_value(p.server),
                          "DNS server address")("port", po::value(&p.port)->default_value(53),
                                                "DNS server port")(
        "name", po::value(&p.name)->default_value(p.name),
        "SPF name to ask for")("warning", po::value(&p.warn_octets)->default_value(p.warn_octets),
                               "answer size (octets) from which to warn")(
        "critical", po::value(&p.crit_octets)->default_value(p.crit_octets),
        "answer size (octets) from which it is critical")(
        "timeout-ms", po::value<unsigned>()->default_value(2000),
        "timeout per query")("no-drift", "do not compare with the zone files (no --config needed)")(
        "planned-lookups", po::value<unsigned>(),
        "DNS lookups the record may cost before it is a WARNING (default: what the zone "
        "files' layout costs, 0 with --no-drift)")("json", "print the result as one JSON object");
    po::variables_map args;
    int status = 0;
    if (!parse_sub("probe", options, cl.rest, args, status))
        return status;
    p.timeout = std::chrono::milliseconds(args["timeout-ms"].as<unsigned>());
    if (!args.count("no-drift"))
        if (const auto unknown = expect_zone_files(cl.config_path, p)) {
            std::cout << "SPF UNKNOWN - cannot compare with the zone files (--no-drift skips "
                         "that): "
                      << *unknown << '\n';
            return exit_unreachable;
        }
    if (args.count("planned-lookups"))
        p.planned_lookups = args["planned-lookups"].as<unsigned>();
    const probe_result r = run_probe(p);
    if (args.count("json")) {
        std::cout << probe_json(r) << '\n';
        return r.status;
    }
    std::cout << r.summary_line() << '\n';
    for (const auto& problem : r.problems)
        std::cout << "  " << problem << '\n';
    return r.status;
}

} // namespace spfd::spfctl
