// SPDX-License-Identifier: MIT
#include "admin/admin_listener.h" // handle_admin_get, defined in admin_handler.cpp
#include "support/reload_fixture.h"

#include <boost/json.hpp>
#include <doctest/doctest.h>

using namespace spfd;
using test::one;
using test::reload_fixture;
using test::two;

TEST_CASE("the admin endpoint reports health, zones and metrics") {
    reload_fixture f;
    auto health = handle_admin_get("/health", f.snapshots, f.zones.stats());
    CHECK(health.status == 503);
    f.write(one);
    REQUIRE(f.zones.reload().published);
    health = handle_admin_get("/health", f.snapshots, f.zones.stats());
    CHECK(health.status == 200);
    CHECK(health.body.starts_with("ok: serving spf.connectoor.com@"));

    const auto metrics = handle_admin_get("/metrics", f.snapshots, f.zones.stats()).body;
    CHECK(metrics.find("spf_answer_octets{name=\"spf.connectoor.com\"} 76\n") != std::string::npos);
    CHECK(metrics.find("spf_dns_lookups{name=\"spf.connectoor.com\"} 0\n") != std::string::npos);
    CHECK(metrics.find("spf_zone_valid 1\n") != std::string::npos);
    CHECK(metrics.find("spf_reloads_total{outcome=\"ok\"} 1\n") != std::string::npos);
    CHECK(metrics.find("# TYPE spf_backend_request_duration_seconds histogram") !=
          std::string::npos);
    CHECK(metrics.find("spf_backend_requests_total{connector=\"unix\",method=\"lookup\"}") !=
          std::string::npos);

    const auto zones =
        boost::json::parse(handle_admin_get("/zones", f.snapshots, f.zones.stats()).body);
    CHECK(zones.at("zones").at(0).at("record").as_string() == "v=spf1 ip4:85.10.214.4 ~all");
    CHECK(handle_admin_get("/nope", f.snapshots, f.zones.stats()).status == 404);
    CHECK(handle_admin_get("/reload", f.snapshots, f.zones.stats()).status == 405);
}
