// SPDX-License-Identifier: MIT
// The admin endpoint on 127.0.0.1, asked by spfctl's own client.
#include "admin/admin_client.h"
#include "admin/admin_listener.h"
#include "support/loopback.h"
#include "support/reload_fixture.h"

#include <boost/json.hpp>
#include <doctest/doctest.h>
#include <stdexcept>

using namespace spfd;
using namespace spfd::test;
using namespace std::chrono_literals;

namespace {

struct running_admin {
    io_thread loop;
    reload_fixture f;
    admin_listener_config where{"127.0.0.1", free_loopback_port()};
    admin_listener listener{loop.io, io_threads::one, where, f.snapshots, f.zones};

    running_admin() { listener.start(); }
    ~running_admin() { listener.stop(); }

    admin_response call(bool post, const std::string& target) {
        std::string error;
        const auto r = admin_call(where, post, target, 5s, error);
        REQUIRE_MESSAGE(r, error);
        return *r;
    }
};

} // namespace

TEST_CASE("GET answers from handle_admin_get, one request per connection") {
    running_admin admin;
    CHECK(admin.call(false, "/health").status == 503);
    admin.f.write(one_sender);
    REQUIRE(admin.f.zones.reload().published);
    const admin_response health = admin.call(false, "/health");
    CHECK(health.status == 200);
    CHECK(health.body ==
          handle_admin_get("/health", admin.f.snapshots, admin.f.zones.stats()).body);
    CHECK(admin.call(false, "/nope").status == 404);
    CHECK(admin.call(false, "/reload").status == 405);
}

TEST_CASE("POST /reload reloads and answers 200, or 422 with the findings") {
    running_admin admin;
    admin.f.write(one_sender);
    const admin_response ok = admin.call(true, "/reload");
    CHECK(ok.status == 200);
    CHECK(boost::json::parse(ok.body).at("published").as_bool());
    CHECK(admin.f.served_record() == "v=spf1 ip4:85.10.214.4 ~all");

    admin.f.write("[[senders]]\nip4 = \"85.10.214.400\"\n");
    const admin_response refused = admin.call(true, "/reload");
    CHECK(refused.status == 422);
    const auto body = boost::json::parse(refused.body);
    CHECK_FALSE(body.at("published").as_bool());
    CHECK(body.at("errors").to_number<int>() >= 1);
    CHECK_FALSE(body.at("messages").as_array().empty());
    CHECK(admin.f.served_record() == "v=spf1 ip4:85.10.214.4 ~all");

    CHECK(admin.call(true, "/health").status == 405);
}

TEST_CASE("a port in use is a one-line error naming the address") {
    running_admin admin;
    io_thread other;
    reload_fixture f;
    try {
        admin_listener second(other.io, io_threads::one, admin.where, f.snapshots, f.zones);
        FAIL("the second listener bound a port in use");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).starts_with("cannot listen for admin requests on 127.0.0.1:" +
                                                std::to_string(admin.where.port) + ": "));
    }
}
