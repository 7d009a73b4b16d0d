// SPDX-License-Identifier: MIT
#include "zone/snapshot.h"

#include <doctest/doctest.h>

using namespace spfd;

namespace {

const std::string soa_content =
    "ns1.connectoor.com. hostmaster.connectoor.com. 2026120101 3600 600 604800 300";

compiled_zone apex_zone() {
    compiled_zone zone;
    zone.summary.apex = "spf.connectoor.com";
    zone.summary.id = 1;
    zone.summary.serial = 2026120101;
    zone.records = {
        {"spf.connectoor.com.", "SOA", soa_content, 3600},
        {"spf.connectoor.com.", "NS", "ns1.connectoor.com.", 3600},
        {"spf.connectoor.com.", "NS", "ns2.connectoor.com.", 3600},
        {"spf.connectoor.com.", "TXT", "\"v=spf1 ip4:192.0.2.0/24 ~all\"", 300},
        {"_ip.spf.connectoor.com.", "ENT", "", 300},
    };
    return zone;
}

compiled_zone macro_zone() {
    compiled_zone zone;
    zone.summary.apex = "m.example";
    zone.summary.id = 2;
    zone.summary.serial = 7;
    zone.summary.mode = overflow_mode::macro;
    zone.records = {{"m.example.", "SOA", "ns.m.example. h.m.example. 7 1 1 1 1", 60}};
    per_ip_zone per_ip;
    per_ip.suffix = "._ip.m.example.";
    per_ip.ttl = 60;
    per_ip.zone_id = 2;
    zone.per_ip = per_ip;
    return zone;
}

snapshot two_zones() {
    std::vector<compiled_zone> zones;
    zones.push_back(apex_zone());
    zones.push_back(macro_zone());
    return snapshot(std::move(zones));
}

std::string row(std::string_view type, std::string_view name, std::string_view content, int ttl,
                int id) {
    return R"({"qtype":")" + std::string(type) + R"(","qname":")" + std::string(name) +
           R"(","content":")" + std::string(content) + R"(","ttl":)" + std::to_string(ttl) +
           R"(,"domain_id":)" + std::to_string(id) + "}";
}

} // namespace

TEST_CASE("each name has its ANY reply and one reply per type, rendered once") {
    const snapshot snap = two_zones();
    const auto* apex = snap.find_name("spf.connectoor.com.");
    REQUIRE(apex != nullptr);
    const std::string soa = row("SOA", "spf.connectoor.com.", soa_content, 3600, 1);
    const std::string ns1 = row("NS", "spf.connectoor.com.", "ns1.connectoor.com.", 3600, 1);
    const std::string ns2 = row("NS", "spf.connectoor.com.", "ns2.connectoor.com.", 3600, 1);
    const std::string txt =
        row("TXT", "spf.connectoor.com.", R"(\"v=spf1 ip4:192.0.2.0/24 ~all\")", 300, 1);
    CHECK(apex->any == R"({"result":[)" + soa + "," + ns1 + "," + ns2 + "," + txt + "]}");
    CHECK(apex->reply_for("ANY") == apex->any);
    CHECK(apex->reply_for("SOA") == R"({"result":[)" + soa + "]}");
    CHECK(apex->reply_for("NS") == R"({"result":[)" + ns1 + "," + ns2 + "]}");
    CHECK(apex->reply_for("TXT") == R"({"result":[)" + txt + "]}");
    CHECK(apex->reply_for("A") == false_reply);
    CHECK(apex->reply_for("txt") == false_reply); // callers pass the type in upper case
}

TEST_CASE("an empty non-terminal answers ANY only, and is not transferred") {
    const snapshot snap = two_zones();
    const auto* ent = snap.find_name("_ip.spf.connectoor.com.");
    REQUIRE(ent != nullptr);
    CHECK(ent->any == R"({"result":[)" + row("ENT", "_ip.spf.connectoor.com.", "", 300, 1) + "]}");
    CHECK(ent->reply_for("ENT") == false_reply);
    const auto* zone = snap.find_zone("spf.connectoor.com.");
    REQUIRE(zone != nullptr);
    CHECK(zone->list_reply.find("_ip.spf.connectoor.com.") == std::string::npos);
    CHECK(zone->list_reply.starts_with(R"({"result":[)" +
                                       row("SOA", "spf.connectoor.com.", soa_content, 3600, 1)));
}

TEST_CASE("names and zones are found by their exact lower-case absolute form") {
    const snapshot snap = two_zones();
    CHECK(snap.find_name("SPF.connectoor.com.") == nullptr);
    CHECK(snap.find_name("spf.connectoor.com") == nullptr);
    CHECK(snap.find_name("x.spf.connectoor.com.") == nullptr);
    CHECK(snap.find_zone("spf.connectoor.com") == nullptr);
    REQUIRE(snap.find_zone("m.example.") != nullptr);
    CHECK(snap.find_zone("m.example.")->summary.id == 2);
    REQUIRE(snap.zones().size() == 2);
    CHECK(snap.zones()[0].summary.apex == "spf.connectoor.com");
}

TEST_CASE("per-IP names fall under their macro zone, the suffix alone does not") {
    const snapshot snap = two_zones();
    const per_ip_zone* z = snap.find_per_ip_zone("192.0.2.1._ip.m.example.");
    REQUIRE(z != nullptr);
    CHECK(z->zone_id == 2);
    CHECK(z->reply_tail == R"(","ttl":60,"domain_id":2}]})");
    CHECK(snap.find_per_ip_zone("._ip.m.example.") == nullptr);
    CHECK(snap.find_per_ip_zone("192.0.2.1._ip.spf.connectoor.com.") == nullptr);
}

TEST_CASE("domain info: master unless macro mode, which secondaries cannot transfer") {
    const snapshot snap = two_zones();
    const std::string apex_info =
        R"({"id":1,"zone":"spf.connectoor.com.","kind":"master","serial":2026120101,)"
        R"("notified_serial":0,"last_check":0,"masters":[]})";
    const std::string macro_info = R"({"id":2,"zone":"m.example.","kind":"native","serial":7,)"
                                   R"("notified_serial":0,"last_check":0,"masters":[]})";
    CHECK(snap.find_zone("spf.connectoor.com.")->domain_info_reply ==
          R"({"result":)" + apex_info + "}");
    CHECK(snap.all_domains_reply() == R"({"result":[)" + apex_info + "," + macro_info + "]}");
    CHECK(domain_info_text(snap.zones()[0].summary, 2026120100) ==
          R"({"id":1,"zone":"spf.connectoor.com.","kind":"master","serial":2026120101,)"
          R"("notified_serial":2026120100,"last_check":0,"masters":[]})");
    CHECK(transferable(snap.zones()[0].summary));
    CHECK_FALSE(transferable(snap.zones()[1].summary));
}
