// SPDX-License-Identifier: MIT
#include "admin/zone_diff.h"

#include "net/network_set.h"

#include <boost/json.hpp>
#include <map>
#include <sstream>

namespace spfd {
namespace {

// One SPF name on one side, and the networks that pass at it.
struct name_view {
    std::string name;
    std::string record;
    std::vector<ip_network> passing;
};

// One zone on one side, reduced to what both sides can tell.
struct zone_view {
    std::uint64_t serial = 0;
    std::uint64_t answer_octets = 0;
    std::string layout;
    std::vector<name_view> names; ///< the apex first
};

std::optional<ip_network> network_of(std::string_view text) {
    const auto family = text.find(':') == std::string_view::npos ? ip_family::v4 : ip_family::v6;
    auto parsed = parse_network(text, family);
    if (const auto* n = std::get_if<ip_network>(&parsed))
        return *n;
    return std::nullopt;
}

// The ip4: and ip6: networks a record lists, aggregated. Our records hold no other term that
// lets an address pass by itself (include: points at another of our names).
std::vector<ip_network> networks_in(const std::string& record) {
    std::vector<ip_network> out;
    std::istringstream in(record);
    for (std::string term; in >> term;)
        if (term.starts_with("ip4:") || term.starts_with("ip6:"))
            if (auto n = network_of(std::string_view(term).substr(4)))
                out.push_back(*n);
    return aggregate(out);
}

std::string string_at(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::uint64_t number_at(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_number() ? v->to_number<std::uint64_t>() : 0;
}

// The networks of a `passing` list, aggregated.
std::vector<ip_network> passing_list(const boost::json::array& passing) {
    std::vector<ip_network> out;
    out.reserve(passing.size());
    for (const auto& p : passing)
        if (p.is_string())
            if (auto n = network_of(p.get_string()))
                out.push_back(*n);
    return aggregate(out);
}

// The names of a served zone, the apex first. The apex's networks are the zone's `passing`
// list; a backend that does not send one shows only what its records list.
std::vector<name_view> served_names(const std::string& apex, const boost::json::object& o) {
    std::vector<name_view> names{{apex, string_at(o, "record"), {}}};
    std::vector<ip_network> listed = networks_in(names.front().record);
    if (const auto* children = o.if_contains("children"); children && children->is_array())
        for (const auto& c : children->get_array())
            if (const auto* child = c.if_object(); child && !string_at(*child, "name").empty()) {
                names.push_back({string_at(*child, "name"), string_at(*child, "record"), {}});
                names.back().passing = networks_in(names.back().record);
                listed.insert(listed.end(), names.back().passing.begin(),
                              names.back().passing.end());
            }
    const auto* passing = o.if_contains("passing");
    names.front().passing =
        passing && passing->is_array() ? passing_list(passing->get_array()) : aggregate(listed);
    return names;
}

std::map<std::string, zone_view> read_served(const boost::json::value& served) {
    std::map<std::string, zone_view> out;
    const auto* root = served.if_object();
    const auto* zones = root ? root->if_contains("zones") : nullptr;
    if (zones == nullptr || !zones->is_array())
        return out;
    for (const auto& z : zones->get_array()) {
        const auto* o = z.if_object();
        const std::string apex = o ? string_at(*o, "name") : std::string();
        if (apex.empty())
            continue;
        out[apex] = {number_at(*o, "serial"), number_at(*o, "answer_octets"), string_at(*o, "mode"),
                     served_names(apex, *o)};
    }
    return out;
}

zone_view candidate_view(const zone_summary& s) {
    zone_view v{s.serial, s.spf.measures.answer_octets, std::string(to_string(s.mode)), {}};
    v.names.push_back({s.apex, s.spf.text, s.networks ? *s.networks : networks_in(s.spf.text)});
    for (const child_record& c : s.children)
        v.names.push_back({c.name, c.spf.text, networks_in(c.spf.text)});
    return v;
}

const name_view* find_name(const zone_view* zone, const std::string& name) {
    if (zone != nullptr)
        for (const name_view& n : zone->names)
            if (n.name == name)
                return &n;
    return nullptr;
}

name_change compare_name(const std::string& name, const name_view* now, const name_view* next) {
    static const std::vector<ip_network> none;
    const auto& before = now ? now->passing : none;
    const auto& after = next ? next->passing : none;
    name_change c{name, {}, {}, subtract(after, before), subtract(before, after)};
    if (now)
        c.record_now = now->record;
    if (next)
        c.record_next = next->record;
    return c;
}

// The names of both sides: those the files would publish in their order, then those that
// would go.
std::vector<name_change> compare_names(const zone_view* now, const zone_view* next) {
    std::vector<name_change> out;
    if (next != nullptr)
        for (const name_view& n : next->names)
            out.push_back(compare_name(n.name, find_name(now, n.name), &n));
    if (now != nullptr)
        for (const name_view& n : now->names)
            if (find_name(next, n.name) == nullptr)
                out.push_back(compare_name(n.name, &n, nullptr));
    return out;
}

bool changes_anything(const zone_change& z) {
    if (z.layout_now != z.layout_next)
        return true;
    for (const name_change& n : z.names)
        if (n.record_changes() || !n.start_passing.empty() || !n.stop_passing.empty())
            return true;
    return false;
}

zone_change compare_zone(const std::string& apex, const zone_view* now, const zone_view* next) {
    zone_change z;
    z.zone = apex;
    if (now != nullptr) {
        z.serial_now = now->serial;
        z.answer_octets_now = now->answer_octets;
        z.layout_now = now->layout;
    }
    if (next != nullptr) {
        z.serial_next = next->serial;
        z.answer_octets_next = next->answer_octets;
        z.layout_next = next->layout;
    }
    z.names = compare_names(now, next);
    if (now == nullptr)
        z.what = zone_change::state::added;
    else if (next == nullptr)
        z.what = zone_change::state::removed;
    else if (changes_anything(z))
        z.what = zone_change::state::changed;
    return z;
}

} // namespace

zone_diff diff_zones(const boost::json::value& served_json, const snapshot& candidate) {
    zone_diff out;
    auto served = read_served(served_json);
    for (const auto& zone : candidate.zones()) {
        const zone_view next = candidate_view(zone.summary);
        const auto it = served.find(zone.summary.apex);
        out.zones.push_back(
            compare_zone(zone.summary.apex, it == served.end() ? nullptr : &it->second, &next));
        if (it != served.end())
            served.erase(it);
    }
    for (const auto& [apex, now] : served)
        out.zones.push_back(compare_zone(apex, &now, nullptr));
    for (const zone_change& z : out.zones)
        out.differs = out.differs || z.what != zone_change::state::unchanged;
    return out;
}

} // namespace spfd
