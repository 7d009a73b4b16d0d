// SPDX-License-Identifier: MIT
// spfctl: the operators' tool for spf-backend. Each command is a thin shell around the
// library, in a file of its own beside this one; the exit statuses are one table
// (common.h, `spfctl --help`).
#include "common.h"

#include <algorithm>
#include <iostream>

using namespace spfd::spfctl;

namespace {

constexpr const char* overview =
    "spfctl: operate spf-backend, the PowerDNS backend that serves spf.connectoor.com\n\n"
    "Usage: spfctl [--config FILE] COMMAND [options]\n\n"
    "Commands:\n"
    "  check    validate settings and zones; show what would be served (0 ok, 1 refused)\n"
    "  diff     show how the zone files differ from what the backend serves now\n"
    "           (0 no difference, 1 differs, 3 backend unreachable)\n"
    "  reload   make the running backend load the zone files (0 published, 1 refused and\n"
    "           the previous record kept, 3 backend unreachable)\n"
    "  probe    ask DNS for the SPF record like a receiver and judge it, for monitoring\n"
    "           (Nagios/Icinga codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)\n"
    "  customer check DOMAIN | batch FILE | impact --proposed ZONE.toml FILE\n"
    "           evaluate customers' SPF records for each of our senders through DNS; report\n"
    "           problems, the record to publish, what a zone change would do to them\n"
    "           (0 all pass, 1 fails or problems, 2 DNS or usage error)\n\n"
    "Exit status, the same for every command:\n"
    "  0  ok: servable, no difference, published, all pass (probe: OK)\n"
    "  1  refused: invalid files, differs, refused by the backend, fails (probe: WARNING)\n"
    "  2  usage error (customer: also a DNS error; probe: CRITICAL)\n"
    "  3  nothing judged: the backend does not answer, or the settings, zones or state cannot\n"
    "     be read by this user (probe: UNKNOWN); one line on stderr names the path or\n"
    "     endpoint and what to do\n\n"
    "Run `spfctl COMMAND --help` for the options of one command.\n";

int dispatch(const command_line& cl) {
    if (cl.command == "check")
        return cmd_check(cl);
    if (cl.command == "diff")
        return cmd_diff(cl);
    if (cl.command == "reload")
        return cmd_reload(cl);
    if (cl.command == "probe")
        return cmd_probe(cl);
    if (cl.command == "customer")
        return cmd_customer(cl);
    if (cl.command == "help") {
        std::cout << overview;
        return exit_ok;
    }
    std::cerr << "spfctl: unknown command '" << cl.command << "'\n\n" << overview;
    return exit_usage;
}

// The last resort: each command says itself what it expects to go wrong (files, the
// backend); anything else still ends in one line and a documented status, never an abort.
int unexpected(const command_line& cl, const char* what) {
    std::string line = what;
    std::replace(line.begin(), line.end(), '\n', ' ');
    if (cl.command == "probe")
        std::cout << "SPF UNKNOWN - spfctl: " << line << '\n';
    else
        std::cerr << "spfctl: " << line << '\n';
    return exit_unreachable;
}

} // namespace

int main(int argc, char** argv) try {
    po::options_description global("Global options");
    global.add_options()("help,h", "show this help")(
        "config,c", po::value<std::string>()->default_value("/etc/spf-backend/backend.toml"),
        "spf-backend's settings file")("command", po::value<std::string>(),
                                       "")("args", po::value<std::vector<std::string>>(), "");
    po::positional_options_description positional;
    positional.add("command", 1).add("args", -1);

    po::variables_map vm;
    command_line cl;
    try {
        auto parsed = po::command_line_parser(argc, argv)
                          .options(global)
                          .positional(positional)
                          .allow_unregistered()
                          .run();
        po::store(parsed, vm);
        po::notify(vm);
        cl.rest = po::collect_unrecognized(parsed.options, po::include_positional);
    } catch (const po::error& e) {
        std::cerr << "spfctl: " << e.what() << "\n" << overview;
        return exit_usage;
    }
    if (!vm.count("command")) {
        (vm.count("help") ? std::cout : std::cerr) << overview;
        return vm.count("help") ? exit_ok : exit_usage;
    }
    cl.config_path = vm["config"].as<std::string>();
    cl.command = vm["command"].as<std::string>();
    if (!cl.rest.empty() && cl.rest.front() == cl.command)
        cl.rest.erase(cl.rest.begin());
    if (vm.count("help"))
        cl.rest.push_back("--help");

    try {
        return dispatch(cl);
    } catch (const std::exception& e) {
        return unexpected(cl, e.what());
    }
} catch (const std::exception& e) {
    return unexpected(command_line{}, e.what());
}
