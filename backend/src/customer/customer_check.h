// SPDX-License-Identifier: MIT
#pragma once

// `spfctl customer check`: how a customer's SPF record treats our senders. Looks the
// domain up through an spf_resolver, evaluates check_host() for a representative address of
// each of our networks, lists the problems and builds the record the customer should
// publish. Pure apart from the resolver.

#include "customer/dmarc_check.h"
#include "customer/problem.h"
#include "net/ip_network.h"
#include "spf/check_host.h"

#include <string>
#include <vector>

namespace spfd {

/// One address we evaluate for a network of ours.
struct customer_sender {
    std::string label; ///< "85.10.214.4", "2a01:4f8::/48 first", …
    boost::asio::ip::address ip;
};

/// A representative address per network: the address of a host; the first address of a
/// network, and its last one too when wider than one address.
std::vector<customer_sender> representative_senders(const std::vector<ip_network>& networks);

struct customer_options {
    std::string apex = "spf.connectoor.com"; ///< our zone, which customers include
    std::vector<ip_network> networks;        ///< what our zone serves
    std::string helo = "mail.connectoor.com";
    std::string local_part = "postmaster"; ///< MAIL FROM is local_part@domain
    /// %{r} in explanations (RFC 7208 §7.3): the receiving host; "unknown" as the RFC says
    /// when there is none to name.
    std::string receiver = "unknown";
    /// The envelope sender domain of our mail for DMARC alignment (dmarc_setting): empty for
    /// the customer's own domain.
    std::string envelope_domain;
};

struct sender_verdict {
    customer_sender sender;
    spf_evaluation evaluation;
    bool include_reached = false; ///< include:<apex> was evaluated for this address
};

struct customer_report {
    std::string domain;
    std::string apex;
    /// Non-empty: the domain's own TXT lookup failed, nothing could be judged.
    std::string dns_error;
    std::vector<std::string> spf_records; ///< v=spf1 TXT records at the domain
    std::vector<std::string> type99;      ///< records of the deprecated SPF type (§3.1)
    bool include_present = false;         ///< the record names include:<apex>
    bool include_reached = false;         ///< … and an evaluation reached it
    std::vector<sender_verdict> verdicts; ///< one per representative address
    unsigned max_lookups = 0;             ///< over the verdicts, ours included
    unsigned max_void_lookups = 0;
    std::vector<customer_problem> problems;
    std::string suggested_record; ///< what to publish (== the record when nothing changes)
    bool change_needed = true;
    dmarc_report dmarc; ///< the DMARC policy and what it does to our mail

    /// The administrator has something to do: the SPF record or the DMARC part.
    bool action_needed() const { return change_needed || !dmarc.problems.empty(); }

    bool all_pass() const;
    /// 0 every address passes, no SPF problem, and DMARC does not keep our mail out; 1
    /// otherwise; 2 the lookup itself failed. Other DMARC problems (none published, syntax,
    /// several records, pct) are reported without changing it.
    int exit_code() const;
};

customer_report check_customer(spf_resolver& dns, const customer_options& options,
                               const std::string& domain);

/// The record a customer should publish: `record` (may be empty: none) with
/// include:<apex> placed before the first `all` (or before the modifiers, or at the end)
/// and every other term kept; `v=spf1 a mx include:<apex> ~all` when there is none.
std::string suggest_record(const std::string& record, const std::string& apex);

} // namespace spfd
