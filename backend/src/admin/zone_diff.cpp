// SPDX-License-Identifier: MIT
#include "admin/zone_diff.h"

#include <boost/json.hpp>
#include <map>
#include <set>
#include <sstream>

namespace spfd {
namespace {

struct served_zone {
    std::string record;
    std::uint64_t serial = 0;
    std::uint64_t answer_octets = 0;
};

std::vector<std::string> terms(const std::string& record) {
    std::vector<std::string> out;
    std::istringstream in(record);
    for (std::string t; in >> t;)
        out.push_back(t);
    return out;
}

std::map<std::string, served_zone> read_served(const boost::json::value& served) {
    std::map<std::string, served_zone> out;
    const auto* root = served.if_object();
    const auto* zones = root ? root->if_contains("zones") : nullptr;
    if (zones == nullptr || !zones->is_array())
        return out;
    for (const auto& z : zones->get_array()) {
        const auto* o = z.if_object();
        if (o == nullptr || !o->contains("name"))
            continue;
        served_zone s;
        if (const auto* r = o->if_contains("record"); r && r->is_string())
            s.record = r->get_string();
        if (const auto* v = o->if_contains("serial"); v && v->is_number())
            s.serial = v->to_number<std::uint64_t>();
        if (const auto* v = o->if_contains("answer_octets"); v && v->is_number())
            s.answer_octets = v->to_number<std::uint64_t>();
        out[std::string(o->at("name").as_string())] = s;
    }
    return out;
}

} // namespace

zone_diff diff_zones(const boost::json::value& served_json, const snapshot& candidate) {
    zone_diff out;
    auto served = read_served(served_json);
    std::ostringstream text;
    for (const auto& zone : candidate.zones()) {
        const auto& s = zone.summary;
        const auto it = served.find(s.apex);
        if (it == served.end()) {
            out.differs = true;
            text << "+ zone " << s.apex << " (new)\n  \"" << s.spf.text << "\"\n";
            continue;
        }
        const served_zone& now = it->second;
        if (now.record == s.spf.text) {
            text << "= " << s.apex << ": unchanged (serial " << now.serial << ")\n";
            served.erase(it);
            continue;
        }
        out.differs = true;
        const auto before = terms(now.record);
        const auto after = terms(s.spf.text);
        const std::set<std::string> before_set(before.begin(), before.end());
        const std::set<std::string> after_set(after.begin(), after.end());
        text << "~ " << s.apex << ": serial " << now.serial << " -> " << s.serial << ", answer "
             << now.answer_octets << " -> " << s.spf.measures.answer_octets << " octets\n";
        for (const auto& t : before)
            if (!after_set.contains(t))
                text << "  - " << t << "\n";
        for (const auto& t : after)
            if (!before_set.contains(t))
                text << "  + " << t << "\n";
        text << "  now:  \"" << now.record << "\"\n  next: \"" << s.spf.text << "\"\n";
        served.erase(it);
    }
    for (const auto& [name, zone] : served) {
        out.differs = true;
        text << "- zone " << name << " (would no longer be served)\n";
    }
    out.text = text.str();
    return out;
}

} // namespace spfd
