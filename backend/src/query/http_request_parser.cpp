// SPDX-License-Identifier: MIT
#include "query/http_request_parser.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <limits>
#include <string_view>

namespace spfd {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// Not one of Beast's known fields, so it arrives as field::unknown with its name as sent.
// Spelled as pdns sends it, so that beast::iequals matches it in its fast, case-sensitive
// loop; any other spelling still matches, in the slow one.
constexpr std::string_view zone_id_field = "X-Remotebackend-Zone-Id";

std::string_view view(beast::string_view text) {
    return {text.data(), text.size()};
}

} // namespace

http_input http_request_parts::input() const {
    return http_input{method, target, content_type, body, zone_id};
}

http_request_parser::http_request_parser(http_request_parts& parts, std::size_t header_limit,
                                         std::size_t body_limit)
    : parts_(parts) {
    parts_.method.clear();
    parts_.target.clear();
    parts_.content_type.clear();
    parts_.zone_id.clear();
    parts_.body.clear();
    parts_.version = 11;
    parts_.keep_alive = false;
    this->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(header_limit, std::numeric_limits<std::uint32_t>::max())));
    this->body_limit(static_cast<std::uint64_t>(body_limit));
    // The body in the same put() as the header: pdns sends each request in one write.
    eager(true);
}

beast::error_code http_request_parser::put_buffered(beast::flat_buffer& buffer) {
    beast::error_code ec;
    while (buffer.size() > 0 && !is_done()) {
        const std::size_t used = put(buffer.data(), ec);
        buffer.consume(used);
        if (ec || used == 0)
            break;
    }
    if (!ec && !is_done())
        ec = http::error::need_more;
    return ec;
}

void http_request_parser::on_request_impl(http::verb /*method*/, beast::string_view method_string,
                                          beast::string_view target, int version,
                                          beast::error_code& /*ec*/) {
    parts_.method.assign(view(method_string));
    parts_.target.assign(view(target));
    parts_.version = static_cast<unsigned>(version);
}

void http_request_parser::on_response_impl(int /*status*/, beast::string_view /*reason*/,
                                           int /*version*/, beast::error_code& /*ec*/) {
    // Never called: basic_parser<true> parses requests only.
}

void http_request_parser::on_field_impl(http::field name, beast::string_view name_string,
                                        beast::string_view value, beast::error_code& /*ec*/) {
    // Beast has already checked every field's syntax, and Connection and the body framing
    // headers are its own; `value` is only valid during this call.
    if (name == http::field::content_type) {
        if (!have_content_type_)
            parts_.content_type.assign(view(value));
        have_content_type_ = true;
    } else if (beast::iequals(name_string, zone_id_field)) {
        if (!have_zone_id_)
            parts_.zone_id.assign(view(value));
        have_zone_id_ = true;
    }
}

void http_request_parser::on_header_impl(beast::error_code& /*ec*/) {
    parts_.keep_alive = keep_alive();
}

void http_request_parser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                            beast::error_code& /*ec*/) {
    // basic_parser has already refused a declared length beyond the body limit.
    if (content_length)
        parts_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t http_request_parser::on_body_impl(beast::string_view body, beast::error_code& /*ec*/) {
    parts_.body.append(body.data(), body.size());
    return body.size();
}

void http_request_parser::on_chunk_header_impl(std::uint64_t /*size*/,
                                               beast::string_view /*extensions*/,
                                               beast::error_code& /*ec*/) {
    // basic_parser counts each chunk against the body limit before its bytes arrive.
}

std::size_t http_request_parser::on_chunk_body_impl(std::uint64_t /*remain*/,
                                                    beast::string_view body,
                                                    beast::error_code& /*ec*/) {
    parts_.body.append(body.data(), body.size());
    return body.size();
}

void http_request_parser::on_finish_impl(beast::error_code& /*ec*/) {}

} // namespace spfd
