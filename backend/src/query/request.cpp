// SPDX-License-Identifier: MIT
#include "query/request.h"

#include "util/ascii.h"

#include <array>
#include <charconv>
#include <string>

namespace spfd {

bool parse_serial_text(std::string_view text, std::uint32_t& out) {
    // "2026120101" or, as pdns's REST body writes it (std::to_string of a double),
    // "2026120101.000000": digits, then optionally a '.' and zeros only.
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    if (dot != std::string_view::npos &&
        text.substr(dot + 1).find_first_not_of('0') != std::string_view::npos)
        return false;
    if (whole.empty() || whole.size() > 10 || whole.find_first_not_of("0123456789") != whole.npos)
        return false;
    std::uint64_t value = 0;
    std::from_chars(whole.data(), whole.data() + whole.size(), value); // ≤ 10 digits: fits
    if (value > 0xffffffffull)
        return false;
    out = static_cast<std::uint32_t>(value);
    return true;
}

method method_from_name(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, method>, 9> names{{
        {"initialize", method::initialize},
        {"lookup", method::lookup},
        {"getAllDomains", method::get_all_domains},
        {"getDomainInfo", method::get_domain_info},
        {"list", method::list},
        {"getAllDomainMetadata", method::get_all_domain_metadata},
        {"getDomainMetadata", method::get_domain_metadata},
        {"getUpdatedMasters", method::get_updated_masters},
        {"setNotified", method::set_notified},
    }};
    for (const auto& [text, kind] : names)
        if (iequals(text, name))
            return kind;
    return method::unknown;
}

} // namespace spfd
