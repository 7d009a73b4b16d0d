// SPDX-License-Identifier: MIT
#include "protocol/answer.h"
#include "zone/zone_loader.h"
#include "zone/zone_set.h"

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
    CHECK(domains[0].at("kind").as_string() == "native");

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

TEST_CASE("error replies are valid JSON envelopes with the reason in log") {
    const auto v = boost::json::parse(error_reply("bad \"thing\"\n"));
    CHECK(v.at("result").as_bool() == false);
    CHECK(v.at("log").as_array()[0].as_string() == "bad \"thing\"\n");
}
