// SPDX-License-Identifier: MIT
// Requests as pdns 4.7.3's HTTP connector really sends them (docs/design.md).
#include "query/http_request.h"

#include <doctest/doctest.h>
#include <string>

using namespace spfd;

namespace {

request parsed_ok(const http_input& in) {
    auto result = request_from_http(in);
    const auto* error = std::get_if<request_error>(&result);
    INFO("error: " << (error ? error->message : std::string()));
    REQUIRE(error == nullptr);
    return std::get<request>(result);
}

std::string parsed_error(const http_input& in) {
    auto result = request_from_http(in);
    REQUIRE(std::holds_alternative<request_error>(result));
    return std::get<request_error>(result).message;
}

http_input get(std::string_view target, std::string_view zone_id = {}) {
    return http_input{"GET", target, {}, {}, zone_id};
}

constexpr std::string_view form_type = "application/x-www-form-urlencoded; charset=utf-8";

} // namespace

TEST_SUITE("request_from_http") {

    TEST_CASE("REST lookup as captured, with the zone id header") {
        const auto req = parsed_ok(get("/dns/lookup/spf%2econnectoor%2ecom%2e/SOA", "-1"));
        CHECK(req.kind == method::lookup);
        CHECK(req.qname == "spf.connectoor.com.");
        CHECK(req.qtype == "SOA");
        CHECK(req.zone_id == -1);

        CHECK(parsed_ok(get("/dns/lookup/spf%2econnectoor%2ecom%2e/ANY", "7")).zone_id == 7);
        CHECK(parsed_ok(get("/dns/lookup/spf%2econnectoor%2ecom%2e/ANY")).zone_id == -1);
    }

    TEST_CASE("REST lookup keeps the query's letter case and decodes a wildcard probe") {
        const auto req = parsed_ok(get("/dns/lookup/SpF%2eCoNnEcToOr%2eCoM%2e/ANY"));
        CHECK(req.qname == "SpF.CoNnEcToOr.CoM.");
        CHECK(parsed_ok(get("/dns/lookup/%2a%2espf%2econnectoor%2ecom%2e/ANY")).qname ==
              "*.spf.connectoor.com.");
        CHECK(parsed_ok(get("/dns/lookup/%2e/SOA")).qname == ".");
    }

    TEST_CASE("REST list: domain_id then zonename") {
        const auto req = parsed_ok(get("/dns/list/%2d1/spf%2econnectoor%2ecom%2e"));
        CHECK(req.kind == method::list);
        CHECK(req.domain_id == -1);
        CHECK(req.zonename == "spf.connectoor.com.");
        CHECK(parsed_ok(get("/dns/list/3/spf%2econnectoor%2ecom%2e")).domain_id == 3);
    }

    TEST_CASE("REST getAllDomains with its query string") {
        CHECK(parsed_ok(get("/dns/getAllDomains?includeDisabled=true")).kind ==
              method::get_all_domains);
        CHECK(parsed_ok(get("/dns/getAllDomains")).kind == method::get_all_domains);
    }

    TEST_CASE("a query string or a fragment ends the path, even right after a segment") {
        auto req = parsed_ok(get("/dns/lookup/a%2eb%2e/TXT?x=%2f#y"));
        CHECK(req.qname == "a.b.");
        CHECK(req.qtype == "TXT");
        req = parsed_ok(get("/dns/lookup/a%2eb%2e/SOA#frag?not-a-query"));
        CHECK(req.qtype == "SOA");
        CHECK(parsed_ok(get("/dns/lookup/a%2e/A?")).qtype == "A");
        // A name with nothing to decode, and one with escapes only.
        CHECK(parsed_ok(get("/dns/lookup/plain/A")).qname == "plain");
        CHECK(parsed_ok(get("/dns/lookup/%61%62/A")).qname == "ab");
    }

    TEST_CASE("REST getDomainInfo, getAllDomainMetadata and getDomainMetadata") {
        auto req = parsed_ok(get("/dns/getDomainInfo/spf%2econnectoor%2ecom%2e"));
        CHECK(req.kind == method::get_domain_info);
        CHECK(req.name == "spf.connectoor.com.");

        req = parsed_ok(get("/dns/getAllDomainMetadata/spf%2econnectoor%2ecom%2e"));
        CHECK(req.kind == method::get_all_domain_metadata);
        CHECK(req.name == "spf.connectoor.com.");

        req =
            parsed_ok(get("/dns/getDomainMetadata/spf%2econnectoor%2ecom%2e/TSIG%2dALLOW%2dAXFR"));
        CHECK(req.kind == method::get_domain_metadata);
        CHECK(req.name == "spf.connectoor.com.");
        CHECK(req.kind_arg == "TSIG-ALLOW-AXFR");
    }

    TEST_CASE("REST url-suffix is stripped from the last segment only") {
        auto req = parsed_ok(get("/dns/lookup/spf%2econnectoor%2ecom%2e/SOA.json"));
        CHECK(req.qname == "spf.connectoor.com.");
        CHECK(req.qtype == "SOA");
        CHECK(parsed_ok(get("/dns/getAllDomains.json?includeDisabled=true")).kind ==
              method::get_all_domains);
        req = parsed_ok(get("/dns/list/%2d1/spf%2econnectoor%2ecom%2e.json"));
        CHECK(req.zonename == "spf.connectoor.com.");
    }

    TEST_CASE("the method is found whatever the prefix, in any letter case") {
        CHECK(parsed_ok(get("/lookup/x%2e/A")).qname == "x.");
        CHECK(parsed_ok(get("/api/v1.0/backend/lookup/x%2e/A")).qname == "x.");
        CHECK(parsed_ok(get("/dns/LOOKUP/x%2e/A")).kind == method::lookup);
        CHECK(parsed_ok(get("/dns/getalldomains")).kind == method::get_all_domains);
        CHECK(parsed_ok(get("/dns//lookup/x%2e/A")).qname == "x.");
        CHECK(parsed_ok(get("http://127.0.0.1:8053/dns/lookup/x%2e/A")).qname == "x.");
    }

    TEST_CASE("an encoded slash stays inside its segment") {
        CHECK(parsed_ok(get("/dns/getDomainInfo/a%2fb%2e")).name == "a/b.");
    }

    TEST_CASE("unknown methods are not errors") {
        CHECK(parsed_ok(get("/dns/getDomainKeys/spf%2econnectoor%2ecom%2e")).kind ==
              method::unknown);
        CHECK(parsed_ok(get("/")).kind == method::unknown);
        CHECK(parsed_ok(get("")).kind == method::unknown);
        CHECK(parsed_ok(http_input{"PATCH", "/dns/setFresh/1", form_type, {}, {}}).kind ==
              method::unknown);
    }

    TEST_CASE("setNotified and getUpdatedMasters as pdns sends them in REST mode") {
        // The serial is std::to_string of a double (docs/design.md).
        const request notified = parsed_ok(
            http_input{"PATCH", "/dns/setNotified/3", form_type, "serial=2026120102.000000", {}});
        CHECK(notified.kind == method::set_notified);
        CHECK(notified.id == 3);
        CHECK(notified.serial == 2026120102u);
        CHECK(parsed_ok(http_input{"PATCH", "/dns/setNotified/3", form_type, "serial=7", {}})
                  .serial == 7u);
        for (const char* body : {"", "serial=", "serial=1.5", "serial=-1", "serial=4294967296"}) {
            CAPTURE(body);
            CHECK(parsed_error(http_input{"PATCH", "/dns/setNotified/3", form_type, body, {}})
                      .find("serial") != std::string::npos);
        }
        CHECK(parsed_ok(get("/dns/getUpdatedMasters")).kind == method::get_updated_masters);
    }

    TEST_CASE("missing segments are errors that name the segment") {
        CHECK(parsed_error(get("/dns/lookup/spf%2econnectoor%2ecom%2e")).find("qtype") !=
              std::string::npos);
        CHECK(parsed_error(get("/dns/lookup")).find("qname") != std::string::npos);
        CHECK(parsed_error(get("/dns/lookup//SOA")).find("qname") != std::string::npos);
        CHECK(parsed_error(get("/dns/getDomainInfo")).find("name") != std::string::npos);
        CHECK(parsed_error(get("/dns/list/%2d1")).find("zonename") != std::string::npos);
        // kind is optional, as in the JSON envelope
        CHECK(parsed_ok(get("/dns/getDomainMetadata/x%2e")).kind_arg.empty());
    }

    TEST_CASE("malformed values are errors") {
        CHECK(parsed_error(get("/dns/lookup/spf%2/SOA")).find("percent") != std::string::npos);
        CHECK(parsed_error(get("/dns/lookup/spf%zz/SOA")).find("percent") != std::string::npos);
        CHECK(parsed_error(get("/dns/lookup/x/SO%")).find("percent") != std::string::npos);
        CHECK(parsed_error(get("/dns/list/abc/x%2e")).find("integer") != std::string::npos);
        CHECK(parsed_error(get("/dns/list/%2d/x%2e")).find("integer") != std::string::npos);
        CHECK(parsed_error(get("/dns/lookup/x%2e/A", "one")).find("Zone-Id") != std::string::npos);
    }

    TEST_CASE("segments are bounded") {
        std::string target = "/dns/lookup/";
        for (std::size_t i = 0; i <= max_name_text; ++i)
            target += "a";
        target += "/A";
        CHECK(parsed_error(get(target)).find("too long") != std::string::npos);
    }

    TEST_CASE("post=1: form-encoded parameters, with url-suffix") {
        // Captured with post=1,url-suffix=.json (docs/design.md).
        const std::string_view body =
            "parameters=%7b%22local%22%3a%20%220%2e0%2e0%2e0%22%2c%20%22qname%22%3a%20%22spf%"
            "2econnectoor%2ecom%2e%22%2c%20%22qtype%22%3a%20%22ANY%22%2c%20%22real%2dremote%22%3a%"
            "20%"
            "220%2e0%2e0%2e0%2f0%22%2c%20%22remote%22%3a%20%220%2e0%2e0%2e0%22%2c%20%22zone%2did%"
            "22%"
            "3a%201%7d";
        const auto req = parsed_ok(http_input{"POST", "/dns/lookup.json", form_type, body, {}});
        CHECK(req.kind == method::lookup);
        CHECK(req.qname == "spf.connectoor.com.");
        CHECK(req.qtype == "ANY");
        CHECK(req.zone_id == 1);
    }

    TEST_CASE("post=1: '+' is a space in a form, and other fields are ignored") {
        const std::string_view body =
            "x=1&parameters={\"qname\":+\"a.\",+\"qtype\":+\"TXT\",+\"zone-id\":+3}&y";
        const auto req = parsed_ok(http_input{"POST", "/dns/lookup", form_type, body, {}});
        CHECK(req.qname == "a.");
        CHECK(req.qtype == "TXT");
        CHECK(req.zone_id == 3);

        CHECK(parsed_ok(http_input{"POST",
                                   "/dns/getAllDomains",
                                   form_type,
                                   "parameters=%7b%22include_disabled%22%3a%20true%7d",
                                   {}})
                  .kind == method::get_all_domains);
        CHECK(parsed_error(http_input{"POST", "/dns/lookup", form_type, "parameters=%7g", {}})
                  .find("percent") != std::string::npos);
        CHECK(!parsed_error(http_input{"POST", "/dns/lookup", form_type, "parameters=nonsense", {}})
                   .empty());
    }

    TEST_CASE("post_json: the body is the envelope, whatever the URL and content type") {
        const std::string_view body =
            R"({"method": "getAllDomains", "parameters": {"include_disabled": true}})";
        auto req = parsed_ok(
            http_input{"POST", "/dns/endpoint.json", "text/javascript; charset=utf-8", body, {}});
        CHECK(req.kind == method::get_all_domains);

        const std::string_view lookup =
            "  \r\n{\"method\": \"lookup\", \"parameters\": {\"local\": \"0.0.0.0\", \"qname\": "
            "\"spf.connectoor.com.\", \"qtype\": \"ANY\", \"real-remote\": \"0.0.0.0/0\", "
            "\"remote\": \"0.0.0.0\", \"zone-id\": -1}}";
        req = parsed_ok(http_input{"POST", "/lookup/getAllDomains", {}, lookup, {}});
        CHECK(req.kind == method::lookup);
        CHECK(req.qname == "spf.connectoor.com.");
        CHECK(req.zone_id == -1);

        CHECK(
            !parsed_error(http_input{"POST", "/dns", "text/javascript", "{not json", {}}).empty());
    }

} // TEST_SUITE
