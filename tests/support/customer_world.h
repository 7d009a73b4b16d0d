// SPDX-License-Identifier: MIT
#pragma once

// The customer checks' common test world: our zone's networks, and an in-memory DNS with a
// customer domain for each kind of setup the checks tell apart.

#include "customer/customer_check.h"
#include "support/fake_dns.h"

#include <set>
#include <string>
#include <variant>

namespace spfd::test {

inline ip_network net(const std::string& text) {
    const bool v6 = text.find(':') != std::string::npos;
    return std::get<ip_network>(parse_network(text, v6 ? ip_family::v6 : ip_family::v4));
}

/// What our zone serves: two hosts and an IPv6 network.
inline customer_options ours() {
    customer_options o;
    o.networks = {net("85.10.214.4"), net("176.9.5.158"), net("2a01:4f8::/48")};
    return o;
}

/// good.test includes us (and monitors with DMARC p=none); late.test after its `all`;
/// direct.test lists IPs, ptr and +all; r.test redirects with an `all`; type99.test also has a
/// record of the deprecated type.
inline fake_dns world() {
    fake_dns dns;
    dns.txt("spf.connectoor.com", "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip6:2a01:4f8::/48 ~all");
    dns.txt("good.test", "v=spf1 include:spf.connectoor.com -all");
    dns.txt("_dmarc.good.test", "v=DMARC1; p=none; rua=mailto:dmarc@good.test");
    dns.txt("late.test", "v=spf1 -all include:spf.connectoor.com");
    dns.txt("direct.test", "v=spf1 ip4:85.10.214.0/24 ptr +all");
    dns.txt("r.test", "v=spf1 ~all redirect=good.test");
    dns.add("type99.test", dns_type::spf, "v=spf1 -all");
    dns.txt("type99.test", "v=spf1 include:spf.connectoor.com -all");
    return dns;
}

/// The problem codes of a report, as a set.
inline std::set<std::string> codes(const customer_report& r) {
    std::set<std::string> out;
    for (const customer_problem& p : r.problems)
        out.insert(p.code);
    return out;
}

} // namespace spfd::test
