// SPDX-License-Identifier: MIT
#include "admin/admin_listener.h"
#include "admin/zone_diff.h"
#include "zone/reloader.h"

#include <boost/json.hpp>
#include <doctest/doctest.h>
#include <fstream>
#include <unistd.h>

using namespace spfd;

namespace {

struct reload_fixture {
    std::filesystem::path root;
    server_config config;
    serial_store serials;
    snapshot_holder snapshots{nullptr};
    reloader zones{config, serials, snapshots};

    static std::filesystem::path make_root() {
        auto root = std::filesystem::temp_directory_path() /
                    ("spfd-reloader-" + std::to_string(::getpid()));
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root / "zones");
        std::filesystem::create_directories(root / "state");
        return root;
    }

    reload_fixture() : root(make_root()), serials(root / "state") {
        config.zones_dir = root / "zones";
        config.state_dir = root / "state";
    }
    ~reload_fixture() { std::filesystem::remove_all(root); }

    void write(const std::string& senders) {
        std::ofstream(root / "zones" / "spf.connectoor.com.toml")
            << "zone = \"spf.connectoor.com\"\n[soa]\nprimary = \"ns1.connectoor.com\"\n"
               "hostmaster = \"hostmaster.connectoor.com\"\n[ns]\nnames = "
               "[\"ns1.connectoor.com\"]\n"
            << senders;
    }
    std::string served_record() const { return snapshots.get()->zones().at(0).summary.spf.text; }
    std::uint32_t served_serial() const { return snapshots.get()->zones().at(0).summary.serial; }
};

const std::string one = "[[senders]]\nip4 = \"85.10.214.4\"\n";
const std::string two = one + "[[senders]]\nip4 = \"176.9.5.158\"\n";

} // namespace

TEST_CASE("a good reload publishes a new snapshot with a higher serial") {
    reload_fixture f;
    f.write(one);
    REQUIRE(f.zones.reload().published);
    const auto first_serial = f.served_serial();
    const auto first = f.snapshots.get();

    f.write(two);
    const reload_outcome outcome = f.zones.reload();
    CHECK(outcome.published);
    CHECK(outcome.errors == 0);
    CHECK(f.served_record() == "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all");
    CHECK(f.served_serial() > first_serial);
    // The old snapshot is untouched: a query holding it still sees one whole generation.
    CHECK(first->zones().at(0).summary.spf.text == "v=spf1 ip4:85.10.214.4 ~all");
    CHECK(f.zones.stats().ok_total == 2);
    CHECK(f.zones.stats().last_ok);
}

TEST_CASE("a bad edit is refused and the last good record stays served") {
    reload_fixture f;
    f.write(two);
    REQUIRE(f.zones.reload().published);
    const auto served = f.snapshots.get();
    const auto serial = f.served_serial();

    f.write(one + "[[senders]]\nip4 = \"123.4.5.678/90\"\n");
    const reload_outcome outcome = f.zones.reload();
    CHECK_FALSE(outcome.published);
    CHECK(outcome.errors == 1);
    REQUIRE(outcome.messages.size() == 1);
    CHECK(outcome.messages[0].find("spf.connectoor.com.toml:10:7: error: senders[1].ip4: "
                                   "\"123.4.5.678/90\"") != std::string::npos);
    CHECK(f.snapshots.get() == served);
    CHECK(f.served_serial() == serial);
    CHECK_FALSE(f.zones.stats().last_ok);
    CHECK(f.zones.stats().failed_total == 1);

    // The serial state was not advanced by the refused edit.
    f.write(two);
    CHECK(f.zones.reload().published);
    CHECK(f.served_serial() == serial);
}

TEST_CASE("removing a sender is published with a reminder about the TTL") {
    reload_fixture f;
    f.write(two);
    REQUIRE(f.zones.reload().published);
    f.write(one);
    const reload_outcome outcome = f.zones.reload();
    CHECK(outcome.published);
    CHECK(outcome.warnings == 1);
    REQUIRE_FALSE(outcome.messages.empty());
    CHECK(outcome.messages.back().find("ip4:176.9.5.158 is no longer published") !=
          std::string::npos);
}

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
