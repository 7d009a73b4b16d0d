// SPDX-License-Identifier: MIT
#include "admin/admin_listener.h"
#include "admin/zone_diff.h"
#include "support/reload_fixture.h"

#include <boost/json.hpp>
#include <doctest/doctest.h>

using namespace spfd;
using test::one;
using test::reload_fixture;
using test::two;

TEST_CASE("diff shows the terms an edit adds and removes") {
    reload_fixture f;
    f.write(two);
    REQUIRE(f.zones.reload().published);
    const auto served =
        boost::json::parse(handle_admin_get("/zones", f.snapshots, f.zones.stats()).body);

    f.write(one + "[[senders]]\nip6 = \"2001:db8::/48\"\n");
    reload_fixture other; // a candidate built from the edited files, not published
    other.write(one + "[[senders]]\nip6 = \"2001:db8::/48\"\n");
    REQUIRE(other.zones.reload().published);
    const zone_diff d = diff_zones(served, *other.snapshots.get());
    CHECK(d.differs);
    CHECK(d.text.find("  - ip4:176.9.5.158\n") != std::string::npos);
    CHECK(d.text.find("  + ip6:2001:db8::/48\n") != std::string::npos);

    const zone_diff same = diff_zones(served, *f.snapshots.get());
    CHECK_FALSE(same.differs);
    CHECK(same.text.find("unchanged") != std::string::npos);
}
