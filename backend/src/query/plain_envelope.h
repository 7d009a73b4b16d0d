// SPDX-License-Identifier: MIT
// The unix connector's fast path: the JSON pdns writes, read without Boost.JSON.
#pragma once

#include "query/envelope_reader.h"

#include <string_view>

namespace spfd {

/// Reads `json` into `out` (a freshly constructed envelope_fields) if the text is in the
/// plain shape pdns 4.7 writes: one object whose keys and string values are printable ASCII
/// without escapes, whose values are such strings, integers of up to 18 digits, true, false
/// or null, and where (`whole_envelope`) "parameters" may be one object of those values.
/// JSON whitespace may separate any two tokens. Returns false for everything else: then
/// `out` is to be thrown away and Boost.JSON's reader decides, including every error.
///
/// Why: Boost.JSON's parser and its handler are about a third of a unix call's
/// instructions, and without this path pdns serves measurably fewer queries over the unix
/// connector (docs/performance.md). What is taken here is a strict subset of JSON, and for
/// it the fields are the same as read_request_json's; the envelope fuzz target checks that
/// on every input.
bool read_plain_request_json(std::string_view json, bool whole_envelope, envelope_fields& out);

} // namespace spfd
