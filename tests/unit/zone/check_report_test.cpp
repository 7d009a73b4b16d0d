// SPDX-License-Identifier: MIT
#include "support/zone_folder.h"
#include "zone/check_report.h"
#include "zone/compile.h"
#include "zone/zone_loader.h"

#include <boost/asio/ip/network_v4.hpp>
#include <ctime>
#include <doctest/doctest.h>
#include <filesystem>
#include <unistd.h>

using namespace spfd;

namespace {

zone_summary flat_zone() {
    zone_summary z;
    z.file = "zones/spf.connectoor.com.toml";
    z.apex = "spf.connectoor.com";
    z.serial = 2026120101;
    z.sender_count = 3;
    z.network_count = 2;
    z.spf.text = "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all";
    z.spf.measures.text_octets = 43;
    z.spf.measures.string_count = 1;
    z.spf.measures.answer_octets = 107;
    z.spf.measures.answer_octets_edns = 118;
    return z;
}

/// A serial store in a fresh folder; remembers `apex` at `serial` when that is not 0.
struct remembered_serials {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("spfd-report-" + std::to_string(::getpid()));
    serial_store store{dir};

    explicit remembered_serials(std::uint32_t serial = 0) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        std::string error;
        if (serial != 0)
            REQUIRE(store.commit({{"spf.connectoor.com", {serial, "x"}}}, error));
    }
    ~remembered_serials() { std::filesystem::remove_all(dir); }
};

} // namespace

TEST_CASE("a flat zone: record, senders, size, lookups and a new serial") {
    remembered_serials none;
    CHECK(describe_zone(flat_zone(), none.store) ==
          "spf.connectoor.com  (zones/spf.connectoor.com.toml)\n"
          "  layout:  flat: one record\n"
          "  record:  \"v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all\"\n"
          "  senders: 3 entries, 2 networks after aggregation\n"
          "  size:    43 octets in 1 string; DNS answer 107 octets (118 with EDNS)\n"
          "  lookups: 0 in our record; a customer's include:spf.connectoor.com costs them 1 "
          "of their 10\n"
          "  serial:  2026120101 (new zone)\n");
}

TEST_CASE("the serial line tells an unchanged zone from a changed one") {
    remembered_serials same(2026120101);
    CHECK(describe_zone(flat_zone(), same.store).ends_with("  serial:  2026120101 (unchanged)\n"));
    remembered_serials older(2026113005);
    CHECK(describe_zone(flat_zone(), older.store)
              .ends_with("  serial:  2026120101 (was 2026113005, content changed)\n"));
}

TEST_CASE("split and macro layouts, and the layout auto chose") {
    remembered_serials none;
    zone_summary split = flat_zone();
    split.mode = overflow_mode::split;
    split.configured = overflow_mode::auto_;
    split.spf.measures.string_count = 2;
    child_record child;
    child.name = "s1.spf.connectoor.com";
    child.spf.measures.text_octets = 300;
    child.spf.measures.string_count = 2;
    child.spf.measures.answer_octets = 350;
    child.spf.measures.answer_octets_edns = 361;
    split.children = {child};
    const std::string text = describe_zone(split, none.store);
    CHECK(text.find("  layout:  split (chosen by overflow = \"auto\"): the apex includes 1 "
                    "child record\n") != std::string::npos);
    CHECK(text.find("in 2 strings;") != std::string::npos);
    CHECK(text.find("  child:   s1.spf.connectoor.com: 300 octets in 2 strings; DNS answer 350 "
                    "octets (361 with EDNS)\n") != std::string::npos);

    zone_summary macro = flat_zone();
    macro.mode = overflow_mode::macro;
    macro.configured = overflow_mode::macro;
    CHECK(describe_zone(macro, none.store)
              .find("  layout:  macro: per-IP answers at <ip>._ip.spf.connectoor.com, computed "
                    "per query; secondaries cannot transfer them\n") != std::string::npos);
}

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

TEST_CASE("each include: networks, age, source TTL, lookups saved, failure and held change") {
    remembered_serials none;
    zone_summary z = flat_zone();
    sender_include i;
    i.domain = "_spf.provider.example";
    i.networks = {ip_network(boost::asio::ip::make_network_v4("192.0.2.0/24"))};
    i.resolved_at = std::time(nullptr) - 600;
    i.ttl = 300;
    i.lookups = 3;
    z.includes.push_back(i);
    i.domain = "_spf.other.example";
    i.ttl = 0;
    i.last_error = "dns: DNS error for _spf.other.example: SERVFAIL";
    i.held_networks = 0;
    z.includes.push_back(i);
    const std::string text = describe_zone(z, none.store);
    CAPTURE(text);
    CHECK(text.find("  include: _spf.provider.example: 1 network, looked up 10 min ago (source "
                    "TTL 300 s); flattened, it saves customers 4 DNS lookups\n") !=
          std::string::npos);
    CHECK(text.find("  include: _spf.other.example: 1 network, looked up 10 min ago (source TTL "
                    "unknown)") != std::string::npos);
    CHECK(text.find("the last lookup failed, the last good set is served: dns: DNS error for "
                    "_spf.other.example: SERVFAIL\n") != std::string::npos);
    CHECK(text.find("a change to 0 networks removes too many addresses and is held: spfctl diff "
                    "shows it, spfctl reload publishes it\n") != std::string::npos);
}
