// SPDX-License-Identifier: MIT
#include "support/fake_dns.h"
#include "support/zone_folder.h"
#include "zone/zone_set.h"

#include <doctest/doctest.h>

using namespace spfd;

using test::messages;

TEST_CASE("the shipped zones folder loads into a snapshot") {
    serial_store serials(std::filesystem::temp_directory_path() / "spfd-no-state");
    const auto result = load_zone_set(SPFD_SOURCE_DIR "/zones", serials);
    REQUIRE_MESSAGE(result.snap != nullptr, messages(result.findings));
    REQUIRE(result.snap->zones().size() == 1);
    const auto& z = result.snap->zones()[0].summary;
    CHECK(z.spf.text == "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip4:178.63.53.35 ~all");
    CHECK(z.serial == today_yyyymmdd_utc() * 100u);
    CHECK(result.snap->find_name("spf.connectoor.com.") != nullptr);
}

TEST_CASE("an answer over the size budget is refused with the overshoot and what to do") {
    test::zone_folder f("spfd-zone-set");
    f.write_zone(test::spaced_senders(40));
    serial_store serials(f.root / "state");
    const auto result = load_zone_set(f.root / "zones", serials);
    CHECK(result.snap == nullptr);
    const std::string m = messages(result.findings);
    CAPTURE(m);
    CHECK(m.find("would be 697 octets, 247 over the budget of 450") != std::string::npos);
    CHECK(m.find(".toml:8:7: error:") != std::string::npos); // at the first sender
    CHECK(m.find("Remove senders") != std::string::npos);
}

TEST_CASE("the budget is configurable up to 512 and near-budget answers warn") {
    test::zone_folder f("spfd-zone-set");
    f.write_zone(test::spaced_senders(27), "[spf]\nmax_answer_octets = 512\n");
    serial_store serials(f.root / "state");
    const auto result = load_zone_set(f.root / "zones", serials);
    REQUIRE_MESSAGE(result.snap != nullptr, messages(result.findings));
    const auto& m = result.snap->zones()[0].summary.spf.measures;
    CHECK(m.answer_octets <= 512);
    CHECK(m.string_count == 2);
    CAPTURE(messages(result.findings));
    CHECK(messages(result.findings).find("close to the budget") != std::string::npos);
}

TEST_CASE("the serial changes with the content and only then") {
    test::zone_folder f("spfd-zone-set");
    serial_store serials(f.root / "state");
    std::string error;
    f.write_zone(test::spaced_senders(3));
    auto first = load_zone_set(f.root / "zones", serials);
    REQUIRE(first.snap != nullptr);
    REQUIRE(serials.commit(first.serials, error));
    const auto serial1 = first.snap->zones()[0].summary.serial;

    auto same = load_zone_set(f.root / "zones", serials);
    CHECK(same.snap->zones()[0].summary.serial == serial1);

    f.write_zone(test::spaced_senders(4));
    auto changed = load_zone_set(f.root / "zones", serials);
    REQUIRE(changed.snap != nullptr);
    CHECK(changed.snap->zones()[0].summary.serial == serial1 + 1);
    const auto* soa = changed.snap->find_name("spf.connectoor.com.");
    CHECK(soa->reply_for("SOA").find(std::to_string(serial1 + 1)) != std::string_view::npos);
}

TEST_CASE("a macro zone's serial follows its networks, which are in no record") {
    test::zone_folder f("spfd-zone-set");
    serial_store serials(f.root / "state");
    std::string error;
    const std::string macro = "[spf]\noverflow = \"macro\"\n";
    f.write_zone(test::spaced_senders(3), macro);
    auto first = load_zone_set(f.root / "zones", serials);
    REQUIRE(first.snap != nullptr);
    REQUIRE(serials.commit(first.serials, error));
    const auto serial1 = first.snap->zones()[0].summary.serial;
    f.write_zone(test::spaced_senders(4), macro);
    auto changed = load_zone_set(f.root / "zones", serials);
    REQUIRE(changed.snap != nullptr);
    CHECK(changed.snap->zones()[0].summary.serial == serial1 + 1);
}

TEST_CASE("include entries serve the provider's last good set, or refuse the zone") {
    test::zone_folder f("spfd-zone-set");
    f.write_zone("[[senders]]\nip4 = \"85.10.214.4\"\n[[senders]]\ninclude = "
                 "\"_spf.provider.example\"\n");
    std::filesystem::create_directories(f.root / "state");
    serial_store serials(f.root / "state");
    test::fake_dns dns;
    dns.txt("_spf.provider.example", "v=spf1 ip4:192.0.2.0/24 -ip4:85.10.214.5 ip4:85.10.214.0/30 "
                                     "-all");
    include_book book(f.root / "state", {}, std::make_unique<test::forwarding_resolver>(dns));
    const auto result = load_zone_set(f.root / "zones", serials, &book);
    REQUIRE_MESSAGE(result.snap != nullptr, messages(result.findings));
    CHECK(result.snap->zones()[0].summary.spf.text ==
          "v=spf1 ip4:85.10.214.0/30 ip4:85.10.214.4 ip4:192.0.2.0/24 ~all");

    // No good set yet (the provider's DNS fails): the zone is not published without it.
    test::zone_folder g("spfd-zone-set-2");
    g.write_zone("[[senders]]\nip4 = \"85.10.214.4\"\n[[senders]]\ninclude = "
                 "\"_spf.servfail.test\"\n");
    std::filesystem::create_directories(g.root / "state");
    include_book failing(g.root / "state", {}, std::make_unique<test::forwarding_resolver>(dns));
    const auto refused = load_zone_set(g.root / "zones", serials, &failing);
    CHECK(refused.snap == nullptr);
    CHECK(
        messages(refused.findings)
            .find(":10:11: error: include \"_spf.servfail.test\": no good set of its addresses yet "
                  "(dns: DNS error for _spf.servfail.test: SERVFAIL); the zone is not published "
                  "without them") != std::string::npos);
    // Without a book (nothing to look up with) the same.
    CHECK(load_zone_set(f.root / "zones", serials).snap == nullptr);
}

TEST_CASE("a zone of includes whose providers pass nobody is refused") {
    test::zone_folder f("spfd-zone-set-empty");
    f.write_zone("[[senders]]\ninclude = \"_spf.provider.example\"\n");
    std::filesystem::create_directories(f.root / "state");
    serial_store serials(f.root / "state");
    test::fake_dns dns;
    dns.txt("_spf.provider.example", "v=spf1 -all");
    include_book book(f.root / "state", {}, std::make_unique<test::forwarding_resolver>(dns));
    const auto result = load_zone_set(f.root / "zones", serials, &book);
    CHECK(result.snap == nullptr);
    CHECK(messages(result.findings).find("would authorise nobody") != std::string::npos);
}

TEST_CASE("keep_include publishes an include: term after our networks, in every layout") {
    test::zone_folder f("spfd-zone-set-keep");
    std::filesystem::create_directories(f.root / "state");
    serial_store serials(f.root / "state");
    test::fake_dns dns; // never asked: a kept include is not looked up
    include_book book(f.root / "state", {}, std::make_unique<test::forwarding_resolver>(dns));
    const std::string senders = "[[senders]]\nip4 = \"85.10.214.4\"\n[[senders]]\ninclude = "
                                "\"_spf.other.example\"\nkeep_include = true\n";
    f.write_zone(senders);
    auto result = load_zone_set(f.root / "zones", serials, &book);
    REQUIRE_MESSAGE(result.snap != nullptr, messages(result.findings));
    const zone_summary& flat = result.snap->zones()[0].summary;
    CHECK(flat.spf.text == "v=spf1 ip4:85.10.214.4 include:_spf.other.example ~all");
    CHECK(flat.customer_lookups == 2);
    CHECK(dns.queries() == 0);

    f.write_zone(senders, "[spf]\noverflow = \"macro\"\n");
    result = load_zone_set(f.root / "zones", serials, &book);
    REQUIRE_MESSAGE(result.snap != nullptr, messages(result.findings));
    CHECK(result.snap->zones()[0].summary.spf.text ==
          "v=spf1 include:%{i}._ip.spf.connectoor.com include:_spf.other.example ~all");
    CHECK(result.snap->zones()[0].summary.customer_lookups == 3);

    f.write_zone(senders, "[spf]\noverflow = \"split\"\n");
    result = load_zone_set(f.root / "zones", serials, &book);
    REQUIRE_MESSAGE(result.snap != nullptr, messages(result.findings));
    CHECK(result.snap->zones()[0].summary.spf.text ==
          "v=spf1 include:_s1.spf.connectoor.com include:_spf.other.example ~all");
    CHECK(result.snap->zones()[0].summary.customer_lookups == 3);

    // A record that cannot be flattened says how to keep it.
    dns.txt("_spf.provider.example", "v=spf1 exists:%{i}.x.example -all");
    f.write_zone("[[senders]]\nip4 = \"85.10.214.4\"\n[[senders]]\ninclude = "
                 "\"_spf.provider.example\"\n");
    result = load_zone_set(f.root / "zones", serials, &book);
    CHECK(result.snap == nullptr);
    CHECK(messages(result.findings).find("keep_include = true publishes it as an include: term") !=
          std::string::npos);
}
