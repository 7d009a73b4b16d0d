// SPDX-License-Identifier: MIT
#pragma once

// check_host() of RFC 7208 §4-§7 as a pure function of a resolver: every DNS answer comes
// through spf_resolver, so unit tests run on an in-memory DNS and spfctl on ldns against a
// configured server:port. exp= is fetched only for a fail, and never changes the result.

#include "dns/client.h"
#include "spf/resolver.h"

#include <boost/asio/ip/address.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spfd {

/// The exchanges of MX records ("preference exchange", as dns_lookup gives them) in the
/// order the mx mechanism tries them (§5.4): by preference, names normalized, empty ones
/// (the null MX of RFC 7505) left out.
std::vector<std::string> mx_exchanges(const std::vector<std::string>& mx_records);

/// The results of §2.6.
enum class spf_result { none, neutral, pass, fail, softfail, temperror, permerror };
std::string_view result_name(spf_result r);

/// The inputs of check_host() (§4.1).
struct spf_request {
    boost::asio::ip::address ip; ///< the client; IPv4-mapped IPv6 is treated as IPv4
    std::string sender;          ///< MAIL FROM (`user@domain`); postmaster@helo when empty
    std::string helo;            ///< the HELO/EHLO name
    /// %{r} in explanations (§7.3): the receiving host's name; "unknown" when not known.
    std::string receiver = "unknown";

    /// The domain a receiver checks (§2.3, §2.4): the MAIL FROM domain (after the last
    /// `@`), or the HELO name when MAIL FROM is empty (a bounce).
    std::string checked_domain() const;
};

/// One include evaluated during check_host(), for reports ("was our include reached?").
struct spf_include_visit {
    std::string domain; ///< the expanded target, lower case, no final dot
    spf_result result = spf_result::none;
    unsigned depth = 1; ///< 1: named by the checked record itself
};

/// The outcome of one check_host() evaluation.
struct spf_evaluation {
    spf_result result = spf_result::none;
    std::string reason; ///< why: the matching term, or the error
    /// DNS-querying terms evaluated (§4.6.4: include, a, mx, ptr, exists, redirect), nested
    /// ones included; the term that went over the limit is counted (11 means "over").
    unsigned lookups = 0;
    /// Queries answered NXDOMAIN or empty, over the whole evaluation, the record lookups of
    /// the checked domain and of include/redirect targets included (as pyspf counts them).
    unsigned void_lookups = 0;
    unsigned queries = 0; ///< calls to the resolver
    std::vector<spf_include_visit> includes;
    std::string record; ///< the SPF record of the checked domain, if one was found
    /// For a fail only: the exp= text of the record that decided, expanded (§6.2); empty
    /// when there is none or it could not be fetched or expanded.
    std::string explanation;
};

/// check_host(ip, domain, sender) per RFC 7208 §4.
spf_evaluation check_host(spf_resolver& dns, const spf_request& request, std::string_view domain);

/// The values macros expand to (§7.3); `domain` is the current domain, `ip` the client.
struct macro_values {
    std::string sender; ///< s
    std::string helo;   ///< h
    std::string domain; ///< d
    boost::asio::ip::address ip;
    std::string receiver = "unknown";       ///< r
    std::string validated_name = "unknown"; ///< p: check_host() works it out (PTR queries)
};

/// Expands a macro-string (§7), checked beforehand with check_macro_string(); c, r, t only
/// when `explanation`. For domain-specs the result is shortened from the left to at most
/// 253 octets (§7.3). Returns nothing when parse_macro_string() finds the text malformed
/// (in the explanation or domain_spec context).
std::optional<std::string> expand_macros(std::string_view text, const macro_values& values,
                                         bool explanation = false);

/// A resolver that asks `server` with dns_query(): UDP with EDNS, TCP when truncated.
class ldns_spf_resolver : public spf_resolver {
  public:
    explicit ldns_spf_resolver(dns_server server) : server_(std::move(server)) {}
    dns_lookup lookup(const std::string& name, dns_type type) override;

  private:
    dns_server server_;
};

/// Asks recursive resolvers (RD set), each in turn until one answers: an answer, NXDOMAIN
/// or an error rcode from the first that responds; a timeout moves on to the next.
class failover_resolver : public spf_resolver {
  public:
    explicit failover_resolver(std::vector<dns_server> servers);
    dns_lookup lookup(const std::string& name, dns_type type) override;

  private:
    std::vector<ldns_spf_resolver> servers_;
};

/// Remembers every answer of an inner resolver, so evaluating several addresses for one
/// domain asks each question once. Not thread-safe: one per thread.
class caching_resolver : public spf_resolver {
  public:
    explicit caching_resolver(spf_resolver& inner) : inner_(inner) {}
    dns_lookup lookup(const std::string& name, dns_type type) override;
    unsigned queries() const { return queries_; }

  private:
    spf_resolver& inner_;
    std::map<std::pair<std::string, dns_type>, dns_lookup> cache_;
    unsigned queries_ = 0;
};

} // namespace spfd
