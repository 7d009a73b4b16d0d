// SPDX-License-Identifier: MIT
// Our reply heads as an HTTP client reads them: Beast's own response parser, for every
// version and keep-alive combination pdns and curl can send.
#include "io/http_response_head.h"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <doctest/doctest.h>
#include <string>

namespace http = boost::beast::http;
using spfd::write_response_head;

namespace {

http::response<http::string_body> parse_reply(const std::string& bytes) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    boost::beast::error_code ec;
    const std::size_t used = parser.put(boost::asio::buffer(bytes), ec);
    REQUIRE_MESSAGE(!ec, ec.message());
    REQUIRE(used == bytes.size());
    REQUIRE(parser.is_done());
    return parser.release();
}

} // namespace

TEST_CASE("reply heads parse back to the status, version, length and keep-alive given") {
    const std::string body = R"({"result":true})";
    for (unsigned version : {10u, 11u})
        for (bool keep_alive : {true, false})
            for (unsigned status : {200u, 400u}) {
                CAPTURE(version);
                CAPTURE(keep_alive);
                CAPTURE(status);
                std::string head = "left over from the last reply";
                write_response_head(head, status, body.size(), keep_alive, version);
                const auto reply = parse_reply(head + body);
                CHECK(reply.result_int() == status);
                CHECK(reply.version() == version);
                CHECK(reply.keep_alive() == keep_alive);
                CHECK(reply[http::field::content_type] == "application/json");
                CHECK(reply[http::field::content_length] == std::to_string(body.size()));
                CHECK(reply.body() == body);
            }
}

TEST_CASE("reply heads: the exact bytes of the common case, and large and empty bodies") {
    std::string head;
    write_response_head(head, 200, 15, true, 11);
    CHECK(head ==
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n");
    write_response_head(head, 200, 123456789, true, 11);
    CHECK(head.find("Content-Length: 123456789\r\n") != std::string::npos);
    write_response_head(head, 200, 0, false, 11);
    CHECK(parse_reply(head).body().empty());
}
