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

// Every network the zone lets pass, aggregated: for a macro zone the only place they show.
boost::json::array passing_json(const zone_summary& s) {
    boost::json::array out;
    if (!s.networks)
        return out;
    out.reserve(s.networks->size());
    for (const ip_network& n : *s.networks)
        out.emplace_back(n.to_string());
    return out;
}

// `passing=1` among the parameters of `query` (the text after `?`).
bool asks_for_passing(std::string_view query) {
    while (!query.empty()) {
        const auto end = query.find('&');
        if (query.substr(0, end) == "passing=1")
            return true;
        query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
    }
    return false;
}

boost::json::array zones_json(const snapshot* served, bool with_passing = false) {
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
        if (with_passing)
            zones.back().as_object()["passing"] = passing_json(s);
    }
    return zones;
}

} // namespace

admin_reply handle_admin_get(std::string_view target, const snapshot_holder& snapshots,
                             const reload_stats& reloads) {
    const auto query = target.find('?');
    const std::string_view path = target.substr(0, query);
    const std::string_view parameters =
        query == std::string_view::npos ? std::string_view{} : target.substr(query + 1);
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
                boost::json::serialize(boost::json::object{
                    {"zones", zones_json(served.get(), asks_for_passing(parameters))}}) +
                    "\n"};
    if (path == "/reload")
        return {405, "text/plain; charset=utf-8", "use POST /reload\n"};
    return {404, "text/plain; charset=utf-8", "not found; try /metrics, /health, /zones\n"};
}

bool admin_get_takes_long(std::string_view target) {
    const auto query = target.find('?');
    return target.substr(0, query) == "/zones" && query != std::string_view::npos &&
           asks_for_passing(target.substr(query + 1));
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
