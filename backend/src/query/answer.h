// SPDX-License-Identifier: MIT
#pragma once

#include "query/request.h"
#include "zone/pdns_reply.h"
#include "zone/snapshot.h"

#include <string>
#include <string_view>

namespace spfd {

/// The whole protocol logic: maps a request to the JSON reply body, with no I/O. The
/// returned view points into the snapshot, a static string or `scratch` (where replies
/// computed per query are written: per-IP answers, getUpdatedMasters), so the caller keeps
/// both alive until the reply is written. Never empty, never a transport error.
/// getUpdatedMasters and setNotified read and write notify_book::global().
std::string_view answer(const snapshot& snap, const request& req, std::string& scratch);

/// The same with a scratch buffer of the calling thread, valid until its next call: for
/// tests and tools that use the reply at once.
std::string_view answer(const snapshot& snap, const request& req);

/// Lower-cases ASCII and appends the trailing dot if missing; false if the name is too long
/// to be a DNS name. Writes into `buffer` so that the hot path does not allocate.
bool canonical_name(std::string_view name, std::string& buffer);

} // namespace spfd
