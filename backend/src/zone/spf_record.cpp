// SPDX-License-Identifier: MIT
#include "zone/spf_record.h"

#include "spf/record_parser.h"

namespace spfd {
namespace {

constexpr std::size_t max_string_octets = 255; // RFC 1035 §3.3.14
constexpr std::size_t dns_header_octets = 12;
constexpr std::size_t opt_rr_octets = 11; // root name, type, class, ttl, rdlength: RFC 6891

// Wire length of a name: one length octet per label, the label, and the root's zero octet.
std::size_t name_wire_octets(std::string_view name) {
    if (name.empty() || name == ".")
        return 1;
    if (name.back() == '.')
        name.remove_suffix(1);
    std::size_t labels = 1;
    for (char c : name)
        labels += c == '.' ? 1 : 0;
    return name.size() - (labels - 1) + labels + 1;
}

} // namespace

std::vector<std::string> split_character_strings(std::string_view text) {
    std::vector<std::string> out;
    while (text.size() > max_string_octets) {
        // The last break that keeps this string within 255 octets: just after a space.
        std::size_t cut = text.rfind(' ', max_string_octets - 1);
        if (cut == std::string_view::npos)
            cut = max_string_octets - 1; // a single term over 254 octets; cannot happen for
                                         // the terms we render, but never loop forever
        out.emplace_back(text.substr(0, cut + 1));
        text.remove_prefix(cut + 1);
    }
    if (!text.empty() || out.empty())
        out.emplace_back(text);
    return out;
}

std::size_t txt_answer_wire_size(std::string_view name, const std::vector<std::string>& strings,
                                 bool edns) {
    std::size_t rdata = 0;
    for (const std::string& s : strings)
        rdata += 1 + s.size();
    const std::size_t question = name_wire_octets(name) + 4; // QTYPE, QCLASS
    const std::size_t answer = 2 + 2 + 2 + 4 + 2 + rdata;    // pointer, type, class, TTL, len
    return dns_header_octets + question + answer + (edns ? opt_rr_octets : 0);
}

unsigned count_dns_lookups(std::string_view text) {
    unsigned count = 0;
    for (const std::string& term : split_record_terms(text)) {
        const std::optional<spf_term_kind> kind = term_kind_of(term);
        count += kind && costs_dns_lookup(*kind) ? 1 : 0;
    }
    return count;
}

spf_record render_spf(const std::vector<ip_network>& networks, all_qualifier all,
                      std::string_view name) {
    spf_record record;
    record.text = "v=spf1";
    for (const ip_network& n : networks) {
        record.text += ' ';
        record.text += n.to_mechanism();
    }
    record.text += all == all_qualifier::fail ? " -all" : " ~all";
    record.strings = split_character_strings(record.text);

    record_measures& m = record.measures;
    m.text_octets = record.text.size();
    m.string_count = record.strings.size();
    m.rfc_guideline_octets = name.size() + record.text.size();
    m.answer_octets = txt_answer_wire_size(name, record.strings, false);
    m.answer_octets_edns = txt_answer_wire_size(name, record.strings, true);
    m.dns_lookups = count_dns_lookups(record.text);
    return record;
}

} // namespace spfd
