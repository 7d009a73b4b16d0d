// SPDX-License-Identifier: MIT
#pragma once

#include "query/request.h"

#include <string_view>
#include <variant>

namespace spfd {

/// The parts of one HTTP request that pdns's HTTP connector fills in; views into the
/// transport's buffers, so no sockets and no Beast types reach the protocol layer.
struct http_input {
    std::string_view verb;
    std::string_view target;       ///< request-target as sent, with the query string
    std::string_view content_type; ///< unused for the mode: the body decides
    std::string_view body;
    std::string_view zone_id_header; ///< `X-RemoteBackend-Zone-Id`, empty if absent
};

/// Builds a request from any of the three HTTP connector modes (REST GET, `post=1`,
/// `post=1,post_json=1`). A method we do not know is not an error: it yields
/// `method::unknown`, which is answered with `{"result":false}`.
std::variant<request, request_error> request_from_http(const http_input& in);

} // namespace spfd
