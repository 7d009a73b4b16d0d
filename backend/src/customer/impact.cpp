// SPDX-License-Identifier: MIT
#include "customer/impact.h"

#include "dns/name.h"
#include "dns/txt_presentation.h"
#include "query/answer.h"
#include "zone/compile.h"
#include "zone/zone_loader.h"

#include <algorithm>
#include <boost/json.hpp>

namespace spfd {
namespace {

std::string dmarc_outcome(const customer_report& r, std::size_t sender) {
    return sender < r.dmarc.senders.size() ? r.dmarc.senders[sender].outcome : "";
}

bool blocked(const std::string& outcome) {
    return outcome == "quarantine" || outcome == "reject";
}

bool contains(const std::vector<ip_network>& list, const ip_network& n) {
    return std::find(list.begin(), list.end(), n) != list.end();
}

// Whether an address of ours stays, comes or goes with the proposed list.
std::string sender_status(const customer_sender& s, const std::vector<ip_network>& current,
                          const std::vector<ip_network>& proposed) {
    const auto covers = [&](const std::vector<ip_network>& list) {
        return std::any_of(list.begin(), list.end(), [&](const ip_network& n) {
            const auto mine = representative_senders({n});
            return std::any_of(mine.begin(), mine.end(),
                               [&](const customer_sender& m) { return m.ip == s.ip; });
        });
    };
    const bool now = covers(current), then = covers(proposed);
    return now && then ? "kept" : then ? "added" : "removed";
}

// Adds to `r` each address of one customer whose result differs between the two checks,
// or the DNS error that kept the customer from being judged.
void compare_reports(impact_report& r, const customer_report& before, const customer_report& after,
                     const std::vector<ip_network>& current,
                     const std::vector<ip_network>& proposed) {
    if (!before.dns_error.empty() || !after.dns_error.empty()) {
        r.errors.push_back(before.domain + ": " +
                           (before.dns_error.empty() ? after.dns_error : before.dns_error));
        return;
    }
    for (std::size_t i = 0; i < before.verdicts.size() && i < after.verdicts.size(); ++i) {
        const sender_verdict& b = before.verdicts[i];
        const sender_verdict& a = after.verdicts[i];
        const std::string dmarc_b = dmarc_outcome(before, i), dmarc_a = dmarc_outcome(after, i);
        if (b.evaluation.result == a.evaluation.result && dmarc_b == dmarc_a)
            continue;
        r.changes.push_back({before.domain, b.sender, b.evaluation.result, a.evaluation.result,
                             sender_status(b.sender, current, proposed), dmarc_b, dmarc_a});
    }
}

} // namespace

snapshot_resolver::snapshot_resolver(std::shared_ptr<const snapshot> snap,
                                     std::unique_ptr<spf_resolver> inner)
    : snap_(std::move(snap)), inner_(std::move(inner)) {}

dns_lookup snapshot_resolver::lookup(const std::string& name, dns_type type) {
    const std::string wanted = normalized_domain(name);
    const bool ours = std::any_of(snap_->zones().begin(), snap_->zones().end(), [&](const auto& z) {
        return is_at_or_below(wanted, z.summary.apex);
    });
    if (!ours)
        return inner_->lookup(name, type);
    // ANY tells NXDOMAIN (false) from NODATA, as pdns learns it from the backend.
    request req;
    req.kind = method::lookup;
    req.qname = wanted + ".";
    req.qtype = "ANY";
    dns_lookup out;
    boost::system::error_code ec;
    const boost::json::value reply = boost::json::parse(answer(*snap_, req), ec);
    if (ec || !reply.is_object() || !reply.as_object().contains("result")) {
        out.status = dns_lookup::outcome::error;
        out.error = "unexpected backend reply";
        return out;
    }
    const boost::json::value& result = reply.at("result");
    if (!result.is_array()) {
        out.status = dns_lookup::outcome::nxdomain;
        return out;
    }
    for (const boost::json::value& rr : result.as_array()) {
        const auto& o = rr.as_object();
        if (o.at("qtype").as_string() != dns_type_name(type))
            continue;
        const std::string content(o.at("content").as_string());
        out.records.push_back(type == dns_type::txt || type == dns_type::spf
                                  ? txt_presentation_text(content)
                                  : content);
    }
    return out;
}

std::shared_ptr<const snapshot> compile_proposed_zone(const std::filesystem::path& file,
                                                      diagnostics& out) {
    const std::optional<zone_spec> spec = load_zone_file(file, out);
    if (!spec || out.has_errors())
        return nullptr;
    std::optional<compiled_zone> zone = compile_zone(*spec, 1, out);
    if (!zone || out.has_errors())
        return nullptr;
    std::vector<compiled_zone> zones;
    zones.push_back(std::move(*zone));
    return std::make_shared<const snapshot>(std::move(zones));
}

bool impact_change::starts_failing_dmarc() const {
    return !blocked(dmarc_before) && blocked(dmarc_after);
}

int impact_report::exit_code() const {
    if (!errors.empty())
        return 2;
    return std::any_of(changes.begin(), changes.end(),
                       [](const impact_change& c) {
                           return c.status == "kept" &&
                                  (c.loses_pass() || c.starts_failing_dmarc());
                       })
               ? 1
               : 0;
}

std::vector<std::string> impact_report::dmarc_failing_customers() const {
    std::vector<std::string> out;
    for (const impact_change& c : changes)
        if (c.starts_failing_dmarc() && (out.empty() || out.back() != c.domain))
            out.push_back(c.domain);
    return out;
}

impact_report assess_impact(const std::vector<std::string>& domains,
                            const customer_options& options, const std::vector<ip_network>& current,
                            const std::vector<ip_network>& proposed, const resolver_factory& live,
                            const resolver_factory& proposed_dns, unsigned jobs,
                            const batch_progress& progress) {
    // Every address of either list is judged before and after, so each one's change shows.
    customer_options both = options;
    both.networks = current;
    for (const ip_network& n : proposed)
        if (!contains(both.networks, n))
            both.networks.push_back(n);

    const std::size_t total = domains.size() * 2;
    const auto halves = [&](std::size_t offset) -> batch_progress {
        if (!progress)
            return {};
        return [&, offset](std::size_t done, std::size_t) { progress(offset + done, total); };
    };
    const std::vector<customer_report> before =
        check_customers(domains, both, live, jobs, halves(0));
    const std::vector<customer_report> after =
        check_customers(domains, both, proposed_dns, jobs, halves(domains.size()));

    impact_report r;
    r.customers = domains.size();
    for (std::size_t d = 0; d < domains.size(); ++d)
        compare_reports(r, before[d], after[d], current, proposed);
    return r;
}

std::string impact_text(const impact_report& r) {
    std::size_t lose = 0, gain = 0;
    std::string lines;
    for (const impact_change& c : r.changes) {
        const std::string what = c.loses_pass()   ? "loses pass"
                                 : c.gains_pass() ? "gains pass"
                                                  : "changes";
        lose += c.loses_pass();
        gain += c.gains_pass();
        lines +=
            "  " + c.domain + ": " + c.sender.label + " (" + c.status + ") " + what + ": " +
            std::string(result_name(c.before)) + " -> " + std::string(result_name(c.after)) +
            (c.dmarc_before != c.dmarc_after ? "; DMARC " + c.dmarc_before + " -> " + c.dmarc_after
                                             : "") +
            (c.status == "kept" && (c.loses_pass() || c.starts_failing_dmarc()) ? "  <-- unexpected"
                                                                                : "") +
            "\n";
    }
    std::string failing;
    for (const std::string& d : r.dmarc_failing_customers())
        failing += (failing.empty() ? "" : ", ") + d;
    std::string out = std::to_string(r.customers) + " customers: " + std::to_string(lose) +
                      " address results lose a pass, " + std::to_string(gain) + " gain one\n" +
                      (failing.empty() ? "" : "  would start failing DMARC: " + failing + "\n") +
                      lines;
    for (const std::string& e : r.errors)
        out += "  not judged: " + e + "\n";
    return out;
}

std::string impact_json(const impact_report& r) {
    boost::json::array changes;
    for (const impact_change& c : r.changes)
        changes.push_back(boost::json::object{{"domain", c.domain},
                                              {"sender", c.sender.label},
                                              {"ip", c.sender.ip.to_string()},
                                              {"status", c.status},
                                              {"before", std::string(result_name(c.before))},
                                              {"after", std::string(result_name(c.after))},
                                              {"loses_pass", c.loses_pass()},
                                              {"gains_pass", c.gains_pass()},
                                              {"dmarc_before", c.dmarc_before},
                                              {"dmarc_after", c.dmarc_after},
                                              {"starts_failing_dmarc", c.starts_failing_dmarc()}});
    boost::json::array errors(r.errors.begin(), r.errors.end());
    const std::vector<std::string> failing = r.dmarc_failing_customers();
    return boost::json::serialize(boost::json::object{
        {"customers", r.customers},
        {"exit_code", r.exit_code()},
        {"changes", std::move(changes)},
        {"dmarc_failing_customers", boost::json::array(failing.begin(), failing.end())},
        {"errors", std::move(errors)}});
}

} // namespace spfd
