// SPDX-License-Identifier: MIT
#include "io/http_response_head.h"

#include <charconv>

namespace spfd {

void write_response_head(std::string& out, unsigned status, std::size_t body_bytes, bool keep_alive,
                         unsigned version) {
    const bool http10 = version == 10;
    out.assign(http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    out += status == 200 ? "200 OK\r\n" : "400 Bad Request\r\n";
    out += "Content-Type: application/json\r\nContent-Length: ";
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, body_bytes).ptr;
    out.append(digits, end);
    out += "\r\n";
    if (http10 && keep_alive)
        out += "Connection: keep-alive\r\n";
    else if (!http10 && !keep_alive)
        out += "Connection: close\r\n";
    out += "\r\n";
}

} // namespace spfd
