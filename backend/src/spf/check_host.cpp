// SPDX-License-Identifier: MIT
#include "spf/check_host.h"

#include "dns/name.h"
#include "spf/client_names.h"
#include "spf/limits.h"
#include "spf/macro_string.h"
#include "spf/record_parser.h"
#include "util/ascii.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <functional>

namespace spfd {
namespace asio_ip = boost::asio::ip;

namespace {

asio_ip::address unmapped(const asio_ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio_ip::make_address_v4(asio_ip::v4_mapped, a.to_v6());
    return a;
}

// Whether `client` lies in `network_text`/prefix (same family only).
bool in_network(const asio_ip::address& client, const asio_ip::address& network, unsigned prefix) {
    if (client.is_v4() != network.is_v4())
        return false;
    if (client.is_v4()) {
        const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
        return (client.to_v4().to_uint() & mask) == (network.to_v4().to_uint() & mask);
    }
    const auto a = client.to_v6().to_bytes();
    const auto b = network.to_v6().to_bytes();
    unsigned bits = prefix;
    for (std::size_t i = 0; i < a.size() && bits > 0; ++i) {
        const unsigned take = std::min(bits, 8u);
        const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
        if ((a[i] & mask) != (b[i] & mask))
            return false;
        bits -= take;
    }
    return true;
}

bool is_unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

std::string url_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (is_unreserved(c)) {
            out += c;
        } else {
            const auto u = static_cast<unsigned char>(c);
            out += '%';
            out += upper_hex_digits[u >> 4];
            out += upper_hex_digits[u & 15];
        }
    }
    return out;
}

// The local-part and domain of the sender (§4.3: "postmaster" when there is no local-part).
std::pair<std::string, std::string> split_sender(const std::string& sender) {
    const std::size_t at = sender.rfind('@');
    if (at == std::string::npos)
        return {"postmaster", sender};
    std::string local = sender.substr(0, at);
    return {local.empty() ? "postmaster" : local, sender.substr(at + 1)};
}

// What the macro letters stand for (§7.3), worked out once per expansion.
struct macro_inputs {
    explicit macro_inputs(const macro_values& v)
        : values(v), ip(unmapped(v.ip)), sender_parts(split_sender(v.sender)) {}
    const macro_values& values;
    asio_ip::address ip;
    std::pair<std::string, std::string> sender_parts; // local-part, domain
};

// The value of a macro letter before transformers. c, r and t reach here only in
// explanation text: parse_macro_string() refuses them in domain-specs (§7.2).
std::string letter_value(char letter, const macro_inputs& in) {
    switch (ascii_lower(letter)) {
    case 's':
        return in.values.sender;
    case 'l':
        return in.sender_parts.first;
    case 'o':
        return in.sender_parts.second;
    case 'd':
        return in.values.domain;
    case 'i':
        return ip_macro_text(in.ip);
    case 'v':
        return in.ip.is_v4() ? "in-addr" : "ip6";
    case 'h':
        return in.values.helo;
    case 'c':
        return in.ip.to_string();
    case 't':
        return std::to_string(std::time(nullptr));
    case 'p':
        return in.values.validated_name;
    default: // r
        return in.values.receiver;
    }
}

// The transformers (§7.3): split on the delimiters, reverse, keep the rightmost parts,
// join with dots.
std::string transformed(std::string value, const macro_piece& macro) {
    const std::string_view delimiters = macro.delimiters.empty() ? "." : macro.delimiters;
    if (macro.keep == 0 && !macro.reverse && delimiters == ".")
        return value;
    std::vector<std::string> parts;
    std::string part;
    for (char ch : value) {
        if (delimiters.find(ch) != std::string_view::npos) {
            parts.push_back(std::move(part));
            part.clear();
        } else {
            part += ch;
        }
    }
    parts.push_back(std::move(part));
    if (macro.reverse)
        std::reverse(parts.begin(), parts.end());
    if (macro.keep > 0 && macro.keep < parts.size())
        parts.erase(parts.begin(), parts.end() - static_cast<std::ptrdiff_t>(macro.keep));
    std::string out;
    for (std::size_t k = 0; k < parts.size(); ++k)
        out += (k ? "." : "") + parts[k];
    return out;
}

std::string expanded(const macro_piece& piece, const macro_inputs& in) {
    switch (piece.type) {
    case macro_piece::kind::literal:
        return std::string(piece.text);
    case macro_piece::kind::escape:
        return piece.letter == '%' ? "%" : piece.letter == '_' ? " " : "%20";
    case macro_piece::kind::macro:
        break;
    }
    const std::string value = transformed(letter_value(piece.letter, in), piece);
    // An upper-case letter asks for URL escaping (§7.3).
    return piece.letter >= 'A' && piece.letter <= 'Z' ? url_escape(value) : value;
}

// §7.3: a domain name longer than 253 octets loses labels from the left; a trailing dot
// goes too.
std::string shortened_domain(std::string name) {
    if (!name.empty() && name.back() == '.')
        name.pop_back();
    while (name.size() > 253) {
        const std::size_t dot = name.find('.');
        if (dot == std::string::npos)
            break;
        name.erase(0, dot + 1);
    }
    return name;
}

// A result that ends the evaluation at once: temperror or permerror (§4.4, §4.6).
struct abort_evaluation {
    spf_result result;
    std::string why;
};

spf_result qualified(spf_qualifier q) {
    switch (q) {
    case spf_qualifier::pass:
        return spf_result::pass;
    case spf_qualifier::fail:
        return spf_result::fail;
    case spf_qualifier::softfail:
        return spf_result::softfail;
    default:
        return spf_result::neutral;
    }
}

// Hands the evaluator's own accounting to code that takes a resolver (client_names).
class lookup_adapter : public spf_resolver {
  public:
    explicit lookup_adapter(std::function<dns_lookup(const std::string&, dns_type)> ask)
        : ask_(std::move(ask)) {}
    dns_lookup lookup(const std::string& name, dns_type type) override { return ask_(name, type); }

  private:
    std::function<dns_lookup(const std::string&, dns_type)> ask_;
};

class evaluator {
  public:
    evaluator(spf_resolver& dns, const spf_request& request, spf_evaluation& out)
        : dns_(dns), out_(out), ip_(unmapped(request.ip)), helo_(normalized_domain(request.helo)),
          receiver_(request.receiver) {
        sender_ = request.sender.empty() ? "postmaster@" + helo_ : request.sender;
    }

    // check_host() for `domain`; `depth` 0 for the domain asked about.
    spf_result check(const std::string& domain, unsigned depth) {
        const std::optional<std::string> record = fetch_record(domain);
        if (!record) {
            if (depth == 0)
                out_.reason = "no SPF record at " + domain;
            return spf_result::none;
        }
        if (depth == 0)
            out_.record = *record;
        return evaluate(*record, domain, depth);
    }

  private:
    // One query, counted; void answers count towards the limit when `count_void` (the
    // mechanisms' queries; %{p} and exp= ones do not, §4.6.4 limits terms).
    dns_lookup ask(const std::string& name, dns_type type, bool count_void) {
        dns_lookup r;
        if (!is_check_host_domain(name)) {
            r.status = dns_lookup::outcome::nxdomain; // not a name: nothing can exist there
        } else {
            ++out_.queries;
            r = dns_.lookup(name, type);
        }
        if (count_void && r.is_void() && ++out_.void_lookups > spf_max_void_lookups)
            throw abort_evaluation{spf_result::permerror,
                                   "more than " + std::to_string(spf_max_void_lookups) +
                                       " void lookups (§4.6.4), the last one " + name};
        return r;
    }

    dns_lookup query(const std::string& name, dns_type type) {
        dns_lookup r = ask(name, type, true);
        if (r.status == dns_lookup::outcome::error)
            throw abort_evaluation{spf_result::temperror, "DNS error for " + name + ": " + r.error};
        return r;
    }

    void count_lookup(const spf_term& t) {
        if (++out_.lookups > spf_max_lookups)
            throw abort_evaluation{spf_result::permerror,
                                   "more than " + std::to_string(spf_max_lookups) +
                                       " DNS lookups (§4.6.4), the 11th at '" + t.text + "'"};
    }

    // The single v=spf1 TXT record at domain, nothing when there is none (§4.4, §4.5).
    std::optional<std::string> fetch_record(const std::string& domain) {
        if (!is_check_host_domain(domain))
            return std::nullopt; // §4.3: not a domain, result none
        const dns_lookup r = query(domain, dns_type::txt);
        std::vector<std::string> records;
        for (const std::string& t : r.records)
            if (is_spf_record(t))
                records.push_back(t);
        if (records.size() > 1)
            throw abort_evaluation{spf_result::permerror, std::to_string(records.size()) +
                                                              " SPF records at " + domain +
                                                              " (§4.5)"};
        if (records.empty())
            return std::nullopt;
        return records.front();
    }

    // The values for expanding a macro-string of `domain`'s record; %{p} costs PTR and
    // address queries, asked once per evaluation and only when the text uses it.
    macro_values values_for(std::string_view text, const std::string& domain,
                            macro_context context) {
        macro_values v{sender_, helo_, domain, ip_};
        v.receiver = receiver_;
        if (parse_macro_string(text, context).uses_p) {
            if (!validated_names_) {
                lookup_adapter unlimited(
                    [this](const std::string& n, dns_type t) { return ask(n, t, false); });
                validated_names_ = validated_names(unlimited, ip_);
            }
            v.validated_name = pick_validated_name(*validated_names_, domain);
        }
        return v;
    }

    std::string target(const spf_term& t, const std::string& domain) {
        if (t.domain_spec.empty())
            return domain;
        const std::optional<std::string> expanded = expand_macros(
            t.domain_spec, values_for(t.domain_spec, domain, macro_context::domain_spec));
        if (!expanded)
            throw abort_evaluation{spf_result::permerror, "malformed macro in '" + t.text + "'"};
        return normalized_domain(*expanded);
    }

    std::vector<asio_ip::address> addresses(const std::string& name) {
        const dns_lookup r = query(name, ip_.is_v4() ? dns_type::a : dns_type::aaaa);
        std::vector<asio_ip::address> out;
        for (const std::string& text : r.records) {
            boost::system::error_code ec;
            const auto a = asio_ip::make_address(text, ec);
            if (!ec)
                out.push_back(a);
        }
        return out;
    }

    bool any_in(const std::vector<asio_ip::address>& list, const spf_term& t) {
        const unsigned prefix = ip_.is_v4() ? t.ip4_cidr.value_or(32) : t.ip6_cidr.value_or(128);
        return std::any_of(list.begin(), list.end(),
                           [&](const asio_ip::address& a) { return in_network(ip_, a, prefix); });
    }

    bool match_mx(const spf_term& t, const std::string& name) {
        const dns_lookup r = query(name, dns_type::mx);
        if (r.records.size() > spf_max_names_per_lookup)
            throw abort_evaluation{spf_result::permerror,
                                   name + " has " + std::to_string(r.records.size()) +
                                       " MX records, more than " +
                                       std::to_string(spf_max_names_per_lookup) + " (§4.6.4)"};
        for (const std::string& host : mx_exchanges(r.records))
            if (any_in(addresses(host), t))
                return true;
        return false;
    }

    // §5.5: a validated name of the client at or below the target; DNS errors mean no
    // match (a PTR error) or skip a name (an address error).
    bool match_ptr(const std::string& domain) {
        lookup_adapter counted(
            [this](const std::string& n, dns_type t) { return ask(n, t, true); });
        const std::vector<std::string> names = validated_names(counted, ip_);
        return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
            return is_same_or_subdomain(name, domain);
        });
    }

    // Evaluates one record (§4.6): the first matching mechanism decides; else redirect=;
    // else neutral (§4.7).
    spf_result evaluate(const std::string& record, const std::string& domain, unsigned depth) {
        const spf_parse_result parsed = parsed_record(record, domain);
        const spf_term* redirect = nullptr;
        for (const spf_term& t : parsed.terms) {
            if (t.kind == spf_term_kind::redirect)
                redirect = &t;
            if (!t.is_mechanism() || !matches(t, domain, depth))
                continue;
            if (depth == 0) {
                out_.reason = "matched '" + t.text + "'";
                if (t.qualifier == spf_qualifier::fail)
                    out_.explanation = explanation(parsed, domain);
            }
            return qualified(t.qualifier);
        }
        if (redirect) // §6.1: only when no mechanism matched (an `all` always matches)
            return follow_redirect(*redirect, domain, depth);
        if (depth == 0)
            out_.reason = "no term matched (default neutral, §4.7)";
        return spf_result::neutral;
    }

    // §6.2: the exp= text of the record that failed, expanded; any error fetching or
    // expanding it means no explanation, never another result.
    std::string explanation(const spf_parse_result& parsed, const std::string& domain) {
        const auto exp =
            std::find_if(parsed.terms.begin(), parsed.terms.end(),
                         [](const spf_term& t) { return t.kind == spf_term_kind::exp; });
        if (exp == parsed.terms.end())
            return "";
        try {
            const std::optional<std::string> name = expand_macros(
                exp->domain_spec, values_for(exp->domain_spec, domain, macro_context::domain_spec));
            if (!name)
                return "";
            const dns_lookup r = ask(normalized_domain(*name), dns_type::txt, false);
            if (r.status != dns_lookup::outcome::ok || r.records.size() != 1)
                return "";
            const std::string& text = r.records.front();
            return expand_macros(text, values_for(text, domain, macro_context::explanation), true)
                .value_or("");
        } catch (const abort_evaluation&) {
            return "";
        }
    }

    // A syntax error anywhere makes the whole record a permerror (§4.6).
    spf_parse_result parsed_record(const std::string& record, const std::string& domain) {
        spf_parse_result parsed = parse_spf(record);
        if (!parsed.ok()) {
            const spf_finding& e = parsed.errors.front();
            throw abort_evaluation{spf_result::permerror, "syntax error in the record of " +
                                                              domain + " at '" + e.term +
                                                              "': " + e.message};
        }
        return parsed;
    }

    // Whether one mechanism matches the client (§5); lookups are counted before the first
    // query is sent, so the 11th is refused.
    bool matches(const spf_term& t, const std::string& domain, unsigned depth) {
        if (costs_dns_lookup(t.kind))
            count_lookup(t);
        switch (t.kind) {
        case spf_term_kind::all:
            return true;
        case spf_term_kind::include:
            return match_include(t, domain, depth);
        case spf_term_kind::a:
            return any_in(addresses(target(t, domain)), t);
        case spf_term_kind::mx:
            return match_mx(t, target(t, domain));
        case spf_term_kind::ptr:
            return match_ptr(target(t, domain));
        case spf_term_kind::ip4:
        case spf_term_kind::ip6:
            return in_network(ip_, t.address, t.prefix_length());
        case spf_term_kind::exists:
            // A whatever the client's family (§5.7).
            return !query(target(t, domain), dns_type::a).records.empty();
        default:
            return false;
        }
    }

    // §5.2: the target's own evaluation; only its pass is a match here.
    bool match_include(const spf_term& t, const std::string& domain, unsigned depth) {
        const std::string name = target(t, domain);
        out_.includes.push_back({name, spf_result::none, depth + 1});
        const std::size_t visit = out_.includes.size() - 1;
        const std::optional<std::string> nested = fetch_record(name);
        if (!nested)
            throw abort_evaluation{spf_result::permerror,
                                   "'" + t.text + "': no SPF record at " + name + " (§5.2)"};
        const spf_result r = evaluate(*nested, name, depth + 1);
        out_.includes[visit].result = r;
        return r == spf_result::pass;
    }

    // §6.1: the target's record replaces this one.
    spf_result follow_redirect(const spf_term& redirect, const std::string& domain,
                               unsigned depth) {
        count_lookup(redirect);
        const std::string name = target(redirect, domain);
        const std::optional<std::string> next = fetch_record(name);
        if (!next)
            throw abort_evaluation{spf_result::permerror,
                                   "'" + redirect.text + "': no SPF record at " + name + " (§6.1)"};
        if (depth == 0)
            out_.reason = "by '" + redirect.text + "'";
        // Same depth for reports: the target stands in for this record.
        return evaluate(*next, name, depth);
    }

    spf_resolver& dns_;
    spf_evaluation& out_;
    asio_ip::address ip_;
    std::string helo_;
    std::string sender_;
    std::string receiver_;
    std::optional<std::vector<std::string>> validated_names_; // for %{p}, once asked
};

} // namespace

std::string spf_request::checked_domain() const {
    if (sender.empty())
        return helo;
    return sender.substr(sender.rfind('@') + 1);
}

std::vector<std::string> mx_exchanges(const std::vector<std::string>& mx_records) {
    std::vector<std::pair<unsigned, std::string>> hosts;
    for (const std::string& mx : mx_records) {
        const std::size_t space = mx.find(' ');
        unsigned preference = 0;
        std::from_chars(mx.data(), mx.data() + std::min(space, mx.size()), preference);
        std::string host =
            normalized_domain(space == std::string::npos ? "" : mx.substr(space + 1));
        if (!host.empty())
            hosts.emplace_back(preference, std::move(host));
    }
    std::sort(hosts.begin(), hosts.end());
    std::vector<std::string> out;
    for (auto& [preference, host] : hosts)
        out.push_back(std::move(host));
    return out;
}

std::string_view result_name(spf_result r) {
    static constexpr std::array<std::string_view, 7> names = {
        "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"};
    return names[static_cast<std::size_t>(r)];
}

spf_evaluation check_host(spf_resolver& dns, const spf_request& request, std::string_view domain) {
    spf_evaluation out;
    evaluator e(dns, request, out);
    try {
        out.result = e.check(normalized_domain(domain), 0);
    } catch (const abort_evaluation& a) {
        out.result = a.result;
        out.reason = a.why;
    }
    return out;
}

std::optional<std::string> expand_macros(std::string_view text, const macro_values& values,
                                         bool explanation) {
    const macro_string parsed = parse_macro_string(text, explanation ? macro_context::explanation
                                                                     : macro_context::domain_spec);
    if (parsed.error)
        return std::nullopt;
    const macro_inputs inputs(values);
    std::string out;
    for (const macro_piece& piece : parsed.pieces)
        out += expanded(piece, inputs);
    return explanation ? out : shortened_domain(std::move(out));
}

dns_lookup ldns_spf_resolver::lookup(const std::string& name, dns_type type) {
    dns_response r = dns_query(server_, name, type, dns_transport::udp_edns);
    if (r.answered() && r.truncated)
        r = dns_query(server_, name, type, dns_transport::tcp);
    dns_lookup out;
    out.server_not_recursive = r.answered() && !r.recursion_available;
    if (!r.answered()) {
        out.status = dns_lookup::outcome::error;
        out.error = r.failure;
    } else if (r.rcode == 3) {
        out.status = dns_lookup::outcome::nxdomain;
    } else if (r.rcode != 0) {
        out.status = dns_lookup::outcome::error;
        out.error = rcode_name(r.rcode);
    } else {
        out.records = std::move(r.records);
        out.ttl = r.min_ttl;
    }
    return out;
}

failover_resolver::failover_resolver(std::vector<dns_server> servers) {
    for (dns_server& server : servers) {
        server.recursion_desired = true;
        servers_.emplace_back(std::move(server));
    }
}

dns_lookup failover_resolver::lookup(const std::string& name, dns_type type) {
    dns_lookup last;
    last.status = dns_lookup::outcome::error;
    last.error = "no resolver configured";
    for (ldns_spf_resolver& server : servers_) {
        last = server.lookup(name, type);
        // Only no response at all (a failure, not an rcode) is worth asking the next.
        if (last.status != dns_lookup::outcome::error ||
            last.error.find("timeout") == std::string::npos)
            return last;
    }
    return last;
}

dns_lookup caching_resolver::lookup(const std::string& name, dns_type type) {
    const auto key = std::make_pair(name, type);
    if (const auto it = cache_.find(key); it != cache_.end())
        return it->second;
    ++queries_;
    return cache_.emplace(key, inner_.lookup(name, type)).first->second;
}

} // namespace spfd
