// SPDX-License-Identifier: MIT
#include "common.h"

#include "util/diagnostic.h"
#include "util/file_access.h"
#include "zone/input_access.h"

#include <filesystem>
#include <iostream>

namespace spfd::spfctl {

std::optional<std::string> settings_problem(const std::string& path) {
    auto problem = file_problem(path);
    if (!problem)
        return std::nullopt;
    std::error_code ec;
    if (problem->missing)
        problem->todo =
            "give the settings file with -c FILE; in a checkout: -c config/backend.toml";
    else if (std::filesystem::is_directory(path, ec))
        problem->todo =
            "give the file: -c " + (std::filesystem::path(path) / "backend.toml").string();
    return problem->line(path);
}

std::optional<server_config> load_config(const std::string& path, int& status) {
    if (const auto problem = settings_problem(path)) {
        std::cerr << *problem << '\n';
        status = exit_unreachable;
        return std::nullopt;
    }
    diagnostics found;
    auto cfg = load_server_config(path, found);
    for (const auto& d : found.items())
        std::cerr << to_string(d) << '\n';
    status = exit_refused;
    return cfg;
}

std::optional<server_config> load_inputs(const std::string& path, bool with_serials, int& status) {
    auto cfg = load_config(path, status);
    if (!cfg)
        return cfg;
    if (const auto denied = denied_input(*cfg, with_serials)) {
        std::cerr << *denied << '\n';
        status = exit_unreachable;
        return std::nullopt;
    }
    return cfg;
}

bool parse_sub(const std::string& name, po::options_description& options,
               const std::vector<std::string>& args, po::variables_map& out, int& status) {
    options.add_options()("help,h", "show this help");
    try {
        po::store(po::command_line_parser(args).options(options).run(), out);
        po::notify(out);
    } catch (const po::error& e) {
        std::cerr << "spfctl " << name << ": " << e.what() << " (see spfctl " << name
                  << " --help)\n";
        status = exit_usage;
        return false;
    }
    if (out.count("help")) {
        std::cout << options << '\n';
        status = exit_ok;
        return false;
    }
    return true;
}

const admin_listener_config* admin_of(const server_config& cfg) {
    if (!cfg.admin)
        std::cerr << cfg.file
                  << ": no [admin] table: the backend has no admin endpoint to ask (add one, "
                     "as in config/backend.toml, and restart spf-backend)\n";
    return cfg.admin ? &*cfg.admin : nullptr;
}

} // namespace spfd::spfctl
