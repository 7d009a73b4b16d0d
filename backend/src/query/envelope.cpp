// SPDX-License-Identifier: MIT
#include "query/envelope.h"

#include "query/envelope_reader.h"
#include "query/plain_envelope.h"

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace spfd {
namespace {

using type = json_scalar::type;

/// The fields of a request text: pdns's plain JSON by the fast path, anything else (and
/// every error) by Boost.JSON. Returns the syntax error, if any.
std::optional<std::string> read_fields(std::string_view json, bool whole_envelope,
                                       envelope_fields& fields) {
    if (read_plain_request_json(json, whole_envelope, fields))
        return std::nullopt;
    fields = envelope_fields{};
    return read_request_json(json, whole_envelope, fields);
}

// pdns sends numbers as JSON numbers, but its own reader accepts numeric strings too
// (pdns/json.cc intFromJson), so we accept both.
bool read_int(const envelope_fields& fields, parameter p, std::int64_t& out, std::string& error) {
    const json_scalar& v = fields[p];
    switch (v.kind) {
    case type::absent:
    case type::null:
        return true;
    case type::int64:
        out = v.int64;
        return true;
    case type::uint64:
        if (v.uint64 <= INT64_MAX) {
            out = static_cast<std::int64_t>(v.uint64);
            return true;
        }
        break;
    case type::string:
        if (!v.text.empty() && v.text.size() <= json_scalar::max_text) {
            char* end = nullptr;
            errno = 0;
            const long long n = std::strtoll(v.text.c_str(), &end, 10);
            if (errno == 0 && end == v.text.c_str() + v.text.size()) {
                out = n;
                return true;
            }
        }
        break;
    default:
        break;
    }
    error = "parameter '" + std::string(parameter_key(p)) + "' is not an integer";
    return false;
}

// A SOA serial. pdns sends setNotified's serial as a JSON number, written from a double,
// so "2026120101" and "2026120101.0" both occur; a numeric string is accepted as well.
bool read_serial(const envelope_fields& fields, std::uint32_t& out, std::string& error) {
    const json_scalar& v = fields[parameter::serial];
    if (v.kind == type::string && v.text.size() <= json_scalar::max_text &&
        parse_serial_text(v.text, out))
        return true;
    if (v.kind == type::int64 || v.kind == type::uint64 || v.kind == type::real) {
        const double value = v.kind == type::int64    ? static_cast<double>(v.int64)
                             : v.kind == type::uint64 ? static_cast<double>(v.uint64)
                                                      : v.real;
        if (value >= 0 && value <= 4294967295.0 &&
            value == static_cast<double>(static_cast<std::uint32_t>(value))) {
            out = static_cast<std::uint32_t>(value);
            return true;
        }
    }
    error = "parameter 'serial' is missing or not a serial (0 to 4294967295)";
    return false;
}

bool read_string(envelope_fields& fields, parameter p, std::string& out, std::string& error,
                 bool required) {
    json_scalar& v = fields[p];
    if (v.kind != type::string) {
        if (!required && (v.kind == type::absent || v.kind == type::null))
            return true;
        error = "parameter '" + std::string(parameter_key(p)) + "' is missing or not a string";
        return false;
    }
    if (v.text.size() > max_name_text) {
        error = "parameter '" + std::string(parameter_key(p)) + "' is too long";
        return false;
    }
    out = std::move(v.text);
    return true;
}

std::variant<request, request_error> from_fields(method kind, envelope_fields& params) {
    request req;
    req.kind = kind;
    std::string error;
    bool ok = true;
    switch (kind) {
    case method::lookup:
        ok = read_string(params, parameter::qname, req.qname, error, true) &&
             read_string(params, parameter::qtype, req.qtype, error, true) &&
             read_int(params, parameter::zone_id, req.zone_id, error);
        break;
    case method::get_domain_info:
    case method::get_all_domain_metadata:
        ok = read_string(params, parameter::name, req.name, error, true);
        break;
    case method::get_domain_metadata:
        ok = read_string(params, parameter::name, req.name, error, true) &&
             read_string(params, parameter::kind, req.kind_arg, error, false);
        break;
    case method::list:
        ok = read_string(params, parameter::zonename, req.zonename, error, true) &&
             read_int(params, parameter::domain_id, req.domain_id, error);
        break;
    case method::set_notified:
        ok = read_int(params, parameter::id, req.id, error) &&
             read_serial(params, req.serial, error);
        break;
    case method::initialize:
    case method::get_all_domains:
    case method::get_updated_masters:
    case method::unknown:
        break;
    }
    if (!ok)
        return request_error{std::move(error)};
    return req;
}

} // namespace

std::variant<request, request_error> parse_envelope(std::string_view json) {
    if (json.size() > max_envelope_bytes)
        return request_error{"request too large"};
    envelope_fields fields;
    if (auto error = read_fields(json, true, fields))
        return request_error{"request is not JSON: " + *error};
    if (fields.document.kind != type::object)
        return request_error{"request is not a JSON object"};
    if (fields.method.kind != type::string)
        return request_error{"request has no 'method' string"};
    const method kind = method_from_name(fields.method.text);
    const type params = fields.parameters.kind;
    if (params != type::absent && params != type::object && params != type::null)
        return request_error{"'parameters' is not an object"};
    return from_fields(kind, fields);
}

std::variant<request, request_error> parse_parameters(std::string_view method_name,
                                                      std::string_view parameters_json) {
    const method kind = method_from_name(method_name);
    envelope_fields fields;
    if (parameters_json.empty())
        return from_fields(kind, fields);
    if (parameters_json.size() > max_envelope_bytes)
        return request_error{"request too large"};
    if (auto error = read_fields(parameters_json, false, fields))
        return request_error{"parameters are not JSON: " + *error};
    if (fields.document.kind != type::object)
        return request_error{"parameters are not a JSON object"};
    return from_fields(kind, fields);
}

} // namespace spfd
