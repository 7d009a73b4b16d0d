// SPDX-License-Identifier: MIT
// The per-IP names of macro mode, `<labels>._ip.<zone>.` as receivers expand `%{i}`:
// parse_per_ip_labels() and the answer pdns gets for them. Checks beyond "no crash": the
// parse agrees with a plain split-and-classify reading of the labels; an address parses to
// the value its labels spell; the TXT answer lists the address exactly when one of the
// zone's networks holds it, and is `v=spf1 -all` otherwise; ancestors are empty
// non-terminals; malformed names are not ours.
//
// Input: the labels in front of `._ip.spf-macro.connectoor.com.`, in any letter case.
#include "../support/per_ip_plain_reading.h"
#include "fuzz_support.h"
#include "net/ip_network.h"
#include "query/per_ip_name.h"

#include <boost/json/parse.hpp>
#include <vector>

using namespace spfd;

namespace {

constexpr std::string_view suffix = "._ip.spf-macro.connectoor.com.";

bool listed(const std::vector<ip_network>& networks, ip_family family, uint128 address) {
    for (const ip_network& n : networks)
        if (n.family() == family && n.first() <= address && address <= n.last())
            return true;
    return false;
}

// The rows of a lookup reply; empty for {"result":false}.
boost::json::array rows_of(std::string_view reply) {
    const boost::json::value doc = boost::json::parse(reply);
    const auto& result = doc.at("result");
    return result.is_array() ? result.as_array() : boost::json::array{};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto snap = fuzz::shipped_snapshot();
    static const auto& networks = *snap->zones().at(1).summary.networks;
    const std::string_view input = fuzz::as_text(data, size);
    if (input.size() > max_name_text)
        return 0;
    std::string labels(input);
    for (char& c : labels)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');

    const per_ip_name parsed = parse_per_ip_labels(labels);
    fuzz::require(parsed.kind == plain::per_ip_kind(labels),
                  "parse_per_ip_labels disagrees with the plain reading", labels);
    if (parsed.kind == per_ip_name::address_v4)
        fuzz::require(fuzz::per_ip_labels(ip_family::v4, parsed.v4) == labels,
                      "an IPv4 name parsed to another address", labels);
    if (parsed.kind == per_ip_name::address_v6)
        fuzz::require(fuzz::per_ip_labels(ip_family::v6, parsed.v6) == labels,
                      "an IPv6 name parsed to another address", labels);

    const std::string qname = std::string(input) + std::string(suffix);
    if (qname.size() > max_name_text)
        return 0;
    request req;
    req.kind = method::lookup;
    req.qname = qname;
    req.qtype = "TXT";
    const std::string_view txt = answer(*snap, req);
    fuzz::require_envelope_reply(txt);
    req.qtype = "ANY";
    const std::string_view any_reply = answer(*snap, req);
    fuzz::require_envelope_reply(any_reply);
    const boost::json::array txt_rows = rows_of(txt);
    const boost::json::array any_rows = rows_of(any_reply);

    switch (parsed.kind) {
    case per_ip_name::address_v4:
    case per_ip_name::address_v6: {
        fuzz::require(txt_rows.size() == 1 && any_rows == txt_rows,
                      "an address name without exactly one TXT answer", txt);
        const bool v4 = parsed.kind == per_ip_name::address_v4;
        const uint128 address = v4 ? uint128(parsed.v4) : parsed.v6;
        const ip_family family = v4 ? ip_family::v4 : ip_family::v6;
        const std::string expected =
            listed(networks, family, address)
                ? "\"v=spf1 " +
                      ip_network::from_integer(family, address, v4 ? 32 : 128).to_mechanism() +
                      " -all\""
                : "\"v=spf1 -all\"";
        const auto& row = txt_rows[0].as_object();
        fuzz::require(row.at("qtype").as_string() == "TXT" &&
                          row.at("content").as_string() == expected &&
                          row.at("qname").as_string() == labels + std::string(suffix),
                      "a wrong per-IP answer", txt);
        break;
    }
    case per_ip_name::ancestor:
        fuzz::require(txt_rows.empty() && any_rows.size() == 1 &&
                          any_rows[0].as_object().at("qtype").as_string() == "ENT",
                      "an ancestor of per-IP names is not an empty non-terminal", any_reply);
        break;
    case per_ip_name::malformed:
        // Not a per-IP name; only `_ip` itself and names we store may answer.
        fuzz::require(
            txt_rows.empty() &&
                (any_rows.empty() || snap->find_name(labels + std::string(suffix)) != nullptr),
            "a malformed per-IP name was answered", any_reply);
        break;
    }
    return 0;
}
