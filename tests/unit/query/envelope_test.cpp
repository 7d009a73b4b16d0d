// SPDX-License-Identifier: MIT
#include "query/envelope.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("the unix connector's envelopes, as pdns 4.7.3 sends them") {
    auto r = parse_envelope(
        R"({"method": "lookup", "parameters": {"local": "127.0.0.1", "qname": "spf.connectoor.com.", "qtype": "ANY", "real-remote": "127.0.0.1/32", "remote": "127.0.0.1", "zone-id": -1}})");
    REQUIRE(std::holds_alternative<request>(r));
    const auto& req = std::get<request>(r);
    CHECK(req.kind == method::lookup);
    CHECK(req.qname == "spf.connectoor.com.");
    CHECK(req.qtype == "ANY");
    CHECK(req.zone_id == -1);

    r = parse_envelope(
        R"({"method": "list", "parameters": {"domain_id": -1, "include_disabled": false, "zonename": "spf.connectoor.com."}})");
    REQUIRE(std::holds_alternative<request>(r));
    CHECK(std::get<request>(r).kind == method::list);
    CHECK(std::get<request>(r).zonename == "spf.connectoor.com.");

    r = parse_envelope(
        R"({"method": "initialize", "parameters": {"path": "/run/backend.sock", "timeout": "2000"}})");
    CHECK(std::get<request>(r).kind == method::initialize);
    r = parse_envelope(R"({"method": "getAllDomains", "parameters": {"include_disabled": true}})");
    CHECK(std::get<request>(r).kind == method::get_all_domains);
    r = parse_envelope(R"({"method": "getUpdatedMasters", "parameters": {}})");
    CHECK(std::get<request>(r).kind == method::get_updated_masters);
    r = parse_envelope(R"({"method": "setFresh", "parameters": {"id": 1}})");
    CHECK(std::get<request>(r).kind == method::unknown);
}

TEST_CASE("setNotified: the zone id and the serial, which pdns writes from a double") {
    for (const char* serial :
         {"2026120102", "2026120102.0", "\"2026120102\"", "\"2026120102.000000\""}) {
        CAPTURE(serial);
        auto r = parse_envelope(
            std::string(R"({"method": "setNotified", "parameters": {"id": 1, "serial": )") +
            serial + "}}");
        REQUIRE(std::holds_alternative<request>(r));
        CHECK(std::get<request>(r).kind == method::set_notified);
        CHECK(std::get<request>(r).id == 1);
        CHECK(std::get<request>(r).serial == 2026120102u);
    }
    for (const char* serial : {"-1", "1.5", "4294967296", "\"x\"", "null", "true"}) {
        CAPTURE(serial);
        auto r = parse_envelope(
            std::string(R"({"method": "setNotified", "parameters": {"id": 1, "serial": )") +
            serial + "}}");
        CHECK(std::holds_alternative<request_error>(r));
    }
}

TEST_CASE("numeric strings are accepted where pdns accepts them") {
    auto r = parse_parameters("lookup", R"({"qname": "a.", "qtype": "ANY", "zone-id": "7"})");
    CHECK(std::get<request>(r).zone_id == 7);
}

TEST_CASE("malformed requests are errors with a reason, never a crash") {
    for (const char* bad :
         {"", "{", "[]", "null", R"({"parameters": {}})", R"({"method": 5})",
          R"({"method": "lookup", "parameters": []})",
          R"({"method": "lookup", "parameters": {"qtype": "ANY"}})",
          R"({"method": "lookup", "parameters": {"qname": 1, "qtype": "ANY"}})",
          R"({"method": "lookup", "parameters": {"qname": "a", "qtype": "A", "zone-id": "x"}})"}) {
        CAPTURE(bad);
        auto r = parse_envelope(bad);
        REQUIRE(std::holds_alternative<request_error>(r));
        CHECK_FALSE(std::get<request_error>(r).message.empty());
    }
    const std::string long_name(2000, 'a');
    auto r = parse_parameters("lookup", R"({"qname": ")" + long_name + R"(", "qtype": "ANY"})");
    CHECK(std::holds_alternative<request_error>(r));
    CHECK(std::holds_alternative<request_error>(parse_envelope(std::string(70000, ' '))));
}

TEST_CASE("the envelope is read in one pass: escapes, duplicates, nesting, order") {
    const auto lookup = [](const std::string& json) { return parse_envelope(json); };
    const auto qname_of = [](const std::variant<request, request_error>& r) {
        REQUIRE(std::holds_alternative<request>(r));
        return std::get<request>(r).qname;
    };
    // Escapes in values and in keys are decoded (basic_parser then delivers them in parts).
    CHECK(
        qname_of(lookup(
            R"({"method": "lookup", "parameters": {"q\u006eame": "sp\u0066.connectoor.com.", "qtype": "ANY"}})")) ==
        "spf.connectoor.com.");
    // The last of duplicate keys counts, and a later "parameters" replaces an earlier one.
    CHECK(
        qname_of(lookup(
            R"({"method": "lookup", "parameters": {"qname": "a.", "qname": "b.", "qtype": "ANY"}})")) ==
        "b.");
    CHECK(std::holds_alternative<request_error>(lookup(
        R"({"method": "lookup", "parameters": {"qname": "a.", "qtype": "ANY"}, "parameters": {"qtype": "ANY"}})")));
    // Only the keys of the parameters object itself are read, wherever it stands.
    CHECK(
        qname_of(lookup(
            R"({"parameters": {"x": {"qname": "deep."}, "qname": "a.", "qtype": "ANY"}, "method": "lookup"})")) ==
        "a.");
    CHECK(std::holds_alternative<request_error>(lookup(
        R"({"method": "lookup", "qname": "a.", "qtype": "ANY", "parameters": {"x": [{"qname": "deep."}], "qtype": "ANY"}})")));
    // One value and nothing after it, as boost::json::parse wants.
    CHECK(std::holds_alternative<request>(
        lookup(R"( {"method": "getAllDomains", "parameters": {}} )")));
    const auto extra = lookup(R"({"method": "getAllDomains", "parameters": {}} {})");
    REQUIRE(std::holds_alternative<request_error>(extra));
    CHECK(std::get<request_error>(extra).message.find("not JSON") != std::string::npos);
    // Too long even when the length comes from escapes; an integer that does not fit.
    std::string escaped;
    for (int i = 0; i < 600; ++i)
        escaped += "a\\u0062";
    CHECK(std::holds_alternative<request_error>(lookup(
        R"({"method": "lookup", "parameters": {"qname": ")" + escaped + R"(", "qtype": "ANY"}})")));
    CHECK(std::holds_alternative<request_error>(lookup(
        R"({"method": "lookup", "parameters": {"qname": "a.", "qtype": "ANY", "zone-id": "99999999999999999999"}})")));
}
