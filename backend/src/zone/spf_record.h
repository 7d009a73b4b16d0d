// SPDX-License-Identifier: MIT
#pragma once

#include "net/ip_network.h"
#include "zone/zone_spec.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// What monitoring and the size budget look at, computed once per rendered record.
struct record_measures {
    std::size_t text_octets = 0;          ///< the record as receivers concatenate it
    std::size_t string_count = 0;         ///< character-strings in the TXT RR
    std::size_t rfc_guideline_octets = 0; ///< query name + TXT text (RFC 7208 §3.4 guideline)
    std::size_t answer_octets = 0;        ///< DNS answer message for `<name> TXT`, no EDNS
    std::size_t answer_octets_edns = 0;   ///< the same with an EDNS OPT record
    unsigned dns_lookups = 0;             ///< DNS-querying terms (RFC 7208 §4.6.4)
};

/// One SPF TXT record, ready to serve.
struct spf_record {
    std::string text;                 ///< `v=spf1 ip4:… ~all`
    std::vector<std::string> strings; ///< the character-strings, each ≤ 255 octets
    record_measures measures;
};

/// Renders `v=spf1 <mechanisms> <all>` for already aggregated, sorted networks and measures
/// it for the owner `name` (no trailing dot).
spf_record render_spf(const std::vector<ip_network>& networks, all_qualifier all,
                      std::string_view name);

/// Splits a record into character-strings of at most 255 octets, only between terms; the
/// separating space stays at the end of the earlier string, because receivers concatenate
/// without adding spaces (RFC 7208 §3.3).
std::vector<std::string> split_character_strings(std::string_view text);

/// Size of the DNS response to `name TXT` carrying exactly this one TXT RR in the answer
/// section: header, question, answer with a compressed owner name (RFC 1035 §4.1),
/// plus an 11-octet OPT RR when `edns` (RFC 6891 §6.1.2).
std::size_t txt_answer_wire_size(std::string_view name, const std::vector<std::string>& strings,
                                 bool edns);

/// Counts the terms that cost a DNS lookup (costs_dns_lookup() of spf/record_parser.h),
/// telling each term's kind by its name alone.
unsigned count_dns_lookups(std::string_view record_text);

} // namespace spfd
