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
    if (r.problems.empty()) {
        out += "  problems:  none\n";
    } else {
        out += "  problems:\n";
        for (const customer_problem& p : r.problems)
            out += "    [" + p.code + "] " + p.message + "\n";
    }
    out += r.change_needed ? "  publish:   \"" + r.suggested_record + "\"\n"
                           : "  publish:   nothing to change\n";
    if (advice && r.change_needed) {
        out += "\n--- Anleitung für Ihre DNS-Administration (Deutsch) ---\n";
        out += customer_advice(r, advice_language::de);
        out += "\n--- Instructions for your DNS administrator (English) ---\n";
        out += customer_advice(r, advice_language::en);
    }
    return out;
}

std::string customer_json(const customer_report& r) {
    namespace json = boost::json;
    json::array records(r.spf_records.begin(), r.spf_records.end());
    json::array type99(r.type99.begin(), r.type99.end());
    json::array problems;
    for (const customer_problem& p : r.problems)
        problems.push_back(json::object{{"code", p.code}, {"message", p.message}});
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
        out["advice_de"] = r.change_needed ? customer_advice(r, advice_language::de) : "";
        out["advice_en"] = r.change_needed ? customer_advice(r, advice_language::en) : "";
    }
    return json::serialize(out);
}

} // namespace spfd
