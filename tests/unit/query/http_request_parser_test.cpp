// SPDX-License-Identifier: MIT
// Requests as pdns 4.7.3's HTTP connector sends them (docs/design.md), and the edges a
// client can reach: framing, limits, repeated and oddly cased headers, a reused parts object.
#include "config/server_config.h"
#include "query/http_request.h"
#include "query/http_request_parser.h"
#include "support/pdns_http_requests.h"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <doctest/doctest.h>
#include <limits>
#include <string>
#include <string_view>

using namespace spfd;
using spfd::test::pdns_get;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::size_t all_at_once = std::numeric_limits<std::size_t>::max();

/// Parses the request at the front of `stream` into `parts` and removes the bytes it took,
/// receiving `step` bytes at a time as a slow client sends them. Bytes received beyond the
/// request stay in `stream` for the next one, as they stay in the session's buffer.
beast::error_code parse(std::string_view& stream, http_request_parts& parts,
                        std::size_t step = all_at_once, limits_config limits = {}) {
    http_request_parser parser(parts, limits.max_header_bytes, limits.max_body_bytes);
    beast::flat_buffer buffer;
    std::size_t received = 0;
    beast::error_code ec;
    for (;;) {
        ec = parser.put_buffered(buffer);
        if (ec != http::error::need_more)
            break;
        if (received == stream.size()) {
            ec = {};
            if (parser.got_some()) // what http::read does at the end of the stream
                parser.put_eof(ec);
            else
                ec = http::error::end_of_stream;
            break;
        }
        const std::size_t n = std::min(step, stream.size() - received);
        buffer.commit(boost::asio::buffer_copy(buffer.prepare(n),
                                               boost::asio::buffer(stream.data() + received, n)));
        received += n;
    }
    stream.remove_prefix(received - buffer.size());
    return ec;
}

beast::error_code parse_all(std::string_view text, http_request_parts& parts,
                            std::size_t step = all_at_once, limits_config limits = {}) {
    const beast::error_code ec = parse(text, parts, step, limits);
    if (!ec)
        CHECK(text.empty());
    return ec;
}

std::string post(std::string_view content_type, std::string_view body) {
    return "POST /dns/lookup HTTP/1.1\r\n"
           "Connection: Keep-Alive\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\nContent-Type: " + std::string(content_type) +
           "\r\nHost: 127.0.0.1\r\n\r\n" + std::string(body);
}

// What pdns's post=1 sends for the apex lookup.
constexpr std::string_view form_body =
    "parameters=%7b%22local%22%3a%20%220%2e0%2e0%2e0%22%2c%20%22qname%22%3a%20%22spf%"
    "2econnectoor%2ecom%2e%22%2c%20%22qtype%22%3a%20%22ANY%22%2c%20%22real%2dremote%22%3a%20%"
    "220%2e0%2e0%2e0%2f0%22%2c%20%22remote%22%3a%20%220%2e0%2e0%2e0%22%2c%20%22zone%2did%22%"
    "3a%201%7d";
constexpr std::string_view form_type = "application/x-www-form-urlencoded; charset=utf-8";

// What pdns's post=1,post_json=1 sends.
constexpr std::string_view json_body =
    R"({"method": "lookup", "parameters": {"local": "0.0.0.0", "qname": "spf.connectoor.com.", "qtype": "ANY", "real-remote": "0.0.0.0/0", "remote": "0.0.0.0", "zone-id": -1}})";
constexpr std::string_view json_type = "text/javascript; charset=utf-8";

std::string get_with(std::string_view version, std::string_view headers) {
    return "GET /dns/getAllDomains " + std::string(version) + "\r\nHost: x\r\n" +
           std::string(headers) + "\r\n";
}

bool kept_alive(std::string_view version, std::string_view headers) {
    http_request_parts parts;
    REQUIRE(!parse_all(get_with(version, headers), parts));
    return parts.keep_alive;
}

request as_request(const http_request_parts& parts) {
    auto parsed = request_from_http(parts.input());
    REQUIRE(std::holds_alternative<request>(parsed));
    return std::get<request>(parsed);
}

} // namespace

TEST_SUITE("http_request_parser") {

    TEST_CASE("a REST lookup as pdns sends it") {
        http_request_parts parts;
        REQUIRE(!parse_all(pdns_get, parts));
        CHECK(parts.method == "GET");
        CHECK(parts.target == "/dns/lookup/spf.connectoor.com./ANY");
        CHECK(parts.zone_id == "1");
        CHECK(parts.content_type.empty());
        CHECK(parts.body.empty());
        CHECK(parts.version == 11);
        CHECK(parts.keep_alive);

        const request req = as_request(parts);
        CHECK(req.kind == method::lookup);
        CHECK(req.qname == "spf.connectoor.com.");
        CHECK(req.zone_id == 1);
    }

    TEST_CASE("post=1: a form body") {
        http_request_parts parts;
        REQUIRE(!parse_all(post(form_type, form_body), parts));
        CHECK(parts.method == "POST");
        CHECK(parts.target == "/dns/lookup");
        CHECK(parts.content_type == form_type);
        CHECK(parts.body == form_body);
        CHECK(parts.zone_id.empty());
        CHECK(as_request(parts).qname == "spf.connectoor.com.");
    }

    TEST_CASE("post_json: a JSON body sent as text/javascript") {
        http_request_parts parts;
        REQUIRE(!parse_all(post(json_type, json_body), parts));
        CHECK(parts.content_type == json_type);
        CHECK(parts.body == json_body);
        CHECK(as_request(parts).zone_id == -1);
    }

    TEST_CASE("pipelined requests in one buffer, each parsed on its own") {
        const std::string stream = pdns_get + post(form_type, form_body) + pdns_get;
        std::string_view rest = stream;
        http_request_parts parts;
        REQUIRE(!parse(rest, parts));
        CHECK(parts.method == "GET");
        REQUIRE(!parse(rest, parts));
        CHECK(parts.method == "POST");
        CHECK(parts.body == form_body);
        REQUIRE(!parse(rest, parts));
        CHECK(parts.method == "GET");
        CHECK(parts.body.empty());
        CHECK(rest.empty());
    }

    TEST_CASE("a request arriving byte by byte") {
        for (const std::string& text : {pdns_get, post(json_type, json_body)}) {
            http_request_parts whole;
            http_request_parts bytewise;
            REQUIRE(!parse_all(text, whole));
            REQUIRE(!parse_all(text, bytewise, 1));
            CHECK(bytewise.method == whole.method);
            CHECK(bytewise.target == whole.target);
            CHECK(bytewise.content_type == whole.content_type);
            CHECK(bytewise.zone_id == whole.zone_id);
            CHECK(bytewise.body == whole.body);
            CHECK(bytewise.keep_alive == whole.keep_alive);
        }
    }

    TEST_CASE("a chunked body is de-chunked, chunk extensions and trailers dropped") {
        const std::string text = "POST /dns/lookup HTTP/1.1\r\nHost: x\r\n"
                                 "Content-Type: text/javascript\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n"
                                 "5;ext=1\r\n{\"met\r\n"
                                 "11\r\nhod\": \"initialize\r\n"
                                 "1\r\n\"\r\n"
                                 "1\r\n}\r\n"
                                 "0\r\nX-Trailer: y\r\n\r\n";
        for (std::size_t step : {all_at_once, std::size_t{1}, std::size_t{7}}) {
            CAPTURE(step);
            http_request_parts parts;
            REQUIRE(!parse_all(text, parts, step));
            CHECK(parts.body == R"({"method": "initialize"})");
            CHECK(parts.content_type == "text/javascript");
        }
    }

    TEST_CASE("keep-alive: HTTP/1.1 unless Connection: close, HTTP/1.0 only if asked") {
        CHECK(kept_alive("HTTP/1.1", ""));
        CHECK(kept_alive("HTTP/1.1", "Connection: Keep-Alive\r\n"));
        CHECK_FALSE(kept_alive("HTTP/1.1", "Connection: close\r\n"));
        CHECK_FALSE(kept_alive("HTTP/1.1", "connection: Close\r\n"));
        CHECK_FALSE(kept_alive("HTTP/1.0", ""));
        CHECK(kept_alive("HTTP/1.0", "Connection: keep-alive\r\n"));
        CHECK_FALSE(kept_alive("HTTP/1.0", "Connection: close\r\n"));
        // Repeated Connection headers are one list (RFC 9110 section 5.3): close wins.
        CHECK_FALSE(kept_alive("HTTP/1.1", "Connection: keep-alive\r\nConnection: close\r\n"));

        http_request_parts parts;
        REQUIRE(!parse_all(get_with("HTTP/1.0", ""), parts));
        CHECK(parts.version == 10);
    }

    TEST_CASE("header names in any letter case") {
        for (const auto* names :
             {"Content-Type|X-RemoteBackend-Zone-Id", "content-type|x-remotebackend-zone-id",
              "CONTENT-TYPE|X-REMOTEBACKEND-ZONE-ID", "cOnTeNt-TyPe|x-RemoteBACKEND-zone-ID"}) {
            const std::string_view both = names;
            const auto bar = both.find('|');
            const std::string headers = std::string(both.substr(0, bar)) + ": text/plain\r\n" +
                                        std::string(both.substr(bar + 1)) + ": 42\r\n";
            CAPTURE(headers);
            http_request_parts parts;
            REQUIRE(!parse_all(get_with("HTTP/1.1", headers), parts));
            CHECK(parts.content_type == "text/plain");
            CHECK(parts.zone_id == "42");
        }
    }

    TEST_CASE("a header sent twice counts its first time, even if that one is empty") {
        http_request_parts parts;
        REQUIRE(!parse_all(get_with("HTTP/1.1", "X-RemoteBackend-Zone-Id: 3\r\n"
                                                "Content-Type: text/javascript\r\n"
                                                "x-remotebackend-zone-id: 4\r\n"
                                                "Content-Type: text/plain\r\n"),
                           parts));
        CHECK(parts.zone_id == "3");
        CHECK(parts.content_type == "text/javascript");

        REQUIRE(!parse_all(get_with("HTTP/1.1", "X-RemoteBackend-Zone-Id:\r\n"
                                                "X-RemoteBackend-Zone-Id: 4\r\n"),
                           parts));
        CHECK(parts.zone_id.empty());
    }

    TEST_CASE("a look-alike header name is not the zone id") {
        http_request_parts parts;
        REQUIRE(!parse_all(get_with("HTTP/1.1", "X-RemoteBackend-Zone-Ids: 3\r\n"
                                                "X-RemoteBackend-Zone-I: 4\r\n"),
                           parts));
        CHECK(parts.zone_id.empty());
    }

    TEST_CASE("a header beyond the header limit") {
        limits_config limits;
        limits.max_header_bytes = 256;
        const std::string padded = get_with("HTTP/1.1", "X-Pad: " + std::string(300, 'a') + "\r\n");
        for (std::size_t step : {all_at_once, std::size_t{1}}) {
            http_request_parts parts;
            CHECK(parse_all(padded, parts, step, limits) == http::error::header_limit);
        }
        http_request_parts parts;
        CHECK(!parse_all(get_with("HTTP/1.1", "X-Pad: " + std::string(150, 'a') + "\r\n"), parts,
                         all_at_once, limits));
    }

    TEST_CASE("a body beyond the body limit, declared or chunked") {
        limits_config limits;
        limits.max_body_bytes = 100;
        http_request_parts parts;
        CHECK(!parse_all(post(json_type, std::string(100, 'x')), parts, all_at_once, limits));
        CHECK(parts.body.size() == 100);
        CHECK(parse_all(post(json_type, std::string(101, 'x')), parts, all_at_once, limits) ==
              http::error::body_limit);

        const std::string chunked = "POST /dns HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    "40\r\n" +
                                    std::string(64, 'x') + "\r\n40\r\n" + std::string(64, 'y') +
                                    "\r\n0\r\n\r\n";
        for (std::size_t step : {all_at_once, std::size_t{1}})
            CHECK(parse_all(chunked, parts, step, limits) == http::error::body_limit);
        limits.max_body_bytes = 128;
        CHECK(!parse_all(chunked, parts, all_at_once, limits));
        CHECK(parts.body == std::string(64, 'x') + std::string(64, 'y'));
    }

    TEST_CASE("not HTTP, or cut short") {
        http_request_parts parts;
        const auto ec = parse_all("{\"method\": \"initialize\"}\n", parts);
        CHECK(ec);
        CHECK(ec != http::error::need_more);
        CHECK(parse_all(get_with("HTTP/1.1", "No colon here\r\n"), parts) ==
              http::error::bad_field);
        CHECK(parse_all(pdns_get.substr(0, 40), parts) == http::error::partial_message);
        CHECK(parse_all("", parts) == http::error::end_of_stream);
    }

    TEST_CASE("the next request on the same parts sees none of the last one's") {
        http_request_parts parts;
        REQUIRE(!parse_all(post(json_type, json_body), parts));
        const std::size_t body_capacity = parts.body.capacity();
        REQUIRE(!parse_all(get_with("HTTP/1.0", "X-RemoteBackend-Zone-Id: 9\r\n"), parts));
        CHECK(parts.method == "GET");
        CHECK(parts.content_type.empty());
        CHECK(parts.body.empty());
        CHECK(parts.zone_id == "9");
        CHECK(parts.version == 10);
        CHECK_FALSE(parts.keep_alive);
        // Cleared, not freed: the point of reusing them.
        CHECK(parts.body.capacity() == body_capacity);

        REQUIRE(!parse_all(get_with("HTTP/1.1", ""), parts));
        CHECK(parts.zone_id.empty());
        CHECK(parts.version == 11);
        CHECK(parts.keep_alive);

        // A request refused half-way leaves nothing of the one before it either.
        REQUIRE(!parse_all(pdns_get, parts));
        CHECK(parse_all("GET /x HTTP/1.1\r\nHost", parts) == http::error::partial_message);
        CHECK(parts.zone_id.empty());
        CHECK(parts.method == "GET");
        CHECK(parts.target == "/x");
    }
}
