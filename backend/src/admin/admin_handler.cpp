// SPDX-License-Identifier: MIT
// The admin endpoint's answers, kept apart from the socket code.
#include "admin/admin_listener.h"
#include "admin/status_metrics.h"
#include "query/request_metrics.h"

#include <boost/json.hpp>
#include <ctime>

namespace spfd {
namespace {

boost::json::object record_json(const std::string& name, const spf_record& r) {
    const auto& m = r.measures;
    boost::json::array strings;
    for (const auto& str : r.strings)
        strings.emplace_back(str);
    return {{"name", name},
            {"record", r.text},
            {"strings", std::move(strings)},
            {"record_octets", m.text_octets},
            {"answer_octets", m.answer_octets},
            {"answer_edns_octets", m.answer_octets_edns},
            {"dns_lookups", m.dns_lookups}};
}

boost::json::array children_json(const zone_summary& s) {
    boost::json::array out;
    for (const child_record& child : s.children)
        out.push_back(record_json(child.name, child.spf));
    return out;
}

boost::json::array zones_json(const snapshot* served) {
    boost::json::array zones;
    if (served == nullptr)
        return zones;
    for (const auto& zone : served->zones()) {
        const auto& s = zone.summary;
        const auto& m = s.spf.measures;
        boost::json::array strings;
        for (const auto& str : s.spf.strings)
            strings.emplace_back(str);
        zones.push_back(boost::json::object{{"name", s.apex},
                                            {"file", s.file},
                                            {"serial", s.serial},
                                            {"record", s.spf.text},
                                            {"strings", std::move(strings)},
                                            {"senders", s.sender_count},
                                            {"networks", s.network_count},
                                            {"record_octets", m.text_octets},
                                            {"answer_octets", m.answer_octets},
                                            {"answer_edns_octets", m.answer_octets_edns},
                                            {"dns_lookups", m.dns_lookups},
                                            {"mode", to_string(s.mode)},
                                            {"configured_mode", to_string(s.configured)},
                                            {"customer_lookups", s.customer_lookups},
                                            {"children", children_json(s)}});
    }
    return zones;
}

} // namespace

admin_reply handle_admin_get(std::string_view target, const snapshot_holder& snapshots,
                             const reload_stats& reloads) {
    const auto query = target.find('?');
    const std::string_view path = target.substr(0, query);
    const auto served = snapshots.get();
    if (path == "/metrics") {
        return {200, "text/plain; version=0.0.4; charset=utf-8",
                render_status_metrics(served.get(), reloads, std::time(nullptr)) +
                    request_metrics::global().render()};
    }
    if (path == "/health") {
        // "Healthy" means a valid zone set is being served; a failed reload alone keeps the
        // last good set and is a warning for the operator, not an outage.
        if (!served)
            return {503, "text/plain; charset=utf-8", "no valid zone loaded\n"};
        std::string body = "ok: serving";
        for (const auto& zone : served->zones())
            body += " " + zone.summary.apex + "@" + std::to_string(zone.summary.serial);
        if (!reloads.last_ok.load())
            body += "; the last reload was refused, see the log";
        return {200, "text/plain; charset=utf-8", body + "\n"};
    }
    if (path == "/zones")
        return {200, "application/json",
                boost::json::serialize(boost::json::object{{"zones", zones_json(served.get())}}) +
                    "\n"};
    if (path == "/reload")
        return {405, "text/plain; charset=utf-8", "use POST /reload\n"};
    return {404, "text/plain; charset=utf-8", "not found; try /metrics, /health, /zones\n"};
}

std::string reload_reply_json(const reload_outcome& outcome, const snapshot* served) {
    boost::json::array messages;
    for (const auto& m : outcome.messages)
        messages.emplace_back(m);
    return boost::json::serialize(boost::json::object{{"published", outcome.published},
                                                      {"errors", outcome.errors},
                                                      {"warnings", outcome.warnings},
                                                      {"messages", std::move(messages)},
                                                      {"duration_us", outcome.duration.count()},
                                                      {"zones", zones_json(served)}}) +
           "\n";
}

} // namespace spfd
