// SPDX-License-Identifier: MIT
#include "admin/admin_listener.h"
#include "admin/zone_diff.h"
#include "support/reload_fixture.h"

#include <boost/json.hpp>
#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;

TEST_CASE("diff shows the terms an edit adds and removes") {
    reload_fixture f;
    f.write(two_senders);
    REQUIRE(f.zones.reload().published);
    const auto served =
        boost::json::parse(handle_admin_get("/zones", f.snapshots, f.zones.stats()).body);

    f.write(one_sender + "[[senders]]\nip6 = \"2001:db8::/48\"\n");
    reload_fixture other; // a candidate built from the edited files, not published
    other.write(one_sender + "[[senders]]\nip6 = \"2001:db8::/48\"\n");
    REQUIRE(other.zones.reload().published);
    const zone_diff d = diff_zones(served, *other.snapshots.get());
    CHECK(d.differs);
    CHECK(d.text.find("  - ip4:176.9.5.158\n") != std::string::npos);
    CHECK(d.text.find("  + ip6:2001:db8::/48\n") != std::string::npos);

    const zone_diff same = diff_zones(served, *f.snapshots.get());
    CHECK_FALSE(same.differs);
    CHECK(same.text.find("unchanged") != std::string::npos);
}

TEST_CASE("diff names the serial and answer size of a changed zone, and both records") {
    reload_fixture f;
    f.write(one_sender);
    REQUIRE(f.zones.reload().published);
    const auto served =
        boost::json::parse(handle_admin_get("/zones", f.snapshots, f.zones.stats()).body);
    reload_fixture other;
    other.write(two_senders);
    REQUIRE(other.zones.reload().published);
    const zone_diff d = diff_zones(served, *other.snapshots.get());
    CHECK(d.differs);
    CHECK(d.text.starts_with("~ spf.connectoor.com: serial " + std::to_string(f.served_serial()) +
                             " -> "));
    CHECK(d.text.find("  now:  \"v=spf1 ip4:85.10.214.4 ~all\"\n") != std::string::npos);
    CHECK(d.text.find("  next: \"v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all\"\n") !=
          std::string::npos);
    CHECK(d.text.find("  - ") == std::string::npos);
}

TEST_CASE("diff: a zone not served yet is new, a served zone not in the files goes away") {
    reload_fixture f;
    f.write(one_sender);
    REQUIRE(f.zones.reload().published);
    const zone_diff added = diff_zones(boost::json::parse(R"({"zones": []})"), *f.snapshots.get());
    CHECK(added.differs);
    CHECK(added.text == "+ zone spf.connectoor.com (new)\n  \"v=spf1 ip4:85.10.214.4 ~all\"\n");

    const auto served = boost::json::parse(
        R"({"zones": [{"name": "old.example", "record": "v=spf1 -all", "serial": 1}]})");
    const zone_diff gone = diff_zones(served, *f.snapshots.get());
    CHECK(gone.differs);
    CHECK(gone.text.find("- zone old.example (would no longer be served)\n") != std::string::npos);
}

TEST_CASE("diff reads what it can of an unexpected /zones body") {
    reload_fixture f;
    f.write(one_sender);
    REQUIRE(f.zones.reload().published);
    for (const char* body : {"[]", "{}", R"({"zones": 5})", R"({"zones": [7, {"record": "x"}]})"}) {
        CAPTURE(body);
        const zone_diff d = diff_zones(boost::json::parse(body), *f.snapshots.get());
        CHECK(d.differs);
        CHECK(d.text.starts_with("+ zone spf.connectoor.com (new)"));
    }
}
