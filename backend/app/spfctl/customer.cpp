// SPDX-License-Identifier: MIT
// spfctl customer check | batch | impact: customers' SPF records and DMARC policies judged
// for our senders, through DNS.
#include "common.h"
#include "customer/batch.h"
#include "customer/customer_check.h"
#include "customer/customer_report.h"
#include "customer/impact.h"
#include "dns/name.h"
#include "zone/zone_set.h"

#include <algorithm>
#include <iostream>
#include <unistd.h>

namespace spfd::spfctl {
namespace {

// Our senders: the networks the zone files serve at `apex` (as `spfctl probe` reads them,
// without the serials). Nothing after saying why, with the exit status in `status`.
std::optional<std::vector<ip_network>> served_networks(const std::string& config_path,
                                                       const std::string& apex, int& status) {
    const auto cfg = load_inputs(config_path, false, status);
    if (!cfg)
        return std::nullopt;
    status = exit_usage;
    const auto files = load_zone_set(*cfg, serial_store(cfg->state_dir));
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

} // namespace

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

} // namespace spfd::spfctl
