// SPDX-License-Identifier: MIT
#include "support/reload_fixture.h"
#include "zone/reloader.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;

TEST_CASE("a good reload publishes a new snapshot with a higher serial") {
    reload_fixture f;
    f.write(one_sender);
    REQUIRE(f.zones.reload().published);
    const auto first_serial = f.served_serial();
    const auto first = f.snapshots.get();

    f.write(two_senders);
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
    f.write(two_senders);
    REQUIRE(f.zones.reload().published);
    const auto served = f.snapshots.get();
    const auto serial = f.served_serial();

    f.write(one_sender + "[[senders]]\nip4 = \"123.4.5.678/90\"\n");
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
    f.write(two_senders);
    CHECK(f.zones.reload().published);
    CHECK(f.served_serial() == serial);
}

TEST_CASE("removing a sender is published with a reminder about the TTL") {
    reload_fixture f;
    f.write(two_senders);
    REQUIRE(f.zones.reload().published);
    f.write(one_sender);
    const reload_outcome outcome = f.zones.reload();
    CHECK(outcome.published);
    CHECK(outcome.warnings == 1);
    REQUIRE_FALSE(outcome.messages.empty());
    CHECK(outcome.messages.back().find("ip4:176.9.5.158 is no longer published") !=
          std::string::npos);
}
