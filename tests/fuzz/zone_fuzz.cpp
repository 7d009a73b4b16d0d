// SPDX-License-Identifier: MIT
// The TOML zone loader and validator, then what a reload does with a valid zone:
// aggregation, rendering, the size budget and the snapshot. Checks beyond "no crash":
// a refused zone says why; every published record passes our strict RFC 7208 parser,
// has no string over 255 octets and fits its budget; pdns gets a JSON answer for it.
//
// Input: the text of one zone file.
#include "fuzz_support.h"
#include "ops/spf_parser.h"
#include "protocol/answer.h"

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
    fuzz::require(!spec->senders.empty() && !spec->nameservers.empty() && !spec->apex.empty(),
                  "zone accepted without apex, name servers or senders");

    auto zone = compile_zone(*spec, 1, found);
    if (!zone) {
        fuzz::require(found.has_errors(), "zone not compiled, and no error says why");
        return 0;
    }
    assign_serial(*zone, 2026010101);
    const spf_record& spf = zone->summary.spf;
    fuzz::require(spf.measures.answer_octets <= spec->max_answer_octets, "budget exceeded",
                  spf.text);
    for (const std::string& s : spf.strings)
        fuzz::require(!s.empty() && s.size() <= 255, "a TXT string is empty or too long", spf.text);
    const spf_parse_result parsed = parse_spf(spf.text);
    fuzz::require(parsed.ok(), "a record we would publish fails our own RFC 7208 parser", spf.text);
    fuzz::require(parsed.terms.size() == zone->summary.network_count + 1,
                  "terms of the published record do not match the aggregated networks", spf.text);

    std::vector<compiled_zone> zones;
    zones.push_back(std::move(*zone));
    const snapshot snap(std::move(zones));
    request req;
    req.kind = method::lookup;
    req.qname = spec->apex + ".";
    req.qtype = "TXT";
    const std::string_view reply = answer(snap, req);
    fuzz::require_envelope_reply(reply);
    fuzz::require(reply != false_reply, "no TXT answer at the apex of a compiled zone", spf.text);
    return 0;
}
