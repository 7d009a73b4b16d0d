// SPDX-License-Identifier: MIT
#include "net/special_ranges.h"

#include <array>
#include <vector>

namespace spfd {
namespace {

struct special_block {
    std::string_view cidr;
    ip_family family;
    std::string_view what;
};

// IANA IPv4 and IPv6 Special-Purpose Address Registries, the entries that are not globally
// reachable, plus multicast and the documentation blocks. (IPv4-mapped IPv6 is refused by
// the parser already.)
constexpr std::array<special_block, 26> blocks{{
    {"0.0.0.0/8", ip_family::v4, "\"this network\" (RFC 791)"},
    {"10.0.0.0/8", ip_family::v4, "private-use (RFC 1918)"},
    {"100.64.0.0/10", ip_family::v4, "shared address space for carrier NAT (RFC 6598)"},
    {"127.0.0.0/8", ip_family::v4, "loopback (RFC 1122)"},
    {"169.254.0.0/16", ip_family::v4, "link-local (RFC 3927)"},
    {"172.16.0.0/12", ip_family::v4, "private-use (RFC 1918)"},
    {"192.0.0.0/24", ip_family::v4, "IETF protocol assignments (RFC 6890)"},
    {"192.0.2.0/24", ip_family::v4, "documentation, TEST-NET-1 (RFC 5737)"},
    {"192.88.99.0/24", ip_family::v4, "deprecated 6to4 relay anycast (RFC 7526)"},
    {"192.168.0.0/16", ip_family::v4, "private-use (RFC 1918)"},
    {"198.18.0.0/15", ip_family::v4, "benchmarking (RFC 2544)"},
    {"198.51.100.0/24", ip_family::v4, "documentation, TEST-NET-2 (RFC 5737)"},
    {"203.0.113.0/24", ip_family::v4, "documentation, TEST-NET-3 (RFC 5737)"},
    {"224.0.0.0/4", ip_family::v4, "multicast (RFC 5771)"},
    {"240.0.0.0/4", ip_family::v4, "reserved (RFC 1112)"},
    {"::/127", ip_family::v6, "unspecified or loopback (RFC 4291)"},
    {"64:ff9b:1::/48", ip_family::v6, "local-use IPv4/IPv6 translation (RFC 8215)"},
    {"100::/64", ip_family::v6, "discard-only (RFC 6666)"},
    {"2001::/23", ip_family::v6, "IETF protocol assignments (RFC 2928)"},
    {"2001:db8::/32", ip_family::v6, "documentation (RFC 3849)"},
    {"2002::/16", ip_family::v6, "6to4 (RFC 3056)"},
    {"3fff::/20", ip_family::v6, "documentation (RFC 9637)"},
    {"5f00::/16", ip_family::v6, "segment routing SIDs (RFC 9602)"},
    {"fc00::/7", ip_family::v6, "unique-local (RFC 4193)"},
    {"fe80::/10", ip_family::v6, "link-local (RFC 4291)"},
    {"ff00::/8", ip_family::v6, "multicast (RFC 4291)"},
}};

const std::vector<std::pair<ip_network, std::string_view>>& parsed_blocks() {
    static const auto parsed = [] {
        std::vector<std::pair<ip_network, std::string_view>> out;
        for (const auto& b : blocks)
            out.emplace_back(std::get<ip_network>(parse_network(b.cidr, b.family)), b.what);
        return out;
    }();
    return parsed;
}

} // namespace

std::optional<std::string_view> special_purpose(const ip_network& network) {
    for (const auto& [block, what] : parsed_blocks())
        if (block.family() == network.family() && network.first() <= block.last() &&
            block.first() <= network.last())
            return what;
    return std::nullopt;
}

} // namespace spfd
