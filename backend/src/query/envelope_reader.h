// SPDX-License-Identifier: MIT
// Reads the few values a remote-backend request carries out of its JSON text, in one pass
// and without building a document: on the unix connector this runs for every query, and
// building Boost.JSON's DOM costs more than everything else in a call. What the values
// mean is envelope.cpp's business.
#pragma once

#include "query/request.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spfd {

/// One value as the JSON text had it: its type, and the value itself where it is a string
/// or a number. Everything the request builder checks, nothing more.
struct json_scalar {
    enum class type { absent, null, string, int64, uint64, real, object, other };
    type kind = type::absent;
    /// A string's decoded text, cut after `max_text` + 1 bytes so that a caller can tell
    /// "too long" while no request makes us hold more.
    std::string text;
    std::int64_t int64 = 0;
    std::uint64_t uint64 = 0;
    double real = 0;

    static constexpr std::size_t max_text = max_name_text;

    /// Back to absent, every value included: a duplicate key's value must not keep a number
    /// from the one before (the envelope fuzz target compares every value with the DOM's).
    void clear() {
        kind = type::absent;
        text.clear();
        int64 = 0;
        uint64 = 0;
        real = 0;
    }
    bool operator==(const json_scalar&) const = default;
};

/// The request parameters we read, by key in the `parameters` object.
enum class parameter { qname, qtype, zone_id, name, kind, zonename, domain_id, id, serial };
inline constexpr std::size_t parameter_count = 9;

inline constexpr std::array<std::string_view, parameter_count> parameter_keys{
    "qname", "qtype", "zone-id", "name", "kind", "zonename", "domain_id", "id", "serial"};

inline std::string_view parameter_key(parameter p) {
    return parameter_keys[static_cast<std::size_t>(p)];
}

/// The `parameter` whose key pdns spells `key`, e.g. "zone-id"; nullopt for keys we ignore.
/// By length first, so that a key is compared with one of ours at most: this runs for every
/// key of every request, and most keys are not ours. Inline, so that the std::optional
/// stays in registers instead of going through the stack.
inline std::optional<parameter> parameter_from_key(std::string_view key) {
    parameter candidate;
    switch (key.size()) {
    case 2:
        candidate = parameter::id;
        break;
    case 4:
        candidate = key[0] == 'n' ? parameter::name : parameter::kind;
        break;
    case 5:
        candidate = key[3] == 'm' ? parameter::qname : parameter::qtype;
        break;
    case 6:
        candidate = parameter::serial;
        break;
    case 7:
        candidate = parameter::zone_id;
        break;
    case 8:
        candidate = parameter::zonename;
        break;
    case 9:
        candidate = parameter::domain_id;
        break;
    default:
        return std::nullopt;
    }
    if (key != parameter_key(candidate))
        return std::nullopt;
    return candidate;
}

/// What one request text holds. For duplicate keys the last one counts, as in Boost.JSON's
/// DOM (and pdns never sends any).
struct envelope_fields {
    json_scalar document;   ///< the top-level value; only its type is kept
    json_scalar method;     ///< the envelope's "method"
    json_scalar parameters; ///< the envelope's "parameters"; only its type is kept
    std::array<json_scalar, parameter_count> values;

    json_scalar& operator[](parameter p) { return values[static_cast<std::size_t>(p)]; }
    const json_scalar& operator[](parameter p) const { return values[static_cast<std::size_t>(p)]; }
    bool operator==(const envelope_fields&) const = default;
};

/// Reads an envelope `{"method": …, "parameters": {…}}` (`whole_envelope`) or a bare
/// parameters object (the HTTP connector's post=1 mode). Returns the JSON syntax error,
/// if any, as Boost.JSON words it; `out` is then incomplete.
std::optional<std::string> read_request_json(std::string_view json, bool whole_envelope,
                                             envelope_fields& out);

} // namespace spfd
