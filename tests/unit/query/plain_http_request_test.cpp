// SPDX-License-Identifier: MIT
// The HTTP fast path: it takes the requests pdns 4.7.3 sends with the same parts as
// http_request_parser (Beast), and leaves everything else to it: incomplete requests, the
// framing headers it does not handle, bytes outside printable ASCII, the limits.
#include "config/server_config.h"
#include "query/http_request_parser.h"
#include "query/plain_http_request.h"
#include "support/pdns_http_requests.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstddef>
#include <doctest/doctest.h>
#include <optional>
#include <string>
#include <string_view>

using namespace spfd;
using spfd::test::pdns_get;
using namespace std::string_literals;
namespace beast = boost::beast;

namespace {

const limits_config limits;

std::optional<plain_http_request> take(std::string_view bytes) {
    return take_plain_request(bytes, limits.max_header_bytes, limits.max_body_bytes);
}

/// What http_request_parser makes of the request at the front of `bytes`, and its size.
std::size_t parse_with_beast(std::string_view bytes, http_request_parts& parts) {
    beast::flat_buffer buffer;
    buffer.commit(boost::asio::buffer_copy(buffer.prepare(bytes.size()),
                                           boost::asio::buffer(bytes.data(), bytes.size())));
    http_request_parser parser(parts, limits.max_header_bytes, limits.max_body_bytes);
    REQUIRE(!parser.put_buffered(buffer));
    return bytes.size() - buffer.size();
}

/// Takes `bytes` and checks that Beast's parser sees the same request.
plain_http_request take_like_beast(std::string_view bytes) {
    const auto plain = take(bytes);
    REQUIRE(plain);
    http_request_parts parts;
    CHECK(plain->size == parse_with_beast(bytes, parts));
    const http_input in = parts.input();
    CHECK(plain->input.verb == in.verb);
    CHECK(plain->input.target == in.target);
    CHECK(plain->input.content_type == in.content_type);
    CHECK(plain->input.zone_id_header == in.zone_id_header);
    CHECK(plain->input.body == in.body);
    CHECK(plain->version == parts.version);
    CHECK(plain->keep_alive == parts.keep_alive);
    return *plain;
}

// What pdns's post=1,post_json=1 sends.
const std::string json_body =
    R"({"method": "lookup", "parameters": {"local": "0.0.0.0", "qname": "spf.connectoor.com.", "qtype": "ANY", "real-remote": "0.0.0.0/0", "remote": "0.0.0.0", "zone-id": -1}})";
const std::string pdns_post = "POST /dns/lookup HTTP/1.1\r\n"
                              "Connection: Keep-Alive\r\n"
                              "Content-Length: " +
                              std::to_string(json_body.size()) +
                              "\r\n"
                              "Content-Type: text/javascript; charset=utf-8\r\n"
                              "Host: 127.0.0.1\r\n"
                              "\r\n" +
                              json_body;

std::string get_with(std::string_view version, std::string_view headers) {
    return "GET /dns/getAllDomains " + std::string(version) + "\r\nHost: x\r\n" +
           std::string(headers) + "\r\n";
}

} // namespace

TEST_SUITE("plain_http_request") {

    TEST_CASE("a REST lookup as pdns sends it") {
        const auto plain = take_like_beast(pdns_get);
        CHECK(plain.input.verb == "GET");
        CHECK(plain.input.target == "/dns/lookup/spf.connectoor.com./ANY");
        CHECK(plain.input.zone_id_header == "1");
        CHECK(plain.input.body.empty());
        CHECK(plain.version == 11);
        CHECK(plain.keep_alive);
        CHECK(plain.size == pdns_get.size());
    }

    TEST_CASE("a post_json=1 request, with the next request already behind it") {
        const std::string two = pdns_post + pdns_get;
        const auto plain = take_like_beast(two);
        CHECK(plain.input.verb == "POST");
        CHECK(plain.input.body == json_body);
        CHECK(plain.input.content_type == "text/javascript; charset=utf-8");
        CHECK(plain.size == pdns_post.size());
        take_like_beast(std::string_view(two).substr(plain.size));
    }

    TEST_CASE("an incomplete request is left to Beast, at every length") {
        for (const std::string& whole : {pdns_get, pdns_post})
            for (std::size_t n = 0; n < whole.size(); ++n)
                CHECK_MESSAGE(!take(std::string_view(whole).substr(0, n)), n);
    }

    TEST_CASE("keep-alive as RFC 9112 section 9.3 has it") {
        CHECK(take_like_beast(get_with("HTTP/1.1", "")).keep_alive);
        CHECK(!take_like_beast(get_with("HTTP/1.1", "Connection: close\r\n")).keep_alive);
        CHECK(!take_like_beast(get_with("HTTP/1.1", "connection: CLOSE\r\n")).keep_alive);
        CHECK(!take_like_beast(get_with("HTTP/1.0", "")).keep_alive);
        CHECK(take_like_beast(get_with("HTTP/1.0", "Connection: keep-alive\r\n")).keep_alive);
        CHECK(take_like_beast(get_with("HTTP/1.0", "Connection: keep-alive\r\n")).version == 10);
    }

    TEST_CASE("white space around values goes, inside them stays; the first of a pair counts") {
        // The request outlives `plain`, which views it.
        const std::string request = get_with("HTTP/1.1", "Content-Type: \t a\tb c \t\r\n"
                                                         "X-RemoteBackend-Zone-ID:7 \r\n"
                                                         "content-type: second\r\n"
                                                         "X-Remotebackend-Zone-Id: 8\r\n"
                                                         "Empty:\r\n");
        const auto plain = take_like_beast(request);
        CHECK(plain.input.content_type == "a\tb c");
        CHECK(plain.input.zone_id_header == "7");
    }

    TEST_CASE("what the fast path leaves to Beast") {
        const char* const others[] = {
            "Transfer-Encoding: chunked\r\n",
            "Content-Length: 1\r\nContent-Length: 1\r\n",
            "Content-Length: +1\r\n",
            "Content-Length: 1 2\r\n",
            "Content-Length:\r\n",
            "Content-Length: 1234567890123456789\r\n",
            "Connection: keep-alive, Upgrade\r\n",
            "Connection: close\r\nConnection: close\r\n",
            "Upgrade: h2c\r\n",
            "Proxy-Connection: close\r\n",
            "X-Folded: a\r\n b\r\n",
            "X-Bare-LF: a\n",
            "X-Obs-Text: caf\xc3\xa9\r\n",
            "X-Del: a\x7f\r\n",
            "X-Space : a\r\n",
            ": no name\r\n",
            "X(paren): a\r\n",
        };
        for (const std::string_view headers : others)
            CHECK_MESSAGE(!take(get_with("HTTP/1.1", headers)), headers);
        CHECK(!take(get_with("HTTP/1.1", "X-Nul: a\0b\r\n"s)));

        const char* const request_lines[] = {
            "get / HTTP/1.1\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "GET / HTTP/1.1\n\r\n",
            "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1 \r\n\r\n",
            "GET\t/ HTTP/1.1\r\n\r\n",
            "GET / http/1.1\r\n\r\n",
        };
        for (const std::string_view line : request_lines)
            CHECK_MESSAGE(!take(line), line);
    }

    TEST_CASE("a byte outside printable ASCII is found wherever it sits") {
        // At every offset of a value, a target and a field name.
        for (std::size_t at = 0; at < 20; ++at) {
            for (const char bad : {'\x01', '\x1f', '\x7f', '\x80', '\xff'}) {
                std::string value(20, 'v');
                value[at] = bad;
                CHECK_MESSAGE(!take(get_with("HTTP/1.1", "X-Value: " + value + "\r\n")), at);
                std::string target = "/" + std::string(20, 't');
                target[at + 1] = bad;
                CHECK_MESSAGE(!take("GET " + target + " HTTP/1.1\r\n\r\n"), at);
            }
            for (const char bad : {'(', ' ', '\x01', '\x80', '\xff'}) {
                std::string name = "X" + std::string(20, 'n');
                name[at + 1] = bad;
                CHECK_MESSAGE(!take(get_with("HTTP/1.1", name + ": v\r\n")), at);
            }
            // Token characters other than letters, digits and '-' are a name's too.
            for (const char other : {'_', '.', '~', '!'}) {
                std::string name = "X" + std::string(20, 'n');
                name[at + 1] = other;
                take_like_beast(get_with("HTTP/1.1", name + ": v\r\n"));
            }
            std::string value(20, 'v');
            value[at] = '\t';
            CHECK(take_like_beast(get_with("HTTP/1.1", "X-Value: " + value + "\r\n")).size > 0);
        }
    }

    TEST_CASE("the limits: a head that Beast would refuse, a body beyond the limit") {
        const std::string filler(limits.max_header_bytes, 'f');
        CHECK(!take(get_with("HTTP/1.1", "X-Long: " + filler + "\r\n")));
        const std::string big = "POST /dns/lookup HTTP/1.1\r\nContent-Length: " +
                                std::to_string(limits.max_body_bytes + 1) + "\r\n\r\n" +
                                std::string(limits.max_body_bytes + 1, 'b');
        CHECK(!take(big));
        const std::string most = "POST /dns/lookup HTTP/1.1\r\nContent-Length: " +
                                 std::to_string(limits.max_body_bytes) + "\r\n\r\n" +
                                 std::string(limits.max_body_bytes, 'b');
        CHECK(take_like_beast(most).input.body.size() == limits.max_body_bytes);
    }
}
