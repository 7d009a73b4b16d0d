// SPDX-License-Identifier: MIT
// The strict RFC 7208 record parser that the probe and the customer tools run on records
// we did not write, and the customer tools' check_host() evaluating it. Checks beyond "no
// crash": every term and finding points at its own text in the record; a record that
// parses cleanly parses the same after its terms are joined again with single spaces;
// prefix lengths are in range. check_host() (over an in-memory DNS in which the record is
// fuzz.test's, and include/redirect targets publish it too unless their names say "ok",
// "nx" or "fail") ends within the lookup limits, answers none for what is not SPF and
// permerror for a record with syntax errors (§4.6); expanded domain-specs are shortened to
// 253 octets.
//
// Input: one record, its TXT character-strings already concatenated.
#include "fuzz_support.h"
#include "spf/check_host.h"
#include "spf/limits.h"
#include "spf/record_parser.h"

using namespace spfd;

namespace {

void require_located(std::string_view record, std::string_view text, std::size_t offset,
                     std::string_view what) {
    fuzz::require(offset <= record.size() && text.size() <= record.size() - offset &&
                      record.substr(offset, text.size()) == text,
                  what, record);
}

// fuzz.test publishes the record; other names, depending on what they contain: "nx"
// NXDOMAIN, "fail" SERVFAIL, "ok" a plain record, otherwise the record again (loops and
// the lookup limit); every host has one address of each family, MX two hosts.
class fuzz_dns : public spf_resolver {
  public:
    explicit fuzz_dns(std::string_view record) : record_(record) {}

    dns_lookup lookup(const std::string& name, dns_type type) override {
        ++queries;
        dns_lookup r;
        if (name.find("nx") != std::string::npos) {
            r.status = dns_lookup::outcome::nxdomain;
        } else if (name.find("fail") != std::string::npos) {
            r.status = dns_lookup::outcome::error;
            r.error = "SERVFAIL";
        } else if (type == dns_type::txt) {
            r.records.push_back(name != "fuzz.test" && name.find("ok") != std::string::npos
                                    ? "v=spf1 ip4:192.0.2.0/24 -all"
                                    : record_);
        } else if (type == dns_type::a) {
            r.records.push_back("192.0.2.1");
        } else if (type == dns_type::aaaa) {
            r.records.push_back("2001:db8::1");
        } else if (type == dns_type::mx) {
            r.records = {"10 mx.fuzz.test", "20 mx2.fuzz.test"};
        } else if (type == dns_type::ptr) {
            r.records.push_back("mail.fuzz.test");
        }
        return r;
    }

    unsigned queries = 0;

  private:
    std::string record_;
};

void check_evaluation(std::string_view record, const spf_parse_result& parsed, bool v6) {
    fuzz_dns dns(record);
    spf_request req;
    req.ip = boost::asio::ip::make_address(v6 ? "2001:db8::1" : "192.0.2.1");
    req.sender = "user@fuzz.test";
    req.helo = "mail.fuzz.test";
    const spf_evaluation e = check_host(dns, req, "fuzz.test");
    fuzz::require(!result_name(e.result).empty(), "check_host() result without a name");
    fuzz::require(e.lookups <= spf_max_lookups + 1, "check_host() went over the lookup limit",
                  record);
    fuzz::require(e.queries == dns.queries, "check_host() miscounted its queries", record);
    // Each counted lookup asks at most for its target and the addresses of 10 names.
    fuzz::require(dns.queries <= 2 + (spf_max_lookups + 1) * (2 * spf_max_names_per_lookup + 2),
                  "check_host() asked too many queries", record);
    if (!parsed.is_spf)
        fuzz::require(e.result == spf_result::none, "check_host() evaluated a non-SPF text",
                      record);
    else if (!parsed.errors.empty())
        fuzz::require(e.result == spf_result::permerror,
                      "check_host() did not give permerror for a record with errors", record);

    macro_values values;
    values.sender = req.sender;
    values.helo = req.helo;
    values.domain = "fuzz.test";
    values.ip = req.ip;
    // §7.3 shortens from the left, label by label; a single label longer than 253 octets
    // stays (check_host() then treats the name as nonexistent, without asking DNS).
    if (!check_macro_string(record, macro_context::domain_spec))
        if (const auto expanded = expand_macros(record, values))
            fuzz::require(expanded->size() <= 253 || expanded->find('.') == std::string::npos,
                          "an expanded domain-spec over 253 octets", *expanded);
    if (!check_macro_string(record, macro_context::explanation))
        fuzz::require(expand_macros(record, values, true).has_value(),
                      "a valid explanation macro-string did not expand", record);
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

    check_evaluation(record, result, size % 2 == 1);
    return 0;
}
