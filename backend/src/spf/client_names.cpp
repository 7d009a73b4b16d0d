// SPDX-License-Identifier: MIT
#include "spf/client_names.h"

#include "spf/limits.h"
#include "util/ascii.h"

#include <algorithm>

namespace spfd {
namespace asio_ip = boost::asio::ip;

// Upper-case nibbles, as in the examples of §7.4 (DNS ignores the case; explanations show it).
std::string ip_macro_text(const asio_ip::address& ip) {
    if (ip.is_v4())
        return ip.to_string();
    std::string out;
    for (std::uint8_t b : ip.to_v6().to_bytes()) {
        if (!out.empty())
            out += '.';
        out += upper_hex_digits[b >> 4];
        out += '.';
        out += upper_hex_digits[b & 15];
    }
    return out;
}

std::string reverse_dns_name(const asio_ip::address& ip) {
    const std::string forward = ip_macro_text(ip);
    std::string out;
    std::size_t end = forward.size();
    while (true) {
        const std::size_t dot = forward.rfind('.', end == 0 ? 0 : end - 1);
        const std::size_t start = dot == std::string::npos ? 0 : dot + 1;
        out += forward.substr(start, end - start) + ".";
        if (dot == std::string::npos)
            break;
        end = dot;
    }
    return ascii_lower(out + (ip.is_v4() ? "in-addr.arpa" : "ip6.arpa"));
}

std::vector<std::string> validated_names(spf_resolver& dns, const asio_ip::address& ip) {
    const dns_lookup ptr = dns.lookup(reverse_dns_name(ip), dns_type::ptr);
    std::vector<std::string> out;
    if (ptr.status != dns_lookup::outcome::ok)
        return out;
    const std::size_t examined =
        std::min<std::size_t>(ptr.records.size(), spf_max_names_per_lookup);
    for (std::size_t k = 0; k < examined; ++k) {
        const std::string name = normalized_domain(ptr.records[k]);
        if (name.empty())
            continue;
        const dns_lookup forward = dns.lookup(name, ip.is_v4() ? dns_type::a : dns_type::aaaa);
        const bool confirmed =
            std::any_of(forward.records.begin(), forward.records.end(), [&](const std::string& a) {
                boost::system::error_code ec;
                return asio_ip::make_address(a, ec) == ip && !ec;
            });
        if (confirmed)
            out.push_back(name);
    }
    return out;
}

bool is_same_or_subdomain(std::string_view name, std::string_view domain) {
    return name == domain || (name.size() > domain.size() && name.ends_with(domain) &&
                              name[name.size() - domain.size() - 1] == '.');
}

std::string pick_validated_name(const std::vector<std::string>& names, std::string_view domain) {
    if (names.empty())
        return "unknown";
    if (std::find(names.begin(), names.end(), domain) != names.end())
        return std::string(domain);
    for (const std::string& name : names)
        if (is_same_or_subdomain(name, domain))
            return name;
    return names.front();
}

} // namespace spfd
