// SPDX-License-Identifier: MIT
// The status line and headers of our replies, written straight into a reused string.
#pragma once

#include <cstddef>
#include <string>

namespace spfd {

/// Replaces `out` with the head of a JSON reply of `body_bytes` bytes: status line,
/// Content-Type, Content-Length and, where the version's default says otherwise, the
/// Connection header (HTTP/1.1 keeps alive unless told "close"; HTTP/1.0 closes unless told
/// "keep-alive"). `status` is 200 or 400; `version` is 10 or 11, as Beast reports it.
///
/// Why not Beast's response and serializer: every reply has the same four headers, and
/// under pdns's 16-64 kept-alive connections Beast's header container (a tree allocated per
/// field) and its buffer sequences were a quarter of the backend's user-space CPU. Beast
/// still parses every request, which is where the untrusted bytes are.
void write_response_head(std::string& out, unsigned status, std::size_t body_bytes, bool keep_alive,
                         unsigned version);

} // namespace spfd
