// SPDX-License-Identifier: MIT
// spf-backend: the PowerDNS remote backend that serves spf.connectoor.com.
#include "config/server_config.h"
#include "daemon/include_refresher.h"
#include "daemon/reload_queue.h"
#include "daemon/serve.h"
#include "util/log.h"
#include "zone/check_command.h"
#include "zone/reloader.h"

#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;
using namespace spfd;

namespace {

void print_findings(const diagnostics& found) {
    for (const diagnostic& d : found.items())
        std::cerr << to_string(d) << '\n';
}

int run(const server_config& cfg, serial_store& serials, include_book& includes) {
    // Start-up and reload take the same path; at start-up a refusal is fatal.
    snapshot_holder snapshots(nullptr);
    reloader zones(cfg, serials, snapshots, &includes);
    // A restart is no operator's decision on a held include change: it stays held.
    const reload_outcome first = zones.reload_keeping_held();
    if (!first.published) {
        for (const std::string& m : first.messages)
            std::cerr << m << '\n';
        log_event(log_level::error, "start_refused", "errors=" + std::to_string(first.errors));
        return 1;
    }
    reload_queue reloads([&zones] { zones.reload(); });
    include_refresher refresher(includes, zones);
    return serve(cfg, snapshots, zones, [&reloads] { reloads.request(); });
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

    if (args.count("check"))
        return run_check(*cfg, std::cout, std::cerr);

    serial_store serials(cfg->state_dir);
    std::string error;
    if (!serials.load(error)) {
        std::cerr << error << '\n';
        return 1;
    }

    std::error_code ec;
    std::filesystem::create_directories(cfg->state_dir, ec);
    if (ec) {
        std::cerr << cfg->state_dir.string() << ": cannot create the state folder: " << ec.message()
                  << '\n';
        return 1;
    }
    const std::unique_ptr<include_book> includes = make_include_book(*cfg, true);
    if (!includes->load(error)) {
        std::cerr << error << '\n';
        return 1;
    }
    return run(*cfg, serials, *includes);
}
