// SPDX-License-Identifier: MIT
#include "customer/dmarc_check.h"

#include "customer/org_domain.h"

#include <algorithm>
#include <array>

namespace spfd {
namespace {

void add(dmarc_report& r, std::string code, std::string message) {
    r.problems.push_back({std::move(code), std::move(message), ""});
}

// The DMARC records at _dmarc.<domain>; false after a DNS error (r.dns_error says why).
bool read_records(dmarc_report& r, spf_resolver& dns, const std::string& domain) {
    r.record_domain = domain;
    const dns_lookup txt = dns.lookup("_dmarc." + domain, dns_type::txt);
    if (txt.status == dns_lookup::outcome::error) {
        r.dns_error = "TXT lookup for _dmarc." + domain + " failed: " + txt.error;
        return false;
    }
    r.records.clear();
    for (const std::string& t : txt.records)
        if (is_dmarc_record(t))
            r.records.push_back(t);
    std::sort(r.records.begin(), r.records.end());
    return true;
}

// §6.6.3 steps 1-6: the From domain's record, else the organizational domain's; exactly
// one record, whose p (or sp, for a subdomain) applies.
void discover_policy(dmarc_report& r, spf_resolver& dns) {
    if (!read_records(r, dns, r.from_domain))
        return;
    if (r.records.empty() && r.org_domain != r.from_domain && !read_records(r, dns, r.org_domain))
        return;
    const std::string where = "_dmarc." + r.record_domain;
    if (r.records.empty()) {
        add(r, "dmarc_missing",
            "no DMARC record at _dmarc." + r.from_domain +
                (r.org_domain != r.from_domain ? " nor at _dmarc." + r.org_domain : "") +
                ": receivers apply no DMARC policy, and large mailbox providers expect one");
        return;
    }
    if (r.records.size() > 1) {
        add(r, "dmarc_multiple",
            std::to_string(r.records.size()) + " DMARC records at " + where +
                ": receivers apply none of them (RFC 7489 §6.6.3); publish exactly one");
        return;
    }
    r.record = parse_dmarc(r.records.front(), r.record_domain == r.org_domain);
    if (!r.record->errors.empty()) {
        std::string all;
        for (const std::string& e : r.record->errors)
            all += (all.empty() ? "" : "; ") + e;
        add(r, "dmarc_syntax", "the DMARC record at " + where + " has mistakes: " + all);
    }
    r.policy = r.record->applied_policy(r.record_domain != r.from_domain);
}

// Identifier alignment of SPF (RFC 7489 §3.1.2): strict needs the same name, relaxed the
// same organizational domain.
bool aligned_domains(const dmarc_report& r) {
    const bool strict = r.record && r.record->aspf == 's';
    if (r.envelope_domain == r.from_domain)
        return true;
    return !strict && organizational_domain(r.envelope_domain) == r.org_domain;
}

void judge_senders(dmarc_report& r, spf_resolver& dns, const dmarc_setting& setting) {
    const bool aligned_domain = aligned_domains(r);
    for (dmarc_sender& s : r.senders) {
        if (r.envelope_domain != r.from_domain) {
            spf_request req;
            req.ip = s.ip;
            req.sender = setting.local_part + "@" + r.envelope_domain;
            req.helo = setting.helo;
            req.receiver = setting.receiver;
            s.spf = check_host(dns, req, r.envelope_domain).result;
        }
        s.aligned = aligned_domain && s.spf == spf_result::pass;
        s.outcome = !r.policy   ? "no policy"
                    : s.aligned ? "pass"
                                : std::string(policy_name(*r.policy));
    }
}

// Which senders the policy keeps out: the most urgent problem, so it goes first.
void judge_blocking(dmarc_report& r) {
    if (!r.blocks_our_mail())
        return;
    std::string labels;
    for (const dmarc_sender& s : r.senders)
        if (s.outcome == "quarantine" || s.outcome == "reject")
            labels += (labels.empty() ? "" : ", ") + s.label;
    const std::string policy(policy_name(*r.policy));
    const std::string why =
        r.envelope_domain == r.from_domain
            ? "do not pass SPF"
            : "pass SPF only for " + r.envelope_domain + ", which is not aligned";
    r.problems.insert(r.problems.begin(),
                      {"dmarc_blocks_our_mail",
                       "the DMARC policy " + policy + " applies to " + r.from_domain + " and our " +
                           labels + " " + why + ": receivers " +
                           (policy == "reject" ? "refuse" : "quarantine (spam folder)") +
                           " our mail for it unless it has an aligned DKIM signature",
                       ""});
}

} // namespace

bool dmarc_report::blocks_our_mail() const {
    return std::any_of(senders.begin(), senders.end(), [](const dmarc_sender& s) {
        return s.outcome == "quarantine" || s.outcome == "reject";
    });
}

std::string dmarc_report::worst_outcome() const {
    static constexpr std::array<std::string_view, 5> order = {"reject", "quarantine", "none",
                                                              "no policy", "pass"};
    for (std::string_view o : order)
        if (std::any_of(senders.begin(), senders.end(),
                        [&](const dmarc_sender& s) { return s.outcome == o; }))
            return std::string(o);
    return policy ? "pass" : "no policy";
}

dmarc_report check_dmarc(spf_resolver& dns, const std::string& from_domain,
                         const dmarc_setting& setting, std::vector<dmarc_sender> senders) {
    dmarc_report r;
    r.from_domain = normalized_domain(from_domain);
    r.org_domain = organizational_domain(r.from_domain);
    r.envelope_domain = setting.envelope_domain.empty() ? r.from_domain : setting.envelope_domain;
    if (const std::size_t at = r.envelope_domain.find("{domain}"); at != std::string::npos)
        r.envelope_domain.replace(at, 8, r.from_domain);
    r.envelope_domain = normalized_domain(r.envelope_domain);
    r.senders = std::move(senders);
    discover_policy(r, dns);
    if (!r.dns_error.empty())
        return r;
    judge_senders(r, dns, setting);
    judge_blocking(r);
    if (r.record && r.policy && *r.policy != dmarc_policy::none && r.record->pct < 100)
        add(r, "dmarc_pct",
            "pct=" + std::to_string(r.record->pct) + ": the policy applies to " +
                std::to_string(r.record->pct) +
                "% of failing mail (a roll-out); the rest gets the next milder policy");
    return r;
}

} // namespace spfd
