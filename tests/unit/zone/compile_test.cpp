// SPDX-License-Identifier: MIT
#include "support/zone_folder.h"
#include "zone/compile.h"
#include "zone/zone_loader.h"

#include <doctest/doctest.h>

using namespace spfd;
using test::messages;

namespace {

const std::string two_senders = "[[senders]]\nip4 = \"85.10.214.4\"\n"
                                "[[senders]]\nip4 = \"176.9.5.158\"\n";

compiled_zone compile(const std::string& senders, const std::string& extra = "", int id = 1) {
    diagnostics found;
    const auto spec = parse_zone(test::zone_text(senders, extra), "z.toml", found);
    REQUIRE_MESSAGE(spec.has_value(), messages(found));
    auto zone = compile_zone(*spec, id, found);
    REQUIRE_MESSAGE(zone.has_value(), messages(found));
    return std::move(*zone);
}

} // namespace

TEST_CASE("a flat zone compiles to its SOA (serial 0 until assigned), NS and TXT") {
    compiled_zone zone = compile(two_senders);
    CHECK(zone.summary.apex == "spf.connectoor.com");
    CHECK(zone.summary.id == 1);
    CHECK(zone.summary.sender_count == 2);
    CHECK(zone.summary.network_count == 2);
    REQUIRE(zone.records.size() == 3);
    CHECK(zone.records[0].type == "SOA");
    CHECK(zone.records[0].content ==
          "ns1.connectoor.com hostmaster.connectoor.com 0 3600 600 1209600 300");
    CHECK(zone.records[1].type == "NS");
    CHECK(zone.records[1].content == "ns1.connectoor.com");
    CHECK(zone.records[2].name == "spf.connectoor.com.");
    CHECK(zone.records[2].content == "\"v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all\"");
    CHECK_FALSE(zone.per_ip);

    assign_serial(zone, 2026120600);
    CHECK(zone.summary.serial == 2026120600);
    CHECK(zone.records[0].content ==
          "ns1.connectoor.com hostmaster.connectoor.com 2026120600 3600 600 1209600 300");
}

TEST_CASE("a macro zone adds the _ip empty non-terminal and answers per IP") {
    const compiled_zone zone = compile(two_senders, "[spf]\noverflow = \"macro\"\n", 7);
    REQUIRE(zone.records.size() == 4);
    CHECK(zone.records[3].name == "_ip.spf.connectoor.com.");
    CHECK(zone.records[3].type == "ENT");
    REQUIRE(zone.per_ip);
    CHECK(zone.per_ip->suffix == "._ip.spf.connectoor.com.");
}

TEST_CASE("assign_serials: unchanged content keeps its serial, a change takes the next one") {
    test::zone_folder f("spfd-compile");
    serial_store serials(f.root / "state");
    std::string error;

    std::vector<compiled_zone> first{compile(two_senders)};
    const auto in_use = assign_serials(first, serials);
    const std::uint32_t serial = first[0].summary.serial;
    CHECK(serial == today_yyyymmdd_utc() * 100u);
    REQUIRE(in_use.size() == 1);
    CHECK(in_use.at("spf.connectoor.com").serial == serial);
    REQUIRE(serials.commit(in_use, error));

    std::vector<compiled_zone> same{compile(two_senders)};
    CHECK(assign_serials(same, serials) == in_use);
    CHECK(same[0].summary.serial == serial);

    std::vector<compiled_zone> changed{compile(two_senders + "[[senders]]\nip4 = \"1.2.3.4\"\n")};
    const auto next = assign_serials(changed, serials);
    CHECK(changed[0].summary.serial == serial + 1);
    CHECK(next.at("spf.connectoor.com").fingerprint != in_use.at("spf.connectoor.com").fingerprint);
}
