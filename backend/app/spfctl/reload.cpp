// SPDX-License-Identifier: MIT
// spfctl reload: the running backend publishes the zone files, or keeps what it serves.
#include "admin/admin_client.h"
#include "common.h"

#include <boost/json/parse.hpp>
#include <iostream>

namespace spfd::spfctl {

int cmd_reload(const command_line& cl) {
    po::options_description options(
        "spfctl reload: make the running backend load, validate and publish the zone files.\n"
        "If anything is invalid, nothing changes and the current record stays served.\n"
        "Exit: 0 published, 1 refused, 3 backend unreachable or the settings cannot be read.\n\n"
        "Options");
    options.add_options()("timeout", po::value<unsigned>()->default_value(60),
                          "seconds to wait for the reload to finish");
    po::variables_map args;
    int status = 0;
    if (!parse_sub("reload", options, cl.rest, args, status))
        return status;
    const auto cfg = load_config(cl.config_path, status);
    if (!cfg)
        return status;
    const auto* admin = admin_of(*cfg);
    if (admin == nullptr)
        return exit_unreachable;
    std::string error;
    const auto reply = admin_call(*admin, true, "/reload",
                                  std::chrono::seconds(args["timeout"].as<unsigned>()), error);
    if (!reply) {
        std::cerr << error << '\n';
        return exit_unreachable;
    }
    boost::system::error_code ec;
    const auto body = boost::json::parse(reply->body, ec);
    if (ec || !body.is_object() || !body.as_object().contains("published")) {
        std::cerr << "unexpected answer from the admin endpoint (HTTP " << reply->status << ")\n";
        return exit_unreachable;
    }
    const auto& o = body.as_object();
    for (const auto& m : o.at("messages").as_array())
        std::cerr << m.as_string().c_str() << '\n';
    const bool published = o.at("published").as_bool();
    if (published) {
        std::cout << "reloaded in " << o.at("duration_us").to_number<double>() / 1000.0 << " ms\n";
        for (const auto& z : o.at("zones").as_array())
            std::cout << "  " << z.at("name").as_string().c_str() << " serial "
                      << z.at("serial").to_number<std::uint64_t>() << ": \""
                      << z.at("record").as_string().c_str() << "\"\n";
        return exit_ok;
    }
    std::cerr << "refused: " << o.at("errors").to_number<std::uint64_t>()
              << " error(s); the backend keeps serving the previous record\n";
    return exit_refused;
}

} // namespace spfd::spfctl
