// SPDX-License-Identifier: MIT
#include "zone/compile.h"

#include "dns/txt_presentation.h"
#include "net/network_set.h"
#include "zone/layout.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>

namespace spfd {
namespace {

// Octets of the answer from which `check` warns that the budget is getting close.
constexpr std::size_t near_budget_margin = 50;

std::string soa_content(const soa_spec& soa, std::uint32_t serial) {
    return soa.primary + ' ' + soa.hostmaster + ' ' + std::to_string(serial) + ' ' +
           std::to_string(soa.refresh) + ' ' + std::to_string(soa.retry) + ' ' +
           std::to_string(soa.expire) + ' ' + std::to_string(soa.minimum);
}

// FNV-1a, 64 bit: a stable fingerprint of what is served, to tell whether it changed.
class fingerprint_hasher {
  public:
    void mix(std::string_view s) {
        for (unsigned char c : s) {
            h_ ^= c;
            h_ *= 1099511628211ull;
        }
        h_ ^= 0xff; // field separator
        h_ *= 1099511628211ull;
    }
    std::string hex() const {
        char out[17];
        std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h_));
        return out;
    }

  private:
    std::uint64_t h_ = 14695981039346656037ull;
};

// The records as served (the SOA with serial 0). In macro mode the networks are in no
// record, so they are mixed in too: a changed list must change the serial.
std::string fingerprint(const compiled_zone& zone) {
    fingerprint_hasher h;
    for (const dns_record& r : zone.records) {
        h.mix(r.name);
        h.mix(r.type);
        h.mix(r.content);
        h.mix(std::to_string(r.ttl));
    }
    if (zone.per_ip)
        for (const ip_network& n : *zone.summary.networks)
            h.mix(n.to_string());
    return h.hex();
}

using network_list = std::shared_ptr<const std::vector<ip_network>>;

// The senders' networks, aggregated and sorted: what the zone serves.
network_list aggregated_networks(const zone_spec& spec) {
    std::vector<ip_network> networks;
    networks.reserve(spec.senders.size());
    for (const sender& s : spec.senders)
        networks.push_back(s.network);
    std::vector<ip_network> served = aggregate(networks);
    if (!spec.includes.empty()) {
        // A provider's networks may overlap ours and each other's: subtract() unites them.
        for (const sender_include& include : spec.includes)
            served.insert(served.end(), include.networks.begin(), include.networks.end());
        served = subtract(served, {});
    }
    return std::make_shared<const std::vector<ip_network>>(std::move(served));
}

zone_summary summarise(const zone_spec& spec, int id, record_layout layout,
                       const network_list& networks) {
    zone_summary sum;
    sum.file = spec.file;
    sum.apex = spec.apex;
    sum.id = id;
    sum.sender_count = spec.senders.size();
    sum.network_count = networks->size();
    sum.configured = spec.overflow;
    sum.mode = layout.mode;
    sum.spf = std::move(layout.apex);
    sum.children = std::move(layout.children);
    sum.customer_lookups = layout.customer_lookups;
    sum.networks = networks;
    sum.includes = spec.includes;
    return sum;
}

void warn_near_budget(const zone_spec& spec, const spf_record& r, diagnostics& out) {
    if (r.measures.answer_octets + near_budget_margin <= spec.max_answer_octets)
        return;
    const source_position where =
        spec.senders.empty() ? source_position{spec.file, 0, 0} : spec.where(spec.senders.front());
    out.warning(where, "the SPF answer for " + spec.apex + " is " +
                           std::to_string(r.measures.answer_octets) +
                           " octets, close to the budget of " +
                           std::to_string(spec.max_answer_octets));
}

// SOA (serial 0 until assign_serial), NS, the apex TXT, split children, and in macro mode
// the _ip empty non-terminal with the per-IP answers below it.
void add_records(const zone_spec& spec, compiled_zone& zone) {
    const zone_summary& sum = zone.summary;
    const std::string apex = spec.apex + ".";
    zone.records.push_back({apex, "SOA", soa_content(spec.soa, 0), spec.soa.ttl});
    for (const std::string& ns : spec.nameservers)
        zone.records.push_back({apex, "NS", ns, spec.ns_ttl});
    zone.records.push_back({apex, "TXT", txt_presentation(sum.spf.strings), spec.spf_ttl});
    for (const child_record& child : sum.children)
        zone.records.push_back(
            {child.name + ".", "TXT", txt_presentation(child.spf.strings), spec.spf_ttl});
    if (sum.mode == overflow_mode::macro) {
        const std::string parent = per_ip_parent(spec.apex) + ".";
        zone.records.push_back({parent, "ENT", "", spec.spf_ttl});
        zone.per_ip = per_ip_zone{"." + parent, std::make_shared<const ip_ranges>(*sum.networks),
                                  spec.spf_ttl, sum.id};
    }
}

} // namespace

std::optional<compiled_zone> compile_zone(const zone_spec& spec, int id, diagnostics& out) {
    const auto networks = aggregated_networks(spec);
    const bool keeps_one = std::any_of(spec.includes.begin(), spec.includes.end(),
                                       [](const sender_include& i) { return i.keep; });
    if (networks->empty() && !spec.includes.empty() && !keeps_one) { // providers pass nobody
        out.error(spec.where(spec.includes.front()),
                  "the providers' records give no addresses and there are no ip4/ip6 "
                  "entries: the record would authorise nobody");
        return std::nullopt;
    }
    auto layout = lay_out(spec, *networks, out);
    if (!layout)
        return std::nullopt;
    compiled_zone zone;
    zone.soa = spec.soa;
    zone.summary = summarise(spec, id, std::move(*layout), networks);
    if (zone.summary.mode == overflow_mode::flat)
        warn_near_budget(spec, zone.summary.spf, out);
    add_records(spec, zone);
    return zone;
}

void assign_serial(compiled_zone& zone, std::uint32_t serial) {
    zone.summary.serial = serial;
    zone.records.front().content = soa_content(zone.soa, serial);
}

std::map<std::string, serial_store::entry> assign_serials(std::vector<compiled_zone>& zones,
                                                          const serial_store& serials) {
    std::map<std::string, serial_store::entry> in_use;
    const std::uint32_t today = today_yyyymmdd_utc();
    for (compiled_zone& zone : zones) {
        const std::string print = fingerprint(zone);
        const std::uint32_t serial = serials.serial_for(zone.summary.apex, print, today);
        assign_serial(zone, serial);
        in_use[zone.summary.apex] = {serial, print};
    }
    return in_use;
}

} // namespace spfd
