// SPDX-License-Identifier: MIT
#include "customer/customer_check.h"

#include "spf/limits.h"
#include "spf/record_parser.h"

#include <algorithm>

namespace spfd {
namespace asio_ip = boost::asio::ip;

namespace {

asio_ip::address address_of(ip_family family, uint128 value) {
    if (family == ip_family::v4)
        return asio_ip::address_v4(static_cast<std::uint32_t>(value));
    asio_ip::address_v6::bytes_type bytes{};
    for (int i = 15; i >= 0; --i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(value & 0xff);
        value >>= 8;
    }
    return asio_ip::address_v6(bytes);
}

bool is_all_token(std::string_view t) {
    if (!t.empty() && std::string_view("+-~?").find(t[0]) != std::string_view::npos)
        t.remove_prefix(1);
    return normalized_domain(t) == "all";
}

bool is_modifier_token(std::string_view t) {
    const std::size_t eq = t.find('=');
    const std::size_t colon = t.find(':');
    const std::size_t slash = t.find('/');
    return eq != std::string_view::npos && (colon == std::string_view::npos || eq < colon) &&
           (slash == std::string_view::npos || eq < slash);
}

bool is_our_include(std::string_view t, const std::string& apex) {
    if (!t.empty() && t[0] == '+')
        t.remove_prefix(1);
    const std::string l = normalized_domain(t);
    return l == "include:" + apex;
}

bool overlaps(const ip_network& a, const ip_network& b) {
    return a.family() == b.family() && a.first() <= b.last() && b.first() <= a.last();
}

void add(customer_report& r, std::string code, std::string message) {
    r.problems.push_back({std::move(code), std::move(message), {}});
}

// The ip4/ip6 terms that cover some of our networks.
std::vector<std::string> terms_listing_ours(const std::vector<spf_term>& terms,
                                            const std::vector<ip_network>& ours) {
    std::vector<std::string> out;
    for (const spf_term& t : terms) {
        if (t.kind != spf_term_kind::ip4 && t.kind != spf_term_kind::ip6)
            continue;
        const ip_network net =
            t.address.is_v4()
                ? ip_network(asio_ip::network_v4(t.address.to_v4(), t.prefix_length()).canonical())
                : ip_network(asio_ip::network_v6(t.address.to_v6(), t.prefix_length()).canonical());
        if (std::any_of(ours.begin(), ours.end(),
                        [&](const ip_network& n) { return overlaps(net, n); }))
            out.push_back(t.text);
    }
    return out;
}

// Problems visible in the record itself (not following includes).
void judge_record(customer_report& r, const customer_options& o, const std::string& record) {
    const spf_parse_result parsed = parse_spf(record);
    for (const spf_finding& e : parsed.errors) {
        add(r, "syntax",
            "syntax error at '" + e.term + "': " + e.message +
                "; receivers return permerror for every sender");
        r.problems.back().term = e.term;
    }
    const spf_term_summary s = summarize_terms(parsed.terms);
    if (s.all_qualifier == spf_qualifier::pass)
        add(r, "plus_all",
            "'+all' allows every server in the world to send as " + r.domain +
                ": the record protects nothing");
    if (s.all_qualifier == spf_qualifier::neutral)
        add(r, "neutral_all", "'?all' says nothing about unlisted servers: use ~all or -all");
    if (s.ptr > 0)
        add(r, "ptr", "'ptr' is slow and unreliable and SHOULD NOT be used (RFC 7208 §5.5)");
    if (s.redirect_ignored)
        add(r, "redirect_with_all",
            "redirect= is ignored because the record has an 'all' (RFC 7208 §6.1)");
    const std::vector<std::string> direct = terms_listing_ours(parsed.terms, o.networks);
    if (!direct.empty()) {
        std::string list;
        for (const std::string& d : direct)
            list += (list.empty() ? "" : " ") + d;
        add(r, "direct_ips",
            "our addresses are listed directly (" + list +
                "): they go stale when our servers change; include:" + o.apex +
                " keeps them current");
    }
    for (std::size_t i = 0; i < parsed.terms.size(); ++i) {
        const spf_term& t = parsed.terms[i];
        if (t.kind == spf_term_kind::include && normalized_domain(t.domain_spec) == o.apex) {
            r.include_present = true;
            if (s.all_index && i > *s.all_index)
                add(r, "include_after_all",
                    "'" + t.text + "' comes after '" + parsed.terms[*s.all_index].text +
                        "': it is never evaluated (RFC 7208 §5.1)");
        }
    }
}

// The record judged and built upon when there are several (servers rotate RRsets, so the
// choice must not depend on the order): the first, sorted, that names our include.
const std::string& primary_record(const customer_report& r) {
    for (const std::string& record : r.spf_records)
        for (const std::string& term : split_record_terms(record))
            if (is_our_include(term, r.apex))
                return record;
    return r.spf_records.front();
}

} // namespace

std::vector<customer_sender> representative_senders(const std::vector<ip_network>& networks) {
    std::vector<customer_sender> out;
    const auto add_once = [&out](std::string label, asio_ip::address ip) {
        if (std::none_of(out.begin(), out.end(), [&](const auto& s) { return s.ip == ip; }))
            out.push_back({std::move(label), ip});
    };
    for (const ip_network& n : networks) {
        if (n.is_host()) {
            add_once(n.to_string(), address_of(n.family(), n.first()));
            continue;
        }
        add_once(n.to_string() + " first", address_of(n.family(), n.first()));
        add_once(n.to_string() + " last", address_of(n.family(), n.last()));
    }
    return out;
}

bool customer_report::all_pass() const {
    return !verdicts.empty() && std::all_of(verdicts.begin(), verdicts.end(), [](const auto& v) {
        return v.evaluation.result == spf_result::pass;
    });
}

int customer_report::exit_code() const {
    if (!dns_error.empty())
        return 2;
    return all_pass() && problems.empty() && !dmarc.blocks_our_mail() ? 0 : 1;
}

std::string suggest_record(const std::string& record, const std::string& apex) {
    if (record.empty())
        return "v=spf1 a mx include:" + apex + " ~all";
    std::vector<std::string> terms = split_record_terms(record);
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < terms.size(); ++i)
        if (i == 0 || !is_our_include(terms[i], apex))
            kept.push_back(terms[i]);
    std::size_t at = kept.size();
    for (std::size_t i = 1; i < kept.size(); ++i)
        if (is_all_token(kept[i])) {
            at = i;
            break;
        }
    if (at == kept.size())
        for (std::size_t i = 1; i < kept.size(); ++i)
            if (is_modifier_token(kept[i])) {
                at = i;
                break;
            }
    kept.insert(kept.begin() + static_cast<std::ptrdiff_t>(at), "include:" + apex);
    std::string out;
    for (const std::string& t : kept)
        out += (out.empty() ? "" : " ") + t;
    return out;
}

namespace {

// Operators who try the check on our own pdns (or any authoritative server) get REFUSED or
// NXDOMAIN for a customer's domain: such a server answers only for its own zones.
constexpr std::string_view ask_a_resolver =
    "an authoritative server answers only for its own zones: ask a recursive resolver "
    "(--server ADDRESS of one)";

// Why the domain's own TXT lookup failed, with what to do where the answer says it.
std::string txt_lookup_error(const std::string& domain, const dns_lookup& txt) {
    std::string why = "TXT lookup for " + domain + " failed: " + txt.error;
    if (txt.error != "REFUSED") // rcode_name()'s text
        return why;
    if (txt.server_not_recursive)
        return why + " by a server that is not a recursive resolver; " +
               std::string(ask_a_resolver);
    return why + "; the resolver does not resolve it for this host (its access control?)";
}

// The domain's lookup ended in NXDOMAIN: from a recursive resolver the domain does not
// exist; from an authoritative-only server it may just be none of that server's zones.
std::string nxdomain_message(const std::string& domain, const dns_lookup& txt) {
    if (!txt.server_not_recursive)
        return domain + " does not exist (NXDOMAIN from a recursive resolver): check the name";
    return domain +
           ": NXDOMAIN from a server that is not a recursive resolver; unless it is the "
           "domain's own name server, " +
           std::string(ask_a_resolver);
}

// Reads the domain's SPF records (TXT, and the deprecated type 99); the TXT lookup, or
// nothing after a DNS error (then r.dns_error says why).
std::optional<dns_lookup> read_records(customer_report& r, spf_resolver& dns) {
    const dns_lookup txt = dns.lookup(r.domain, dns_type::txt);
    if (txt.status == dns_lookup::outcome::error) {
        r.dns_error = txt_lookup_error(r.domain, txt);
        return std::nullopt;
    }
    for (const std::string& t : txt.records)
        if (is_spf_record(t))
            r.spf_records.push_back(t);
    std::sort(r.spf_records.begin(), r.spf_records.end());
    const dns_lookup type99 = dns.lookup(r.domain, dns_type::spf);
    if (type99.status == dns_lookup::outcome::ok)
        r.type99 = type99.records;
    return txt;
}

// How many records there are and of which type, then the record itself.
void judge_records(customer_report& r, const customer_options& o, const dns_lookup& txt) {
    if (r.spf_records.empty())
        add(r, "no_record",
            txt.status == dns_lookup::outcome::nxdomain
                ? nxdomain_message(r.domain, txt)
                : r.domain + " has no SPF record: receivers cannot tell our mail from forgeries");
    if (r.spf_records.size() > 1)
        add(r, "multiple_records",
            std::to_string(r.spf_records.size()) + " SPF records at " + r.domain +
                ": receivers return permerror (RFC 7208 §4.5); publish "
                "exactly one");
    if (!r.type99.empty())
        add(r, "type99",
            "records of the deprecated SPF type (99) at " + r.domain +
                ": receivers ignore them (RFC 7208 §3.1); delete them");
    if (!r.spf_records.empty())
        judge_record(r, o, primary_record(r));
}

// check_host() for each of our representative addresses, as the customer's receivers run it.
void evaluate_senders(customer_report& r, const customer_options& o, spf_resolver& dns) {
    for (const customer_sender& s : representative_senders(o.networks)) {
        spf_request req;
        req.ip = s.ip;
        req.sender = o.local_part + "@" + r.domain;
        req.helo = o.helo;
        req.receiver = o.receiver;
        sender_verdict v{s, check_host(dns, req, r.domain), false};
        for (const spf_include_visit& i : v.evaluation.includes)
            if (i.domain == r.apex)
                v.include_reached = true;
        r.include_reached = r.include_reached || v.include_reached;
        r.max_lookups = std::max(r.max_lookups, v.evaluation.lookups);
        r.max_void_lookups = std::max(r.max_void_lookups, v.evaluation.void_lookups);
        r.verdicts.push_back(std::move(v));
    }
    r.include_present = r.include_present || r.include_reached;
}

// Our include: missing, or present but never reached.
void judge_include(customer_report& r) {
    // An evaluation that ended in an error before our include says why on its own.
    const bool evaluation_aborted =
        std::any_of(r.verdicts.begin(), r.verdicts.end(), [](const sender_verdict& v) {
            return v.evaluation.result == spf_result::permerror ||
                   v.evaluation.result == spf_result::temperror;
        });
    if (!r.spf_records.empty() && !r.include_present)
        add(r, "include_missing", "the record does not include " + r.apex);
    else if (r.include_present && !r.include_reached && !evaluation_aborted &&
             std::none_of(r.problems.begin(), r.problems.end(),
                          [](const auto& p) { return p.code == "include_after_all"; }))
        add(r, "include_not_reached",
            "include:" + r.apex + " is in the record but no evaluation reaches it");
}

// The limits of RFC 7208 §4.6.4, over the worst of our addresses.
void judge_limits(customer_report& r) {
    if (r.max_lookups > spf_max_lookups)
        add(r, "too_many_lookups",
            "more than " + std::to_string(spf_max_lookups) +
                " DNS lookups (RFC 7208 §4.6.4): receivers return "
                "permerror");
    if (r.max_void_lookups > spf_max_void_lookups)
        add(r, "too_many_void_lookups",
            "more than " + std::to_string(spf_max_void_lookups) +
                " void lookups (NXDOMAIN or empty answers, RFC 7208 §4.6.4): receivers return "
                "permerror");
}

// One line per distinct outcome other than pass, naming the addresses that share it.
void report_failing_senders(customer_report& r) {
    std::vector<std::pair<std::string, std::string>> failing; // outcome, addresses
    for (const sender_verdict& v : r.verdicts) {
        if (v.evaluation.result == spf_result::pass)
            continue;
        const std::string outcome =
            std::string(result_name(v.evaluation.result)) + ": " + v.evaluation.reason;
        auto it = std::find_if(failing.begin(), failing.end(),
                               [&](const auto& f) { return f.first == outcome; });
        if (it == failing.end())
            failing.emplace_back(outcome, v.sender.label);
        else
            it->second += ", " + v.sender.label;
    }
    for (const auto& [outcome, addresses] : failing)
        add(r, "sender_not_pass", "our " + addresses + " get " + outcome);
}

// What the customer's DMARC policy does to mail from each of our senders.
void judge_dmarc(customer_report& r, const customer_options& o, spf_resolver& dns) {
    std::vector<dmarc_sender> senders;
    for (const sender_verdict& v : r.verdicts)
        senders.push_back({v.sender.label, v.sender.ip, v.evaluation.result, false, ""});
    const dmarc_setting setting{o.envelope_domain, o.helo, o.local_part, o.receiver};
    r.dmarc = check_dmarc(dns, r.domain, setting, std::move(senders));
}

} // namespace

customer_report check_customer(spf_resolver& dns, const customer_options& o,
                               const std::string& domain) {
    customer_report r;
    r.domain = normalized_domain(domain);
    r.apex = normalized_domain(o.apex);
    caching_resolver cache(dns);
    const std::optional<dns_lookup> txt = read_records(r, cache);
    if (!txt)
        return r;
    judge_records(r, o, *txt);
    evaluate_senders(r, o, cache);
    judge_include(r);
    judge_limits(r);
    report_failing_senders(r);
    judge_dmarc(r, o, cache);

    const std::string current = r.spf_records.empty() ? "" : primary_record(r);
    r.change_needed = !(r.spf_records.size() == 1 && r.all_pass() && r.include_reached);
    r.suggested_record = r.change_needed ? suggest_record(current, r.apex) : current;
    return r;
}

} // namespace spfd
