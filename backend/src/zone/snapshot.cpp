// SPDX-License-Identifier: MIT
#include "zone/snapshot.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <map>

namespace spfd {
namespace {

boost::json::object domain_info_json(const zone_summary& z, std::uint32_t notified_serial = 0) {
    return domain_info_row(z.id, z.apex + ".", transferable(z), z.serial, notified_serial);
}

} // namespace

std::string domain_info_text(const zone_summary& z, std::uint32_t notified_serial) {
    return boost::json::serialize(domain_info_json(z, notified_serial));
}

std::string_view snapshot::name_entry::reply_for(std::string_view upper_qtype) const {
    if (upper_qtype == "ANY")
        return any;
    for (const auto& [type, reply] : by_type)
        if (type == upper_qtype)
            return reply;
    return false_reply;
}

snapshot::snapshot(std::vector<compiled_zone> zones) {
    boost::json::array all_domains;
    // Arrays of records per name and per (name, type), rendered to text once at the end.
    std::map<std::string, boost::json::array> any_rows;
    std::map<std::string, std::map<std::string, boost::json::array>> typed_rows;

    for (compiled_zone& z : zones) {
        zone_entry entry;
        entry.summary = std::move(z.summary);
        entry.records = std::move(z.records);
        boost::json::array listed;
        for (const dns_record& r : entry.records) {
            const auto row = record_row(r, entry.summary.id);
            any_rows[r.name].push_back(row);
            if (r.type == "ENT")
                continue; // exists for pdns's NXDOMAIN logic only; never transferred
            typed_rows[r.name][r.type].push_back(row);
            listed.push_back(row);
        }
        entry.domain_info_reply = result_reply(domain_info_json(entry.summary));
        entry.list_reply = result_reply(std::move(listed));
        all_domains.push_back(domain_info_json(entry.summary));
        zone_index_.emplace(entry.summary.apex + ".", zones_.size());
        if (z.per_ip) {
            z.per_ip->reply_tail = one_record_reply_tail(z.per_ip->ttl, z.per_ip->zone_id);
            per_ip_zones_.push_back(std::move(*z.per_ip));
        }
        zones_.push_back(std::move(entry));
    }

    for (auto& [name, rows] : any_rows) {
        name_entry& e = names_[name];
        e.any = result_reply(std::move(rows));
        for (auto& [type, typed] : typed_rows[name])
            e.by_type.emplace_back(type, result_reply(std::move(typed)));
    }
    all_domains_reply_ = result_reply(std::move(all_domains));
}

const snapshot::name_entry* snapshot::find_name(std::string_view name) const {
    const auto it = names_.find(name);
    return it == names_.end() ? nullptr : &it->second;
}

const per_ip_zone* snapshot::find_per_ip_zone(std::string_view name) const {
    for (const per_ip_zone& z : per_ip_zones_)
        if (name.size() > z.suffix.size() && name.ends_with(z.suffix))
            return &z;
    return nullptr;
}

const snapshot::zone_entry* snapshot::find_zone(std::string_view apex) const {
    const auto it = zone_index_.find(apex);
    return it == zone_index_.end() ? nullptr : &zones_[it->second];
}

} // namespace spfd
