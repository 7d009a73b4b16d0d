// SPDX-License-Identifier: MIT
#include "zone/zone_spec.h"

#include <doctest/doctest.h>

using namespace spfd;

namespace {

sender written_at(std::uint16_t source, std::uint32_t line, std::uint32_t column) {
    return {std::get<ip_network>(parse_network("192.0.2.1", ip_family::v4)),
            "192.0.2.1",
            "",
            false,
            source,
            line,
            column};
}

} // namespace

TEST_CASE("overflow modes are named as the zone file spells them") {
    CHECK(to_string(overflow_mode::flat) == "flat");
    CHECK(to_string(overflow_mode::split) == "split");
    CHECK(to_string(overflow_mode::macro) == "macro");
    CHECK(to_string(overflow_mode::auto_) == "auto");
}

TEST_CASE("a sender's position names the file it came from") {
    zone_spec spec;
    spec.file = "zones/spf.connectoor.com.toml";
    spec.sources = {spec.file, "zones/more-senders.txt"};
    const sender in_zone_file = written_at(0, 12, 5);
    const sender in_list = written_at(1, 3, 1);
    const sender unknown_source = written_at(7, 9, 0);

    const source_position a = spec.where(in_zone_file);
    CHECK(a.file == "zones/spf.connectoor.com.toml");
    CHECK(a.line == 12);
    CHECK(a.column == 5);
    const source_position b = spec.where(in_list);
    CHECK(b.file == "zones/more-senders.txt");
    CHECK(b.line == 3);
    // An index beyond the sources falls back to the zone file rather than failing.
    CHECK(spec.where(unknown_source).file == "zones/spf.connectoor.com.toml");
}
