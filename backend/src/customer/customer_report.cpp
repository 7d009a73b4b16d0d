// SPDX-License-Identifier: MIT
#include "customer/customer_report.h"

#include "customer/advice.h"
#include "spf/limits.h"

#include <boost/json.hpp>

namespace spfd {
namespace {

// One of our addresses: its result, counts and why; the receiver's explanation of a fail.
std::string sender_line(const sender_verdict& v) {
    std::string out =
        "    " + v.sender.label +
        (v.sender.label == v.sender.ip.to_string() ? "" : " (" + v.sender.ip.to_string() + ")") +
        ": " + std::string(result_name(v.evaluation.result)) + " (lookups " +
        std::to_string(v.evaluation.lookups) + ", void " +
        std::to_string(v.evaluation.void_lookups) + "): " + v.evaluation.reason + "\n";
    if (!v.evaluation.explanation.empty())
        out += "      explanation: \"" + v.evaluation.explanation + "\"\n";
    return out;
}

std::string problem_lines(const std::vector<customer_problem>& problems, const char* title) {
    if (problems.empty())
        return std::string("  ") + title + "  none\n";
    std::string out = std::string("  ") + title + "\n";
    for (const customer_problem& p : problems)
        out += "    [" + p.code + "] " + p.message + "\n";
    return out;
}

// The published DMARC record and its tags, as receivers read them.
std::string dmarc_record_lines(const dmarc_report& d) {
    if (!d.dns_error.empty())
        return "  DMARC:     DNS error: " + d.dns_error + "\n";
    if (d.records.empty())
        return "  DMARC:     none (_dmarc." + d.from_domain +
               (d.org_domain != d.from_domain ? ", _dmarc." + d.org_domain : "") + ")\n";
    std::string out;
    for (const std::string& rec : d.records)
        out += "  DMARC:     _dmarc." + d.record_domain + " \"" + rec + "\"\n";
    if (!d.record)
        return out;
    const dmarc_record& rec = *d.record;
    std::string rua;
    for (const std::string& u : rec.rua)
        rua += (rua.empty() ? "" : ",") + u;
    out += "             p=" + (rec.p ? std::string(policy_name(*rec.p)) : "-") +
           " sp=" + (rec.sp ? std::string(policy_name(*rec.sp)) : "-") +
           " pct=" + std::to_string(rec.pct) + " adkim=" + rec.adkim + " aspf=" + rec.aspf +
           " rua=" + (rua.empty() ? "-" : rua) + "\n";
    return out;
}

// What receivers do with our mail for this customer when it has no aligned DKIM signature.
std::string dmarc_text(const dmarc_report& d) {
    std::string out = dmarc_record_lines(d);
    if (!d.dns_error.empty())
        return out;
    out +=
        "  policy:    " +
        (d.policy ? std::string(policy_name(*d.policy)) +
                        (d.record_domain != d.from_domain ? " (the organizational domain's)" : "")
                  : std::string("none applies")) +
        "; envelope sender domain " + d.envelope_domain + "\n";
    out += "  DMARC without DKIM:\n";
    for (const dmarc_sender& s : d.senders)
        out += "    " + s.label + ": SPF " + std::string(result_name(s.spf)) + ", " +
               (s.aligned ? "aligned" : "not aligned") + ": " + s.outcome + "\n";
    return out + problem_lines(d.problems, "DMARC problems:");
}

} // namespace

std::string customer_text(const customer_report& r, bool advice) {
    std::string out = "customer " + r.domain + "\n";
    if (!r.dns_error.empty())
        return out + "  DNS error: " + r.dns_error + "\n";
    if (r.spf_records.empty())
        out += "  record:    none\n";
    for (const std::string& rec : r.spf_records)
        out += "  record:    \"" + rec + "\"\n";
    for (const std::string& rec : r.type99)
        out += "  type 99:   \"" + rec + "\"\n";
    out += "  include:   include:" + r.apex + " " +
           (r.include_reached   ? std::string("present and reached")
            : r.include_present ? std::string("present but never reached")
                                : std::string("missing")) +
           "\n";
    out += "  lookups:   " + std::to_string(r.max_lookups) + " of " +
           std::to_string(spf_max_lookups) + ", void " + std::to_string(r.max_void_lookups) +
           " of " + std::to_string(spf_max_void_lookups) + " (most over our addresses)\n";
    out += "  our senders:\n";
    for (const sender_verdict& v : r.verdicts)
        out += sender_line(v);
    out += problem_lines(r.problems, "problems:");
    out += r.change_needed ? "  publish:   \"" + r.suggested_record + "\"\n"
                           : "  publish:   nothing to change\n";
    out += dmarc_text(r.dmarc);
    if (advice && r.action_needed()) {
        out += "\n--- Anleitung für Ihre DNS-Administration (Deutsch) ---\n";
        out += customer_advice(r, advice_language::de);
        out += "\n--- Instructions for your DNS administrator (English) ---\n";
        out += customer_advice(r, advice_language::en);
    }
    return out;
}

namespace {

boost::json::array problems_json(const std::vector<customer_problem>& problems) {
    boost::json::array out;
    for (const customer_problem& p : problems)
        out.push_back(boost::json::object{{"code", p.code}, {"message", p.message}});
    return out;
}

boost::json::value policy_json(const std::optional<dmarc_policy>& p) {
    if (!p)
        return nullptr;
    return boost::json::string(policy_name(*p));
}

boost::json::value dmarc_record_json(const dmarc_report& d) {
    if (!d.record)
        return nullptr;
    const dmarc_record& rec = *d.record;
    return boost::json::object{
        {"p", policy_json(rec.p)},
        {"sp", policy_json(rec.sp)},
        {"pct", rec.pct},
        {"adkim", std::string(1, rec.adkim)},
        {"aspf", std::string(1, rec.aspf)},
        {"rua", boost::json::array(rec.rua.begin(), rec.rua.end())},
        {"errors", boost::json::array(rec.errors.begin(), rec.errors.end())}};
}

boost::json::object dmarc_json(const dmarc_report& d) {
    boost::json::array senders;
    for (const dmarc_sender& s : d.senders)
        senders.push_back(boost::json::object{{"sender", s.label},
                                              {"ip", s.ip.to_string()},
                                              {"spf", std::string(result_name(s.spf))},
                                              {"aligned", s.aligned},
                                              {"outcome", s.outcome}});
    boost::json::object out{{"org_domain", d.org_domain},
                            {"record_domain", d.record_domain},
                            {"records", boost::json::array(d.records.begin(), d.records.end())},
                            {"record", dmarc_record_json(d)},
                            {"policy", policy_json(d.policy)},
                            {"envelope_domain", d.envelope_domain},
                            {"senders", std::move(senders)},
                            {"worst_outcome", d.worst_outcome()},
                            {"problems", problems_json(d.problems)}};
    if (!d.dns_error.empty())
        out["dns_error"] = d.dns_error;
    return out;
}

} // namespace

std::string customer_json(const customer_report& r) {
    namespace json = boost::json;
    json::array records(r.spf_records.begin(), r.spf_records.end());
    json::array type99(r.type99.begin(), r.type99.end());
    json::array problems = problems_json(r.problems);
    json::array senders;
    for (const sender_verdict& v : r.verdicts) {
        json::array includes;
        for (const spf_include_visit& i : v.evaluation.includes)
            includes.push_back(json::object{{"domain", i.domain},
                                            {"result", std::string(result_name(i.result))},
                                            {"depth", i.depth}});
        senders.push_back(json::object{{"sender", v.sender.label},
                                       {"ip", v.sender.ip.to_string()},
                                       {"result", std::string(result_name(v.evaluation.result))},
                                       {"reason", v.evaluation.reason},
                                       {"explanation", v.evaluation.explanation},
                                       {"lookups", v.evaluation.lookups},
                                       {"void_lookups", v.evaluation.void_lookups},
                                       {"include_reached", v.include_reached},
                                       {"includes", std::move(includes)}});
    }
    json::object out{{"domain", r.domain},
                     {"apex", r.apex},
                     {"exit_code", r.exit_code()},
                     {"records", std::move(records)},
                     {"type99_records", std::move(type99)},
                     {"include_present", r.include_present},
                     {"include_reached", r.include_reached},
                     {"all_pass", r.all_pass()},
                     {"lookups", r.max_lookups},
                     {"void_lookups", r.max_void_lookups},
                     {"senders", std::move(senders)},
                     {"problems", std::move(problems)},
                     {"change_needed", r.change_needed},
                     {"suggested_record", r.suggested_record}};
    if (!r.dns_error.empty())
        out["dns_error"] = r.dns_error;
    else {
        out["dmarc"] = dmarc_json(r.dmarc);
        out["advice_de"] = r.action_needed() ? customer_advice(r, advice_language::de) : "";
        out["advice_en"] = r.action_needed() ? customer_advice(r, advice_language::en) : "";
    }
    return json::serialize(out);
}

} // namespace spfd
