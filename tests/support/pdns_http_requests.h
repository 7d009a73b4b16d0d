// SPDX-License-Identifier: MIT
// Requests as pdns 4.7.3's HTTP connector sends them (reference section 3.1), for the tests of
// both HTTP parsers.
#pragma once

#include <string>

namespace spfd::test {

/// The header set and order pdns 4.7.3 sends for a REST lookup.
inline const std::string pdns_get = "GET /dns/lookup/spf.connectoor.com./ANY HTTP/1.1\r\n"
                                    "Accept: application/json\r\n"
                                    "Connection: Keep-Alive\r\n"
                                    "Host: 127.0.0.1\r\n"
                                    "User-Agent: YaHTTP v1.0\r\n"
                                    "X-Remotebackend-Local: 127.0.0.1\r\n"
                                    "X-Remotebackend-Real-Remote: 127.0.0.1/32\r\n"
                                    "X-Remotebackend-Remote: 127.0.0.1\r\n"
                                    "X-Remotebackend-Zone-Id: 1\r\n"
                                    "\r\n";

} // namespace spfd::test
