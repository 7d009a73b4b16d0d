// SPDX-License-Identifier: MIT
// The unix connector's fast path: it takes the JSON pdns 4.7.3 writes with the same fields
// as read_request_json (Boost.JSON), and leaves everything else to it: escapes, bytes
// outside printable ASCII, nesting, numbers that are not small integers, every error.
#include "query/envelope_reader.h"
#include "query/plain_envelope.h"

#include <doctest/doctest.h>
#include <string>
#include <string_view>

using namespace spfd;
using namespace std::string_literals;

namespace {

// As pdns 4.7.3 writes them (json11's dump: a space after ':' and ',').
const std::string lookup =
    R"({"method": "lookup", "parameters": {"local": "127.0.0.1", "qname": "spf.connectoor.com.", "qtype": "ANY", "real-remote": "127.0.0.1/32", "remote": "127.0.0.1", "zone-id": -1}})";
const std::string others[] = {
    R"({"method": "list", "parameters": {"domain_id": -1, "include_disabled": false, "zonename": "spf.connectoor.com."}})",
    R"({"method": "initialize", "parameters": {"flag": "yes", "foo": "bar", "path": "/run/backend.sock", "timeout": "2000"}})",
    R"({"method": "getAllDomains", "parameters": {"include_disabled": true}})",
    R"({"method": "getUpdatedMasters", "parameters": {}})",
    R"({"method": "getDomainInfo", "parameters": {"name": "spf.connectoor.com."}})",
    R"({"method": "setNotified", "parameters": {"id": 1, "serial": 2026120102}})",
};

bool plain(std::string_view text, bool whole_envelope = true) {
    envelope_fields fields;
    return read_plain_request_json(text, whole_envelope, fields);
}

/// Takes `text` by the fast path and checks that Boost.JSON's reader has the same fields.
envelope_fields take_like_boost(std::string_view text, bool whole_envelope = true) {
    envelope_fields fast;
    REQUIRE(read_plain_request_json(text, whole_envelope, fast));
    envelope_fields boost;
    REQUIRE_FALSE(read_request_json(text, whole_envelope, boost));
    CHECK(fast == boost);
    return fast;
}

/// Whatever the fast path takes, Boost.JSON accepts, with the same fields.
void check_agrees(std::string_view text, bool whole_envelope = true) {
    CAPTURE(text);
    envelope_fields fast;
    if (!read_plain_request_json(text, whole_envelope, fast))
        return;
    envelope_fields boost;
    REQUIRE_FALSE(read_request_json(text, whole_envelope, boost));
    CHECK(fast == boost);
}

} // namespace

TEST_CASE("pdns's envelopes are taken, with the fields Boost.JSON reads") {
    const envelope_fields f = take_like_boost(lookup);
    CHECK(f.method.text == "lookup");
    CHECK(f[parameter::qname].text == "spf.connectoor.com.");
    CHECK(f[parameter::qtype].text == "ANY");
    CHECK(f[parameter::zone_id].kind == json_scalar::type::int64);
    CHECK(f[parameter::zone_id].int64 == -1);
    for (const auto& text : others) {
        CAPTURE(text);
        take_like_boost(text);
    }
    CHECK(take_like_boost(others[5])[parameter::serial].int64 == 2026120102);
}

TEST_CASE("whitespace between tokens is JSON's: none, or any of space, tab, CR, LF") {
    take_like_boost(R"({"method":"lookup","parameters":{"qname":"a.","qtype":"SOA","zone-id":3}})");
    take_like_boost(" {\t\"method\" :\r\n\"lookup\" , \"parameters\" : { } } \n");
    CHECK_FALSE(plain("{\"method\":\f\"lookup\"}")); // not JSON whitespace
}

TEST_CASE("a bare parameters object, as the HTTP connector's post=1 sends") {
    const auto f = take_like_boost(R"({"qname": "a.", "qtype": "ANY", "zone-id": "7"})", false);
    CHECK(f[parameter::zone_id].text == "7");
    CHECK(f.method.kind == json_scalar::type::absent);
    CHECK_FALSE(plain(R"({"qname": {}})", false));
}

TEST_CASE("duplicates end as Boost.JSON's reader ends them: the last one counts") {
    const auto f = take_like_boost(
        R"({"method": "list", "parameters": {"qname": "a.", "qname": 5}, "method": "lookup"})");
    CHECK(f.method.text == "lookup");
    CHECK(f[parameter::qname].kind == json_scalar::type::int64);
    // A later "parameters" replaces the earlier one entirely, even when it is not an object.
    const auto g = take_like_boost(R"({"parameters": {"qname": "a."}, "parameters": null})");
    CHECK(g[parameter::qname].kind == json_scalar::type::absent);
    CHECK(g.parameters.kind == json_scalar::type::null);
    take_like_boost(R"({"parameters": {"qname": "a."}, "parameters": {"qtype": "A"}})");
}

TEST_CASE("values of every plain kind, for our keys and for keys we ignore") {
    for (const char* value : {"\"\"", "\"x y\"", "0", "-1", "7", "123456789012345678",
                              "-123456789012345678", "true", "false", "null"}) {
        CAPTURE(value);
        take_like_boost(R"({"method": )"s + value + R"(, "parameters": {"zone-id": )" + value +
                        R"(, "other": )" + value + "}, \"x\": " + value + "}");
        take_like_boost(R"({"parameters": )"s + value + "}");
    }
    // A name longer than a field keeps is cut as Boost.JSON's reader cuts it.
    const std::string long_name(json_scalar::max_text + 50, 'a');
    const auto f = take_like_boost(R"({"parameters": {"qname": ")" + long_name + "\"}}");
    CHECK(f[parameter::qname].text.size() == json_scalar::max_text + 1);
}

TEST_CASE("what is not plain is left to Boost.JSON") {
    for (const char* text : {
             R"({"method": "look\"up"})", // escapes
             R"({"method": "look\u0075p"})",
             R"({"meth\od": "lookup"})",
             "{\"method\": \"l\xc3\xa4\"}", // non-ASCII, even valid UTF-8
             "{\"method\": \"a\x7f\"}",     // DEL
             "{\"method\": \"a\tb\"}",      // a control byte: an error
             R"({"method": 1.5})",          // not an integer
             R"({"method": 1e3})",
             R"({"method": 1E3})",
             R"({"method": -0})",                  // readers disagree on it
             R"({"method": 01})",                  // an error
             R"({"method": 1234567890123456789})", // 19 digits
             R"({"method": -})",
             R"({"method": +1})",
             R"({"method": [1]})", // nesting other than the parameters
             R"({"method": {}})",
             R"({"x": {"qname": "a."}})",
             R"({"parameters": {"qname": {"a": 1}}})",
             R"({"parameters": {"qname": []}})",
             R"({"method": tru})", // not JSON at all
             R"({"method": nul})",
             R"({"method": "lookup",})",
             R"({"method": "lookup" "x": 1})",
             R"({"method" "lookup"})",
             R"({method: "lookup"})",
             R"({"method": "lookup"}})", // something after the object
             R"({"method": "lookup"} x)",
             R"({"method": "lookup"}{})",
             "[]",
             "\"lookup\"",
             "null",
             "1",
             "",
             " ",
         }) {
        CAPTURE(text);
        CHECK_FALSE(plain(text));
    }
}

TEST_CASE("no prefix of an envelope is taken") {
    for (std::size_t n = 0; n < lookup.size(); ++n) {
        CAPTURE(n);
        CHECK_FALSE(plain(std::string_view(lookup).substr(0, n)));
    }
}

TEST_CASE("a byte that ends a plain string, at every offset of a long one") {
    // What stops the string must count wherever it falls.
    const std::string name(40, 'n');
    for (std::size_t at = 0; at < name.size(); ++at) {
        CAPTURE(at);
        for (const char stop : {'\\', '\x01', '\x1f', '\x7f', '\x80', '\xff'}) {
            CAPTURE(static_cast<int>(static_cast<unsigned char>(stop)));
            std::string with = name;
            with[at] = stop;
            CHECK_FALSE(plain(R"({"parameters": {"qname": ")" + with + "\"}}"));
        }
        // A quote ends the string there: the rest is then outside the JSON grammar.
        std::string cut = name;
        cut[at] = '"';
        CHECK_FALSE(plain(R"({"parameters": {"qname": ")" + cut + "\"}}"));
        const auto f =
            take_like_boost(R"({"parameters": {"qname": ")" + name.substr(0, at) + "\"}}");
        CHECK(f[parameter::qname].text.size() == at);
        // Printable bytes of every kind are the string's own.
        std::string printable = name;
        printable[at] = static_cast<char>(' ' + at % 60);
        if (printable[at] != '"' && printable[at] != '\\')
            take_like_boost(R"({"parameters": {"qname": ")" + printable + "\"}}");
    }
}

TEST_CASE("every one-byte change of pdns's lookup: taken only as Boost.JSON reads it") {
    for (std::size_t at = 0; at < lookup.size(); ++at) {
        for (const char c : std::string_view("\"\\{}[],: -0159aex\x01\x7f\x80")) {
            std::string changed = lookup;
            changed[at] = c;
            check_agrees(changed);
            check_agrees(changed, false);
        }
        check_agrees(lookup.substr(0, at) + lookup.substr(at + 1)); // one byte dropped
    }
}
