// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/request.h"
#include "zone/snapshot.h"

#include <string>
#include <string_view>

namespace spfd {

/// The whole protocol logic: maps a request to the JSON reply body, with no I/O. The
/// returned view points into the snapshot (or a static string), so the caller must keep
/// the snapshot alive until the reply is written. Never empty, never a transport error.
std::string_view answer(const snapshot& snap, const request& req);

/// Reply for a request that could not be parsed: `{"result":false,"log":[message]}`.
std::string error_reply(std::string_view message);

/// Lower-cases ASCII and appends the trailing dot if missing; false if the name is too long
/// to be a DNS name. Writes into `buffer` so that the hot path does not allocate.
bool canonical_name(std::string_view name, std::string& buffer);

} // namespace spfd
