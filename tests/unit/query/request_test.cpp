// SPDX-License-Identifier: MIT
#include "query/request.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("method names are matched case-insensitively") {
    CHECK(method_from_name("getalldomains") == method::get_all_domains);
    CHECK(method_from_name("LOOKUP") == method::lookup);
    CHECK(method_from_name("getDomainMetadata") == method::get_domain_metadata);
    CHECK(method_from_name("lookupx") == method::unknown);
}

TEST_CASE("a serial in text: digits, or digits and a fraction of zeros as a double prints it") {
    std::uint32_t serial = 0;
    CHECK(parse_serial_text("2026120101", serial));
    CHECK(serial == 2026120101u);
    CHECK(parse_serial_text("2026120102.000000", serial));
    CHECK(serial == 2026120102u);
    CHECK(parse_serial_text("7.", serial));
    CHECK(serial == 7u);
    CHECK(parse_serial_text("4294967295", serial));
    CHECK(serial == 4294967295u);
    serial = 11;
    for (const char* bad : {"", ".0", "1.5", "1.05", "-1", "+1", " 1", "1 ", "4294967296",
                            "99999999999", "0x10", "1e3", "12a"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_serial_text(bad, serial));
    }
    CHECK(serial == 11u); // untouched when refused
}
