// SPDX-License-Identifier: MIT
// spfctl: the operators' tool for spf-backend. Each subcommand is a thin shell around the
// library; exit codes are documented in `spfctl --help`.
#include "admin/admin_client.h"
#include "admin/zone_diff.h"
#include "admin/zone_diff_report.h"
#include "config/server_config.h"
#include "customer/batch.h"
#include "customer/customer_check.h"
#include "customer/customer_report.h"
#include "customer/impact.h"
#include "dns/name.h"
#include "probe/probe.h"
#include "util/file_access.h"
#include "zone/check_command.h"
#include "zone/input_access.h"
#include "zone/zone_set.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/program_options.hpp>
#include <iostream>
#include <unistd.h>

namespace po = boost::program_options;
using namespace spfd;

namespace {

// Exit statuses, one table for every command (docs/operations.md, "Exit statuses"); the
// probe keeps Nagios's meanings, which happen to agree.
constexpr int exit_ok = 0;
constexpr int exit_refused = 1; // the data is invalid / differs / a check failed
constexpr int exit_usage = 2;   // the command line; customer commands: also a DNS error
// The backend does not answer, or this user may not read what the service reads (settings,
// zones, state): nothing was judged.
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

struct command_line {
    std::string config_path;
    std::string command;
    std::vector<std::string> rest;
};

// Why the settings file cannot be read, as one line; nothing if it can.
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

// The settings, or nothing after saying why, with `status` 3 if the file cannot be read and
// 1 if it is invalid.
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

// The settings, once this user may read the zone files (and the serials) they name too.
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

const admin_listener_config* admin_of(const server_config& cfg) {
    if (!cfg.admin)
        std::cerr << cfg.file
                  << ": no [admin] table: the backend has no admin endpoint to ask (add one, "
                     "as in config/backend.toml, and restart spf-backend)\n";
    return cfg.admin ? &*cfg.admin : nullptr;
}

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
    const auto files = load_zone_set(cfg->zones_dir, serial_store(cfg->state_dir));
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

// Our senders: the networks the zone files serve at `apex` (as `spfctl probe` reads them,
// without the serials). Nothing after saying why, with the exit status in `status`.
std::optional<std::vector<ip_network>> served_networks(const std::string& config_path,
                                                       const std::string& apex, int& status) {
    const auto cfg = load_inputs(config_path, false, status);
    if (!cfg)
        return std::nullopt;
    status = exit_usage;
    const auto files = load_zone_set(cfg->zones_dir, serial_store(cfg->state_dir));
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

// What every customer subcommand shares: where DNS questions go, and our zone.
struct customer_args {
    std::string server = "127.0.0.1";
    unsigned port = 53;
    unsigned timeout_ms = 2000;
    std::string apex = "spf.connectoor.com";
    dns_server dns;
    customer_options options;
};

void add_customer_options(po::options_description& options, customer_args& a) {
    options.add_options()("server", po::value(&a.server)->default_value(a.server),
                          "DNS server to ask: an address, no name; a recursive resolver "
                          "(an authoritative server answers only for its own zones)")(
        "port", po::value(&a.port)->default_value(a.port), "DNS server port")(
        "timeout-ms", po::value(&a.timeout_ms)->default_value(a.timeout_ms), "timeout per query")(
        "apex", po::value(&a.apex)->default_value(a.apex), "our zone, which customers include")(
        "receiver", po::value(&a.options.receiver)->default_value(a.options.receiver),
        "the receiving host's name, for %{r} in a customer's exp= explanation")(
        "envelope-domain",
        po::value(&a.options.envelope_domain)->default_value(a.options.envelope_domain),
        "MAIL FROM domain of our mail, for DMARC alignment: empty for the customer's own "
        "domain, a bounce domain of ours (never aligned), or e.g. bounce.{domain}");
}

// Parses `rest`; returns -1 to go on, or the exit status (help shown, usage error).
int parse_customer(const std::string& name, po::options_description& options,
                   const po::positional_options_description& positional,
                   const std::vector<std::string>& rest, po::variables_map& args) {
    options.add_options()("help,h", "show this help");
    try {
        po::store(po::command_line_parser(rest).options(options).positional(positional).run(),
                  args);
        po::notify(args);
    } catch (const po::error& e) {
        std::cerr << "spfctl customer " << name << ": " << e.what() << " (see spfctl customer "
                  << name << " --help)\n";
        return exit_usage;
    }
    if (args.count("help")) {
        std::cout << options << '\n';
        return exit_ok;
    }
    return -1;
}

// Checks the DNS options and loads our senders; -1 to go on, or (after saying why) the exit
// status: a usage error, or 3 when this user cannot read the settings or zones.
int prepare_customer(const std::string& name, const command_line& cl, customer_args& a) {
    if (a.port == 0 || a.port > 65535) {
        std::cerr << "spfctl customer " << name << ": port " << a.port << " is not usable\n";
        return exit_usage;
    }
    // RD set: a recursive resolver resolves for us; an authoritative server ignores it.
    a.dns = dns_server{a.server, static_cast<std::uint16_t>(a.port),
                       std::chrono::milliseconds(a.timeout_ms), true};
    if (const auto bad = check_dns_server(a.dns)) {
        std::cerr << "spfctl customer " << name << ": " << *bad << '\n';
        return exit_usage;
    }
    a.options.apex = normalized_domain(a.apex);
    int status = exit_usage;
    const auto networks = served_networks(cl.config_path, a.options.apex, status);
    if (!networks)
        return status;
    a.options.networks = *networks;
    return -1;
}

// A progress line on stderr, only when it is a terminal (never in logs or pipes).
batch_progress terminal_progress(const char* what) {
    if (!isatty(STDERR_FILENO))
        return {};
    return [what](std::size_t done, std::size_t total) {
        std::cerr << '\r' << what << ' ' << done << '/' << total << std::flush;
        if (done == total)
            std::cerr << '\n';
    };
}

std::optional<std::vector<std::string>> read_domains(const std::string& name,
                                                     const std::string& file) {
    if (file.empty()) {
        std::cerr << "spfctl customer " << name << ": a FILE of domains is needed\n";
        return std::nullopt;
    }
    auto list = read_domain_list(file);
    if (const auto* error = std::get_if<std::string>(&list)) {
        std::cerr << *error << '\n';
        return std::nullopt;
    }
    return std::get<std::vector<std::string>>(std::move(list));
}

resolver_factory live_dns(const dns_server& dns) {
    return [dns] { return std::make_unique<ldns_spf_resolver>(dns); };
}

int cmd_customer_check(const command_line& cl, const std::vector<std::string>& rest) {
    customer_args a;
    std::string domain;
    po::options_description options(
        "spfctl customer check DOMAIN: look up DOMAIN's SPF record through DNS (only the\n"
        "given server:port) and evaluate check_host() (RFC 7208) for a representative\n"
        "address of each network our zone serves (from the zone files of --config): the\n"
        "address of a host, the first and last address of a network. Reports whether\n"
        "include:<apex> is present and reached, each address's result, lookup and\n"
        "void-lookup counts, problems, the record the customer should publish and\n"
        "instructions for their administrator (German and English).\n"
        "Exit: 0 every address passes and no problem, 1 some address does not pass or a\n"
        "problem was found, 2 DNS error for DOMAIN itself, or a usage error, 3 the settings or\n"
        "zones cannot be read by this user.\n\nOptions");
    options.add_options()("domain", po::value(&domain), "the customer's domain");
    add_customer_options(options, a);
    options.add_options()("json", "print the report as one JSON object")(
        "no-advice", "omit the instructions in the text");
    po::positional_options_description positional;
    positional.add("domain", 1);
    po::variables_map args;
    if (const int status = parse_customer("check", options, positional, rest, args); status >= 0)
        return status;
    if (domain.empty() || !is_wire_encodable_name(domain) ||
        domain.find("..") != std::string::npos) {
        std::cerr << "spfctl customer check: "
                  << (domain.empty() ? "a DOMAIN is needed"
                                     : "'" + domain + "' is not a valid domain name")
                  << '\n';
        return exit_usage;
    }
    if (const int status = prepare_customer("check", cl, a); status >= 0)
        return status;
    ldns_spf_resolver resolver(a.dns);
    const customer_report r = check_customer(resolver, a.options, domain);
    if (args.count("json"))
        std::cout << customer_json(r) << '\n';
    else
        std::cout << customer_text(r, !args.count("no-advice"));
    return r.exit_code();
}

int cmd_customer_batch(const command_line& cl, const std::vector<std::string>& rest) {
    customer_args a;
    std::string file, format = "csv";
    unsigned jobs = 4;
    po::options_description options(
        "spfctl customer batch FILE: `customer check` for every domain in FILE (one per\n"
        "line, # comments), with at most --jobs checks at a time; one CSV line or JSON\n"
        "object per domain on stdout, in the order of FILE. A progress line goes to stderr\n"
        "when it is a terminal.\n"
        "Exit: the worst of the domains' `customer check` codes (0 all pass, 1 fails or\n"
        "problems, 2 DNS error for some domain), 2 for a usage error, 3 the settings or zones\n"
        "cannot be read by this user.\n\nOptions");
    options.add_options()("file", po::value(&file), "the file of domains");
    add_customer_options(options, a);
    options.add_options()("format", po::value(&format)->default_value(format), "csv or json")(
        "jobs", po::value(&jobs)->default_value(jobs), "checks at a time (1 to 64)");
    po::positional_options_description positional;
    positional.add("file", 1);
    po::variables_map args;
    if (const int status = parse_customer("batch", options, positional, rest, args); status >= 0)
        return status;
    if (format != "csv" && format != "json") {
        std::cerr << "spfctl customer batch: --format must be csv or json\n";
        return exit_usage;
    }
    if (jobs < 1 || jobs > max_batch_jobs) {
        std::cerr << "spfctl customer batch: --jobs must be 1 to " << max_batch_jobs << '\n';
        return exit_usage;
    }
    const auto domains = read_domains("batch", file);
    if (!domains)
        return exit_usage;
    if (const int status = prepare_customer("batch", cl, a); status >= 0)
        return status;
    const auto reports =
        check_customers(*domains, a.options, live_dns(a.dns), jobs, terminal_progress("checked"));
    std::cout << (format == "csv" ? batch_csv(reports) : batch_json(reports) + "\n");
    return batch_exit_code(reports);
}

int cmd_customer_impact(const command_line& cl, const std::vector<std::string>& rest) {
    customer_args a;
    std::string file, proposed;
    unsigned jobs = 4;
    po::options_description options(
        "spfctl customer impact --proposed ZONE.toml FILE: for every domain in FILE, which\n"
        "of our addresses (now and in the proposal) would lose or gain a pass if ZONE.toml\n"
        "were published. Our zone's names are answered from ZONE.toml compiled as a reload\n"
        "would (any layout), everything else from live DNS. Publishes nothing.\n"
        "Exit: 0 no address that stays in the zone loses a pass, 1 some does, 2 the proposal\n"
        "is invalid, a domain could not be judged, or a usage error, 3 the settings or zones\n"
        "cannot be read by this user.\n\nOptions");
    options.add_options()("file", po::value(&file), "the file of domains")(
        "proposed", po::value(&proposed), "the proposed zone file");
    add_customer_options(options, a);
    options.add_options()("jobs", po::value(&jobs)->default_value(jobs),
                          "checks at a time (1 to 64)")("json", "print the result as JSON");
    po::positional_options_description positional;
    positional.add("file", 1);
    po::variables_map args;
    if (const int status = parse_customer("impact", options, positional, rest, args); status >= 0)
        return status;
    if (proposed.empty() || jobs < 1 || jobs > max_batch_jobs) {
        std::cerr << "spfctl customer impact: "
                  << (proposed.empty() ? std::string("--proposed ZONE.toml is needed")
                                       : "--jobs must be 1 to " + std::to_string(max_batch_jobs))
                  << '\n';
        return exit_usage;
    }
    const auto domains = read_domains("impact", file);
    if (!domains)
        return exit_usage;
    if (const int status = prepare_customer("impact", cl, a); status >= 0)
        return status;
    diagnostics found;
    const auto snap = compile_proposed_zone(proposed, found);
    for (const auto& d : found.items())
        std::cerr << to_string(d) << '\n';
    if (!snap) {
        std::cerr << "spfctl customer impact: " << proposed << " would be refused\n";
        return exit_usage;
    }
    const auto zone = std::find_if(snap->zones().begin(), snap->zones().end(),
                                   [&](const auto& z) { return z.summary.apex == a.options.apex; });
    if (zone == snap->zones().end() || !zone->summary.networks) {
        std::cerr << "spfctl customer impact: " << proposed << " is not the zone " << a.options.apex
                  << '\n';
        return exit_usage;
    }
    const dns_server dns = a.dns;
    const resolver_factory with_proposal = [dns, snap] {
        return std::make_unique<snapshot_resolver>(snap, std::make_unique<ldns_spf_resolver>(dns));
    };
    const impact_report r =
        assess_impact(*domains, a.options, a.options.networks, *zone->summary.networks,
                      live_dns(a.dns), with_proposal, jobs, terminal_progress("evaluated"));
    std::cout << (args.count("json") ? impact_json(r) + "\n" : impact_text(r));
    return r.exit_code();
}

constexpr const char* customer_overview =
    "Usage: spfctl [--config FILE] customer SUBCOMMAND [options]\n\n"
    "  check DOMAIN                     one customer's SPF record, judged for our senders\n"
    "  batch FILE                       every domain in FILE, as CSV or JSON\n"
    "  impact --proposed ZONE.toml FILE what a proposed zone file changes for them\n\n"
    "Run `spfctl customer SUBCOMMAND --help` for the options and exit codes.\n";

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
    if (sub == "batch")
        return cmd_customer_batch(cl, rest);
    if (sub == "impact")
        return cmd_customer_impact(cl, rest);
    std::cerr << "spfctl customer: unknown command '" << sub << "'\n\n" << customer_overview;
    return exit_usage;
}

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
