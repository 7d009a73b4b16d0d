// SPDX-License-Identifier: MIT
// The HTTP request parser of the HTTP connector: Beast's basic_parser checks the syntax, the
// limits and the framing; we keep only the parts request_from_http() reads.
#pragma once

#include "query/http_request.h"

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

namespace spfd {

/// What the session reads of one request. A session owns one and parses every request of
/// its connection into it: the parser clear()s the strings and keeps their capacity, so
/// once a connection has seen its largest request, parsing allocates nothing.
struct http_request_parts {
    std::string method; ///< as sent, e.g. "GET"
    std::string target; ///< request-target as sent, with the query string
    std::string content_type;
    std::string zone_id;   ///< `X-RemoteBackend-Zone-Id`; empty if absent
    std::string body;      ///< chunked bodies de-chunked
    unsigned version = 11; ///< 10 or 11, as Beast reports it
    bool keep_alive = false;

    /// Views into the strings above, valid until they are parsed into again.
    http_input input() const;
};

/// Parses one request into `parts`. Make one per request, as Beast's parsers are one-shot;
/// construction clears `parts` and allocates nothing, and neither does parsing contiguous
/// input (the session's flat_buffer). Why not Beast's request_parser: its header container
/// allocates a node per field, which pdns sends eight of, to read two of them.
///
/// The limits and errors are basic_parser's: a header beyond `header_limit` bytes is
/// http::error::header_limit, a body beyond `body_limit` (declared or de-chunked)
/// http::error::body_limit, and keep-alive follows every Connection header the request has.
class http_request_parser final : public boost::beast::http::basic_parser<true> {
  public:
    http_request_parser(http_request_parts& parts, std::size_t header_limit,
                        std::size_t body_limit);

    /// Parses what `buffer` holds, consuming the bytes used, until the request is complete
    /// (no error) or refused (Beast's error), or the bytes run out: http::error::need_more,
    /// read more and call again (or hand the parser to http::async_read).
    boost::beast::error_code put_buffered(boost::beast::flat_buffer& buffer);

  private:
    void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_string,
                         boost::beast::string_view target, int version,
                         boost::beast::error_code& ec) override;
    void on_response_impl(int status, boost::beast::string_view reason, int version,
                          boost::beast::error_code& ec) override;
    void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                       boost::beast::string_view value, boost::beast::error_code& ec) override;
    void on_header_impl(boost::beast::error_code& ec) override;
    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                           boost::beast::error_code& ec) override;
    std::size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view extensions,
                              boost::beast::error_code& ec) override;
    std::size_t on_chunk_body_impl(std::uint64_t remain, boost::beast::string_view body,
                                   boost::beast::error_code& ec) override;
    void on_finish_impl(boost::beast::error_code& ec) override;

    http_request_parts& parts_;
    // A header sent twice counts once, its first time, as Beast's request[name] had it.
    bool have_content_type_ = false;
    bool have_zone_id_ = false;
};

} // namespace spfd
