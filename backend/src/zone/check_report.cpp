// SPDX-License-Identifier: MIT
#include "zone/check_report.h"

#include <algorithm>
#include <ctime>

namespace spfd {

namespace {

std::string size_line(const record_measures& m) {
    return std::to_string(m.text_octets) + " octets in " + std::to_string(m.string_count) +
           (m.string_count == 1 ? " string" : " strings") + "; DNS answer " +
           std::to_string(m.answer_octets) + " octets (" + std::to_string(m.answer_octets_edns) +
           " with EDNS)";
}

std::string layout_line(const zone_summary& zone) {
    std::string out = std::string(to_string(zone.mode));
    if (zone.configured != zone.mode)
        out += " (chosen by overflow = \"" + std::string(to_string(zone.configured)) + "\")";
    switch (zone.mode) {
    case overflow_mode::flat:
        return out + ": one record";
    case overflow_mode::split:
        return out + ": the apex includes " + std::to_string(zone.children.size()) +
               (zone.children.size() == 1 ? " child record" : " child records");
    case overflow_mode::macro:
        return out + ": per-IP answers at <ip>._ip." + zone.apex +
               ", computed per query; secondaries cannot transfer them";
    case overflow_mode::auto_:
        break;
    }
    return out;
}

std::string age(std::int64_t seconds) {
    if (seconds < 120)
        return std::to_string(seconds) + " s";
    if (seconds < 7200)
        return std::to_string(seconds / 60) + " min";
    return std::to_string(seconds / 3600) + " h";
}

// One line per provider's record: what it gave, how fresh, what flattening it saves.
std::string include_line(const sender_include& i, std::int64_t now) {
    if (i.keep)
        return "  include: " + i.domain +
               ": kept as an include: term (keep_include), not flattened: it costs customers "
               "1 DNS lookup and those of its own record\n";
    std::string out = "  include: " + i.domain + ": " + std::to_string(i.networks.size()) +
                      (i.networks.size() == 1 ? " network" : " networks") + ", looked up " +
                      age(std::max<std::int64_t>(0, now - i.resolved_at)) + " ago (source TTL " +
                      (i.ttl ? std::to_string(i.ttl) + " s" : std::string("unknown")) +
                      "); flattened, it saves customers " + std::to_string(i.lookups + 1) +
                      " DNS lookups\n";
    if (!i.last_error.empty())
        out += "           the last lookup failed, the last good set is served: " + i.last_error +
               "\n";
    if (i.held_networks)
        out += "           a change to " + std::to_string(*i.held_networks) +
               " networks removes too many addresses and is held: spfctl diff shows it, "
               "spfctl reload publishes it\n";
    return out;
}

} // namespace

std::string describe_zone(const zone_summary& zone, const serial_store& remembered) {
    const record_measures& m = zone.spf.measures;
    std::string out = zone.apex + "  (" + zone.file + ")\n";
    out += "  layout:  " + layout_line(zone) + "\n";
    out += "  record:  \"" + zone.spf.text + "\"\n";
    out += "  senders: " + std::to_string(zone.sender_count) + " entries, " +
           std::to_string(zone.network_count) + " networks after aggregation\n";
    out += "  size:    " + size_line(m) + "\n";
    const std::int64_t now = std::time(nullptr);
    for (const sender_include& include : zone.includes)
        out += include_line(include, now);
    for (const child_record& child : zone.children)
        out += "  child:   " + child.name + ": " + size_line(child.spf.measures) + "\n";
    out += "  lookups: " + std::to_string(m.dns_lookups) +
           " in our record; a customer's include:" + zone.apex + " costs them " +
           std::to_string(zone.customer_lookups) + " of their 10\n";
    const auto& known = remembered.entries();
    const auto it = known.find(zone.apex);
    std::string serial_note = "new zone";
    if (it != known.end())
        serial_note = it->second.serial == zone.serial
                          ? "unchanged"
                          : "was " + std::to_string(it->second.serial) + ", content changed";
    out += "  serial:  " + std::to_string(zone.serial) + " (" + serial_note + ")\n";
    return out;
}

} // namespace spfd
