// SPDX-License-Identifier: MIT
#include "support/zone_folder.h"
#include "zone/check_report.h"
#include "zone/compile.h"
#include "zone/zone_loader.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("describe_zone: layout, record, senders, size, lookups and the serial's story") {
    diagnostics found;
    const auto spec =
        parse_zone(test::zone_text("[[senders]]\nip4 = \"85.10.214.4\"\n"), "z.toml", found);
    REQUIRE(spec);
    auto zone = compile_zone(*spec, 1, found);
    REQUIRE(zone);
    assign_serial(*zone, 2026120600);
    test::zone_folder f("spfd-check-report");
    serial_store none(f.root / "state");
    CHECK(describe_zone(zone->summary, none) ==
          "spf.connectoor.com  (z.toml)\n"
          "  layout:  flat: one record\n"
          "  record:  \"v=spf1 ip4:85.10.214.4 ~all\"\n"
          "  senders: 1 entries, 1 networks after aggregation\n"
          "  size:    27 octets in 1 string; DNS answer 76 octets (87 with EDNS)\n"
          "  lookups: 0 in our record; a customer's include:spf.connectoor.com costs them 1 of "
          "their 10\n"
          "  serial:  2026120600 (new zone)\n");

    std::string error;
    REQUIRE(none.commit({{"spf.connectoor.com", {2026120600, "x"}}}, error));
    CHECK(describe_zone(zone->summary, none).ends_with("  serial:  2026120600 (unchanged)\n"));
    assign_serial(*zone, 2026120601);
    CHECK(describe_zone(zone->summary, none)
              .ends_with("  serial:  2026120601 (was 2026120600, content changed)\n"));
}
