// SPDX-License-Identifier: MIT
#pragma once

// `spfctl customer impact`: what a proposed zone file would change for customers, before
// anything is published. Each customer is evaluated twice with the same addresses (ours now
// and in the proposal): once against live DNS, once with our zone's names answered from a
// snapshot compiled from the proposal, exactly as spf-backend would serve it.

#include "customer/batch.h"
#include "zone/snapshot.h"

#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace spfd {

/// Answers names at and below the snapshot's zones from the snapshot (through the same
/// answer() that serves pdns), everything else through `inner`.
class snapshot_resolver : public spf_resolver {
  public:
    snapshot_resolver(std::shared_ptr<const snapshot> snap, std::unique_ptr<spf_resolver> inner);
    dns_lookup lookup(const std::string& name, dns_type type) override;

  private:
    std::shared_ptr<const snapshot> snap_;
    std::unique_ptr<spf_resolver> inner_;
};

/// Compiles one zone file into a snapshot as a reload would (serial 0); errors and
/// warnings go to `out`. Null when the file is refused.
std::shared_ptr<const snapshot> compile_proposed_zone(const std::filesystem::path& file,
                                                      diagnostics& out);

/// One address whose result for one customer changes.
struct impact_change {
    std::string domain;
    customer_sender sender;
    spf_result before = spf_result::none, after = spf_result::none;
    /// "kept" (in the zone now and in the proposal), "added" or "removed"
    std::string status;
    /// What the customer's DMARC policy does to the address's mail (dmarc_sender::outcome).
    std::string dmarc_before, dmarc_after;
    bool loses_pass() const { return before == spf_result::pass && after != spf_result::pass; }
    bool gains_pass() const { return before != spf_result::pass && after == spf_result::pass; }
    /// Its mail would start being quarantined or refused under the customer's DMARC policy.
    bool starts_failing_dmarc() const;
};

struct impact_report {
    std::vector<impact_change> changes; ///< in domain order, then address order
    std::vector<std::string> errors;    ///< domains that could not be judged (DNS errors)
    std::size_t customers = 0;
    /// 0 no kept address loses a pass or starts failing DMARC anywhere, 1 some does, 2 a
    /// domain could not be judged.
    int exit_code() const;
    /// The customers for whom some address starts failing DMARC, in order.
    std::vector<std::string> dmarc_failing_customers() const;
};

/// Evaluates every domain with `current` and with `proposed` networks (addresses of both)
/// against `live` and `proposed_dns` resolvers and lists what changes.
impact_report assess_impact(const std::vector<std::string>& domains,
                            const customer_options& options, const std::vector<ip_network>& current,
                            const std::vector<ip_network>& proposed, const resolver_factory& live,
                            const resolver_factory& proposed_dns, unsigned jobs,
                            const batch_progress& progress = {});

std::string impact_text(const impact_report& r);
std::string impact_json(const impact_report& r);

} // namespace spfd
