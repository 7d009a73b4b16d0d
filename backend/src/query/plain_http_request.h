// SPDX-License-Identifier: MIT
// The HTTP connector's fast path: the requests pdns sends, read without Beast's parser.
#pragma once

#include "query/http_request.h"

#include <cstddef>
#include <optional>
#include <string_view>

namespace spfd {

/// One request taken by take_plain_request(); `input` views the bytes it was taken from.
struct plain_http_request {
    http_input input;
    unsigned version = 11; ///< 10 or 11
    bool keep_alive = false;
    std::size_t size = 0; ///< bytes the request used, head and body
};

/// Takes the request at the front of `bytes` if it is complete and in the plain shape pdns
/// 4.7 sends: an upper-case method, a printable target, HTTP/1.0 or 1.1, fields of printable
/// ASCII, at most one Content-Length (digits only) and one Connection ("close" or
/// "keep-alive"), no Transfer-Encoding, Upgrade or Proxy-Connection, the head shorter than
/// `header_limit` and the whole body present and within `body_limit`. Otherwise nothing:
/// then http_request_parser (Beast) decides, including every error and every request that
/// is still arriving.
///
/// Why: Beast's parser is about half of an HTTP call's instructions, and without this path
/// pdns serves measurably fewer queries over the HTTP connector (docs/performance.md). What
/// is taken here is a strict subset of what Beast accepts, and for it the parts are the same
/// as http_request_parser's; the http_parser fuzz target checks both on every input.
std::optional<plain_http_request>
take_plain_request(std::string_view bytes, std::size_t header_limit, std::size_t body_limit);

} // namespace spfd
