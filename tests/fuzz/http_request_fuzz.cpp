// SPDX-License-Identifier: MIT
// REST path decoding and the post=1 form body: request_from_http() on what Beast hands the
// listener. Besides "no crash", a round trip: any name that pdns encodes into a REST path
// (YaHTTP encodeURL: every byte but [A-Za-z0-9] as lower-case %xx) decodes to itself.
//
// Input: `<target>\n<X-RemoteBackend-Zone-Id>\n<body>`; missing parts are empty. The whole
// input is also used as the qname of the round trip.
#include "fuzz_support.h"
#include "query/answer.h"
#include "query/http_request.h"

using namespace spfd;

namespace {

std::string_view take_line(std::string_view& rest) {
    const auto newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    return line;
}

std::string pdns_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto snap = fuzz::shipped_snapshot();
    const std::string_view text = fuzz::as_text(data, size);

    std::string_view rest = text;
    const std::string_view target = take_line(rest);
    const std::string_view zone_id = take_line(rest);
    const std::string_view methods[] = {"GET", "POST"};
    const http_input input{methods[rest.empty() ? 0 : 1], target, {}, rest, zone_id};
    fuzz::require_parsed_and_answered(*snap, request_from_http(input));

    // Round trip of the REST encoding pdns uses (docs/design.md).
    if (!text.empty() && text.size() <= max_name_text) {
        const std::string path = "/dns/lookup/" + pdns_encode(text) + "/ANY";
        const auto parsed = request_from_http({"GET", path, {}, {}, "-1"});
        const auto* req = std::get_if<request>(&parsed);
        fuzz::require(req != nullptr, "a pdns-encoded REST lookup was refused", path);
        fuzz::require(req->kind == method::lookup && req->qname == text && req->qtype == "ANY" &&
                          req->zone_id == -1,
                      "a pdns-encoded REST lookup did not decode to what was encoded", path);
    }
    return 0;
}
