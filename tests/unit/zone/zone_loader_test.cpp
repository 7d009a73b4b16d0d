// SPDX-License-Identifier: MIT
#include "zone/zone_loader.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace spfd;

namespace {

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string all_messages(const diagnostics& d) {
    std::string out;
    for (const auto& item : d.items())
        out += to_string(item) + "\n";
    return out;
}

const char* minimal_zone = R"(zone = "spf.connectoor.com"
[soa]
primary = "ns1.connectoor.com"
hostmaster = "hostmaster@connectoor.com"
[ns]
names = ["ns1.connectoor.com", "NS2.Connectoor.com."]
[[senders]]
ip4 = "85.10.214.4"
note = "mail1"
[[senders]]
ip6 = "2A01:4F8:1::/48"
)";

} // namespace

TEST_CASE("every bad zone file is refused at the line and column its first line names") {
    // Each file starts with `# expect: LINE:COL: message-prefix` (0:0 = no position).
    std::size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(SPFD_TEST_DATA "/bad-zones")) {
        const std::string text = read(entry.path());
        const std::string first_line = text.substr(0, text.find('\n'));
        REQUIRE(first_line.starts_with("# expect: "));
        const std::string expect = first_line.substr(10);
        const std::size_t colon2 = expect.find(':', expect.find(':') + 1);
        const std::string pos = expect.substr(0, colon2);
        const std::string message = expect.substr(colon2 + 2);
        const std::string file = entry.path().filename().string();
        const std::string wanted = (pos == "0:0" ? file : file + ":" + pos) + ": error: " + message;

        diagnostics found;
        const auto zone = parse_zone(text, file, found);
        CAPTURE(file);
        CHECK_FALSE(zone.has_value());
        bool seen = false;
        for (const auto& d : found.items())
            seen = seen || to_string(d).starts_with(wanted);
        CHECK_MESSAGE(seen, "wanted: " << wanted << "\ngot:\n" << all_messages(found));
        ++checked;
    }
    CHECK(checked >= 20);
}

TEST_CASE("a minimal zone is read with defaults, names normalised") {
    diagnostics found;
    const auto zone = parse_zone(minimal_zone, "z.toml", found);
    REQUIRE_MESSAGE(zone.has_value(), all_messages(found));
    CHECK(zone->apex == "spf.connectoor.com");
    CHECK(zone->soa.hostmaster == "hostmaster.connectoor.com");
    CHECK(zone->soa.refresh == 3600);
    CHECK(zone->soa.minimum == 300);
    CHECK(zone->nameservers ==
          std::vector<std::string>{"ns1.connectoor.com", "ns2.connectoor.com"});
    CHECK(zone->ns_ttl == 86400);
    CHECK(zone->spf_ttl == 300);
    CHECK(zone->all == all_qualifier::softfail);
    CHECK(zone->max_answer_octets == 450);
    REQUIRE(zone->senders.size() == 2);
    CHECK(zone->senders[0].note == "mail1");
    CHECK(zone->senders[0].line == 8);
    CHECK(zone->where(zone->senders[0]).file == "z.toml");
    CHECK(zone->senders[1].network.to_string() == "2a01:4f8:1::/48");
    CHECK(found.items().empty());
}

TEST_CASE("covered and very wide senders are warnings, not errors") {
    diagnostics found;
    std::string text = minimal_zone;
    text += "[[senders]]\nip4 = \"85.10.214.0/24\"\n[[senders]]\nip4 = \"10.0.0.0/8\"\n"
            "[[senders]]\nip4 = \"11.0.0.0/8\"\nwide = true\n";
    const auto zone = parse_zone(text, "z.toml", found);
    REQUIRE_MESSAGE(zone.has_value(), all_messages(found));
    const std::string messages = all_messages(found);
    CHECK(messages.find("z.toml:8:7: warning: \"85.10.214.4\" is already covered by "
                        "\"85.10.214.0/24\" at line 13") != std::string::npos);
    CHECK(messages.find("z.toml:15:7: warning: \"10.0.0.0/8\" is a very wide network") !=
          std::string::npos);
    CHECK(messages.find("11.0.0.0/8") == std::string::npos);
}

TEST_CASE("the shipped zone file loads cleanly") {
    diagnostics found;
    const auto zone = load_zone_file(SPFD_SOURCE_DIR "/zones/spf.connectoor.com.toml", found);
    REQUIRE_MESSAGE(zone.has_value(), all_messages(found));
    CHECK(found.items().empty());
    CHECK(zone->senders.size() == 3);
}

TEST_CASE("a file named after another zone is refused") {
    const auto dir = std::filesystem::temp_directory_path() / "spfd-zone-loader-test";
    std::filesystem::create_directories(dir);
    const auto path = dir / "example.org.toml";
    std::ofstream(path) << minimal_zone;
    diagnostics found;
    CHECK_FALSE(load_zone_file(path, found).has_value());
    CHECK(all_messages(found).find("rename the file to spf.connectoor.com.toml") !=
          std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("files that cannot be read are refused with the file name") {
    diagnostics found;
    CHECK_FALSE(load_zone_file("/nonexistent/spf.connectoor.com.toml", found).has_value());
    CHECK(all_messages(found).starts_with(
        "/nonexistent/spf.connectoor.com.toml: error: cannot read"));
    diagnostics dir_found;
    CHECK_FALSE(load_zone_file("/tmp", dir_found).has_value());
    CHECK(all_messages(dir_found).find("is not a regular file") != std::string::npos);
}

TEST_CASE("invalid UTF-8 is a syntax error, not a crash") {
    diagnostics found;
    std::string text = minimal_zone;
    text += "[[senders]]\nip4 = \"1.2.3.4\"\nnote = \"\xff\xfe\"\n";
    CHECK_FALSE(parse_zone(text, "z.toml", found).has_value());
    CHECK(all_messages(found).find("TOML syntax") != std::string::npos);
}

TEST_CASE("a [[senders]] entry may name a provider's SPF record, with a note and keep_include") {
    const std::string text = std::string(minimal_zone) + R"([[senders]]
include = "_spf.Provider.example."
note = "backup relay at the provider"
[[senders]]
include = "_spf.other.example"
keep_include = true
)";
    diagnostics found;
    const auto zone = parse_zone(text, "z.toml", found);
    REQUIRE(zone);
    CHECK(all_messages(found).empty());
    CHECK(zone->senders.size() == 2);
    REQUIRE(zone->includes.size() == 2);
    CHECK(zone->includes[0].domain == "_spf.provider.example");
    CHECK(zone->includes[0].note == "backup relay at the provider");
    CHECK_FALSE(zone->includes[0].keep);
    CHECK(zone->where(zone->includes[0]).line == 13);
    CHECK(zone->where(zone->includes[0]).column == 11);
    CHECK(zone->includes[1].keep);
}
