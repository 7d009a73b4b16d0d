// SPDX-License-Identifier: MIT
// The HTTP layer's parsing, configured as http_listener.cpp configures it: a Beast
// request_parser with the default [limits] header and body limits, fed from a buffer
// bounded like the session's, with requests pipelined back to back and the bytes arriving
// in chunks of any size (a slow client). Each complete request goes through
// request_from_http() and answer() as in the listener; the first error ends the stream, as
// the listener then answers 400 and closes.
//
// Input: the first byte picks the chunk size (0: everything at once); the rest is the byte
// stream of one connection.
#include "config/server_config.h"
#include "fuzz_support.h"
#include "protocol/answer.h"
#include "protocol/http_request.h"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>

using namespace spfd;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::size_t first_read_bytes = 4096; // as in http_listener.cpp

std::string_view view(beast::string_view text) {
    return {text.data(), text.size()};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto snap = fuzz::shipped_snapshot();
    static const limits_config limits;
    if (size == 0)
        return 0;
    const std::size_t chunk = data[0] == 0 ? size : data[0];
    std::string_view stream = fuzz::as_text(data + 1, size - 1);

    beast::flat_buffer buffer(limits.max_header_bytes + limits.max_body_bytes + first_read_bytes);
    std::optional<http::request_parser<http::string_body>> parser;
    for (int requests = 0;; ++requests) {
        parser.emplace();
        parser->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
        parser->body_limit(static_cast<std::uint64_t>(limits.max_body_bytes));
        beast::error_code ec;
        while (!parser->is_done()) {
            if (buffer.size() > 0) {
                const std::size_t used = parser->put(buffer.data(), ec);
                buffer.consume(used);
                if (ec == http::error::need_more)
                    ec = {};
                else if (ec)
                    break;
                if (used > 0)
                    continue;
            }
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
        if (ec || !parser->is_done())
            return 0; // the listener answers 400 (or just closes) and stops reading

        const auto& req = parser->get();
        fuzz::require(req.body().size() <= limits.max_body_bytes, "body beyond body_limit");
        const http_input input{view(req.method_string()), view(req.target()),
                               view(req[http::field::content_type]), req.body(),
                               view(req["X-RemoteBackend-Zone-Id"])};
        const auto parsed = request_from_http(input);
        if (const auto* error = std::get_if<request_error>(&parsed))
            fuzz::require_envelope_reply(error_reply(error->message));
        else
            fuzz::require_envelope_reply(answer(*snap, std::get<request>(parsed)));
        if (!req.keep_alive())
            return 0;
    }
}
