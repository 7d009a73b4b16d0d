// SPDX-License-Identifier: MIT
#include "protocol/request.h"

#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <utility>

namespace spfd {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// pdns sends numbers as JSON numbers, but its own reader accepts numeric strings too
// (pdns/json.cc intFromJson), so we accept both.
bool read_int(const boost::json::object& params, std::string_view key, std::int64_t& out,
              std::string& error) {
    const auto* v = params.if_contains(key);
    if (v == nullptr || v->is_null())
        return true;
    if (v->is_int64()) {
        out = v->get_int64();
        return true;
    }
    if (v->is_uint64() && v->get_uint64() <= INT64_MAX) {
        out = static_cast<std::int64_t>(v->get_uint64());
        return true;
    }
    if (v->is_string()) {
        const auto& s = v->get_string();
        char* end = nullptr;
        std::string text(s.data(), s.size());
        long long n = std::strtoll(text.c_str(), &end, 10);
        if (!text.empty() && end == text.c_str() + text.size()) {
            out = n;
            return true;
        }
    }
    error = "parameter '" + std::string(key) + "' is not an integer";
    return false;
}

// A SOA serial. pdns sends setNotified's serial as a JSON number, written from a double,
// so "2026120101" and "2026120101.0" both occur; a numeric string is accepted as well.
bool read_serial(const boost::json::object& params, std::uint32_t& out, std::string& error) {
    const auto* v = params.if_contains("serial");
    if (v != nullptr && v->is_string() && parse_serial_text(v->get_string(), out))
        return true;
    if (v != nullptr && v->is_number()) {
        const double value = v->to_number<double>();
        if (value >= 0 && value <= 4294967295.0 &&
            value == static_cast<double>(static_cast<std::uint32_t>(value))) {
            out = static_cast<std::uint32_t>(value);
            return true;
        }
    }
    error = "parameter 'serial' is missing or not a serial (0 to 4294967295)";
    return false;
}

bool read_string(const boost::json::object& params, std::string_view key, std::string& out,
                 std::string& error, bool required) {
    const auto* v = params.if_contains(key);
    if (v == nullptr || !v->is_string()) {
        if (!required && (v == nullptr || v->is_null()))
            return true;
        error = "parameter '" + std::string(key) + "' is missing or not a string";
        return false;
    }
    const auto& s = v->get_string();
    if (s.size() > max_name_text) {
        error = "parameter '" + std::string(key) + "' is too long";
        return false;
    }
    out.assign(s.data(), s.size());
    return true;
}

std::variant<request, request_error> from_object(method kind, const boost::json::object& params) {
    request req;
    req.kind = kind;
    std::string error;
    bool ok = true;
    switch (kind) {
    case method::lookup:
        ok = read_string(params, "qname", req.qname, error, true) &&
             read_string(params, "qtype", req.qtype, error, true) &&
             read_int(params, "zone-id", req.zone_id, error);
        break;
    case method::get_domain_info:
    case method::get_all_domain_metadata:
        ok = read_string(params, "name", req.name, error, true);
        break;
    case method::get_domain_metadata:
        ok = read_string(params, "name", req.name, error, true) &&
             read_string(params, "kind", req.kind_arg, error, false);
        break;
    case method::list:
        ok = read_string(params, "zonename", req.zonename, error, true) &&
             read_int(params, "domain_id", req.domain_id, error);
        break;
    case method::set_notified:
        ok = read_int(params, "id", req.id, error) && read_serial(params, req.serial, error);
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

// The parsed document lives only while the request is built from it, so its nodes come from
// a buffer on the stack (a pdns request is a few hundred bytes) instead of the heap; larger
// documents spill over to the heap as usual.
class parse_arena {
  public:
    boost::json::storage_ptr storage() { return boost::json::storage_ptr(&resource_); }

  private:
    unsigned char buffer_[4096];
    boost::json::monotonic_resource resource_{buffer_, sizeof buffer_};
};

const boost::json::object& empty_object() {
    static const boost::json::object empty;
    return empty;
}

} // namespace

bool parse_serial_text(std::string_view text, std::uint32_t& out) {
    // "2026120101" or, as pdns's REST body writes it (std::to_string of a double),
    // "2026120101.000000": digits, then optionally a '.' and zeros only.
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    if (dot != std::string_view::npos &&
        text.substr(dot + 1).find_first_not_of('0') != std::string_view::npos)
        return false;
    if (whole.empty() || whole.size() > 10 || whole.find_first_not_of("0123456789") != whole.npos)
        return false;
    const std::uint64_t value = std::stoull(std::string(whole));
    if (value > 0xffffffffull)
        return false;
    out = static_cast<std::uint32_t>(value);
    return true;
}

method method_from_name(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, method>, 9> names{{
        {"initialize", method::initialize},
        {"lookup", method::lookup},
        {"getAllDomains", method::get_all_domains},
        {"getDomainInfo", method::get_domain_info},
        {"list", method::list},
        {"getAllDomainMetadata", method::get_all_domain_metadata},
        {"getDomainMetadata", method::get_domain_metadata},
        {"getUpdatedMasters", method::get_updated_masters},
        {"setNotified", method::set_notified},
    }};
    for (const auto& [text, kind] : names)
        if (iequals(text, name))
            return kind;
    return method::unknown;
}

std::variant<request, request_error> parse_envelope(std::string_view json) {
    if (json.size() > max_envelope_bytes)
        return request_error{"request too large"};
    boost::system::error_code ec;
    parse_arena arena;
    boost::json::value doc = boost::json::parse(json, ec, arena.storage());
    if (ec)
        return request_error{"request is not JSON: " + ec.message()};
    const auto* envelope = doc.if_object();
    if (envelope == nullptr)
        return request_error{"request is not a JSON object"};
    const auto* name = envelope->if_contains("method");
    if (name == nullptr || !name->is_string())
        return request_error{"request has no 'method' string"};
    const method kind = method_from_name(name->get_string());
    const auto* params = envelope->if_contains("parameters");
    if (params != nullptr && !params->is_object() && !params->is_null())
        return request_error{"'parameters' is not an object"};
    return from_object(kind, params != nullptr && params->is_object() ? params->get_object()
                                                                      : empty_object());
}

std::variant<request, request_error> parse_parameters(std::string_view method_name,
                                                      std::string_view parameters_json) {
    const method kind = method_from_name(method_name);
    if (parameters_json.empty())
        return from_object(kind, empty_object());
    if (parameters_json.size() > max_envelope_bytes)
        return request_error{"request too large"};
    boost::system::error_code ec;
    parse_arena arena;
    boost::json::value doc = boost::json::parse(parameters_json, ec, arena.storage());
    if (ec)
        return request_error{"parameters are not JSON: " + ec.message()};
    if (!doc.is_object())
        return request_error{"parameters are not a JSON object"};
    return from_object(kind, doc.get_object());
}

} // namespace spfd
