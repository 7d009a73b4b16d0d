// SPDX-License-Identifier: MIT
#include "query/answer.h"

#include "net/ip_network.h"
#include "query/notify_book.h"
#include "query/per_ip_name.h"
#include "util/ascii.h"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace spfd {
namespace {

// Into a buffer of its own and then one append: a push_back per character checked the
// string's capacity fifteen times.
void append_ipv4(std::string& out, std::uint32_t address) {
    char text[15];
    char* p = text;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const unsigned octet = (address >> shift) & 0xff;
        if (octet >= 100)
            *p++ = static_cast<char>('0' + octet / 100);
        if (octet >= 10)
            *p++ = static_cast<char>('0' + octet / 10 % 10);
        *p++ = static_cast<char>('0' + octet % 10);
        if (shift > 0)
            *p++ = '.';
    }
    out.append(text, static_cast<std::size_t>(p - text));
}

// The mechanism that lists the address, with the space before `-all`, when the address is
// ours; nothing when not. The TXT answer is then `v=spf1 ip4:<ip> -all` or `v=spf1 -all`:
// a TXT answer for every well-formed per-IP name, since NXDOMAIN or NODATA would be a void
// lookup for the customer (RFC 7208 §4.6.4) and a missing record a permerror of their
// include.
void append_listed_mechanism(const per_ip_zone& zone, const per_ip_name& parsed, std::string& out) {
    if (parsed.kind == per_ip_name::address_v4 && zone.ranges->contains_v4(parsed.v4)) {
        out += "ip4:";
        append_ipv4(out, parsed.v4);
        out.push_back(' ');
    } else if (parsed.kind == per_ip_name::address_v6 && zone.ranges->contains_v6(parsed.v6)) {
        out += ip_network::from_integer(ip_family::v6, parsed.v6, 128).to_mechanism();
        out.push_back(' ');
    }
}

// Per-IP names of a macro-mode zone are computed, never stored: the answer for `name`
// (lower case, trailing dot), or nullopt when it is not such a name.
std::optional<std::string_view> per_ip_reply(const snapshot& snap, std::string_view name,
                                             std::string_view upper_qtype, std::string& out) {
    const per_ip_zone* zone = snap.find_per_ip_zone(name);
    if (zone == nullptr)
        return std::nullopt;
    const per_ip_name parsed =
        parse_per_ip_labels(name.substr(0, name.size() - zone->suffix.size()));
    const bool address =
        parsed.kind == per_ip_name::address_v4 || parsed.kind == per_ip_name::address_v6;
    if (parsed.kind == per_ip_name::malformed)
        return false_reply; // NXDOMAIN, after pdns's wildcard probe
    const bool any = upper_qtype == "ANY";
    if (!(any || (address && upper_qtype == "TXT")))
        return false_reply; // the name exists: NODATA for other types
    // Names and the SPF text hold only letters, digits, '.', ':', '-' and '%': no JSON escapes.
    // The record row's pieces come from pdns_reply.h; the TXT content is JSON-escaped
    // presentation form.
    if (!address) {
        out.assign(one_ent_reply_head);
        out += name;
        out += record_content_key;
    } else {
        out.assign(one_txt_reply_head);
        out += name;
        out += record_content_key;
        out += R"(\"v=spf1 )";
        append_listed_mechanism(*zone, parsed, out);
        out += R"(-all\")";
    }
    out += zone->reply_tail;
    return out;
}

std::string_view lookup_reply(const snapshot& snap, const request& req, std::string& scratch) {
    // Reused per thread so that the answer path does not allocate once warmed up.
    thread_local std::string name;
    thread_local std::string qtype;
    if (!canonical_name(req.qname, name))
        return false_reply;
    qtype.assign(req.qtype);
    for (char& c : qtype)
        c = ascii_upper(c);
    // Per-IP names first: none of them is stored, and a macro zone's queries are mostly them.
    if (auto computed = per_ip_reply(snap, name, qtype, scratch))
        return *computed;
    if (const snapshot::name_entry* entry = snap.find_name(name))
        return entry->reply_for(qtype);
    return false_reply;
}

// Zones whose served serial pdns has not sent NOTIFYs for yet. pdns then NOTIFYs the
// zone's secondaries and calls setNotified with that serial.
std::string_view updated_masters_reply(const snapshot& snap, std::string& out) {
    out.assign(rows_reply_open);
    bool first = true;
    for (const snapshot::zone_entry& zone : snap.zones()) {
        const zone_summary& z = zone.summary;
        const auto notified = notify_book::global().notified(z.apex);
        if (!transferable(z) || notified == z.serial)
            continue;
        if (!first)
            out.push_back(',');
        first = false;
        out += domain_info_text(z, notified.value_or(0));
    }
    out += rows_reply_close;
    return out;
}

std::string_view set_notified_reply(const snapshot& snap, const request& req) {
    for (const snapshot::zone_entry& zone : snap.zones())
        if (zone.summary.id == req.id) {
            notify_book::global().record(zone.summary.apex, req.serial);
            return true_reply;
        }
    return false_reply;
}

const snapshot::zone_entry* zone_named(const snapshot& snap, std::string_view text) {
    thread_local std::string name;
    if (!canonical_name(text, name))
        return nullptr;
    return snap.find_zone(name);
}

} // namespace

bool canonical_name(std::string_view name, std::string& buffer) {
    if (name.size() > max_name_text)
        return false;
    buffer.resize(name.size());
    std::transform(name.begin(), name.end(), buffer.begin(), [](char c) { return ascii_lower(c); });
    if (buffer.empty() || buffer.back() != '.')
        buffer.push_back('.');
    return true;
}

std::string_view answer(const snapshot& snap, const request& req) {
    thread_local std::string scratch;
    return answer(snap, req, scratch);
}

std::string_view answer(const snapshot& snap, const request& req, std::string& scratch) {
    switch (req.kind) {
    case method::initialize:
        return true_reply;
    case method::lookup:
        return lookup_reply(snap, req, scratch);
    case method::get_all_domains:
        return snap.all_domains_reply();
    case method::get_domain_info: {
        const auto* zone = zone_named(snap, req.name);
        return zone != nullptr ? std::string_view(zone->domain_info_reply) : false_reply;
    }
    case method::list: {
        const auto* zone = zone_named(snap, req.zonename);
        return zone != nullptr ? std::string_view(zone->list_reply) : false_reply;
    }
    case method::get_updated_masters:
        return updated_masters_reply(snap, scratch);
    case method::set_notified:
        return set_notified_reply(snap, req);
    case method::get_all_domain_metadata: // we keep no metadata: false means "none"
    case method::get_domain_metadata:
    case method::unknown:
        return false_reply;
    }
    return false_reply;
}

} // namespace spfd
