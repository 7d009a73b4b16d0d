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
    CHECK(outcome.messages.back().find(": warning: 176.9.5.158 is no longer published for "
                                       "spf.connectoor.com; make sure it stopped sending") !=
          std::string::npos);
}

namespace {

// The warnings of a reload that names the addresses that stop passing.
std::vector<std::string> removal_warnings(const reload_outcome& outcome) {
    std::vector<std::string> out;
    for (const std::string& m : outcome.messages)
        if (m.find(" is no longer published") != std::string::npos)
            out.push_back(m.substr(m.find(": warning: ") + 11,
                                   m.find(" is no longer") - m.find(": warning: ") - 11));
    return out;
}

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("an address joined into a wider network is not reported as removed, and leaves "
          "by name") {
    reload_fixture f;
    f.write(senders({"85.10.214.4", "176.9.5.158"}));
    REQUIRE(f.zones.reload().published);

    f.write(senders({"85.10.214.4", "85.10.214.5", "176.9.5.158"}));
    const reload_outcome added = f.zones.reload();
    REQUIRE(added.published);
    CHECK(f.served_record() == "v=spf1 ip4:85.10.214.4/31 ip4:176.9.5.158 ~all");
    CHECK(added.warnings == 0);
    CHECK(removal_warnings(added).empty());

    f.write(senders({"85.10.214.4", "176.9.5.158"}));
    const reload_outcome removed = f.zones.reload();
    REQUIRE(removed.published);
    CHECK(removed.warnings == 1);
    CHECK(removal_warnings(removed) == strings{"85.10.214.5"});
}

TEST_CASE("a removal from the middle of a network names the addresses that leave, IPv6 too") {
    reload_fixture f;
    f.write(senders({"10.20.0.0/24", "2001:db8::/126"}));
    REQUIRE(f.zones.reload().published);
    f.write(senders({"10.20.0.0/26", "10.20.0.64/27", "10.20.0.96/28", "10.20.0.112/29",
                     "10.20.0.120/30", "10.20.0.124/31", "10.20.0.126", "10.20.0.128/25",
                     "2001:db8::", "2001:db8::3"}));
    const reload_outcome outcome = f.zones.reload();
    REQUIRE(outcome.published);
    CHECK(removal_warnings(outcome) == strings{"10.20.0.127", "2001:db8::1", "2001:db8::2"});
}

TEST_CASE("past twenty networks that stop passing, one line counts the rest") {
    reload_fixture f;
    std::string many;
    for (int i = 0; i < 25; ++i)
        many += "[[senders]]\nip4 = \"85.10." + std::to_string(i) + ".1\"\n";
    f.write(many);
    REQUIRE(f.zones.reload().published);
    f.write(one_sender);
    const reload_outcome outcome = f.zones.reload();
    REQUIRE(outcome.published);
    CHECK(removal_warnings(outcome).size() == 20);
    CHECK(outcome.warnings == 21);
    CHECK(outcome.messages.back().find(": warning: 5 more networks are no longer published for "
                                       "spf.connectoor.com") != std::string::npos);
}
