// SPDX-License-Identifier: MIT
// Shared by the fuzz targets: the snapshot they answer from, and the checks that turn a
// wrong result (not only a crash) into a finding.
#pragma once

#include "net/ip_network.h"
#include "query/answer.h"
#include "query/envelope.h"
#include "util/diagnostic.h"
#include "zone/compile.h"
#include "zone/snapshot.h"
#include "zone/zone_loader.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>

namespace spfd::fuzz {

/// Reports a broken invariant and aborts, so that libFuzzer (or the replay driver) keeps
/// the input as a finding.
[[noreturn]] inline void broken(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz invariant broken: %.*s\n%.*s\n", static_cast<int>(what.size()),
                 what.data(), static_cast<int>(detail.size()), detail.data());
    std::abort();
}

inline void require(bool ok, std::string_view what, std::string_view detail = {}) {
    if (!ok)
        broken(what, detail);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Every reply body pdns gets must be a JSON object with a `result` member (docs/design.md).
inline void require_envelope_reply(std::string_view body) {
    require(!body.empty(), "reply body is empty");
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(body, ec);
    require(!ec, "reply body is not JSON", body);
    require(doc.is_object() && doc.as_object().contains("result"), "reply has no 'result'", body);
}

/// A parsed request must be answered with an envelope; a refused one must say why, in an
/// envelope too. Names are never accepted past the length limit.
inline void require_parsed_and_answered(const snapshot& snap,
                                        const std::variant<request, request_error>& parsed) {
    if (const auto* error = std::get_if<request_error>(&parsed)) {
        require(!error->message.empty(), "request_error without a message");
        require_envelope_reply(error_reply(error->message));
        return;
    }
    const request& req = std::get<request>(parsed);
    require(req.qname.size() <= max_name_text && req.name.size() <= max_name_text &&
                req.zonename.size() <= max_name_text,
            "a name longer than max_name_text was accepted");
    require_envelope_reply(answer(snap, req));
}

/// `%{i}` as a receiver expands it for `address` (RFC 7208 §7.3): a dotted quad, or 32
/// dot-separated lower-case nibbles. The labels of a per-IP name in macro mode.
inline std::string per_ip_labels(ip_family family, uint128 address) {
    if (family == ip_family::v4)
        return ip_network::from_integer(family, address, 32).to_string();
    std::string out;
    for (int shift = 124; shift >= 0; shift -= 4) {
        out.push_back("0123456789abcdef"[static_cast<unsigned>(address >> shift) & 15]);
        if (shift > 0)
            out.push_back('.');
    }
    return out;
}

/// A zone file compiled the way a reload compiles it, with zone id `id`.
inline compiled_zone compiled_file(const std::string& path, int id) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    diagnostics found;
    auto spec = parse_zone(text.str(), path, found);
    require(spec.has_value(), "a zone of the fuzz snapshot does not load", path);
    auto zone = compile_zone(*spec, id, found);
    require(zone.has_value(), "a zone of the fuzz snapshot does not compile", path);
    assign_serial(*zone, 2026010101);
    return std::move(*zone);
}

/// What every fuzz target that reaches answer() is checked against: the shipped zone
/// (flat, id 1) and tests/fuzz/zones/spf-macro.connectoor.com.toml (macro, id 2), whose
/// `<ip>._ip.spf-macro.connectoor.com.` names reach the per-IP answers.
inline std::shared_ptr<const snapshot> shipped_snapshot() {
    std::vector<compiled_zone> zones;
    zones.push_back(compiled_file(SPFD_SOURCE_DIR "/zones/spf.connectoor.com.toml", 1));
    zones.push_back(
        compiled_file(SPFD_SOURCE_DIR "/tests/fuzz/zones/spf-macro.connectoor.com.toml", 2));
    return std::make_shared<const snapshot>(std::move(zones));
}

} // namespace spfd::fuzz
