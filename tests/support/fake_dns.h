// SPDX-License-Identifier: MIT
#pragma once

// An in-memory DNS for the SPF evaluator's tests: names not listed are NXDOMAIN, names
// ending in "servfail.test" fail, names ending in "refused.test" are REFUSED. It answers as
// a recursive resolver unless authoritative_only(). Lookups may come from several threads
// at once.

#include "spf/check_host.h"

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace spfd::test {

class fake_dns : public spf_resolver {
  public:
    fake_dns& add(const std::string& name, dns_type type, std::string record) {
        zone_[{name, type}].push_back(std::move(record));
        names_.insert(name);
        return *this;
    }
    fake_dns& txt(const std::string& name, std::string record) {
        return add(name, dns_type::txt, std::move(record));
    }
    fake_dns& a(const std::string& name, std::string address) {
        return add(name, dns_type::a, std::move(address));
    }
    /// The name exists, with no records of any type (NODATA).
    fake_dns& exists_name(const std::string& name) {
        names_.insert(name);
        return *this;
    }

    /// Answers as an authoritative-only server does: with the RA flag clear.
    fake_dns& authoritative_only() {
        not_recursive_ = true;
        return *this;
    }

    dns_lookup lookup(const std::string& name, dns_type type) override {
        ++*queries_;
        dns_lookup r;
        r.server_not_recursive = not_recursive_;
        if (name.ends_with("servfail.test") || name.ends_with("refused.test")) {
            r.status = dns_lookup::outcome::error;
            r.error = name.ends_with("servfail.test") ? "SERVFAIL" : "REFUSED";
        } else if (!names_.count(name)) {
            r.status = dns_lookup::outcome::nxdomain;
        } else if (auto it = zone_.find({name, type}); it != zone_.end()) {
            r.records = it->second;
        }
        return r;
    }

    std::size_t queries() const { return *queries_; }

  private:
    std::map<std::pair<std::string, dns_type>, std::vector<std::string>> zone_;
    std::set<std::string> names_;
    bool not_recursive_ = false;
    // Behind a pointer so that the fake stays movable.
    std::unique_ptr<std::atomic<std::size_t>> queries_ =
        std::make_unique<std::atomic<std::size_t>>(0);
};

/// Forwards to a shared fake_dns: what a resolver_factory hands each batch worker.
class forwarding_resolver : public spf_resolver {
  public:
    explicit forwarding_resolver(spf_resolver& to) : to_(to) {}
    dns_lookup lookup(const std::string& name, dns_type type) override {
        return to_.lookup(name, type);
    }

  private:
    spf_resolver& to_;
};

} // namespace spfd::test
