// SPDX-License-Identifier: MIT
#pragma once

// What pdns writes around a request: the JSON envelope of the unix connector and of the
// HTTP connector's post_json mode, or a method name and the JSON of its parameters.

#include "query/request.h"

#include <cstddef>
#include <string_view>
#include <variant>

namespace spfd {

/// The largest envelope we read; everything from the network is bounded.
inline constexpr std::size_t max_envelope_bytes = 64 * 1024;

/// Parses the JSON envelope `{"method": …, "parameters": {…}}` of the unix connector and
/// of the HTTP connector's post_json mode.
std::variant<request, request_error> parse_envelope(std::string_view json);

/// Builds a request from a method name and the JSON text of its parameters (the HTTP
/// connector's `post=1` mode sends `parameters=<json>` in a form body).
std::variant<request, request_error> parse_parameters(std::string_view method_name,
                                                      std::string_view parameters_json);

} // namespace spfd
