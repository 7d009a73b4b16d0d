// SPDX-License-Identifier: MIT
// The HTTP layer's parsing as http_listener.cpp drives it: an http_request_parser per
// request, into one http_request_parts for the whole connection, with the default [limits]
// header and body limits, fed from a buffer bounded like the session's, with requests
// pipelined back to back and the bytes arriving in chunks of any size (a slow client). Each
// complete request goes through request_from_http() and answer() as in the listener; the first
// error ends the stream, as the listener then answers 400 and closes. Each request the parser
// accepts is also parsed by Beast's own request_parser, the listener's parser before
// http_request_parser, which must accept the same bytes and see the same parts. And the
// listener's fast path, take_plain_request(), is tried on what is buffered when a request
// starts and on all the rest of the stream: whatever it takes, http_request_parser must take
// too, with the same size and the same parts.
//
// Input: the first byte picks the chunk size (0: everything at once); the rest is the byte
// stream of one connection.
#include "config/server_config.h"
#include "fuzz_support.h"
#include "query/answer.h"
#include "query/http_request.h"
#include "query/http_request_parser.h"
#include "query/plain_http_request.h"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

using namespace spfd;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::size_t first_read_bytes = 4096; // as in http_listener.cpp

std::string_view view(beast::string_view text) {
    return {text.data(), text.size()};
}

/// `bytes` is one request, all that http_request_parser consumed for `parts`.
void require_same_as_beast(std::string_view bytes, const http_request_parts& parts,
                           const limits_config& limits) {
    http::request_parser<http::string_body> beast_parser;
    beast_parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    beast_parser.body_limit(static_cast<std::uint64_t>(limits.max_body_bytes));
    beast_parser.eager(true);
    beast::error_code ec;
    const std::size_t used = beast_parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    fuzz::require(!ec && used == bytes.size() && beast_parser.is_done(),
                  "request_parser refuses what http_request_parser took", ec.message());
    const auto& req = beast_parser.get();
    fuzz::require(view(req.method_string()) == parts.method, "method differs");
    fuzz::require(view(req.target()) == parts.target, "target differs");
    fuzz::require(view(req[http::field::content_type]) == parts.content_type,
                  "Content-Type differs");
    fuzz::require(view(req["X-RemoteBackend-Zone-Id"]) == parts.zone_id, "zone id differs");
    fuzz::require(req.body() == parts.body, "body differs");
    fuzz::require(req.version() == parts.version, "version differs");
    // The message looks at its first Connection header only, the parser at all of them
    // (RFC 9110 section 5.3: repeated field lines are one list).
    if (req.count(http::field::connection) <= 1 && req.count(http::field::proxy_connection) == 0)
        fuzz::require(req.keep_alive() == parts.keep_alive, "keep-alive differs");
}

/// `plain` took the request that http_request_parser parsed into `parts` from `used` bytes.
void require_same_as_parser(const plain_http_request& plain, const http_request_parts& parts,
                            std::size_t used) {
    const http_input in = parts.input();
    fuzz::require(plain.size == used, "fast path took a different length");
    fuzz::require(plain.input.verb == in.verb, "fast path: method differs");
    fuzz::require(plain.input.target == in.target, "fast path: target differs");
    fuzz::require(plain.input.content_type == in.content_type, "fast path: Content-Type differs");
    fuzz::require(plain.input.zone_id_header == in.zone_id_header, "fast path: zone id differs");
    fuzz::require(plain.input.body == in.body, "fast path: body differs");
    fuzz::require(plain.version == parts.version, "fast path: version differs");
    fuzz::require(plain.keep_alive == parts.keep_alive, "fast path: keep-alive differs");
}

std::string_view buffered(const beast::flat_buffer& buffer) {
    return {static_cast<const char*>(buffer.data().data()), buffer.size()};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto snap = fuzz::shipped_snapshot();
    static const limits_config limits;
    if (size == 0)
        return 0;
    const std::size_t chunk = data[0] == 0 ? size : data[0];
    const std::string_view all = fuzz::as_text(data + 1, size - 1);
    std::string_view stream = all; // what the client has not sent yet

    beast::flat_buffer buffer(limits.max_header_bytes + limits.max_body_bytes + first_read_bytes);
    http_request_parts parts;
    std::optional<http_request_parser> parser;
    for (int requests = 0;; ++requests) {
        parser.emplace(parts, limits.max_header_bytes, limits.max_body_bytes);
        const std::size_t start = all.size() - stream.size() - buffer.size();
        // Copies: the views point into `buffer` and `all`, and the buffer moves on.
        const std::string now_bytes(buffered(buffer));
        const auto plain_now =
            take_plain_request(now_bytes, limits.max_header_bytes, limits.max_body_bytes);
        const auto plain_all =
            take_plain_request(all.substr(start), limits.max_header_bytes, limits.max_body_bytes);
        fuzz::require(!plain_now || plain_all, "fast path took a prefix but not the whole");
        beast::error_code ec;
        for (;;) {
            ec = parser->put_buffered(buffer);
            if (ec != http::error::need_more)
                break;
            ec = {};
            if (stream.empty()) {
                if (parser->got_some())
                    parser->put_eof(ec);
                break;
            }
            const std::size_t room = buffer.max_size() - buffer.size();
            if (room == 0) {
                ec = http::error::buffer_overflow; // what async_read reports
                break;
            }
            const std::size_t n = std::min({chunk, stream.size(), room});
            buffer.commit(
                boost::asio::buffer_copy(buffer.prepare(n), boost::asio::buffer(stream.data(), n)));
            stream.remove_prefix(n);
        }
        if (ec || !parser->is_done()) {
            fuzz::require(!plain_all, "fast path took what http_request_parser refuses",
                          ec.message());
            return 0; // the listener answers 400 (or just closes) and stops reading
        }

        fuzz::require(parts.body.size() <= limits.max_body_bytes, "body beyond body_limit");
        fuzz::require(parts.keep_alive == parser->keep_alive(), "keep-alive not kept");
        const std::size_t end = all.size() - stream.size() - buffer.size();
        require_same_as_beast(all.substr(start, end - start), parts, limits);
        if (plain_now)
            require_same_as_parser(*plain_now, parts, end - start);
        if (plain_all)
            require_same_as_parser(*plain_all, parts, end - start);
        fuzz::require(parts.version == 10 || parts.version == 11, "version neither 1.0 nor 1.1");
        const auto parsed = request_from_http(parts.input());
        if (const auto* error = std::get_if<request_error>(&parsed))
            fuzz::require_envelope_reply(error_reply(error->message));
        else
            fuzz::require_envelope_reply(answer(*snap, std::get<request>(parsed)));
        if (!parts.keep_alive)
            return 0;
    }
}
