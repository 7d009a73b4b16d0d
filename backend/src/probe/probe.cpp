// SPDX-License-Identifier: MIT
#include "probe/probe.h"

#include "dns/client.h"
#include "dns/name.h"
#include "spf/check_host.h"
#include "spf/limits.h"
#include "spf/record_parser.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <numeric>

namespace spfd {
namespace {

// Deeper than this, some evaluation has already gone over the lookup limit.
constexpr unsigned max_depth = spf_max_lookups + 1;
constexpr std::uint16_t edns_buffer = 1232; // as dns_query() sends it
constexpr std::size_t max_listed_terms = 5;

int status_rank(int status) {
    switch (status) {
    case probe_ok:
        return 0;
    case probe_unknown:
        return 1;
    case probe_warning:
        return 2;
    default:
        return 3;
    }
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const std::string& s : items) {
        if (!out.empty())
            out += separator;
        out += s;
    }
    return out;
}

// Multiset difference a − b, in a's order.
std::vector<std::string> missing_from(std::vector<std::string> a, std::vector<std::string> b) {
    std::vector<std::string> out;
    for (std::string& term : a) {
        const auto it = std::find(b.begin(), b.end(), term);
        if (it == b.end())
            out.push_back(std::move(term));
        else
            b.erase(it);
    }
    return out;
}

std::string list_terms(const std::vector<std::string>& terms) {
    std::vector<std::string> shown(
        terms.begin(),
        terms.begin() + static_cast<std::ptrdiff_t>(std::min(terms.size(), max_listed_terms)));
    std::string out = join(shown, " ");
    if (terms.size() > shown.size())
        out += " and " + std::to_string(terms.size() - shown.size()) + " more";
    return out;
}

bool usable(const txt_answer& a) {
    return a.answered() && a.rcode == 0 && !a.truncated && a.answer_rrs > 0;
}

// The v=spf1 records among TXT texts, sorted: servers rotate the order of an RRset.
std::vector<std::string> spf_records(const std::vector<std::string>& txt) {
    std::vector<std::string> out;
    for (const std::string& t : txt)
        if (is_spf_record(t))
            out.push_back(t);
    std::sort(out.begin(), out.end());
    return out;
}

// What customers' receivers get when our record's TXT query ends with `rcode`: an include
// whose target has no record is a permerror, a DNS error a temperror (RFC 7208 §5.2;
// docs/spf-rules.md).
std::string consequence(int rcode) {
    return rcode == 3 ? "customers' includes give permerror" : "customers get temperror";
}

// Walks the include/redirect tree the way an evaluation would reach it (§4.6.4), counting
// DNS-querying terms and void lookups; targets come from the probed server via `lookup`.
class lookup_counter {
  public:
    lookup_counter(const txt_lookup& lookup, probe_result& result)
        : lookup_(lookup), result_(result) {}

    void count(const std::vector<spf_term>& terms, unsigned depth, const std::string& path) {
        const spf_term_summary summary = summarize_terms(terms);
        for (std::size_t i = 0; i < terms.size(); ++i) {
            if (over_limit())
                return;
            const spf_term& t = terms[i];
            if (summary.all_index && i > *summary.all_index)
                break; // never evaluated (§5.1)
            // redirect= comes last, after every mechanism (§6.1): below.
            if (t.kind == spf_term_kind::redirect || !costs_dns_lookup(t.kind))
                continue;
            ++result_.lookups;
            if (t.kind == spf_term_kind::include)
                follow(t, depth, path);
        }
        if (summary.has_redirect && !summary.all_index && !over_limit())
            for (const spf_term& t : terms)
                if (t.kind == spf_term_kind::redirect) {
                    ++result_.lookups;
                    follow(t, depth, path);
                }
    }

  private:
    bool over_limit() const { return result_.lookups > spf_max_lookups; }

    // Counts the lookups of an include or redirect target's record, when the probe can
    // know it: no macros, not too deep, within the targets a probe resolves.
    void follow(const spf_term& term, unsigned depth, const std::string& path) {
        const std::string where = path.empty() ? term.text : path + " -> " + term.text;
        if (term.has_macros) {
            result_.unfollowed.push_back(where); // depends on the sender; costs 1 lookup here
            return;
        }
        if (over_limit())
            return;
        if (depth + 1 >= max_depth) {
            result_.add_problem(probe_warning, where + ": nested too deep, not followed");
            result_.unfollowed.push_back(where);
            return;
        }
        const std::string name = normalized_domain(term.domain_spec);
        const txt_answer* answer = answer_for(name, where);
        if (!answer)
            return;
        const bool include = term.kind == spf_term_kind::include;
        const std::string none_result =
            include ? "receivers return permerror (§5.2)" : "receivers return permerror (§6.1)";
        if (!answer_has_records(*answer, name, where, none_result))
            return;
        if (const auto parsed = target_record(answer->records, name, where, none_result))
            count(parsed->terms, depth + 1, where);
    }

    // The target's answer, each name asked once per probe; nothing once the probe has
    // resolved as many targets as it may.
    const txt_answer* answer_for(const std::string& name, const std::string& where) {
        auto cached = answers_.find(name);
        if (cached == answers_.end()) {
            if (answers_.size() >= probe_max_followed_targets) {
                result_.add_problem(probe_warning,
                                    where + ": not followed, the probe resolves at most " +
                                        std::to_string(probe_max_followed_targets) +
                                        " targets; the lookup count is a lower bound");
                result_.unfollowed.push_back(where);
                return nullptr;
            }
            cached = answers_.emplace(name, lookup_(name)).first;
        }
        return &cached->second;
    }

    // Whether the answer holds TXT records; otherwise says what receivers make of it.
    // NXDOMAIN and an empty answer are void lookups (§4.6.4).
    bool answer_has_records(const txt_answer& a, const std::string& name, const std::string& where,
                            const std::string& none_result) {
        if (!a.answered()) {
            result_.add_problem(probe_critical, where + ": no answer for " + name + " (" +
                                                    a.failure + "); receivers get temperror");
            return false;
        }
        if (a.rcode == 3) {
            ++result_.void_lookups;
            result_.add_problem(probe_critical,
                                where + ": " + name + " is NXDOMAIN; " + none_result);
            return false;
        }
        if (a.rcode == 2) {
            result_.add_problem(probe_critical,
                                where + ": SERVFAIL for " + name + "; receivers get temperror");
            return false;
        }
        if (a.rcode != 0 || a.truncated) {
            result_.add_problem(probe_warning,
                                where + ": not followed, the server answered " +
                                    (a.truncated ? std::string("truncated") : rcode_name(a.rcode)) +
                                    " for " + name + "; the lookup count is a lower bound");
            result_.unfollowed.push_back(where);
            return false;
        }
        if (a.records.empty()) {
            ++result_.void_lookups;
            result_.add_problem(probe_critical,
                                where + ": no TXT record at " + name + "; " + none_result);
            return false;
        }
        return true;
    }

    // The target's single, well-formed v=spf1 record; otherwise says why there is none.
    std::optional<spf_parse_result> target_record(const std::vector<std::string>& txt,
                                                  const std::string& name, const std::string& where,
                                                  const std::string& none_result) {
        const std::vector<std::string> records = spf_records(txt);
        if (records.size() != 1) {
            result_.add_problem(probe_critical, where + ": " + std::to_string(records.size()) +
                                                    " v=spf1 records at " + name + "; " +
                                                    none_result);
            return std::nullopt;
        }
        spf_parse_result parsed = parse_spf(records.front());
        if (!parsed.errors.empty()) {
            const spf_finding& e = parsed.errors.front();
            result_.add_problem(probe_critical, where + ": syntax error in " + name + " at '" +
                                                    e.term + "': " + e.message +
                                                    "; receivers return permerror");
            return std::nullopt;
        }
        return parsed;
    }

    const txt_lookup& lookup_;
    probe_result& result_;
    std::map<std::string, txt_answer> answers_; // each target queried once per probe
};

// Queries go through dns_query() to the configured server only.
class dns_client {
  public:
    dns_client(const probe_options& options, unsigned& queries)
        : server_{options.server, options.port, options.timeout, false}, queries_(queries) {}

    txt_answer query(const std::string& name, dns_transport t) const {
        ++queries_;
        return dns_query(server_, name, dns_type::txt, t);
    }

  private:
    dns_server server_;
    unsigned& queries_;
};

// A result with the name and thresholds filled in, and nothing measured yet.
probe_result empty_result(const probe_options& options) {
    probe_result result;
    result.name = options.name;
    result.warn_octets = options.warn_octets;
    result.crit_octets = options.crit_octets;
    result.planned_lookups = options.planned_lookups;
    return result;
}

// Step 1: every transport must answer NOERROR with data and, without EDNS, untruncated.
void judge_transports(probe_result& result, const probe_options& options, const txt_answer& udp,
                      const txt_answer& edns, const txt_answer& tcp) {
    for (const txt_answer* a : {&udp, &edns, &tcp}) {
        const std::string& t = a->transport;
        if (!a->answered()) {
            result.add_problem(probe_critical, t + ": " + a->failure);
            continue;
        }
        if (a->rcode == 0)
            (a == &udp    ? result.udp_octets
             : a == &edns ? result.edns_octets
                          : result.tcp_octets) = a->octets;
        if (a->rcode != 0) {
            result.add_problem(probe_critical, t + ": " + rcode_name(a->rcode) + " for " +
                                                   options.name + "; " + consequence(a->rcode));
        } else if (a->truncated) {
            if (a == &udp) {
                result.truncated_without_edns = true;
                result.add_problem(probe_critical, "udp: truncated (TC) without EDNS: the answer "
                                                   "does not fit 512 octets; receivers must retry "
                                                   "over TCP");
            } else {
                result.add_problem(probe_critical,
                                   t + ": truncated (TC)" +
                                       (a == &edns
                                            ? std::string(" even with a ") +
                                                  std::to_string(edns_buffer) + "-octet EDNS buffer"
                                            : std::string()));
            }
        } else if (a->answer_rrs == 0) {
            result.add_problem(probe_critical, t + ": empty answer (NODATA) for " + options.name +
                                                   "; customers' includes give permerror");
        }
    }
}

// Step 2: the answer size, as receivers without EDNS see it.
void judge_size(probe_result& result, const probe_options& options, const txt_answer& udp,
                const txt_answer& tcp) {
    if (usable(udp))
        result.answer_octets = udp.octets;
    else if (usable(tcp))
        result.answer_octets = tcp.octets;
    if (result.answer_octets >= options.crit_octets && result.answer_octets > 0)
        result.add_problem(probe_critical, "answer is " + std::to_string(result.answer_octets) +
                                               " octets, at or over the critical " +
                                               std::to_string(options.crit_octets));
    else if (result.answer_octets >= options.warn_octets && result.answer_octets > 0)
        result.add_problem(probe_warning, "answer is " + std::to_string(result.answer_octets) +
                                              " octets, at or over the warning " +
                                              std::to_string(options.warn_octets));
}

// Step 3: exactly one v=spf1 record, the same over every transport; sets result.record.
// TCP is never truncated, so it is the reference.
bool find_record(probe_result& result, const probe_options& options, const txt_answer& udp,
                 const txt_answer& edns, const txt_answer& tcp) {
    const txt_answer* reference = nullptr;
    for (const txt_answer* a : {&tcp, &edns, &udp})
        if (!reference && usable(*a))
            reference = a;
    if (!reference)
        return false;
    for (const txt_answer* a : {&tcp, &edns, &udp})
        if (a != reference && usable(*a) &&
            spf_records(a->records) != spf_records(reference->records))
            result.add_problem(probe_warning, a->transport + " serves a different record than " +
                                                  reference->transport);
    const std::vector<std::string> records = spf_records(reference->records);
    if (records.size() != 1) {
        result.add_problem(probe_critical,
                           std::to_string(records.size()) + " v=spf1 records among " +
                               std::to_string(reference->records.size()) + " TXT records at " +
                               options.name + "; " +
                               (records.empty() ? "customers' includes give permerror"
                                                : "receivers return permerror (§4.5)"));
        return false;
    }
    result.record = records.front();
    return true;
}

// The lookup count against the limits (§4.6.4) and against what the zone files planned.
void judge_lookups(probe_result& result, const probe_options& options) {
    if (result.lookups > spf_max_lookups)
        result.add_problem(probe_critical, std::to_string(result.lookups) +
                                               "+ DNS lookups, over the limit of " +
                                               std::to_string(spf_max_lookups) +
                                               " (§4.6.4): receivers return permerror");
    else if (result.lookups > options.planned_lookups)
        result.add_problem(probe_warning,
                           "the record costs " + std::to_string(result.lookups) +
                               " DNS lookups (planned: " + std::to_string(options.planned_lookups) +
                               "): each customer's include now costs 1 + " +
                               std::to_string(result.lookups) + " of their " +
                               std::to_string(spf_max_lookups));
    if (result.void_lookups > spf_max_void_lookups)
        result.add_problem(probe_critical, std::to_string(result.void_lookups) +
                                               " void lookups, over the limit of " +
                                               std::to_string(spf_max_void_lookups) +
                                               " (§4.6.4): receivers return permerror");
}

// Step 4: the record's syntax, then the lookups an evaluation of it costs.
void judge_record(probe_result& result, const probe_options& options, const txt_lookup& lookup) {
    const spf_parse_result parsed = parse_spf(result.record);
    for (const spf_finding& e : parsed.errors)
        result.add_problem(probe_critical, "syntax error at '" + e.term + "': " + e.message +
                                               "; customers' includes give permerror");
    for (const spf_finding& w : parsed.warnings)
        result.add_problem(probe_warning, "'" + w.term + "': " + w.message);
    if (!parsed.ok())
        return;
    result.lookups_counted = true;
    lookup_counter(lookup, result).count(parsed.terms, 0, "");
    judge_lookups(result, options);
}

} // namespace

void probe_result::add_problem(int level, std::string message) {
    status = worse_status(status, level);
    // Keep the most severe first; equal ones in the order found.
    auto pos = levels_.begin();
    while (pos != levels_.end() && status_rank(*pos) >= status_rank(level))
        ++pos;
    const auto index = pos - levels_.begin();
    levels_.insert(pos, level);
    problems.insert(problems.begin() + index, std::move(message));
}

int worse_status(int a, int b) {
    return status_rank(a) >= status_rank(b) ? a : b;
}

std::string_view status_name(int status) {
    switch (status) {
    case probe_ok:
        return "OK";
    case probe_warning:
        return "WARNING";
    case probe_critical:
        return "CRITICAL";
    default:
        return "UNKNOWN";
    }
}

std::string probe_result::summary_line() const {
    std::string line = "SPF " + std::string(status_name(status)) + " - " + name;
    if (!problems.empty())
        line += ": " + join(problems, "; ");

    std::vector<std::string> figures;
    if (answer_octets > 0) {
        std::string size = std::to_string(answer_octets) + " octets";
        if (truncated_without_edns)
            size += " over TCP";
        if (edns_octets > 0)
            size += " (EDNS " + std::to_string(edns_octets) + ")";
        figures.push_back(std::move(size));
    }
    if (lookups_counted) {
        figures.push_back(std::to_string(lookups) + " lookups");
        figures.push_back(std::to_string(void_lookups) + " void");
    }
    if (!figures.empty())
        line += (problems.empty() ? " " : "; ") + join(figures, ", ");

    // Performance data (Nagios plugin guidelines): label=value[UOM];warn;crit;min, U = unknown.
    const auto value = [](bool known, std::size_t v, std::string_view unit) {
        return known ? std::to_string(v) + std::string(unit) : std::string("U");
    };
    line += " | size=" + value(answer_octets > 0, answer_octets, "B") + ";" +
            std::to_string(warn_octets) + ";" + std::to_string(crit_octets) + ";0";
    line += " edns_size=" + value(edns_octets > 0, edns_octets, "B") + ";;;0";
    line += " lookups=" + value(lookups_counted, lookups, "") + ";" +
            std::to_string(planned_lookups) + ";" + std::to_string(spf_max_lookups) + ";0";
    line += " void=" + value(lookups_counted, void_lookups, "") + ";;" +
            std::to_string(spf_max_void_lookups) + ";0";
    return line;
}

std::optional<std::string> describe_drift(std::string_view served, std::string_view expected) {
    if (served == expected)
        return std::nullopt;
    const std::vector<std::string> s = split_record_terms(served);
    const std::vector<std::string> e = split_record_terms(expected);
    const std::vector<std::string> only_served = missing_from(s, e);
    const std::vector<std::string> only_expected = missing_from(e, s);
    std::string what;
    if (only_served.empty() && only_expected.empty())
        what = s == e ? "the same terms with different spacing" : "the same terms in another order";
    if (!only_served.empty())
        what = "only served: " + list_terms(only_served);
    if (!only_expected.empty())
        what += (what.empty() ? "" : "; ") + std::string("only in the zone files: ") +
                list_terms(only_expected);
    return "drift: served record differs from the zone files (" + what + ")";
}

probe_result evaluate_probe(const probe_options& options, const txt_answer& udp,
                            const txt_answer& edns, const txt_answer& tcp,
                            const txt_lookup& lookup) {
    probe_result result = empty_result(options);
    judge_transports(result, options, udp, edns, tcp);
    judge_size(result, options, udp, tcp);
    if (!find_record(result, options, udp, edns, tcp))
        return result;
    judge_record(result, options, lookup);
    // Step 5: drift between what is served and what the zone files say.
    if (options.expected_record)
        if (auto drift = describe_drift(result.record, *options.expected_record))
            result.add_problem(probe_warning, std::move(*drift));
    return result;
}

std::string probe_json(const probe_result& r) {
    boost::json::array problems;
    for (const std::string& p : r.problems)
        problems.emplace_back(p);
    boost::json::array unfollowed;
    for (const std::string& u : r.unfollowed)
        unfollowed.emplace_back(u);
    boost::json::object out{{"status", std::string(status_name(r.status))},
                            {"exit_code", r.status},
                            {"name", r.name},
                            {"record", r.record},
                            {"answer_octets", r.answer_octets},
                            {"udp_octets", r.udp_octets},
                            {"edns_octets", r.edns_octets},
                            {"tcp_octets", r.tcp_octets},
                            {"truncated_without_edns", r.truncated_without_edns},
                            {"warning_octets", r.warn_octets},
                            {"critical_octets", r.crit_octets},
                            {"planned_lookups", r.planned_lookups},
                            {"queries", r.queries},
                            {"problems", std::move(problems)},
                            {"unfollowed", std::move(unfollowed)}};
    // Not measured (no record found) is null, not 0: 0 lookups is a real, good value.
    out["lookups"] = r.lookups_counted ? boost::json::value(r.lookups) : nullptr;
    out["void_lookups"] = r.lookups_counted ? boost::json::value(r.void_lookups) : nullptr;
    return boost::json::serialize(out);
}

probe_result run_probe(const probe_options& options) {
    const auto bad_server =
        check_dns_server(dns_server{options.server, options.port, options.timeout, false});
    const bool name_ok = !options.name.empty() && is_wire_encodable_name(options.name);
    if (bad_server || !name_ok || options.warn_octets > options.crit_octets) {
        probe_result result = empty_result(options);
        result.add_problem(probe_unknown,
                           bad_server ? *bad_server
                           : !name_ok ? "'" + options.name + "' is not a valid DNS name"
                                      : std::string("the warning size is above the critical size"));
        return result;
    }

    unsigned queries = 0;
    const dns_client client(options, queries);
    const txt_answer udp = client.query(options.name, dns_transport::udp);
    const txt_answer edns = client.query(options.name, dns_transport::udp_edns);
    const txt_answer tcp = client.query(options.name, dns_transport::tcp);
    const txt_lookup follow = [&client](const std::string& target) {
        txt_answer a = client.query(target, dns_transport::udp_edns);
        if (a.answered() && a.truncated)
            a = client.query(target, dns_transport::tcp);
        return a;
    };
    probe_result result = evaluate_probe(options, udp, edns, tcp, follow);
    result.queries = queries;
    return result;
}

} // namespace spfd
