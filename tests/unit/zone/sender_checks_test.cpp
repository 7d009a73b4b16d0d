// SPDX-License-Identifier: MIT
#include "support/zone_folder.h"
#include "zone/sender_checks.h"

#include <doctest/doctest.h>

using namespace spfd;
using test::messages;

namespace {

// A zone written in z.toml with no senders yet.
zone_spec zone_without_senders() {
    zone_spec z;
    z.file = "z.toml";
    z.sources.push_back(z.file);
    return z;
}

// An entry of z.toml written at `line`, column 7 (after `ip4 = "`).
void add(zone_spec& zone, const std::string& text, std::uint32_t line, bool wide = false) {
    const ip_family family = text.find(':') == std::string::npos ? ip_family::v4 : ip_family::v6;
    zone.senders.push_back(
        {std::get<ip_network>(parse_network(text, family)), text, {}, wide, 0, line, 7});
}

} // namespace

TEST_CASE("no senders at all is an error, at the file or at senders_file") {
    zone_spec zone = zone_without_senders();
    diagnostics found;
    check_senders(zone, found);
    CHECK(messages(found) == "z.toml: error: no [[senders]] entries: the record would authorise "
                             "nobody, and every customer's mail would fail SPF\n");

    zone.senders_file = "z.senders";
    zone.senders_file_key = {"z.toml", 2, 16};
    diagnostics from_list;
    check_senders(zone, from_list);
    CHECK(messages(from_list).starts_with(
        "z.toml:2:16: error: no [[senders]] entries and no lines in senders_file: "));
}

TEST_CASE("each copy of an entry is an error against the first, and is not also 'covered'") {
    zone_spec zone = zone_without_senders();
    add(zone, "85.10.214.4", 8);
    add(zone, "85.10.214.0/24", 10);
    add(zone, "85.10.214.4", 12);
    add(zone, "85.10.214.4", 14);
    diagnostics found;
    check_senders(zone, found);
    CHECK(found.error_count() == 2);
    const std::string m = messages(found);
    CAPTURE(m);
    CHECK(m.find("z.toml:12:7: error: \"85.10.214.4\" is a duplicate of \"85.10.214.4\" at line "
                 "8; remove one of them\n") != std::string::npos);
    CHECK(m.find("z.toml:14:7: error: \"85.10.214.4\" is a duplicate of \"85.10.214.4\" at line "
                 "8; remove one of them\n") != std::string::npos);
    CHECK(m.find("z.toml:8:7: warning: \"85.10.214.4\" is already covered by \"85.10.214.0/24\" "
                 "at line 10; it adds nothing to the record\n") != std::string::npos);
    CHECK(m.find("z.toml:12:7: warning") == std::string::npos);
}

TEST_CASE("special-purpose networks are warnings") {
    zone_spec zone = zone_without_senders();
    add(zone, "192.0.2.1", 8);
    diagnostics found;
    check_senders(zone, found);
    CHECK(messages(found) == "z.toml:8:7: warning: \"192.0.2.1\" lies in documentation, "
                             "TEST-NET-1 (RFC 5737) address space, which does not send mail on "
                             "the Internet; receivers will never see it\n");
}

TEST_CASE("a systematic mistake is listed 20 times, then counted") {
    zone_spec zone = zone_without_senders();
    for (unsigned i = 0; i < 25; ++i)
        add(zone, std::to_string(i + 30) + ".0.0.0/8", 8 + 2 * i);
    add(zone, "200.0.0.0/8", 60, true); // marked wide: no warning
    diagnostics found;
    check_senders(zone, found);
    CHECK(found.error_count() == 0);
    CHECK(found.items().size() == 21);
    CHECK(found.items().back().message == "5 more very wide networks not shown");
    CHECK(messages(found).find("200.0.0.0/8") == std::string::npos);
}
