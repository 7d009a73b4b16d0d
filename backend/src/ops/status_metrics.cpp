// SPDX-License-Identifier: MIT
#include "ops/status_metrics.h"

#include <functional>

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

} // namespace

std::string render_status_metrics(const snapshot* served, const reload_stats& reloads,
                                  std::int64_t now_unix) {
    std::string out;
    per_zone(out, served, "spf_record_octets", "Length of the SPF record text.",
             [](const zone_summary& z) { return z.spf.measures.text_octets; });
    per_zone(out, served, "spf_record_strings", "Character-strings in the SPF TXT record.",
             [](const zone_summary& z) { return z.spf.measures.string_count; });
    per_zone(out, served, "spf_answer_octets", "DNS answer size for the SPF TXT query, no EDNS.",
             [](const zone_summary& z) { return z.spf.measures.answer_octets; });
    per_zone(out, served, "spf_answer_edns_octets", "DNS answer size with an EDNS OPT record.",
             [](const zone_summary& z) { return z.spf.measures.answer_octets_edns; });
    per_zone(out, served, "spf_dns_lookups", "DNS-querying terms in the record (RFC 7208 4.6.4).",
             [](const zone_summary& z) { return z.spf.measures.dns_lookups; });
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
    return out;
}

} // namespace spfd
