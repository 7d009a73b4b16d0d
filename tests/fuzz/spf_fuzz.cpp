// SPDX-License-Identifier: MIT
// The strict RFC 7208 record parser that the probe and the customer tools run on records
// we did not write. Checks beyond "no crash": every term and finding points at its own
// text in the record; a record that parses cleanly parses the same after its terms are
// joined again with single spaces; prefix lengths are in range.
//
// Input: one record, its TXT character-strings already concatenated.
#include "fuzz_support.h"
#include "ops/spf_parser.h"

using namespace spfd;

namespace {

void require_located(std::string_view record, std::string_view text, std::size_t offset,
                     std::string_view what) {
    fuzz::require(offset <= record.size() && text.size() <= record.size() - offset &&
                      record.substr(offset, text.size()) == text,
                  what, record);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view record = fuzz::as_text(data, size);
    const spf_parse_result result = parse_spf(record);
    fuzz::require(result.is_spf == is_spf_record(record), "is_spf disagrees with is_spf_record");
    if (!result.is_spf)
        fuzz::require(!result.errors.empty() && result.terms.empty(),
                      "a non-SPF text without an error, or with terms");
    for (const spf_term& t : result.terms) {
        require_located(record, t.text, t.offset, "a term does not point at its text");
        fuzz::require(!t.text.empty() && t.text.find(' ') == std::string::npos,
                      "a term is empty or holds a space", t.text);
        if (t.kind == spf_term_kind::ip4)
            fuzz::require(t.address.is_v4() && t.prefix_length() <= 32, "bad ip4 term", t.text);
        if (t.kind == spf_term_kind::ip6)
            fuzz::require(t.address.is_v6() && t.prefix_length() <= 128, "bad ip6 term", t.text);
        if (t.ip4_cidr)
            fuzz::require(*t.ip4_cidr <= 32, "ip4 cidr out of range", t.text);
        if (t.ip6_cidr)
            fuzz::require(*t.ip6_cidr <= 128, "ip6 cidr out of range", t.text);
        fuzz::require(!term_kind_name(t.kind).empty(), "a term kind without a name");
    }
    for (const spf_finding& f : result.errors) {
        fuzz::require(!f.message.empty(), "an error without a message");
        if (result.is_spf)
            require_located(record, f.term, f.offset, "an error does not point at its term");
    }
    for (const spf_finding& f : result.warnings) {
        fuzz::require(!f.message.empty(), "a warning without a message");
        require_located(record, f.term, f.offset, "a warning does not point at its term");
    }
    const spf_term_summary summary = summarize_terms(result.terms);
    fuzz::require(summary.reachable_lookups <= summary.querying_terms,
                  "more reachable lookups than querying terms", record);
    if (summary.all_index)
        fuzz::require(*summary.all_index < result.terms.size(), "all_index out of range");

    if (result.ok()) {
        std::string joined = "v=spf1";
        for (const spf_term& t : result.terms)
            joined += " " + t.text;
        const spf_parse_result again = parse_spf(joined);
        fuzz::require(again.ok() && again.terms.size() == result.terms.size() &&
                          again.warnings.size() == result.warnings.size(),
                      "a clean record parses differently after normalising its spaces", joined);
    }

    for (const auto context :
         {macro_context::domain_spec, macro_context::explanation, macro_context::any_letter})
        if (const auto error = check_macro_string(record, context))
            fuzz::require(!error->empty(), "a macro-string error without a message");
    return 0;
}
