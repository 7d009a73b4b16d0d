// SPDX-License-Identifier: MIT
// The remote-backend request as the unix connector and post_json bring it: the JSON
// envelope, and (post=1) a method name with the JSON text of its parameters. Whatever the
// bytes, parsing ends in a request or an error, and the reply is a JSON envelope.
//
// Differential as well: read_request_json() reads the values in one pass of Boost.JSON's
// basic_parser with our own handler. Here the same values are taken from Boost.JSON's DOM
// (boost::json::parse, then lookups by key, as the backend did before), and both must
// agree on every value and on every syntax error. And the fast path for pdns's plain JSON
// (read_plain_request_json) may take only what read_request_json accepts, with exactly the
// same fields.
//
// Input: the whole input is one envelope; it is also split at the first '\n' into a method
// name and a parameters text for parse_parameters().
#include "fuzz_support.h"
#include "query/answer.h"
#include "query/envelope.h"
#include "query/envelope_reader.h"
#include "query/plain_envelope.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <optional>
#include <string>

using namespace spfd;
namespace json = boost::json;

namespace {

json_scalar scalar_of(const json::value& v) {
    json_scalar out;
    using type = json_scalar::type;
    switch (v.kind()) {
    case json::kind::null:
        out.kind = type::null;
        break;
    case json::kind::string: {
        out.kind = type::string;
        const auto& s = v.get_string();
        out.text.assign(s.data(), std::min(s.size(), json_scalar::max_text + 1));
        break;
    }
    case json::kind::int64:
        out.kind = type::int64;
        out.int64 = v.get_int64();
        break;
    case json::kind::uint64:
        out.kind = type::uint64;
        out.uint64 = v.get_uint64();
        break;
    case json::kind::double_:
        out.kind = type::real;
        out.real = v.get_double();
        break;
    case json::kind::object:
        out.kind = type::object;
        break;
    case json::kind::bool_:
    case json::kind::array:
        out.kind = type::other;
        break;
    }
    return out;
}

void take_parameters(const json::object& params, envelope_fields& out) {
    for (std::size_t i = 0; i < parameter_count; ++i)
        if (const auto* v = params.if_contains(parameter_key(static_cast<parameter>(i))))
            out.values[i] = scalar_of(*v);
}

/// The reference: the fields as Boost.JSON's DOM has them.
std::optional<std::string> read_with_dom(std::string_view text, bool whole_envelope,
                                         envelope_fields& out) {
    boost::system::error_code ec;
    const json::value doc = json::parse(text, ec);
    if (ec)
        return ec.message();
    out.document = scalar_of(doc);
    const auto* top = doc.if_object();
    if (top == nullptr)
        return std::nullopt;
    if (!whole_envelope) {
        take_parameters(*top, out);
        return std::nullopt;
    }
    if (const auto* method = top->if_contains("method"))
        out.method = scalar_of(*method);
    if (const auto* params = top->if_contains("parameters")) {
        out.parameters = scalar_of(*params);
        if (params->is_object())
            take_parameters(params->get_object(), out);
    }
    return std::nullopt;
}

/// Field by field; NaN equals NaN here, since Boost.JSON 1.81 reads e.g. `0e612` as NaN
/// (in both of its parsers alike).
bool same(const json_scalar& a, const json_scalar& b) {
    const bool same_real = (std::isnan(a.real) && std::isnan(b.real)) || a.real == b.real;
    return a.kind == b.kind && a.text == b.text && a.int64 == b.int64 && a.uint64 == b.uint64 &&
           same_real;
}

bool same(const envelope_fields& a, const envelope_fields& b) {
    for (std::size_t i = 0; i < parameter_count; ++i)
        if (!same(a.values[i], b.values[i]))
            return false;
    return same(a.document, b.document) && same(a.method, b.method) &&
           same(a.parameters, b.parameters);
}

void require_same_as_dom(std::string_view text, bool whole_envelope) {
    envelope_fields ours;
    envelope_fields dom;
    const auto our_error = read_request_json(text, whole_envelope, ours);
    const auto dom_error = read_with_dom(text, whole_envelope, dom);
    fuzz::require(our_error == dom_error, "syntax verdict differs from Boost.JSON's DOM",
                  (our_error ? *our_error : "accepted") + " vs " +
                      (dom_error ? *dom_error : "accepted"));
    if (!our_error)
        fuzz::require(same(ours, dom), "values differ from Boost.JSON's DOM", text);

    envelope_fields plain;
    if (read_plain_request_json(text, whole_envelope, plain)) {
        fuzz::require(!our_error, "the fast path took a text Boost.JSON refuses", text);
        fuzz::require(plain == ours, "the fast path's values differ from read_request_json's",
                      text);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto snap = fuzz::shipped_snapshot();
    const std::string_view text = fuzz::as_text(data, size);
    fuzz::require_parsed_and_answered(*snap, parse_envelope(text));
    require_same_as_dom(text, true);

    const auto newline = text.find('\n');
    if (newline != std::string_view::npos) {
        const std::string_view parameters = text.substr(newline + 1);
        fuzz::require_parsed_and_answered(*snap,
                                          parse_parameters(text.substr(0, newline), parameters));
        require_same_as_dom(parameters, false);
    }
    return 0;
}
