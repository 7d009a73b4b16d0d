// SPDX-License-Identifier: MIT
#include "admin/admin_listener.h"
#include "support/reload_fixture.h"

#include <boost/json.hpp>
#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;

TEST_CASE("the admin endpoint reports health, zones and metrics") {
    reload_fixture f;
    auto health = handle_admin_get("/health", f.snapshots, f.zones.stats());
    CHECK(health.status == 503);
    f.write(one_sender);
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

TEST_CASE("health after a refused reload: still ok, with a warning for the operator") {
    reload_fixture f;
    f.write(one_sender);
    REQUIRE(f.zones.reload().published);
    f.write("[[senders]]\nip4 = \"85.10.214.400\"\n");
    REQUIRE_FALSE(f.zones.reload().published);
    const admin_reply health = handle_admin_get("/health", f.snapshots, f.zones.stats());
    CHECK(health.status == 200);
    CHECK(health.body == "ok: serving spf.connectoor.com@" + std::to_string(f.served_serial()) +
                             "; the last reload was refused, see the log\n");
}

TEST_CASE("content types, and a query string that does not change the path") {
    reload_fixture f;
    f.write(one_sender);
    REQUIRE(f.zones.reload().published);
    const admin_reply metrics = handle_admin_get("/metrics?x=1", f.snapshots, f.zones.stats());
    CHECK(metrics.status == 200);
    CHECK(metrics.content_type == "text/plain; version=0.0.4; charset=utf-8");
    const admin_reply zones = handle_admin_get("/zones", f.snapshots, f.zones.stats());
    CHECK(zones.content_type == "application/json");
    CHECK(zones.body.ends_with("}\n"));
    const admin_reply missing = handle_admin_get("/", f.snapshots, f.zones.stats());
    CHECK(missing.status == 404);
    CHECK(missing.body == "not found; try /metrics, /health, /zones\n");
    CHECK(handle_admin_get("/reload", f.snapshots, f.zones.stats()).body == "use POST /reload\n");
}

TEST_CASE("/zones: every served field of the apex record; none before the first load") {
    reload_fixture f;
    CHECK(handle_admin_get("/zones", f.snapshots, f.zones.stats()).body == "{\"zones\":[]}\n");
    f.write(two_senders);
    REQUIRE(f.zones.reload().published);
    const auto zone =
        boost::json::parse(handle_admin_get("/zones", f.snapshots, f.zones.stats()).body)
            .at("zones")
            .at(0);
    CHECK(zone.at("name").as_string() == "spf.connectoor.com");
    CHECK(zone.at("serial").to_number<std::uint32_t>() == f.served_serial());
    CHECK(zone.at("senders").to_number<int>() == 2);
    CHECK(zone.at("networks").to_number<int>() == 2);
    CHECK(zone.at("strings").as_array().size() == 1);
    CHECK(zone.at("mode").as_string() == "flat");
    CHECK(zone.at("configured_mode").as_string() == "flat");
    CHECK(zone.at("dns_lookups").to_number<int>() == 0);
    CHECK(zone.at("children").as_array().empty());
    CHECK(zone.at("file").as_string().ends_with("spf.connectoor.com.toml"));
}

TEST_CASE("the reply to POST /reload: outcome, messages and the zones served after it") {
    reload_fixture f;
    f.write(one_sender);
    const reload_outcome outcome = f.zones.reload();
    const auto reply =
        boost::json::parse(reload_reply_json(outcome, f.snapshots.get().get())).as_object();
    CHECK(reply.at("published").as_bool());
    CHECK(reply.at("errors").to_number<int>() == 0);
    CHECK(reply.at("warnings").to_number<int>() == 0);
    CHECK(reply.at("messages").as_array().empty());
    CHECK(reply.at("duration_us").to_number<std::int64_t>() == outcome.duration.count());
    CHECK(reply.at("zones").at(0).at("record").as_string() == "v=spf1 ip4:85.10.214.4 ~all");

    reload_outcome refused;
    refused.errors = 1;
    refused.messages = {"a.toml:1:1: error: x"};
    const auto none = boost::json::parse(reload_reply_json(refused, nullptr)).as_object();
    CHECK_FALSE(none.at("published").as_bool());
    CHECK(none.at("messages").at(0).as_string() == "a.toml:1:1: error: x");
    CHECK(none.at("zones").as_array().empty());
}

TEST_CASE("/zones?passing=1 lists the networks each zone lets pass; plain /zones does not") {
    reload_fixture f;
    f.write("[spf]\noverflow = \"macro\"\n" +
            senders({"85.10.214.5", "85.10.214.4", "2001:db8::"}));
    REQUIRE(f.zones.reload().published);
    const auto plain =
        boost::json::parse(handle_admin_get("/zones", f.snapshots, f.zones.stats()).body);
    CHECK_FALSE(plain.at("zones").at(0).as_object().contains("passing"));
    CHECK_FALSE(admin_get_takes_long("/zones"));
    for (const char* target : {"/zones?passing=1", "/zones?x=2&passing=1"}) {
        CAPTURE(target);
        CHECK(admin_get_takes_long(target));
        const auto zones =
            boost::json::parse(handle_admin_get(target, f.snapshots, f.zones.stats()).body);
        CHECK(zones.at("zones").at(0).at("passing") ==
              boost::json::parse(R"(["85.10.214.4/31", "2001:db8::"])"));
        CHECK(zones.at("zones").at(0).at("mode").as_string() == "macro");
    }
    CHECK_FALSE(admin_get_takes_long("/zones?passing=10"));
    CHECK_FALSE(admin_get_takes_long("/metrics?passing=1"));
}
