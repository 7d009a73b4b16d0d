// SPDX-License-Identifier: MIT
#include "net/ip_network.h"

#include <charconv>
#include <optional>

namespace spfd {
namespace asio_ip = boost::asio::ip;

namespace {

uint128 to_integer(const asio_ip::address_v6& a) {
    uint128 value = 0;
    for (unsigned char byte : a.to_bytes())
        value = (value << 8) | byte;
    return value;
}

asio_ip::address_v6 v6_from_integer(uint128 value) {
    asio_ip::address_v6::bytes_type bytes{};
    for (int i = 15; i >= 0; --i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(value & 0xff);
        value >>= 8;
    }
    return asio_ip::address_v6(bytes);
}

uint128 host_mask(unsigned bits, unsigned prefix) {
    const unsigned host_bits = bits - prefix;
    return host_bits >= 128 ? ~uint128{0} : (uint128{1} << host_bits) - 1;
}

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return !s.empty();
}

// A precise reason for a bad dotted quad; the accept/reject decision itself is the
// library's (inet_pton via Asio), this only explains it to the operator.
std::string why_not_ipv4(std::string_view addr) {
    unsigned parts = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = addr.find('.', start);
        const std::string_view part =
            addr.substr(start, dot == addr.npos ? addr.npos : dot - start);
        ++parts;
        if (!all_digits(part))
            return "'" + std::string(part) + "' is not a decimal number";
        if (part.size() > 1 && part[0] == '0')
            return "'" + std::string(part) + "' has a leading zero";
        if (part.size() > 3 || std::stoi(std::string(part)) > 255)
            return std::string(part) + " is larger than 255";
        if (dot == addr.npos)
            break;
        start = dot + 1;
    }
    if (parts != 4)
        return "an IPv4 address has four numbers, this has " + std::to_string(parts);
    return "not a valid dotted quad";
}

network_parse_error fail(std::string_view text, std::string why) {
    return {"\"" + std::string(text) + "\": " + std::move(why)};
}

// The part after '/': decimal, no leading zero (RFC 7208 §5.6), within the family's width.
std::variant<unsigned, network_parse_error> parse_prefix(std::string_view text, std::size_t slash,
                                                         unsigned max_prefix) {
    if (slash == std::string_view::npos)
        return max_prefix;
    const std::string_view p = text.substr(slash + 1);
    if (!all_digits(p))
        return fail(text, "the prefix length after '/' must be a decimal number from 0 to " +
                              std::to_string(max_prefix));
    if (p.size() > 1 && p[0] == '0') {
        // The digits without their zeros, as text: any number of digits fits.
        const std::size_t digit = p.find_first_not_of('0');
        return fail(text, "the prefix length '/" + std::string(p) +
                              "' has a leading zero (RFC 7208 §5.6); write /" +
                              std::string(digit == p.npos ? "0" : p.substr(digit)));
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (ec != std::errc{} || end != p.data() + p.size() || value > max_prefix)
        return fail(text, "prefix length /" + std::string(p) + " is out of range; " +
                              (max_prefix == 32 ? "IPv4" : "IPv6") + " allows /0 to /" +
                              std::to_string(max_prefix));
    return value;
}

// Mistakes seen in the text before it is parsed as an address: empty, white space, the
// mechanism's prefix, the other family's notation.
std::optional<network_parse_error> misfit_text(std::string_view text, bool want_v4) {
    if (text.empty())
        return fail(text, "empty; write an address such as " +
                              std::string(want_v4 ? "192.0.2.1" : "2001:db8::1"));
    for (char c : text)
        if (c == ' ' || c == '\t')
            return fail(text, "contains white space; write one address or network per entry");
    if (text.starts_with("ip4:") || text.starts_with("ip6:") || text.starts_with("IP4:") ||
        text.starts_with("IP6:"))
        return fail(text, "write the address without the '" + std::string(text.substr(0, 4)) +
                              "' prefix; the record's mechanisms are generated");
    const std::string_view addr_text = text.substr(0, text.find('/'));
    const bool is_v6_text = addr_text.find(':') != std::string_view::npos;
    if (is_v6_text && want_v4)
        return fail(text, "is an IPv6 address where an IPv4 one is expected; write it as "
                          "ip6 = \"" +
                              std::string(text) + "\"");
    if (!is_v6_text && !want_v4 && addr_text.find('.') != std::string_view::npos)
        return fail(text, "is an IPv4 address where an IPv6 one is expected; write it as "
                          "ip4 = \"" +
                              std::string(text) + "\"");
    return std::nullopt;
}

// The prefix after the address, and the network they make. A network is written with its
// host bits zero; the message offers both readings, since either the network or the single
// address may have been meant.
template <class Network, class Address>
std::variant<ip_network, network_parse_error> network_of(std::string_view text, const Address& addr,
                                                         std::size_t slash, unsigned width) {
    const auto prefix = parse_prefix(text, slash, width);
    if (const auto* e = std::get_if<network_parse_error>(&prefix))
        return *e;
    const Network net(addr, static_cast<unsigned short>(std::get<unsigned>(prefix)));
    if (net.canonical() != net)
        return fail(text, "has host bits set after /" + std::to_string(net.prefix_length()) +
                              "; write " + net.canonical().to_string() +
                              " for the whole network, or " + addr.to_string() +
                              " for the single address");
    return ip_network(net);
}

std::variant<ip_network, network_parse_error> parse_v4(std::string_view text, std::size_t slash) {
    const std::string_view addr_text = text.substr(0, slash);
    boost::system::error_code ec;
    const auto addr = asio_ip::make_address_v4(std::string(addr_text), ec);
    if (ec)
        return fail(text, "is not an IPv4 address or network: " + why_not_ipv4(addr_text));
    return network_of<asio_ip::network_v4>(text, addr, slash, 32);
}

std::variant<ip_network, network_parse_error> parse_v6(std::string_view text, std::size_t slash) {
    const std::string_view addr_text = text.substr(0, slash);
    if (addr_text.find('%') != std::string_view::npos)
        return fail(text, "has a zone index ('%…'); a sender address must be global");
    boost::system::error_code ec;
    const auto addr = asio_ip::make_address_v6(std::string(addr_text), ec);
    if (ec)
        return fail(text, "is not an IPv6 address or network (RFC 4291 text form)");
    if (addr.is_v4_mapped())
        return fail(text, "is an IPv4-mapped IPv6 address; write it as ip4 = \"" +
                              asio_ip::make_address_v4(asio_ip::v4_mapped, addr).to_string() +
                              "\"");
    return network_of<asio_ip::network_v6>(text, addr, slash, 128);
}

} // namespace

ip_network::ip_network(const asio_ip::network_v4& net)
    : ip_network(ip_family::v4, net.network().to_uint(), net.prefix_length()) {}

ip_network::ip_network(const asio_ip::network_v6& net)
    : ip_network(ip_family::v6, to_integer(net.network()), net.prefix_length()) {}

bool ip_network::is_host() const {
    return prefix_length() == (family() == ip_family::v4 ? 32u : 128u);
}

uint128 ip_network::first() const {
    return first_;
}

uint128 ip_network::last() const {
    return first_ | host_mask(family() == ip_family::v4 ? 32 : 128, prefix_length());
}

std::string ip_network::to_string() const {
    std::string text = family() == ip_family::v4
                           ? asio_ip::address_v4(static_cast<std::uint32_t>(first_)).to_string()
                           : v6_from_integer(first_).to_string();
    if (!is_host())
        text += '/' + std::to_string(prefix_length());
    return text;
}

std::string ip_network::to_mechanism() const {
    return (family() == ip_family::v4 ? "ip4:" : "ip6:") + to_string();
}

std::strong_ordering ip_network::operator<=>(const ip_network& other) const {
    if (family() != other.family())
        return family() == ip_family::v4 ? std::strong_ordering::less
                                         : std::strong_ordering::greater;
    if (auto c = first() <=> other.first(); c != 0)
        return c;
    return prefix_length() <=> other.prefix_length();
}

ip_network ip_network::from_integer(ip_family family, uint128 first, unsigned prefix) {
    return ip_network(family, first, prefix);
}

std::variant<ip_network, network_parse_error> parse_network(std::string_view text,
                                                            ip_family expected) {
    const bool want_v4 = expected == ip_family::v4;
    if (auto e = misfit_text(text, want_v4))
        return *e;
    const std::size_t slash = text.find('/');
    return want_v4 ? parse_v4(text, slash) : parse_v6(text, slash);
}

} // namespace spfd
