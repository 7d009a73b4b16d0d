// SPDX-License-Identifier: MIT
// The TOML zone loader and validator, then what a reload does with a valid zone:
// aggregation, the overflow layout, rendering, the size budget and the snapshot. Checks
// beyond "no crash": a refused zone says why; the layout served is the one configured;
// every published record (apex and split children) passes our strict RFC 7208 parser, has
// no string over 255 octets and fits its budget; the records hold exactly the aggregated
// networks (flat: as mechanisms; split: shared among the children, which the apex
// includes; macro: one include, and a listed address is in its per-IP answer); pdns gets
// a JSON answer for every published name.
//
// Input: the text of one zone file.
#include "fuzz_support.h"
#include "query/answer.h"
#include "spf/record_parser.h"

using namespace spfd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);
    diagnostics found;
    auto spec = parse_zone(text, "zones/fuzz.toml", found);
    for (const diagnostic& d : found.items())
        fuzz::require(!d.message.empty() && !to_string(d).empty(), "a finding without a message");
    if (!spec) {
        fuzz::require(found.has_errors(), "zone refused without an error");
        return 0;
    }
    fuzz::require(!found.has_errors(), "zone accepted with an error");
    // A provider's include is a sender too: a zone may have nothing else.
    fuzz::require((!spec->senders.empty() || !spec->includes.empty()) &&
                      !spec->nameservers.empty() && !spec->apex.empty(),
                  "zone accepted without apex, name servers or senders");

    auto zone = compile_zone(*spec, 1, found);
    if (!zone) {
        fuzz::require(found.has_errors(), "zone not compiled, and no error says why");
        return 0;
    }
    assign_serial(*zone, 2026010101);
    const zone_summary& sum = zone->summary;
    fuzz::require(sum.mode != overflow_mode::auto_ &&
                      (spec->overflow == overflow_mode::auto_ || sum.mode == spec->overflow),
                  "the layout served is not the one configured", to_string(sum.mode));
    fuzz::require(sum.customer_lookups <= spec->max_customer_lookups ||
                      sum.mode != overflow_mode::split,
                  "split costs customers more lookups than max_customer_lookups", sum.spf.text);

    // Apex and children: within the budget, strings of at most 255 octets, clean RFC 7208.
    std::size_t child_mechanisms = 0;
    const auto published = [&](const spf_record& r) {
        fuzz::require(r.measures.answer_octets <= spec->max_answer_octets, "budget exceeded",
                      r.text);
        for (const std::string& s : r.strings)
            fuzz::require(!s.empty() && s.size() <= 255, "a TXT string is empty or too long",
                          r.text);
        const spf_parse_result parsed = parse_spf(r.text);
        fuzz::require(parsed.ok(), "a record we would publish fails our own RFC 7208 parser",
                      r.text);
        return parsed.terms.size();
    };
    const std::size_t apex_terms = published(sum.spf);
    for (const child_record& c : sum.children)
        child_mechanisms += published(c.spf) - 1;
    switch (sum.mode) {
    case overflow_mode::flat:
        fuzz::require(apex_terms == sum.network_count + 1 && sum.children.empty(),
                      "terms of the flat record do not match the aggregated networks",
                      sum.spf.text);
        break;
    case overflow_mode::split:
        fuzz::require(apex_terms == sum.children.size() + 1 && !sum.children.empty() &&
                          child_mechanisms == sum.network_count &&
                          sum.customer_lookups == sum.children.size() + 1,
                      "the split records do not hold the aggregated networks", sum.spf.text);
        break;
    case overflow_mode::macro:
        fuzz::require(apex_terms == 2 && sum.children.empty() && sum.customer_lookups == 2 &&
                          zone->per_ip.has_value(),
                      "the macro record is not one include", sum.spf.text);
        break;
    case overflow_mode::auto_:
        break;
    }

    std::vector<compiled_zone> zones;
    zones.push_back(std::move(*zone));
    const snapshot snap(std::move(zones));
    const zone_summary& served = snap.zones().front().summary; // `sum` was moved from
    const auto txt_answer = [&](const std::string& name) {
        request req;
        req.kind = method::lookup;
        req.qname = name;
        req.qtype = "TXT";
        const std::string_view reply = answer(snap, req);
        fuzz::require_envelope_reply(reply);
        fuzz::require(reply != false_reply, "no TXT answer for a published name", name);
        return reply;
    };
    txt_answer(spec->apex + ".");
    for (const child_record& c : served.children)
        txt_answer(c.name + ".");
    if (served.mode == overflow_mode::macro) {
        // The first address of the first network is listed in its per-IP answer.
        const ip_network& first = served.networks->front();
        const std::string name =
            fuzz::per_ip_labels(first.family(), first.first()) + "._ip." + spec->apex + ".";
        const std::string_view reply = txt_answer(name);
        fuzz::require(reply.find(first.family() == ip_family::v4 ? "ip4:" : "ip6:") !=
                          std::string_view::npos,
                      "a listed address is not in its per-IP answer", reply);
    }
    return 0;
}
