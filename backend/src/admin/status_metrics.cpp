// SPDX-License-Identifier: MIT
#include "admin/status_metrics.h"

#include <functional>
#include <map>

namespace spfd {
namespace {

void family(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void per_zone(std::string& out, const snapshot* served, const char* name, const char* help,
              const std::function<std::uint64_t(const zone_summary&)>& value) {
    family(out, name, "gauge", help);
    if (served == nullptr)
        return;
    for (const auto& zone : served->zones())
        out += std::string(name) + "{name=\"" + zone.summary.apex + "\"} " +
               std::to_string(value(zone.summary)) + "\n";
}

// Measures of every SPF record we publish: the apex and, in split mode, its children.
void per_record(std::string& out, const snapshot* served, const char* name, const char* help,
                const std::function<std::uint64_t(const record_measures&)>& value) {
    family(out, name, "gauge", help);
    if (served == nullptr)
        return;
    for (const auto& zone : served->zones()) {
        const zone_summary& z = zone.summary;
        out += std::string(name) + "{name=\"" + z.apex + "\"} " +
               std::to_string(value(z.spf.measures)) + "\n";
        for (const child_record& child : z.children)
            out += std::string(name) + "{name=\"" + child.name + "\"} " +
                   std::to_string(value(child.spf.measures)) + "\n";
    }
}

void overflow_modes(std::string& out, const snapshot* served) {
    family(out, "spf_overflow_mode", "gauge",
           "1 for the layout being served: flat, split (child records) or macro (per-IP).");
    if (served == nullptr)
        return;
    for (const auto& zone : served->zones())
        out += "spf_overflow_mode{name=\"" + zone.summary.apex + "\",mode=\"" +
               std::string(to_string(zone.summary.mode)) + "\",configured=\"" +
               std::string(to_string(zone.summary.configured)) + "\"} 1\n";
}

// Per include entry (a provider's record): what is served of it and how fresh it is.
void per_include(std::string& out, const include_book* book, std::int64_t now_unix) {
    const auto states = book ? book->in_use() : std::map<std::string, include_state>{};
    const auto each = [&](const char* name, const char* type, const char* help,
                          const std::function<std::int64_t(const include_state&)>& value) {
        family(out, name, type, help);
        for (const auto& [domain, s] : states)
            out += std::string(name) + "{include=\"" + domain + "\"} " + std::to_string(value(s)) +
                   "\n";
    };
    each("spf_include_networks", "gauge", "Networks served for a provider's SPF record.",
         [](const include_state& s) { return static_cast<std::int64_t>(s.networks.size()); });
    each("spf_include_data_age_seconds", "gauge",
         "Age of the served set of a provider's record (since its last good lookup).",
         [&](const include_state& s) { return s.resolved ? now_unix - s.resolved_at : -1; });
    each("spf_include_last_success_timestamp_seconds", "gauge",
         "Unix time of the last good lookup of a provider's record (0: none since the start).",
         [](const include_state& s) { return s.last_success; });
    each("spf_include_lookup_failures_total", "counter",
         "Failed lookups of a provider's record (the last good set stayed served).",
         [](const include_state& s) { return static_cast<std::int64_t>(s.failures); });
    each("spf_include_held", "gauge",
         "1 while a refresh that removes too many addresses waits for an operator's reload.",
         [](const include_state& s) { return s.held ? 1 : 0; });
    each("spf_include_lookups_saved", "gauge",
         "DNS lookups a receiver would spend on the include: term and the record it names.",
         [](const include_state& s) { return static_cast<std::int64_t>(s.lookups) + 1; });
}

} // namespace

std::string render_status_metrics(const snapshot* served, const reload_stats& reloads,
                                  std::int64_t now_unix) {
    std::string out;
    per_record(out, served, "spf_record_octets", "Length of the SPF record text.",
               [](const record_measures& m) { return m.text_octets; });
    per_record(out, served, "spf_record_strings", "Character-strings in the SPF TXT record.",
               [](const record_measures& m) { return m.string_count; });
    per_record(out, served, "spf_answer_octets", "DNS answer size for the SPF TXT query, no EDNS.",
               [](const record_measures& m) { return m.answer_octets; });
    per_record(out, served, "spf_answer_edns_octets", "DNS answer size with an EDNS OPT record.",
               [](const record_measures& m) { return m.answer_octets_edns; });
    per_record(out, served, "spf_dns_lookups",
               "DNS-querying terms in the record itself (RFC 7208 4.6.4).",
               [](const record_measures& m) { return m.dns_lookups; });
    per_zone(out, served, "spf_customer_lookups",
             "DNS lookups a customer's include of the zone costs them, of their 10.",
             [](const zone_summary& z) { return z.customer_lookups; });
    per_zone(out, served, "spf_child_records", "Child records the apex includes (split mode).",
             [](const zone_summary& z) { return z.children.size(); });
    overflow_modes(out, served);
    per_zone(out, served, "spf_senders", "Sender entries in the zone file.",
             [](const zone_summary& z) { return z.sender_count; });
    per_zone(out, served, "spf_networks", "Networks in the record after aggregation.",
             [](const zone_summary& z) { return z.network_count; });
    per_zone(out, served, "spf_zone_serial", "SOA serial being served.",
             [](const zone_summary& z) { return z.serial; });

    family(out, "spf_zone_valid", "gauge", "1 while a valid zone set is being served.");
    out += "spf_zone_valid " + std::string(served != nullptr ? "1" : "0") + "\n";
    family(out, "spf_reload_last_success", "gauge", "1 if the last reload was published.");
    out += "spf_reload_last_success " + std::string(reloads.last_ok.load() ? "1" : "0") + "\n";
    family(out, "spf_reload_last_timestamp_seconds", "gauge", "Unix time of the last reload.");
    out +=
        "spf_reload_last_timestamp_seconds " + std::to_string(reloads.last_unix_time.load()) + "\n";
    family(out, "spf_reloads_total", "counter", "Reloads by outcome.");
    out += "spf_reloads_total{outcome=\"ok\"} " + std::to_string(reloads.ok_total.load()) + "\n";
    out += "spf_reloads_total{outcome=\"failed\"} " + std::to_string(reloads.failed_total.load()) +
           "\n";
    family(out, "spf_generation_age_seconds", "gauge", "Age of the zone set being served.");
    const auto published = reloads.published_unix_time.load();
    out += "spf_generation_age_seconds " +
           std::to_string(published == 0 ? 0 : now_unix - published) + "\n";
    per_include(out, reloads.includes, now_unix);
    return out;
}

} // namespace spfd
