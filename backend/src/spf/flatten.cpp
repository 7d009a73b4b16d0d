// SPDX-License-Identifier: MIT
#include "spf/flatten.h"

#include "dns/name.h"
#include "net/network_set.h"
#include "spf/limits.h"
#include "spf/record_parser.h"

#include <algorithm>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <map>
#include <utility>

namespace spfd {
namespace asio_ip = boost::asio::ip;

namespace {

using net_list = std::vector<ip_network>;

// What check_host() has counted when an address reaches a term (§4.6.4). Addresses that
// reach a term along different paths (an include that stopped early for some) may have
// counted differently, so the limits are judged per group of addresses with one count.
struct path_state {
    unsigned lookups = 0;
    unsigned voids = 0;
    auto operator<=>(const path_state&) const = default;
};

// Addresses, grouped by what their evaluation has counted so far. The sets are disjoint.
using groups = std::map<path_state, net_list>;

void add_to(groups& g, const path_state& st, const net_list& nets) {
    if (nets.empty())
        return;
    net_list& into = g[st];
    into.insert(into.end(), nets.begin(), nets.end());
    into = subtract(into, {}); // the union, aggregated
}

net_list intersect(const net_list& a, const net_list& b) {
    return subtract(a, subtract(a, b));
}

// The addresses a record sends to `pass`, and those it decides otherwise or not at all.
struct record_outcome {
    groups pass;
    groups other;
};

struct flatten_abort {
    flatten_failure failure;
};

[[noreturn]] void fail(flatten_failure::kind why, std::string message) {
    throw flatten_abort{{why, std::move(message)}};
}

std::string in_record(const spf_term& t, const std::string& domain) {
    return "'" + t.text + "' in the record of " + domain;
}

net_list universe(ip_family family) {
    if (family == ip_family::v4)
        return {ip_network(asio_ip::network_v4(asio_ip::address_v4::any(), 0))};
    // Receivers evaluate IPv4-mapped clients as IPv4 (§5.6), never against ip6 networks.
    const ip_network mapped(asio_ip::make_network_v6("::ffff:0:0/96"));
    return subtract({ip_network(asio_ip::network_v6(asio_ip::address_v6::any(), 0))}, {mapped});
}

// The network of `prefix` bits around `a`, or nothing when `a` is of the other family.
std::optional<ip_network> network_of(const asio_ip::address& a, unsigned prefix, ip_family family) {
    if (a.is_v4() && family == ip_family::v4)
        return ip_network(asio_ip::network_v4(a.to_v4(), prefix).canonical());
    if (a.is_v6() && family == ip_family::v6)
        return ip_network(asio_ip::network_v6(a.to_v6(), prefix).canonical());
    return std::nullopt;
}

std::string_view unflattenable_reason(spf_term_kind kind) {
    switch (kind) {
    case spf_term_kind::ptr:
        return "whether it matches depends on the client's reverse DNS, not on its address";
    case spf_term_kind::exists:
        return "whether it matches depends on a lookup made for each client";
    default:
        return "it passes every address on the Internet";
    }
}

class flattener {
  public:
    flattener(spf_resolver& dns, ip_family family, flat_spf& out)
        : dns_(dns), family_(family), out_(out) {}

    // The addresses of this family that `domain`'s record passes.
    net_list run(const std::string& domain) {
        path_state st;
        const std::optional<std::string> record = fetch_record(domain, st);
        if (!record)
            fail(flatten_failure::kind::no_record, "no SPF record at " + domain);
        out_.record = *record;
        groups start;
        start[st] = universe(family_);
        net_list passed;
        for (const auto& [state, nets] : eval_record(*record, domain, start).pass)
            passed.insert(passed.end(), nets.begin(), nets.end());
        return passed;
    }

  private:
    dns_lookup query(const std::string& name, dns_type type, path_state& st) {
        dns_lookup r;
        if (!is_check_host_domain(name))
            r.status = dns_lookup::outcome::nxdomain; // as check_host(): nothing can exist there
        else
            r = dns_.lookup(name, type);
        if (r.status == dns_lookup::outcome::error)
            fail(flatten_failure::kind::dns, "DNS error for " + name + ": " + r.error);
        if (r.ttl)
            out_.min_ttl = std::min(out_.min_ttl.value_or(*r.ttl), *r.ttl);
        if (r.is_void() && ++st.voids > spf_max_void_lookups)
            fail(flatten_failure::kind::invalid,
                 "more than " + std::to_string(spf_max_void_lookups) +
                     " void lookups (RFC 7208 §4.6.4), the last one " + name);
        return r;
    }

    void count_lookup(const spf_term& t, const std::string& domain, path_state& st) {
        out_.lookups = std::max(out_.lookups, ++st.lookups);
        if (st.lookups > spf_max_lookups)
            fail(flatten_failure::kind::invalid,
                 "more than " + std::to_string(spf_max_lookups) +
                     " DNS lookups (RFC 7208 §4.6.4), the 11th at " + in_record(t, domain));
    }

    std::optional<std::string> fetch_record(const std::string& domain, path_state& st) {
        if (!is_check_host_domain(domain))
            return std::nullopt;
        const dns_lookup r = query(domain, dns_type::txt, st);
        std::vector<std::string> records;
        for (const std::string& t : r.records)
            if (is_spf_record(t))
                records.push_back(t);
        if (records.size() > 1)
            fail(flatten_failure::kind::invalid,
                 std::to_string(records.size()) + " SPF records at " + domain + " (RFC 7208 §4.5)");
        if (records.empty())
            return std::nullopt;
        return records.front();
    }

    // The record `t` points to; no record there is a permerror for include (§5.2) and
    // redirect (§6.1).
    std::string followed_record(const spf_term& t, const std::string& name, path_state& st) {
        std::optional<std::string> record = fetch_record(name, st);
        if (!record)
            fail(flatten_failure::kind::no_record,
                 in_record(t, current_) + ": no SPF record at " + name);
        return std::move(*record);
    }

    // Expanded as check_host() does (escapes, shortening to 253 octets); apply() has made
    // sure there is no macro letter to expand.
    std::string target(const spf_term& t, const std::string& domain) const {
        if (t.domain_spec.empty())
            return domain;
        const std::optional<std::string> expanded =
            expand_macros(t.domain_spec, macro_values{{}, {}, domain, {}});
        if (!expanded)
            fail(flatten_failure::kind::invalid, "malformed macro in " + in_record(t, domain));
        return normalized_domain(*expanded);
    }

    // The networks an a term's cidr-length makes of `name`'s addresses of our family.
    net_list address_networks(const spf_term& t, const std::string& name, path_state& st) {
        const bool v4 = family_ == ip_family::v4;
        const dns_lookup r = query(name, v4 ? dns_type::a : dns_type::aaaa, st);
        const unsigned prefix = v4 ? t.ip4_cidr.value_or(32) : t.ip6_cidr.value_or(128);
        net_list out;
        for (const std::string& text : r.records) {
            boost::system::error_code ec;
            const auto a = asio_ip::make_address(text, ec);
            if (ec)
                continue;
            if (auto n = network_of(a, prefix, family_))
                out.push_back(*n);
        }
        return subtract(out, {});
    }

    // MX hosts in order of preference, as check_host() tries them.
    std::vector<std::string> mx_hosts(const spf_term& t, const std::string& name, path_state& st) {
        const dns_lookup r = query(name, dns_type::mx, st);
        if (r.records.size() > spf_max_names_per_lookup)
            fail(flatten_failure::kind::invalid,
                 in_record(t, current_) + ": " + name + " has " + std::to_string(r.records.size()) +
                     " MX records, more than " + std::to_string(spf_max_names_per_lookup) +
                     " (RFC 7208 §4.6.4)");
        return mx_exchanges(r.records);
    }

    // One mechanism for one group: the addresses it matches go to `decided` (by the
    // qualifier), the rest, with what they counted, to `next`.
    void apply(const spf_term& t, const path_state& at, const net_list& set,
               record_outcome& decided, groups& next) {
        path_state st = at;
        if (t.has_macros)
            fail(flatten_failure::kind::unflattenable,
                 in_record(t, current_) +
                     " uses macros: whether it matches depends on more than the address");
        if (costs_dns_lookup(t.kind))
            count_lookup(t, current_, st);
        groups& matched_to = t.qualifier == spf_qualifier::pass ? decided.pass : decided.other;
        net_list rest = set;
        switch (t.kind) {
        case spf_term_kind::all:
            if (t.qualifier == spf_qualifier::pass)
                fail(flatten_failure::kind::unflattenable,
                     in_record(t, current_) + ": " + std::string(unflattenable_reason(t.kind)));
            add_to(matched_to, st, set);
            return;
        case spf_term_kind::include:
            apply_include(t, st, set, matched_to, next);
            return;
        case spf_term_kind::mx:
            for (const std::string& host : mx_hosts(t, target(t, current_), st)) {
                const net_list hosts = address_networks(t, host, st);
                add_to(matched_to, st, intersect(rest, hosts));
                if ((rest = subtract(rest, hosts)).empty())
                    break; // no address goes on to ask for the next host
            }
            break;
        case spf_term_kind::a:
            rest = take(rest, address_networks(t, target(t, current_), st), matched_to, st);
            break;
        case spf_term_kind::ip4:
        case spf_term_kind::ip6:
            if (auto n = network_of(t.address, t.prefix_length(), family_))
                rest = take(rest, {*n}, matched_to, st);
            break;
        default: // ptr, exists
            fail(flatten_failure::kind::unflattenable,
                 in_record(t, current_) + ": " + std::string(unflattenable_reason(t.kind)));
        }
        add_to(next, st, rest);
    }

    // Moves what `matching` covers of `set` into `to`; returns the rest.
    static net_list take(const net_list& set, const net_list& matching, groups& to,
                         const path_state& st) {
        add_to(to, st, intersect(set, matching));
        return subtract(set, matching);
    }

    // §5.2: only the target's pass is a match; its other results fall through.
    void apply_include(const spf_term& t, path_state st, const net_list& set, groups& matched_to,
                       groups& next) {
        const std::string name = target(t, current_);
        const std::string record = followed_record(t, name, st);
        groups in;
        in[st] = set;
        const record_outcome nested = eval_record(record, name, in);
        for (const auto& [state, nets] : nested.pass)
            add_to(matched_to, state, nets);
        for (const auto& [state, nets] : nested.other)
            add_to(next, state, nets);
    }

    // §4.6 and §6.1 for the addresses of `in`, in record order.
    record_outcome eval_record(const std::string& record, const std::string& domain,
                               const groups& in) {
        const spf_parse_result parsed = parse_spf(record);
        if (!parsed.ok())
            fail(flatten_failure::kind::invalid, "syntax error in the record of " + domain +
                                                     " at '" + parsed.errors.front().term +
                                                     "': " + parsed.errors.front().message);
        const std::string outer = std::exchange(current_, domain);
        record_outcome out;
        groups remaining = in;
        const spf_term* redirect = nullptr;
        for (const spf_term& t : parsed.terms) {
            if (t.kind == spf_term_kind::redirect)
                redirect = &t;
            if (!t.is_mechanism() || remaining.empty())
                continue;
            groups next;
            for (const auto& [st, set] : remaining)
                apply(t, st, set, out, next);
            remaining = std::move(next);
        }
        for (const auto& [st, set] : remaining) {
            if (redirect != nullptr) // §6.1: only when no mechanism matched
                follow_redirect(*redirect, st, set, out);
            else
                add_to(out.other, st, set); // neutral (§4.7)
        }
        current_ = outer;
        return out;
    }

    void follow_redirect(const spf_term& redirect, path_state st, const net_list& set,
                         record_outcome& out) {
        if (redirect.has_macros)
            fail(flatten_failure::kind::unflattenable,
                 in_record(redirect, current_) +
                     " uses macros: whether it matches depends on more than the address");
        count_lookup(redirect, current_, st);
        const std::string name = target(redirect, current_);
        const std::string record = followed_record(redirect, name, st);
        groups in;
        in[st] = set;
        record_outcome sub = eval_record(record, name, in);
        for (const auto& [state, nets] : sub.pass)
            add_to(out.pass, state, nets);
        for (const auto& [state, nets] : sub.other)
            add_to(out.other, state, nets);
    }

    spf_resolver& dns_;
    ip_family family_;
    flat_spf& out_;
    std::string current_; // the domain whose record is being evaluated
};

} // namespace

std::variant<flat_spf, flatten_failure> flatten_spf(spf_resolver& dns, std::string_view domain) {
    caching_resolver cache(dns);
    flat_spf out;
    const std::string name = normalized_domain(domain);
    try {
        net_list v4 = flattener(cache, ip_family::v4, out).run(name);
        const unsigned v4_lookups = out.lookups;
        net_list v6 = flattener(cache, ip_family::v6, out).run(name);
        out.lookups = std::max(v4_lookups, out.lookups);
        v4.insert(v4.end(), v6.begin(), v6.end());
        out.networks = subtract(v4, {});
    } catch (const flatten_abort& a) {
        return a.failure;
    }
    out.queries = cache.queries();
    return out;
}

std::string_view to_string(flatten_failure::kind why) {
    switch (why) {
    case flatten_failure::kind::dns:
        return "dns";
    case flatten_failure::kind::no_record:
        return "no-record";
    case flatten_failure::kind::invalid:
        return "invalid";
    case flatten_failure::kind::unflattenable:
        return "unflattenable";
    }
    return "dns";
}

} // namespace spfd
