// SPDX-License-Identifier: MIT
// spf-backend: the PowerDNS remote backend that serves spf.connectoor.com.
#include "config/server_config.h"
#include "server/serve.h"
#include "util/log.h"
#include "zone/report.h"
#include "zone/zone_set.h"

#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;
using namespace spfd;

namespace {

void print_findings(const diagnostics& found) {
    for (const diagnostic& d : found.items())
        std::cerr << to_string(d) << '\n';
}

std::size_t warning_count(const diagnostics& found) {
    return found.items().size() - found.error_count();
}

int check(const server_config& cfg, const serial_store& serials) {
    const zone_set_result loaded = load_zone_set(cfg.zones_dir, serials);
    print_findings(loaded.findings);
    if (!loaded.snap) {
        std::cerr << "refused: " << loaded.findings.error_count()
                  << " error(s); nothing would be published\n";
        return 1;
    }
    for (const auto& zone : loaded.snap->zones())
        std::cout << describe_zone(zone.summary, serials);
    std::cout << "ok: " << loaded.snap->zones().size() << " zone(s), "
              << warning_count(loaded.findings) << " warning(s)\n";
    return 0;
}

int run(const server_config& cfg, serial_store& serials) {
    const zone_set_result loaded = load_zone_set(cfg.zones_dir, serials);
    for (const diagnostic& d : loaded.findings.items())
        log_event(d.level == severity::error ? log_level::error : log_level::warning,
                  "zone_finding", "message=" + spfd::quoted(to_string(d)));
    if (!loaded.snap) {
        print_findings(loaded.findings);
        log_event(log_level::error, "start_refused",
                  "errors=" + std::to_string(loaded.findings.error_count()));
        return 1;
    }
    std::string error;
    if (!serials.commit(loaded.serials, error)) {
        log_event(log_level::error, "start_refused", "error=" + spfd::quoted(error));
        return 1;
    }
    for (const auto& zone : loaded.snap->zones()) {
        const auto& s = zone.summary;
        log_event(log_level::info, "zone_loaded",
                  "zone=" + s.apex + " serial=" + std::to_string(s.serial) +
                      " senders=" + std::to_string(s.sender_count) +
                      " networks=" + std::to_string(s.network_count) +
                      " answer_octets=" + std::to_string(s.spf.measures.answer_octets) +
                      " record=" + spfd::quoted(s.spf.text));
    }
    snapshot_holder snapshots(loaded.snap);
    // Reload while running comes with the operations work; until then SIGHUP only says so.
    return serve(cfg, snapshots, [] {
        log_event(log_level::warning, "reload_unsupported", "hint=\"restart to reload\"");
    });
}

} // namespace

int main(int argc, char** argv) {
    po::options_description options("spf-backend: PowerDNS remote backend for SPF zones\n\n"
                                    "Usage: spf-backend [--config FILE] [--check]\n\nOptions");
    options.add_options()("help,h", "show this help and exit")("version",
                                                               "show the version and exit")(
        "config,c", po::value<std::string>()->default_value("/etc/spf-backend/backend.toml"),
        "server settings (TOML); relative paths in it are resolved against its folder")(
        "check", "validate settings and zones, show what would be served, and exit: 0 if it "
                 "can be served, 1 if not. Changes nothing.");
    po::variables_map args;
    try {
        po::store(po::parse_command_line(argc, argv, options), args);
        po::notify(args);
    } catch (const po::error& e) {
        std::cerr << "spf-backend: " << e.what() << "\n(see spf-backend --help)\n";
        return 2;
    }
    if (args.count("help")) {
        std::cout << options << '\n';
        return 0;
    }
    if (args.count("version")) {
        std::cout << "spf-backend " << SPFD_VERSION << '\n';
        return 0;
    }

    diagnostics found;
    const auto cfg = load_server_config(args["config"].as<std::string>(), found);
    if (!cfg) {
        print_findings(found);
        return 1;
    }
    set_log_level(cfg->level);

    serial_store serials(cfg->state_dir);
    std::string error;
    if (!serials.load(error)) {
        std::cerr << error << '\n';
        return 1;
    }
    if (args.count("check"))
        return check(*cfg, serials);

    std::error_code ec;
    std::filesystem::create_directories(cfg->state_dir, ec);
    if (ec) {
        std::cerr << cfg->state_dir.string() << ": cannot create the state folder: " << ec.message()
                  << '\n';
        return 1;
    }
    return run(*cfg, serials);
}
