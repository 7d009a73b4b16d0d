// SPDX-License-Identifier: MIT
// spfctl: the operators' tool for spf-backend. Each subcommand is a thin shell around the
// library; exit codes are documented in `spfctl --help`.
#include "config/server_config.h"
#include "customer/customer_check.h"
#include "ops/admin_client.h"
#include "ops/check_command.h"
#include "ops/probe.h"
#include "ops/zone_diff.h"
#include "zone/zone_set.h"

#include <boost/json/parse.hpp>
#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;
using namespace spfd;

namespace {

// Exit codes shared by the subcommands that talk to something.
constexpr int exit_ok = 0;
constexpr int exit_refused = 1; // the data is invalid / a check failed
constexpr int exit_usage = 2;
constexpr int exit_unreachable = 3;

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
    "  customer check DOMAIN\n"
    "           evaluate a customer's SPF record for each of our senders through DNS; report\n"
    "           problems and the record to publish (0 all pass, 1 fails or problems,\n"
    "           2 DNS or usage error)\n\n"
    "Run `spfctl COMMAND --help` for the options of one command.\n";

struct command_line {
    std::string config_path;
    std::string command;
    std::vector<std::string> rest;
};

std::optional<server_config> load_config(const std::string& path) {
    diagnostics found;
    auto cfg = load_server_config(path, found);
    for (const auto& d : found.items())
        std::cerr << to_string(d) << '\n';
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

int cmd_check(const command_line& cl) {
    po::options_description options(
        "spfctl check: load settings and zones exactly as a reload would; print every error\n"
        "(file:line:column) and warning, then what would be served. Changes nothing.\n"
        "Exit: 0 can be served, 1 refused.\n\nOptions");
    po::variables_map args;
    int status = 0;
    if (!parse_sub("check", options, cl.rest, args, status))
        return status;
    const auto cfg = load_config(cl.config_path);
    if (!cfg)
        return exit_refused;
    return run_check(*cfg, std::cout, std::cerr);
}

const admin_listener_config* admin_of(const server_config& cfg) {
    if (!cfg.admin)
        std::cerr << cfg.file << ": no [admin] table: the backend has no admin endpoint to ask\n";
    return cfg.admin ? &*cfg.admin : nullptr;
}

int cmd_diff(const command_line& cl) {
    po::options_description options(
        "spfctl diff: compare what the zone files would publish with what the running\n"
        "backend serves now (asked through its admin endpoint). A dry run: changes nothing.\n"
        "Exit: 0 no difference, 1 differs or the files are invalid, 3 backend unreachable.\n\n"
        "Options");
    po::variables_map args;
    int status = 0;
    if (!parse_sub("diff", options, cl.rest, args, status))
        return status;
    const auto cfg = load_config(cl.config_path);
    if (!cfg)
        return exit_refused;
    serial_store serials(cfg->state_dir);
    std::string error;
    if (!serials.load(error)) {
        std::cerr << error << '\n';
        return exit_refused;
    }
    const zone_set_result candidate = load_zone_set(cfg->zones_dir, serials);
    for (const auto& d : candidate.findings.items())
        std::cerr << to_string(d) << '\n';
    if (!candidate.snap) {
        std::cerr << "the zone files are invalid: a reload would be refused\n";
        return exit_refused;
    }
    const auto* admin = admin_of(*cfg);
    if (admin == nullptr)
        return exit_unreachable;
    const auto reply = admin_call(*admin, false, "/zones", std::chrono::seconds(5), error);
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
    std::cout << diff.text;
    return diff.differs ? exit_refused : exit_ok;
}

int cmd_reload(const command_line& cl) {
    po::options_description options(
        "spfctl reload: make the running backend load, validate and publish the zone files.\n"
        "If anything is invalid, nothing changes and the current record stays served.\n"
        "Exit: 0 published, 1 refused, 3 backend unreachable.\n\nOptions");
    options.add_options()("timeout", po::value<unsigned>()->default_value(60),
                          "seconds to wait for the reload to finish");
    po::variables_map args;
    int status = 0;
    if (!parse_sub("reload", options, cl.rest, args, status))
        return status;
    const auto cfg = load_config(cl.config_path);
    if (!cfg)
        return exit_refused;
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

int cmd_probe(const command_line& cl) {
    probe_options p;
    po::options_description options(
        "spfctl probe: ask a DNS server for the SPF record over UDP without EDNS, UDP with\n"
        "EDNS and TCP, like a receiver would, and judge it: one v=spf1 record, no truncation,\n"
        "size against thresholds, DNS-lookup and void-lookup counts, drift from the zone files.\n"
        "Prints one line (with perfdata after '|'). Exit: 0 OK, 1 WARNING, 2 CRITICAL,\n"
        "3 UNKNOWN.\n\nOptions");
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
    if (!args.count("no-drift")) {
        // Drift: the record the zone files say, to compare with the one DNS serves.
        const auto cfg = load_config(cl.config_path);
        if (!cfg) {
            std::cout << "SPF UNKNOWN - cannot read " << cl.config_path << " (use --no-drift)\n";
            return 3;
        }
        serial_store serials(cfg->state_dir);
        std::string error;
        serials.load(error);
        const auto files = load_zone_set(cfg->zones_dir, serials);
        if (files.snap)
            for (const auto& z : files.snap->zones())
                if (z.summary.apex + "." == p.name || z.summary.apex == p.name) {
                    p.expected_record = z.summary.spf.text;
                    p.planned_lookups = z.summary.customer_lookups - 1;
                }
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

// Our senders: the networks the zone files serve at `apex` (as `spfctl probe` reads them).
std::optional<std::vector<ip_network>> served_networks(const std::string& config_path,
                                                       const std::string& apex) {
    const auto cfg = load_config(config_path);
    if (!cfg)
        return std::nullopt;
    serial_store serials(cfg->state_dir);
    std::string error;
    serials.load(error);
    const auto files = load_zone_set(cfg->zones_dir, serials);
    for (const auto& d : files.findings.items())
        if (d.level == severity::error)
            std::cerr << to_string(d) << '\n';
    if (files.snap)
        for (const auto& z : files.snap->zones())
            if (z.summary.apex == apex && z.summary.networks)
                return *z.summary.networks;
    std::cerr << "spfctl customer: no valid zone " << apex << " in " << cfg->zones_dir.string()
              << '\n';
    return std::nullopt;
}

int cmd_customer_check(const command_line& cl, std::vector<std::string> rest) {
    std::string domain, server = "127.0.0.1", apex = "spf.connectoor.com";
    unsigned port = 53, timeout_ms = 2000;
    po::options_description options(
        "spfctl customer check DOMAIN: look up DOMAIN's SPF record through DNS (only the\n"
        "given server:port, a recursive resolver or an authoritative server) and evaluate\n"
        "check_host() (RFC 7208) for a representative address of each network our zone\n"
        "serves (from the zone files of --config): the first address, and the last one of a\n"
        "network. Reports whether include:<apex> is present and reached, each address's\n"
        "result, lookup and void-lookup counts, problems, the record the customer should\n"
        "publish and instructions for their administrator (German and English).\n"
        "Exit: 0 every address passes and no problem, 1 some address does not pass or a\n"
        "problem was found, 2 DNS error for DOMAIN itself or usage error.\n\nOptions");
    options.add_options()("domain", po::value(&domain), "the customer's domain")(
        "server", po::value(&server)->default_value(server), "DNS server address (no names)")(
        "port", po::value(&port)->default_value(port), "DNS server port")(
        "timeout-ms", po::value(&timeout_ms)->default_value(timeout_ms), "timeout per query")(
        "apex", po::value(&apex)->default_value(apex), "our zone, which customers include")(
        "json", "print the report as one JSON object")("no-advice",
                                                       "omit the instructions in the text");
    options.add_options()("help,h", "show this help");
    po::positional_options_description positional;
    positional.add("domain", 1);
    po::variables_map args;
    try {
        po::store(po::command_line_parser(rest).options(options).positional(positional).run(),
                  args);
        po::notify(args);
    } catch (const po::error& e) {
        std::cerr << "spfctl customer check: " << e.what()
                  << " (see spfctl customer check --help)\n";
        return exit_usage;
    }
    if (args.count("help")) {
        std::cout << options << '\n';
        return exit_ok;
    }
    if (domain.empty()) {
        std::cerr << "spfctl customer check: a DOMAIN is needed\n";
        return exit_usage;
    }
    const dns_server dns{server, static_cast<std::uint16_t>(port),
                         std::chrono::milliseconds(timeout_ms), true};
    if (port == 0 || port > 65535) {
        std::cerr << "spfctl customer check: port " << port << " is not usable\n";
        return exit_usage;
    }
    if (const auto bad = check_dns_server(dns)) {
        std::cerr << "spfctl customer check: " << *bad << '\n';
        return exit_usage;
    }
    if (!is_valid_dns_name(domain)) {
        std::cerr << "spfctl customer check: '" << domain << "' is not a valid domain name\n";
        return exit_usage;
    }
    customer_options o;
    o.apex = apex;
    const auto networks = served_networks(cl.config_path, apex);
    if (!networks)
        return exit_usage;
    o.networks = *networks;
    ldns_spf_resolver resolver(dns);
    const customer_report r = check_customer(resolver, o, domain);
    if (args.count("json"))
        std::cout << customer_json(r) << '\n';
    else
        std::cout << customer_text(r, !args.count("no-advice"));
    return r.exit_code();
}

constexpr const char* customer_overview =
    "Usage: spfctl [--config FILE] customer check DOMAIN [options]\n\n"
    "Run `spfctl customer check --help` for the options.\n";

int cmd_customer(const command_line& cl) {
    std::vector<std::string> rest = cl.rest;
    if (rest.empty() || rest.front() == "--help" || rest.front() == "-h") {
        (rest.empty() ? std::cerr : std::cout) << customer_overview;
        return rest.empty() ? exit_usage : exit_ok;
    }
    const std::string sub = rest.front();
    rest.erase(rest.begin());
    if (sub == "check")
        return cmd_customer_check(cl, rest);
    std::cerr << "spfctl customer: unknown command '" << sub << "'\n\n" << customer_overview;
    return exit_usage;
}

} // namespace

int main(int argc, char** argv) {
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
