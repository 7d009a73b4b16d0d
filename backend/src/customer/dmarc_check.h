// SPDX-License-Identifier: MIT
#pragma once

// The DMARC part of the customer check: the customer's published policy (RFC 7489 §6.6.3,
// with the organizational domain's record as the fallback), and what a receiver does with
// a message we send for the customer from each of our senders when it carries no aligned
// DKIM signature: SPF must pass for an envelope domain aligned with the From domain.
// Pure apart from the resolver.

#include "customer/dmarc_record.h"
#include "customer/problem.h"
#include "spf/check_host.h"

#include <optional>
#include <string>
#include <vector>

namespace spfd {

/// How we send for the customer.
struct dmarc_setting {
    /// The envelope sender (MAIL FROM) domain: empty for the customer's own domain; a
    /// bounce domain of ours is never aligned. `{domain}` stands for the customer's domain
    /// (`bounce.{domain}`: a subdomain of theirs, aligned only when relaxed).
    std::string envelope_domain;
    std::string helo = "mail.connectoor.com";
    std::string local_part = "postmaster";
    std::string receiver = "unknown";
};

/// One of our senders, as DMARC sees a message from it.
struct dmarc_sender {
    std::string label;
    boost::asio::ip::address ip;
    spf_result spf = spf_result::none; ///< for the envelope domain
    bool aligned = false;              ///< SPF passes for a domain aligned with From
    /// "pass"; else what the policy does: "none", "quarantine", "reject"; "no policy" when
    /// no DMARC applies (no usable record).
    std::string outcome;
};

struct dmarc_report {
    std::string from_domain;            ///< the customer's domain (RFC5322.From)
    std::string org_domain;             ///< its organizational domain (RFC 7489 §3.2)
    std::string envelope_domain;        ///< MAIL FROM domain of our messages
    std::string record_domain;          ///< where the record was looked up last (_dmarc.<this>)
    std::vector<std::string> records;   ///< the DMARC records there
    std::optional<dmarc_record> record; ///< exactly one record: parsed
    /// The policy for mail from from_domain (p, or sp when it came from the organizational
    /// domain's record); nothing: no DMARC processing.
    std::optional<dmarc_policy> policy;
    std::string dns_error; ///< a lookup failed: nothing judged
    std::vector<dmarc_sender> senders;
    std::vector<customer_problem> problems; ///< the most urgent first
    /// Some sender's mail would be quarantined or rejected (at least in part, per pct).
    bool blocks_our_mail() const;
    /// The worst outcome over our senders: "reject", "quarantine", "none", "pass",
    /// "no policy".
    std::string worst_outcome() const;
};

/// Finds the customer's DMARC policy and judges each sender. `senders` carry the SPF
/// result for the customer's domain (reused when the envelope domain is that domain).
dmarc_report check_dmarc(spf_resolver& dns, const std::string& from_domain,
                         const dmarc_setting& setting, std::vector<dmarc_sender> senders);

} // namespace spfd
