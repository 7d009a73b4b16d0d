// SPDX-License-Identifier: MIT
#include "zone/sender_checks.h"

#include "net/network_set.h"
#include "net/special_ranges.h"

#include <algorithm>
#include <string>
#include <vector>

namespace spfd {
namespace {

// Very wide networks are more likely a typo than a plan (a /8 typed for a /28).
constexpr unsigned widest_plain_v4 = 24;
constexpr unsigned widest_plain_v6 = 48;

// "at line 12" for the same file, "at zones/x.senders:12" for the other one.
template <typename Entry>
std::string place(const zone_spec& zone, const Entry& other, const Entry& s) {
    if (other.source == s.source)
        return "line " + std::to_string(other.line);
    const source_position p = zone.where(other);
    return p.file + ":" + std::to_string(p.line);
}

// Warnings per entry, at most a bounded number of each kind: a generated list with a
// systematic mistake must not bury the one line that says so under a million.
constexpr std::size_t shown_per_kind = 20;

void note_more(const zone_spec& zone, std::size_t count, const char* what, diagnostics& out) {
    if (count > shown_per_kind)
        out.warning({zone.file, 0, 0},
                    std::to_string(count - shown_per_kind) + " more " + what + " not shown");
}

void refuse_no_senders(const zone_spec& zone, diagnostics& out) {
    out.error(zone.senders_file.empty() ? source_position{zone.file, 0, 0} : zone.senders_file_key,
              std::string(zone.senders_file.empty()
                              ? "no [[senders]] entries"
                              : "no [[senders]] entries and no lines in senders_file") +
                  ": the record would authorise nobody, and every customer's mail would "
                  "fail SPF");
}

// Very wide and special-purpose networks, each entry on its own.
void warn_unlikely_networks(const zone_spec& zone, diagnostics& out) {
    std::size_t wide_count = 0, special_count = 0;
    for (const sender& s : zone.senders) {
        const unsigned widest =
            s.network.family() == ip_family::v4 ? widest_plain_v4 : widest_plain_v6;
        if (s.network.prefix_length() < widest && !s.wide && ++wide_count <= shown_per_kind)
            out.warning(zone.where(s), "\"" + s.text + "\" is a very wide network (wider than /" +
                                           std::to_string(widest) +
                                           "); if that is intended, mark the entry wide "
                                           "(wide = true, or 'wide' after it in a sender list)");
        if (const auto what = special_purpose(s.network); what && ++special_count <= shown_per_kind)
            out.warning(zone.where(s), "\"" + s.text + "\" lies in " + std::string(*what) +
                                           " address space, which does not send mail on the "
                                           "Internet; receivers will never see it");
    }
    note_more(zone, wide_count, "very wide networks", out);
    note_more(zone, special_count, "special-purpose networks", out);
}

// Exact duplicates are refused: a second copy of a line is usually a paste that was meant to
// be edited into a different address. Sorted indices, not a map: a million entries must stay
// cheap. Returns, per entry, whether it repeats an earlier one.
std::vector<bool> refuse_duplicates(const zone_spec& zone, diagnostics& out) {
    std::vector<std::uint32_t> order(zone.senders.size());
    for (std::uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return zone.senders[a].network < zone.senders[b].network;
    });
    std::vector<bool> duplicate(zone.senders.size(), false);
    for (std::size_t k = 1; k < order.size(); ++k) {
        const sender& first = zone.senders[order[k - 1]];
        const sender& again = zone.senders[order[k]];
        if (again.network != first.network)
            continue;
        // stable_sort keeps file order among equals, so `first` is the earlier one; a run
        // of copies is reported against its first member.
        std::size_t head = k - 1;
        while (duplicate[order[head]])
            --head;
        const sender& original = zone.senders[order[head]];
        out.error(zone.where(again), "\"" + again.text + "\" is a duplicate of \"" + original.text +
                                         "\" at " + place(zone, original, again) +
                                         "; remove one of them");
        duplicate[order[k]] = true;
    }
    return duplicate;
}

// Entries that a wider entry already covers add nothing to the record.
void warn_covered(const zone_spec& zone, const std::vector<bool>& duplicate, diagnostics& out) {
    std::vector<ip_network> networks;
    std::vector<std::size_t> origin;
    networks.reserve(zone.senders.size());
    origin.reserve(zone.senders.size());
    for (std::size_t i = 0; i < zone.senders.size(); ++i)
        if (!duplicate[i]) {
            networks.push_back(zone.senders[i].network);
            origin.push_back(i);
        }
    std::size_t covered_count = 0;
    for (const covered_network& c : find_covered(networks)) {
        if (++covered_count > shown_per_kind)
            continue;
        const sender& inner = zone.senders[origin[c.index]];
        const sender& outer = zone.senders[origin[c.covered_by]];
        out.warning(zone.where(inner), "\"" + inner.text + "\" is already covered by \"" +
                                           outer.text + "\" at " + place(zone, outer, inner) +
                                           "; it adds nothing to the record");
    }
    note_more(zone, covered_count, "covered entries", out);
}

// The same provider named twice is a paste mistake, as a duplicate address is.
void refuse_duplicate_includes(const zone_spec& zone, diagnostics& out) {
    for (std::size_t i = 0; i < zone.includes.size(); ++i)
        for (std::size_t k = 0; k < i; ++k)
            if (zone.includes[k].domain == zone.includes[i].domain) {
                out.error(
                    zone.where(zone.includes[i]),
                    "include \"" + zone.includes[i].domain + "\" is a duplicate of the one at " +
                        place(zone, zone.includes[k], zone.includes[i]) + "; remove one of them");
                break;
            }
}

} // namespace

void check_senders(const zone_spec& zone, diagnostics& out) {
    refuse_duplicate_includes(zone, out);
    if (zone.senders.empty()) {
        if (zone.includes.empty())
            refuse_no_senders(zone, out);
        return;
    }
    warn_unlikely_networks(zone, out);
    warn_covered(zone, refuse_duplicates(zone, out), out);
}

} // namespace spfd
