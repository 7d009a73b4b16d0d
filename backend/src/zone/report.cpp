// SPDX-License-Identifier: MIT
#include "zone/report.h"

namespace spfd {

std::string describe_zone(const zone_summary& zone, const serial_store& remembered) {
    const record_measures& m = zone.spf.measures;
    std::string out = zone.apex + "  (" + zone.file + ")\n";
    out += "  record:  \"" + zone.spf.text + "\"\n";
    out += "  senders: " + std::to_string(zone.sender_count) + " entries, " +
           std::to_string(zone.network_count) + " networks after aggregation\n";
    out += "  size:    " + std::to_string(m.text_octets) + " octets in " +
           std::to_string(m.string_count) + (m.string_count == 1 ? " string" : " strings") +
           "; DNS answer " + std::to_string(m.answer_octets) + " octets (" +
           std::to_string(m.answer_octets_edns) + " with EDNS)\n";
    out += "  lookups: " + std::to_string(m.dns_lookups) +
           " in our record; a customer's "
           "include:" +
           zone.apex + " costs them " + std::to_string(1 + m.dns_lookups) + " of their 10\n";
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
