// SPDX-License-Identifier: MIT
#include "zone/layout.h"

#include <algorithm>

namespace spfd {
namespace {

const char* all_term(all_qualifier all) {
    return all == all_qualifier::fail ? "-all" : "~all";
}

// Renders and measures a record made of `terms` between `v=spf1` and the final all.
spf_record render_terms(const std::vector<std::string>& terms, all_qualifier all,
                        std::string_view name) {
    spf_record r;
    r.text = "v=spf1";
    for (const std::string& t : terms)
        r.text += ' ' + t;
    r.text += ' ';
    r.text += all_term(all);
    r.strings = split_character_strings(r.text);
    r.measures.text_octets = r.text.size();
    r.measures.string_count = r.strings.size();
    r.measures.rfc_guideline_octets = name.size() + r.text.size();
    r.measures.answer_octets = txt_answer_wire_size(name, r.strings, false);
    r.measures.answer_octets_edns = txt_answer_wire_size(name, r.strings, true);
    r.measures.dns_lookups = count_dns_lookups(r.text);
    return r;
}

std::vector<std::string> mechanisms(const std::vector<ip_network>& networks) {
    std::vector<std::string> out;
    out.reserve(networks.size());
    for (const ip_network& n : networks)
        out.push_back(n.to_mechanism());
    return out;
}

// The include entries kept as include: terms (keep_include), in the order written: they
// close every apex, after our networks, so their lookups are spent only on addresses we
// do not list ourselves.
std::vector<std::string> kept_includes(const zone_spec& spec) {
    std::vector<std::string> out;
    for (const sender_include& i : spec.includes)
        if (i.keep)
            out.push_back("include:" + i.domain);
    return out;
}

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

bool fits(const spf_record& r, const zone_spec& spec) {
    return r.measures.answer_octets <= spec.max_answer_octets;
}

// "<n> octets, <k> over the budget of <b> (spf.max_answer_octets)"
std::string over_budget(const spf_record& r, const zone_spec& spec) {
    return std::to_string(r.measures.answer_octets) + " octets, " +
           std::to_string(r.measures.answer_octets - spec.max_answer_octets) +
           " over the budget of " + std::to_string(spec.max_answer_octets) +
           " (spf.max_answer_octets)";
}

// Packs the mechanisms in order into as few children as the budget allows. Greedy in the
// sorted order: deterministic, and a change only moves the networks after it.
std::vector<child_record> pack_children(const std::vector<std::string>& terms,
                                        const zone_spec& spec, std::size_t max_children) {
    std::vector<child_record> children;
    std::vector<std::string> current;
    std::size_t text_length = 0;
    auto close_child = [&] {
        const std::string name = child_name(spec.apex, children.size() + 1);
        children.push_back({name, render_terms(current, spec.all, name)});
        current.clear();
        text_length = 0;
    };
    for (const std::string& term : terms) {
        current.push_back(term);
        text_length += term.size() + 1;
        // Cheap bound first: the wire size is at least the text plus fixed overhead.
        const std::string name = child_name(spec.apex, children.size() + 1);
        if (text_length + name.size() + 60 > spec.max_answer_octets &&
            !fits(render_terms(current, spec.all, name), spec)) {
            current.pop_back();
            if (current.empty())
                return {}; // one mechanism alone does not fit: budget far too small
            close_child();
            if (children.size() >= max_children)
                return {};
            current.push_back(term);
            text_length = term.size() + 1;
        }
    }
    if (!current.empty())
        close_child();
    return children;
}

std::optional<record_layout> lay_out_split(const zone_spec& spec,
                                           const std::vector<std::string>& terms, diagnostics* out,
                                           const source_position& where) {
    const std::vector<std::string> kept = kept_includes(spec);
    const std::size_t beside_ours = spec.max_customer_lookups - 1; // our include is one
    const std::size_t max_children = beside_ours - std::min(kept.size(), beside_ours);
    record_layout layout;
    layout.mode = overflow_mode::split;
    layout.children = pack_children(terms, spec, max_children);
    if (layout.children.empty() || layout.children.size() > max_children) {
        if (out != nullptr)
            out->error(where, "split: the " + std::to_string(terms.size()) +
                                  " networks need more than " + std::to_string(max_children) +
                                  (max_children == 1 ? " child record" : " child records") +
                                  " of at most " + std::to_string(spec.max_answer_octets) +
                                  " octets, so a customer's include would cost more than " +
                                  std::to_string(spec.max_customer_lookups) +
                                  " lookups (spf.max_customer_lookups). Aggregate the senders, "
                                  "raise the maximum, or use overflow = \"macro\"");
        return std::nullopt;
    }
    std::vector<std::string> includes;
    for (const child_record& c : layout.children)
        includes.push_back("include:" + c.name);
    layout.apex = render_terms(joined(includes, kept), spec.all, spec.apex);
    layout.customer_lookups = 1 + static_cast<unsigned>(layout.children.size() + kept.size());
    // The children are as few as the budget allows, so no other split has a shorter apex.
    if (!fits(layout.apex, spec)) {
        if (out != nullptr)
            out->error(where, "split: the record at " + spec.apex + " that includes the " +
                                  std::to_string(layout.children.size()) +
                                  " child records would be " + over_budget(layout.apex, spec) +
                                  ". Raise the budget (at most 512), aggregate the senders, or "
                                  "use overflow = \"macro\"");
        return std::nullopt;
    }
    return layout;
}

std::optional<record_layout> lay_out_macro(const zone_spec& spec, diagnostics& out,
                                           const source_position& where) {
    record_layout layout;
    layout.mode = overflow_mode::macro;
    // %{i}: the client IP, dotted quad or 32 nibbles (RFC 7208 §7.3).
    const std::vector<std::string> kept = kept_includes(spec);
    layout.apex = render_terms(joined({"include:%{i}." + per_ip_parent(spec.apex)}, kept), spec.all,
                               spec.apex);
    layout.customer_lookups = 2 + static_cast<unsigned>(kept.size());
    // A small budget with a long zone name. The per-IP answers, computed per query, stay
    // below 512 octets for any zone name that leaves room for 32 nibble labels.
    if (!fits(layout.apex, spec)) {
        out.error(where, "macro: the record at " + spec.apex + " would be " +
                             over_budget(layout.apex, spec) +
                             ". Raise the budget (at most 512) or use a shorter zone name");
        return std::nullopt;
    }
    return layout;
}

} // namespace

std::string child_name(const std::string& apex, std::size_t n) {
    return "_s" + std::to_string(n) + "." + apex;
}

std::string per_ip_parent(const std::string& apex) {
    return "_ip." + apex;
}

std::optional<record_layout> lay_out(const zone_spec& spec, const std::vector<ip_network>& networks,
                                     diagnostics& out) {
    const source_position where =
        spec.senders.empty() ? source_position{spec.file, 0, 0} : spec.where(spec.senders.front());
    // Macro mode publishes no network in any record: rendering up to a million mechanisms
    // only to drop them would cost the load time and peak memory for nothing.
    if (spec.overflow == overflow_mode::macro)
        return lay_out_macro(spec, out, where);
    const std::vector<std::string> terms = mechanisms(networks);

    record_layout flat;
    flat.mode = overflow_mode::flat;
    flat.apex = render_terms(joined(terms, kept_includes(spec)), spec.all, spec.apex);
    flat.customer_lookups = 1 + flat.apex.measures.dns_lookups;

    switch (spec.overflow) {
    case overflow_mode::flat:
        if (fits(flat.apex, spec))
            return flat;
        out.error(where, "the SPF answer for " + spec.apex + " would be " +
                             over_budget(flat.apex, spec) + "; " + std::to_string(networks.size()) +
                             " networks after aggregation. Remove senders, list whole networks "
                             "instead of single addresses, raise the budget (at most 512), or "
                             "choose an overflow strategy ([spf] overflow = \"auto\")");
        return std::nullopt;
    case overflow_mode::split:
        return lay_out_split(spec, terms, &out, where);
    case overflow_mode::macro:
        return lay_out_macro(spec, out, where);
    case overflow_mode::auto_:
        if (fits(flat.apex, spec))
            return flat;
        if (auto split = lay_out_split(spec, terms, nullptr, where))
            return split;
        return lay_out_macro(spec, out, where);
    }
    return std::nullopt;
}

} // namespace spfd
