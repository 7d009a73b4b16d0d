// SPDX-License-Identifier: MIT
#include "query/answer.h"
#include "query/notify_book.h"
#include "zone/compile.h"
#include "zone/zone_loader.h"

#include <boost/json.hpp>
#include <doctest/doctest.h>

using namespace spfd;

namespace {

const char* zone_text = R"(zone = "spf.connectoor.com"
[soa]
primary = "ns1.connectoor.com"
hostmaster = "hostmaster.connectoor.com"
[ns]
names = ["ns1.connectoor.com", "ns2.connectoor.com"]
[spf]
all = "-all"
[[senders]]
ip4 = "85.10.214.4"
[[senders]]
ip4 = "176.9.5.158"
[[senders]]
ip4 = "178.63.53.35"
)";

snapshot make_snapshot() {
    diagnostics found;
    auto spec = parse_zone(zone_text, "z.toml", found);
    REQUIRE(spec.has_value());
    auto zone = compile_zone(*spec, 1, found);
    REQUIRE(zone.has_value());
    assign_serial(*zone, 2026112700);
    return snapshot({std::move(*zone)});
}

request lookup(std::string qname, std::string qtype) {
    request r;
    r.kind = method::lookup;
    r.qname = std::move(qname);
    r.qtype = std::move(qtype);
    return r;
}

boost::json::value reply(const snapshot& s, const request& r) {
    return boost::json::parse(answer(s, r));
}

std::vector<std::string> types(const boost::json::value& v) {
    std::vector<std::string> out;
    for (const auto& row : v.at("result").as_array())
        out.emplace_back(row.at("qtype").as_string());
    return out;
}

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("lookup ANY at the apex returns SOA, NS and the TXT, case-insensitively") {
    const snapshot s = make_snapshot();
    for (const char* name : {"spf.connectoor.com.", "SpF.CoNnEcToOr.CoM.", "spf.connectoor.com"}) {
        CAPTURE(name);
        const auto v = reply(s, lookup(name, "ANY"));
        CHECK(types(v) == strings{"SOA", "NS", "NS", "TXT"});
    }
    const auto txt = reply(s, lookup("spf.connectoor.com.", "ANY")).at("result").as_array()[3];
    CHECK(txt.at("content").as_string() ==
          "\"v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip4:178.63.53.35 -all\"");
    CHECK(txt.at("ttl").as_int64() == 300); // a JSON number, or pdns serves TTL 0
    CHECK(txt.at("qname").as_string() == "spf.connectoor.com.");
    CHECK(txt.at("domain_id").as_int64() == 1);
}

TEST_CASE("a specific qtype returns only that type; SOA is never mixed with others") {
    const snapshot s = make_snapshot();
    CHECK(types(reply(s, lookup("spf.connectoor.com.", "SOA"))) == strings{"SOA"});
    CHECK(types(reply(s, lookup("spf.connectoor.com.", "txt"))) == strings{"TXT"});
    CHECK(types(reply(s, lookup("spf.connectoor.com.", "NS"))) == strings{"NS", "NS"});
    CHECK(answer(s, lookup("spf.connectoor.com.", "A")) == false_reply);
    CHECK(answer(s, lookup("spf.connectoor.com.", "SPF")) == false_reply);
    const auto soa = reply(s, lookup("spf.connectoor.com.", "SOA")).at("result").as_array()[0];
    CHECK(soa.at("content").as_string() ==
          "ns1.connectoor.com hostmaster.connectoor.com 2026112700 3600 600 1209600 300");
}

TEST_CASE("names that are not ours, or not there, get false") {
    const snapshot s = make_snapshot();
    for (const char* name : {"nonexist.spf.connectoor.com.", "*.spf.connectoor.com.",
                             "connectoor.com.", "com.", ".", "", "xspf.connectoor.com."}) {
        CAPTURE(name);
        CHECK(answer(s, lookup(name, "ANY")) == false_reply);
        CHECK(answer(s, lookup(name, "SOA")) == false_reply);
    }
    CHECK(answer(s, lookup(std::string(2000, 'a'), "ANY")) == false_reply);
}

TEST_CASE("zone methods: getAllDomains, getDomainInfo, list") {
    const snapshot s = make_snapshot();
    request all;
    all.kind = method::get_all_domains;
    const auto domains = boost::json::parse(answer(s, all)).at("result").as_array();
    REQUIRE(domains.size() == 1);
    CHECK(domains[0].at("zone").as_string() == "spf.connectoor.com.");
    CHECK(domains[0].at("id").as_int64() == 1);
    CHECK(domains[0].at("serial").as_int64() == 2026112700);
    CHECK(domains[0].at("kind").as_string() == "master"); // pdns NOTIFYs its secondaries

    request info;
    info.kind = method::get_domain_info;
    info.name = "SPF.connectoor.com.";
    CHECK(boost::json::parse(answer(s, info)).at("result").at("zone").as_string() ==
          "spf.connectoor.com.");
    info.name = "example.org.";
    CHECK(answer(s, info) == false_reply);

    request list;
    list.kind = method::list;
    list.zonename = "spf.connectoor.com.";
    CHECK(types(boost::json::parse(answer(s, list))) == strings{"SOA", "NS", "NS", "TXT"});
    list.zonename = "example.org.";
    CHECK(answer(s, list) == false_reply);
}

TEST_CASE("initialize is true; metadata and everything else is false") {
    const snapshot s = make_snapshot();
    request r;
    r.kind = method::initialize;
    CHECK(answer(s, r) == true_reply);
    for (method m :
         {method::get_all_domain_metadata, method::get_domain_metadata, method::unknown}) {
        r.kind = m;
        CHECK(answer(s, r) == false_reply);
    }
}

namespace {

// A zone of the given overflow mode with a few networks of both families.
snapshot make_mode_snapshot(const std::string& mode, int id = 1) {
    const std::string text = R"(zone = "spf.connectoor.com"
[soa]
primary = "ns1.connectoor.com"
hostmaster = "hostmaster.connectoor.com"
[ns]
names = ["ns1.connectoor.com"]
[spf]
overflow = ")" + mode + R"("
[[senders]]
ip4 = "85.10.214.0/24"
[[senders]]
ip4 = "176.9.5.158"
[[senders]]
ip6 = "2a01:4f8:10::/48"
)";
    diagnostics found;
    auto spec = parse_zone(text, "z.toml", found);
    REQUIRE(spec.has_value());
    auto zone = compile_zone(*spec, id, found);
    REQUIRE(zone.has_value());
    assign_serial(*zone, 2026112700);
    return snapshot({std::move(*zone)});
}

std::string only_txt(const boost::json::value& v) {
    const auto& rows = v.at("result").as_array();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].at("qtype").as_string() == "TXT");
    CHECK(rows[0].at("ttl").as_int64() == 300);
    return std::string(rows[0].at("content").as_string());
}

// %{i} of an IPv6 client: its 32 nibbles in address order, dot-separated (RFC 7208 §7.3;
// %{ir} would reverse them).
std::string nibbles(std::string_view hex, bool upper) {
    std::string out;
    for (char c : hex) {
        out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
        out.push_back('.');
    }
    return out;
}

} // namespace

TEST_CASE("macro mode: the apex includes %{i}._ip and every well-formed per-IP name answers") {
    const snapshot s = make_mode_snapshot("macro");
    CHECK(only_txt(reply(s, lookup("spf.connectoor.com.", "TXT"))) ==
          "\"v=spf1 include:%{i}._ip.spf.connectoor.com ~all\"");

    // Listed (inside a network, a single address), unlisted: a record either way, never
    // NXDOMAIN (a void lookup for the customer).
    CHECK(only_txt(reply(s, lookup("85.10.214.77._ip.spf.connectoor.com.", "ANY"))) ==
          "\"v=spf1 ip4:85.10.214.77 -all\"");
    CHECK(only_txt(reply(s, lookup("85.10.214.0._ip.spf.connectoor.com.", "TXT"))) ==
          "\"v=spf1 ip4:85.10.214.0 -all\"");
    CHECK(only_txt(reply(s, lookup("176.9.5.158._ip.SPF.connectoor.com.", "ANY"))) ==
          "\"v=spf1 ip4:176.9.5.158 -all\"");
    CHECK(only_txt(reply(s, lookup("176.9.5.159._ip.spf.connectoor.com.", "ANY"))) ==
          "\"v=spf1 -all\"");
    CHECK(only_txt(reply(s, lookup("85.10.215.0._ip.spf.connectoor.com.", "ANY"))) ==
          "\"v=spf1 -all\"");

    // IPv6 as 32 nibbles, either letter case (receivers differ), RFC 5952 in the answer.
    const std::string inside = "2a0104f80010abcd0000000000000001";
    for (bool upper : {false, true}) {
        CAPTURE(upper);
        CHECK(only_txt(reply(s, lookup(nibbles(inside, upper) + "_ip.spf.connectoor.com.",
                                       "ANY"))) == "\"v=spf1 ip6:2a01:4f8:10:abcd::1 -all\"");
    }
    CHECK(only_txt(reply(s, lookup(nibbles("2a0104f80011000000000000000000ff", false) +
                                       "_ip.spf.connectoor.com.",
                                   "TXT"))) == "\"v=spf1 -all\"");
    // Types other than TXT at a per-IP name: NODATA (no rows), SOA never.
    CHECK(answer(s, lookup("85.10.214.77._ip.spf.connectoor.com.", "A")) == false_reply);
    CHECK(answer(s, lookup("85.10.214.77._ip.spf.connectoor.com.", "SOA")) == false_reply);
}

TEST_CASE("macro mode: _ip and the ancestors of per-IP names are empty non-terminals") {
    const snapshot s = make_mode_snapshot("macro");
    // "1.2.3.4.5" is no IPv4 address but the start of an IPv6 one's 32 nibbles.
    for (const char* name :
         {"_ip.spf.connectoor.com.", "85._ip.spf.connectoor.com.", "10.214._ip.spf.connectoor.com.",
          "a.b.c._ip.spf.connectoor.com.", "1.2.3.4.5._ip.spf.connectoor.com."}) {
        CAPTURE(name);
        CHECK(types(reply(s, lookup(name, "ANY"))) == strings{"ENT"});
        CHECK(answer(s, lookup(name, "TXT")) == false_reply);
    }
}

TEST_CASE("macro mode: malformed per-IP names are not ours (NXDOMAIN)") {
    const snapshot s = make_mode_snapshot("macro");
    for (const char* name :
         {"256.1.1.1._ip.spf.connectoor.com.", "01.2.3.4._ip.spf.connectoor.com.",
          "1.2.3.4.55._ip.spf.connectoor.com.", "*._ip.spf.connectoor.com.",
          "foo._ip.spf.connectoor.com.", "1.2.3.-4._ip.spf.connectoor.com.",
          "ab.1._ip.spf.connectoor.com.", "x.85.10.214.77._ip.spf.connectoor.com."}) {
        CAPTURE(name);
        CHECK(answer(s, lookup(name, "ANY")) == false_reply);
    }
    // 33 nibbles: too many for IPv6.
    CHECK(answer(s, lookup(nibbles("2a0104f80010abcd00000000000000010", false) +
                               "_ip.spf.connectoor.com.",
                           "ANY")) == false_reply);
}

TEST_CASE("split mode: the apex includes its children and each child is a TXT record") {
    const snapshot s = make_mode_snapshot("split");
    // Three networks fit one child; split still publishes a chain (the operator's choice).
    CHECK(only_txt(reply(s, lookup("spf.connectoor.com.", "TXT"))) ==
          "\"v=spf1 include:_s1.spf.connectoor.com ~all\"");
    CHECK(only_txt(reply(s, lookup("_s1.spf.connectoor.com.", "ANY"))) ==
          "\"v=spf1 ip4:85.10.214.0/24 ip4:176.9.5.158 ip6:2a01:4f8:10::/48 ~all\"");
    CHECK(answer(s, lookup("_s2.spf.connectoor.com.", "ANY")) == false_reply);
    CHECK(answer(s, lookup("1.2.3.4._ip.spf.connectoor.com.", "ANY")) == false_reply);
}

TEST_CASE("getUpdatedMasters lists a zone until setNotified reports its serial") {
    notify_book::global().clear();
    const snapshot s = make_mode_snapshot("flat", 7);
    request updated;
    updated.kind = method::get_updated_masters;
    auto rows = reply(s, updated).at("result").as_array();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].at("zone").as_string() == "spf.connectoor.com.");
    CHECK(rows[0].at("kind").as_string() == "master");
    CHECK(rows[0].at("id").as_int64() == 7);
    CHECK(rows[0].at("serial").as_int64() == 2026112700);

    request notified;
    notified.kind = method::set_notified;
    notified.id = 8; // not ours
    notified.serial = 2026112700;
    CHECK(answer(s, notified) == false_reply);
    notified.id = 7;
    CHECK(answer(s, notified) == true_reply);
    CHECK(reply(s, updated).at("result").as_array().empty());

    // A reload with a new serial: listed again, with the serial pdns notified last.
    notified.serial = 2026112600;
    CHECK(answer(s, notified) == true_reply);
    rows = reply(s, updated).at("result").as_array();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].at("notified_serial").as_int64() == 2026112600);
    notify_book::global().clear();
}

TEST_CASE("macro zones are native: AXFR cannot carry their per-IP answers") {
    notify_book::global().clear();
    const snapshot s = make_mode_snapshot("macro");
    request updated;
    updated.kind = method::get_updated_masters;
    CHECK(reply(s, updated).at("result").as_array().empty());
    request all;
    all.kind = method::get_all_domains;
    CHECK(reply(s, all).at("result").as_array()[0].at("kind").as_string() == "native");
}

TEST_CASE("canonical_name lower-cases ASCII only, whatever the byte and its position") {
    // Every byte value at every position of names of every length up to 40, against the
    // one-byte rule: bytes of 0x80 and above stay as they are.
    const auto expected = [](std::string_view name) {
        std::string out(name);
        for (char& c : out)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        if (out.empty() || out.back() != '.')
            out.push_back('.');
        return out;
    };
    std::string buffer;
    for (std::size_t length = 1; length <= 40; ++length)
        for (int value = 0; value < 256; ++value) {
            std::string name(length, 'Q');
            name[(static_cast<std::size_t>(value) * 7) % length] = static_cast<char>(value);
            name[length / 2] = static_cast<char>(255 - value);
            REQUIRE(canonical_name(name, buffer));
            CHECK(buffer == expected(name));
        }
    REQUIRE(canonical_name("", buffer));
    CHECK(buffer == ".");
    CHECK(canonical_name("SpF.CoNNectoor.COM", buffer));
    CHECK(buffer == "spf.connectoor.com.");
    CHECK_FALSE(canonical_name(std::string(2000, 'a'), buffer));
}
