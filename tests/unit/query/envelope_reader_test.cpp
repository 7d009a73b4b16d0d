// SPDX-License-Identifier: MIT
#include "query/envelope_reader.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("parameter keys: each of ours is found, nothing else is") {
    for (std::size_t i = 0; i < parameter_count; ++i) {
        const auto p = static_cast<parameter>(i);
        CAPTURE(parameter_key(p));
        CHECK(parameter_from_key(parameter_key(p)) == p);
        // The same length with any one byte changed is not ours.
        for (std::size_t at = 0; at < parameter_key(p).size(); ++at) {
            std::string near(parameter_key(p));
            near[at] = near[at] == 'x' ? 'y' : 'x';
            CHECK_FALSE(parameter_from_key(near));
        }
    }
    for (const char* other : {"", "q", "local", "remote", "real-remote", "include_disabled",
                              "qname ", "QNAME", "zone_id", "domain-id", "timeout", "serials"}) {
        CAPTURE(other);
        CHECK_FALSE(parameter_from_key(other));
    }
}

TEST_CASE("a duplicate key's value keeps nothing of the one before") {
    envelope_fields fields;
    REQUIRE_FALSE(
        read_request_json(R"({"serial": 202.5, "serial": 20, "id": 7, "id": "x"})", false, fields));
    CHECK(fields[parameter::serial].kind == json_scalar::type::int64);
    CHECK(fields[parameter::serial].real == 0);
    CHECK(fields[parameter::id].kind == json_scalar::type::string);
    CHECK(fields[parameter::id].int64 == 0);
}

TEST_CASE("an envelope's method, the parameters' type and each value we read") {
    envelope_fields fields;
    REQUIRE_FALSE(read_request_json(
        R"({"method": "lookup", "parameters": {"local": "127.0.0.1", "qname": "a.", "qtype": "ANY", "zone-id": -1, "serial": 2026120102, "id": "7", "kind": null, "name": 1.5, "domain_id": {"x": 1}}})",
        true, fields));
    CHECK(fields.document.kind == json_scalar::type::object);
    CHECK(fields.method.kind == json_scalar::type::string);
    CHECK(fields.method.text == "lookup");
    CHECK(fields.parameters.kind == json_scalar::type::object);
    CHECK(fields[parameter::qname].text == "a.");
    CHECK(fields[parameter::qtype].text == "ANY");
    CHECK(fields[parameter::zone_id].kind == json_scalar::type::int64);
    CHECK(fields[parameter::zone_id].int64 == -1);
    CHECK(fields[parameter::serial].kind == json_scalar::type::int64);
    CHECK(fields[parameter::serial].int64 == 2026120102);
    CHECK(fields[parameter::id].kind == json_scalar::type::string);
    CHECK(fields[parameter::kind].kind == json_scalar::type::null);
    CHECK(fields[parameter::name].kind == json_scalar::type::real);
    CHECK(fields[parameter::name].real == 1.5);
    CHECK(fields[parameter::domain_id].kind == json_scalar::type::object);
    CHECK(fields[parameter::zonename].kind == json_scalar::type::absent);
}

TEST_CASE("a bare parameters object, and JSON errors in Boost.JSON's words") {
    envelope_fields fields;
    REQUIRE_FALSE(read_request_json(R"({"qname": "b.", "qtype": "SOA"})", false, fields));
    CHECK(fields[parameter::qname].text == "b.");
    CHECK(fields.method.kind == json_scalar::type::absent);

    envelope_fields broken;
    const auto error = read_request_json(R"({"method": "lookup", )", true, broken);
    REQUIRE(error);
    CHECK_FALSE(error->empty());
    CHECK(read_request_json("[1, 2]", true, broken) == std::nullopt);
    CHECK(broken.document.kind == json_scalar::type::other);
}

TEST_CASE("a string longer than the longest name is cut one byte past it") {
    envelope_fields fields;
    const std::string long_name(3 * json_scalar::max_text, 'a');
    REQUIRE_FALSE(read_request_json(R"({"qname": ")" + long_name + R"("})", false, fields));
    CHECK(fields[parameter::qname].text.size() == json_scalar::max_text + 1);
}
