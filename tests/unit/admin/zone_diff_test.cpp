// SPDX-License-Identifier: MIT
#include "admin/zone_diff.h"
#include "support/zone_diff_pair.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;

namespace {

using strings = std::vector<std::string>;
using state = zone_change::state;

const std::string macro = "[spf]\noverflow = \"macro\"\n";
const std::string split = "[spf]\noverflow = \"split\"\n";

} // namespace

TEST_CASE("diff: an address joined into a /31 starts passing, nothing stops") {
    const zone_diff_pair p(senders({"85.10.214.4", "176.9.5.158"}),
                           senders({"85.10.214.4", "85.10.214.5", "176.9.5.158"}));
    CHECK(p.diff.differs);
    CHECK(p.zone().what == state::changed);
    REQUIRE(p.zone().names.size() == 1);
    CHECK(p.apex().name == "spf.connectoor.com");
    CHECK(texts(p.apex().start_passing) == strings{"85.10.214.5"});
    CHECK(p.apex().stop_passing.empty());
    CHECK(p.apex().record_now == "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all");
    CHECK(p.apex().record_next == "v=spf1 ip4:85.10.214.4/31 ip4:176.9.5.158 ~all");
    CHECK(p.zone().serial_now == p.now.served_serial());
    CHECK(p.zone().serial_next == p.next.served_serial());
    CHECK(p.zone().layout_now == "flat");
    CHECK(p.zone().layout_next == "flat");
}

TEST_CASE("diff: the address that leaves a /31 stops passing, by itself") {
    const zone_diff_pair p(senders({"85.10.214.4", "85.10.214.5", "176.9.5.158"}),
                           senders({"85.10.214.4", "176.9.5.158"}));
    CHECK(texts(p.apex().stop_passing) == strings{"85.10.214.5"});
    CHECK(p.apex().start_passing.empty());
}

TEST_CASE("diff: a removal from the middle of a network, and IPv6") {
    const zone_diff_pair p(
        senders({"10.20.0.0/24", "2001:db8::/126"}),
        senders({"10.20.0.0/25", "10.20.0.129", "10.20.0.130/31", "10.20.0.132/30",
                 "10.20.0.136/29", "10.20.0.144/28", "10.20.0.160/27", "10.20.0.192/26",
                 "2001:db8::", "2001:db8::3", "2001:db8:1::/48"}));
    CHECK(texts(p.apex().stop_passing) == strings{"10.20.0.128", "2001:db8::1", "2001:db8::2"});
    CHECK(texts(p.apex().start_passing) == strings{"2001:db8:1::/48"});
}

TEST_CASE("diff: the same files are no difference") {
    const zone_diff_pair p(two_senders, two_senders);
    CHECK_FALSE(p.diff.differs);
    CHECK(p.zone().what == state::unchanged);
    CHECK_FALSE(p.apex().record_changes());
}

TEST_CASE("diff: only the layout changes, no address") {
    const zone_diff_pair p(two_senders, macro + two_senders);
    CHECK(p.diff.differs);
    CHECK(p.zone().what == state::changed);
    CHECK(p.zone().layout_now == "flat");
    CHECK(p.zone().layout_next == "macro");
    CHECK(p.apex().start_passing.empty());
    CHECK(p.apex().stop_passing.empty());
    CHECK(p.apex().record_next == "v=spf1 include:%{i}._ip.spf.connectoor.com ~all");
}

TEST_CASE("diff: a macro zone's addresses come from the served list, not from its record") {
    const zone_diff_pair p(macro + two_senders, macro + senders({"85.10.214.4", "85.10.214.5"}));
    CHECK(p.zone().what == state::changed);
    CHECK_FALSE(p.apex().record_changes());
    CHECK(texts(p.apex().start_passing) == strings{"85.10.214.5"});
    CHECK(texts(p.apex().stop_passing) == strings{"176.9.5.158"});
}

TEST_CASE("diff: split layout, the whole zone at the apex and each child's own share") {
    // 30 addresses fill two child records; 198.18.0.2 joins 198.18.0.3 into a /31.
    const std::string many = spaced_senders(30);
    const zone_diff_pair p(split + many, split + many + senders({"198.18.0.2"}));
    REQUIRE(p.zone().names.size() == 3);
    CHECK(p.zone().layout_next == "split");
    CHECK(texts(p.apex().start_passing) == strings{"198.18.0.2"});
    CHECK(p.apex().stop_passing.empty());
    CHECK_FALSE(p.apex().record_changes());
    const name_change& first = p.zone().names[1];
    CHECK(first.name == "_s1.spf.connectoor.com");
    CHECK(texts(first.start_passing) == strings{"198.18.0.2"});
    CHECK(first.record_changes());
}

TEST_CASE("diff: a zone not served yet starts passing all, a zone that goes stops passing all") {
    reload_fixture f;
    f.write(two_senders);
    REQUIRE(f.zones.reload().published);
    const zone_diff added = diff_zones(boost::json::parse(R"({"zones": []})"), *f.snapshots.get());
    CHECK(added.differs);
    CHECK(added.zones.at(0).what == state::added);
    CHECK(texts(added.zones.at(0).names.at(0).start_passing) ==
          strings{"85.10.214.4", "176.9.5.158"});
    CHECK_FALSE(added.zones.at(0).names.at(0).record_now);

    const auto served = boost::json::parse(
        R"({"zones": [{"name": "old.example", "record": "v=spf1 ip4:192.0.2.1 -all",
            "serial": 1, "mode": "flat"}]})");
    const zone_diff gone = diff_zones(served, *f.snapshots.get());
    REQUIRE(gone.zones.size() == 2);
    const zone_change& old = gone.zones[1];
    CHECK(old.what == state::removed);
    CHECK(old.zone == "old.example");
    // Without a `passing` list, the networks of the served record stand for it.
    CHECK(texts(old.names.at(0).stop_passing) == strings{"192.0.2.1"});
    CHECK_FALSE(old.names.at(0).record_next);
}

TEST_CASE("diff reads what it can of an unexpected /zones body") {
    reload_fixture f;
    f.write(one_sender);
    REQUIRE(f.zones.reload().published);
    for (const char* body :
         {"[]", "{}", R"({"zones": 5})", R"({"zones": [7, {"record": "x"}]})",
          R"({"zones": [{"name": 5}]})",
          R"({"zones": [{"name": "spf.connectoor.com", "passing": [1, "x", "10.0.0.0/33"],
              "children": [3, {"name": 4}, {"record": "ip4:1.2.3.4"}]}]})"}) {
        CAPTURE(body);
        const zone_diff d = diff_zones(boost::json::parse(body), *f.snapshots.get());
        CHECK(d.differs);
        CHECK(texts(d.zones.at(0).names.at(0).start_passing) == strings{"85.10.214.4"});
    }
}
