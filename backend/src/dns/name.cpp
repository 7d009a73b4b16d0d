// SPDX-License-Identifier: MIT
#include "dns/name.h"

#include "util/ascii.h"

#include <ldns/ldns.h>

namespace spfd {
namespace {

host_name_parse not_a_host_name(std::string problem) {
    return {std::string(), std::move(problem)};
}

// The label rules of RFC 1123 §2.1 for the label name[start, end); nothing when it passes.
std::string host_label_problem(std::string_view name, std::size_t start, std::size_t end) {
    const std::size_t len = end - start;
    if (len == 0 || len > max_label_octets)
        return "has a label of " + std::to_string(len) + " characters (each must have 1 to 63)";
    if (name[start] == '-' || name[end - 1] == '-')
        return "has a label that starts or ends with '-'";
    return {};
}

} // namespace

bool is_wire_encodable_name(std::string_view name) {
    // ldns reads the text form as zone files do and refuses what does not fit the wire.
    ldns_rdf* rdf = ldns_dname_new_frm_str(std::string(name).c_str());
    if (rdf == nullptr)
        return false;
    ldns_rdf_deep_free(rdf);
    return true;
}

bool is_check_host_domain(std::string_view name) {
    if (name.empty() || name.size() > max_name_text_octets)
        return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = name.find('.', start);
        const std::size_t len = (dot == std::string_view::npos ? name.size() : dot) - start;
        if (len == 0 || len > max_label_octets)
            return false;
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

namespace {

// parse_host_name() and parse_spf_target(): the same rules, `_` allowed or not.
host_name_parse parse_name(std::string_view text, bool underscore) {
    std::string name(text);
    if (!name.empty() && name.back() == '.')
        name.pop_back();
    if (name.empty())
        return not_a_host_name("is empty");
    if (name.size() > max_name_text_octets)
        return not_a_host_name("is longer than 253 characters");
    std::size_t label_start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '.') {
            if (std::string problem = host_label_problem(name, label_start, i); !problem.empty())
                return not_a_host_name(std::move(problem));
            label_start = i + 1;
            continue;
        }
        const char c = ascii_lower(name[i]);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              (underscore && c == '_')))
            return not_a_host_name(std::string("has the character '") + name[i] +
                                   (underscore ? "' (only letters, digits, '-', '_' and '.')"
                                               : "' (only letters, digits, '-' and '.')"));
        name[i] = c;
    }
    // The last label has a letter (RFC 1123 §2.1), as RFC 7208's toplabel wants of the names
    // that include: terms (split, macro) and customers' records carry.
    const std::string_view top = std::string_view(name).substr(name.rfind('.') + 1);
    if (top.find_first_not_of("0123456789") == std::string_view::npos)
        return not_a_host_name("has an all-numeric last label ('" + std::string(top) +
                               "'); a top-level domain has a letter (RFC 1123 §2.1)");
    return {std::move(name), std::string()};
}

} // namespace

host_name_parse parse_host_name(std::string_view text) {
    return parse_name(text, false);
}

host_name_parse parse_spf_target(std::string_view text) {
    host_name_parse parsed = parse_name(text, true);
    if (parsed.ok() && parsed.name.find('.') == std::string::npos)
        return not_a_host_name("has one label only; an SPF target ends in '.' and a "
                               "top-level label (RFC 7208 §7.1)");
    return parsed;
}

bool is_at_or_below(std::string_view name, std::string_view apex) {
    return name == apex || is_strictly_below(name, apex);
}

bool is_strictly_below(std::string_view name, std::string_view apex) {
    return name.size() > apex.size() && name.ends_with(apex) &&
           name[name.size() - apex.size() - 1] == '.';
}

} // namespace spfd
