// SPDX-License-Identifier: MIT
#include "admin/zone_diff_report.h"
#include "support/zone_diff_pair.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;

namespace {

// "serial <now> -> <next>, answer <now> -> <next> octets" of the pair's zone.
std::string serials_and_sizes(const zone_diff_pair& p) {
    const zone_change& z = p.zone();
    return "serial " + std::to_string(*z.serial_now) + " -> " + std::to_string(*z.serial_next) +
           ", answer " + std::to_string(*z.answer_octets_now) + " -> " +
           std::to_string(*z.answer_octets_next) + " octets";
}

boost::json::value json_of(const zone_diff& d) {
    return boost::json::parse(diff_json(d));
}

const std::string macro = "[spf]\noverflow = \"macro\"\n";

} // namespace

TEST_CASE("diff text: an address joined into a /31 is listed by itself, records beside it") {
    const zone_diff_pair p(two_senders, senders({"85.10.214.4", "85.10.214.5", "176.9.5.158"}));
    CHECK(diff_text(p.diff) ==
          "~ spf.connectoor.com: " + serials_and_sizes(p) +
              ", layout flat\n"
              "  spf.connectoor.com:\n"
              "    + 85.10.214.5\n"
              "    now:  \"v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all\"\n"
              "    next: \"v=spf1 ip4:85.10.214.4/31 ip4:176.9.5.158 ~all\"\n");
}

TEST_CASE("diff text: the address that leaves a /31, and IPv6 networks") {
    const zone_diff_pair p(senders({"85.10.214.4/31", "2001:db8::/48"}),
                           senders({"85.10.214.4", "2001:db8:0:1::/64"}));
    CHECK(diff_text(p.diff) ==
          "~ spf.connectoor.com: " + serials_and_sizes(p) +
              ", layout flat\n"
              "  spf.connectoor.com:\n"
              "    - 85.10.214.5\n"
              "    - 2001:db8::/64\n"
              "    - 2001:db8:0:2::/63\n"
              "    - 2001:db8:0:4::/62\n"
              "    - 2001:db8:0:8::/61\n"
              "    - 2001:db8:0:10::/60\n"
              "    - 2001:db8:0:20::/59\n"
              "    - 2001:db8:0:40::/58\n"
              "    - 2001:db8:0:80::/57\n"
              "    - 2001:db8:0:100::/56\n"
              "    - 2001:db8:0:200::/55\n"
              "    - 2001:db8:0:400::/54\n"
              "    - 2001:db8:0:800::/53\n"
              "    - 2001:db8:0:1000::/52\n"
              "    - 2001:db8:0:2000::/51\n"
              "    - 2001:db8:0:4000::/50\n"
              "    - 2001:db8:0:8000::/49\n"
              "    now:  \"v=spf1 ip4:85.10.214.4/31 ip6:2001:db8::/48 ~all\"\n"
              "    next: \"v=spf1 ip4:85.10.214.4 ip6:2001:db8:0:1::/64 "
              "~all\"\n");
}

TEST_CASE("diff text: only the layout changes") {
    const zone_diff_pair p(two_senders, macro + two_senders);
    CHECK(diff_text(p.diff) ==
          "~ spf.connectoor.com: " + serials_and_sizes(p) +
              ", layout flat -> macro\n"
              "  same addresses; layout flat -> macro\n"
              "  spf.connectoor.com (whole zone):\n"
              "    now:  \"v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all\"\n"
              "    next: \"v=spf1 include:%{i}._ip.spf.connectoor.com ~all\"\n");
}

TEST_CASE("diff text: a macro zone lists the addresses of the whole zone under its apex") {
    const zone_diff_pair p(macro + two_senders, macro + senders({"85.10.214.4", "85.10.214.5"}));
    CHECK(diff_text(p.diff) == "~ spf.connectoor.com: " + serials_and_sizes(p) +
                                   ", layout macro\n"
                                   "  spf.connectoor.com (whole zone):\n"
                                   "    - 176.9.5.158\n"
                                   "    + 85.10.214.5\n"
                                   "    record: \"v=spf1 include:%{i}._ip.spf.connectoor.com "
                                   "~all\" (unchanged)\n");
}

TEST_CASE("diff text: unchanged, new and removed zones") {
    const zone_diff_pair same(one_sender, one_sender);
    CHECK(diff_text(same.diff) == "= spf.connectoor.com: unchanged (serial " +
                                      std::to_string(same.now.served_serial()) +
                                      ", layout flat)\n");

    const auto served = boost::json::parse(
        R"({"zones": [{"name": "old.example", "record": "v=spf1 ip4:192.0.2.1 -all",
            "serial": 7, "answer_octets": 70, "mode": "flat"}]})");
    const zone_diff d = diff_zones(served, *same.next.snapshots.get());
    CHECK(diff_text(d) == "+ zone spf.connectoor.com (new): serial " +
                              std::to_string(same.next.served_serial()) +
                              ", answer 76 octets, layout flat\n"
                              "  spf.connectoor.com:\n"
                              "    + 85.10.214.4\n"
                              "    next: \"v=spf1 ip4:85.10.214.4 ~all\"\n"
                              "- zone old.example (would no longer be served): serial 7, answer "
                              "70 octets, layout flat\n"
                              "  old.example:\n"
                              "    - 192.0.2.1\n"
                              "    now:  \"v=spf1 ip4:192.0.2.1 -all\"\n");
}

TEST_CASE("diff json: zones, names, records and the addresses that start and stop passing") {
    const zone_diff_pair p(two_senders, senders({"85.10.214.4", "85.10.214.5"}));
    const auto j = json_of(p.diff);
    CHECK(j.at("differs").as_bool());
    const auto& zone = j.at("zones").at("spf.connectoor.com");
    CHECK(zone.at("status").as_string() == "changed");
    CHECK(zone.at("serial").at("now").to_number<std::uint64_t>() == p.now.served_serial());
    CHECK(zone.at("serial").at("next").to_number<std::uint64_t>() == p.next.served_serial());
    CHECK(zone.at("answer_octets").at("next").to_number<std::uint64_t>() ==
          *p.zone().answer_octets_next);
    CHECK(zone.at("layout") == boost::json::parse(R"({"now": "flat", "next": "flat"})"));
    CHECK(zone.at("names") == boost::json::parse(R"({"spf.connectoor.com": {
              "record_now": "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all",
              "record_next": "v=spf1 ip4:85.10.214.4/31 ~all",
              "start_passing": ["85.10.214.5"], "stop_passing": ["176.9.5.158"]}})"));
}

TEST_CASE("diff json: nothing differs; a new zone has nulls for now") {
    const zone_diff_pair same(one_sender, one_sender);
    const auto j = json_of(same.diff);
    CHECK_FALSE(j.at("differs").as_bool());
    CHECK(j.at("zones").at("spf.connectoor.com").at("status").as_string() == "unchanged");

    const auto added = json_of(diff_zones(boost::json::parse("{}"), *same.next.snapshots.get()));
    const auto& zone = added.at("zones").at("spf.connectoor.com");
    CHECK(zone.at("status").as_string() == "added");
    CHECK(zone.at("serial").at("now").is_null());
    CHECK(zone.at("layout").at("now").is_null());
    CHECK(zone.at("names").at("spf.connectoor.com").at("record_now").is_null());
    CHECK(zone.at("names").at("spf.connectoor.com").at("start_passing") ==
          boost::json::parse(R"(["85.10.214.4"])"));
}
