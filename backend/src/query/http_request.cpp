// SPDX-License-Identifier: MIT
#include "query/http_request.h"

#include "query/envelope.h"
#include "util/ascii.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>

namespace spfd {
namespace {

/// Where the next '%' (or in a form, '+') is; text.size() if none. Not find_first_of(),
/// which in libstdc++ calls memchr on the set once per character of `text`, and this runs
/// on every segment of every REST request.
std::size_t next_escape(std::string_view text, bool form) {
    if (!form)
        return std::min(text.find('%'), text.size());
    const auto at =
        std::find_if(text.begin(), text.end(), [](char c) { return c == '%' || c == '+'; });
    return static_cast<std::size_t>(at - text.begin());
}

/// Percent-decodes into `out`; in a form body (`form`), '+' stands for a space. False on a
/// '%' that is not followed by two hex digits.
bool percent_decode(std::string_view text, bool form, std::string& out) {
    out.clear();
    out.reserve(text.size());
    while (!text.empty()) {
        // Plain runs are copied whole: most of a name has nothing to decode.
        const auto at = next_escape(text, form);
        out.append(text.data(), at);
        text.remove_prefix(at);
        if (text.empty())
            break;
        if (text.front() == '+') {
            out.push_back(' ');
            text.remove_prefix(1);
            continue;
        }
        if (text.size() < 3)
            return false;
        const int high = hex_value(text[1]);
        const int low = hex_value(text[2]);
        if (high < 0 || low < 0)
            return false;
        out.push_back(static_cast<char>(high * 16 + low));
        text.remove_prefix(3);
    }
    return true;
}

bool parse_int(std::string_view text, std::int64_t& out) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return !text.empty() && ec == std::errc{} && ptr == end;
}

std::string_view trim_left(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                             text.front() == '\n'))
        text.remove_prefix(1);
    return text;
}

/// The path of a request-target: no query, no fragment, and no scheme and authority if a
/// client sent the absolute form (RFC 9112 §3.2.2).
std::string_view path_of(std::string_view target) {
    constexpr std::string_view scheme = "http://";
    if (istarts_with(target, scheme)) {
        target.remove_prefix(scheme.size());
        const auto slash = target.find('/');
        target = slash == std::string_view::npos ? std::string_view{} : target.substr(slash);
    }
    // A loop, not find_first_of("?#"): see next_escape().
    const auto end =
        std::find_if(target.begin(), target.end(), [](char c) { return c == '?' || c == '#'; });
    return target.substr(0, static_cast<std::size_t>(end - target.begin()));
}

/// The segments of a path, split on '/' before anything is decoded, so that an encoded
/// "%2f" stays inside its segment. pdns appends `url-suffix` (e.g. ".json") raw to the last
/// segment; it encodes every '.' of a parameter, so the first raw '.' of the last segment
/// starts the suffix, which is left out. Views into the path: nothing is allocated.
class path_segments {
  public:
    explicit path_segments(std::string_view path) : rest_(path) {}

    /// The next segment, or nullopt after the last.
    std::optional<std::string_view> next() {
        if (done_)
            return std::nullopt;
        const auto slash = rest_.find('/');
        if (slash != std::string_view::npos) {
            const std::string_view segment = rest_.substr(0, slash);
            rest_.remove_prefix(slash + 1);
            return segment;
        }
        done_ = true;
        return rest_.substr(0, rest_.find('.'));
    }

  private:
    std::string_view rest_;
    bool done_ = false;
};

/// The value of field `key` in an application/x-www-form-urlencoded body, still encoded.
std::optional<std::string_view> form_field(std::string_view body, std::string_view key) {
    while (!body.empty()) {
        const auto amp = body.find('&');
        const std::string_view field = body.substr(0, amp);
        const auto eq = field.find('=');
        if (field.substr(0, eq) == key)
            return eq == std::string_view::npos ? std::string_view{} : field.substr(eq + 1);
        if (amp == std::string_view::npos)
            break;
        body.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

/// The parameter segments of a REST URL, after the method segment, decoded on demand.
class rest_parameters {
  public:
    /// Takes the segments after the method's; no method has more than two.
    explicit rest_parameters(path_segments& after_method) {
        while (count_ < segments_.size()) {
            const auto segment = after_method.next();
            if (!segment)
                break;
            segments_[count_++] = *segment;
        }
    }

    /// Decodes segment `index` into `out`. An empty or absent segment is missing: an error
    /// if `required`, otherwise `out` stays empty.
    bool take(std::size_t index, std::string_view what, bool required, std::string& out) {
        if (index >= count_ || segments_[index].empty()) {
            if (required)
                error_ = "URL path has no " + std::string(what) + " segment";
            return !required;
        }
        if (!percent_decode(segments_[index], false, out)) {
            error_ = "malformed percent escape in URL path segment " + std::string(what);
            return false;
        }
        if (out.size() > max_name_text) {
            error_ = "URL path segment " + std::string(what) + " is too long";
            return false;
        }
        return true;
    }

    bool take_int(std::size_t index, std::string_view what, std::int64_t& out) {
        std::string text;
        if (!take(index, what, true, text))
            return false;
        if (!parse_int(text, out)) {
            error_ = "URL path segment " + std::string(what) + " is not an integer";
            return false;
        }
        return true;
    }

    std::string& error() { return error_; }

  private:
    std::array<std::string_view, 2> segments_;
    std::size_t count_ = 0;
    std::string error_;
};

std::variant<request, request_error> from_rest(method kind, rest_parameters params,
                                               std::string_view zone_id_header,
                                               std::string_view form_body) {
    request req;
    req.kind = kind;
    bool ok = true;
    // Segment order follows pdns's restful_requestbuilder: id, domain_id, zonename, qname,
    // name, kind, qtype; each method sends only its own.
    switch (kind) {
    case method::lookup:
        ok = params.take(0, "qname", true, req.qname) && params.take(1, "qtype", true, req.qtype);
        if (ok && !zone_id_header.empty() && !parse_int(zone_id_header, req.zone_id))
            return request_error{"X-RemoteBackend-Zone-Id is not an integer"};
        break;
    case method::get_domain_info:
    case method::get_all_domain_metadata:
        ok = params.take(0, "name", true, req.name);
        break;
    case method::get_domain_metadata:
        ok = params.take(0, "name", true, req.name) && params.take(1, "kind", false, req.kind_arg);
        break;
    case method::list:
        ok = params.take_int(0, "domain_id", req.domain_id) &&
             params.take(1, "zonename", true, req.zonename);
        break;
    case method::set_notified: {
        // PATCH /setNotified/{id} with the body `serial=<std::to_string(double)>`.
        ok = params.take_int(0, "id", req.id);
        const auto serial = form_field(form_body, "serial");
        if (ok && (!serial || !parse_serial_text(*serial, req.serial)))
            return request_error{"setNotified needs a form field 'serial' with a SOA serial"};
        break;
    }
    case method::initialize:
    case method::get_all_domains: // its includeDisabled query parameter changes nothing here
    case method::get_updated_masters:
    case method::unknown:
        break;
    }
    if (!ok)
        return request_error{std::move(params.error())};
    return req;
}

} // namespace

std::variant<request, request_error> request_from_http(const http_input& in) {
    // post=1,post_json=1: the body is the whole envelope, and the URL is only `url`. pdns
    // labels it text/javascript, so the body, not the content type, decides.
    if (trim_left(in.body).starts_with('{'))
        return parse_envelope(in.body);

    // The method is the first segment that names one, whatever prefix the operator put in
    // pdns's `url`. Method names are plain letters, so raw segments can be compared.
    path_segments segments(path_of(in.target));
    std::string_view method_name;
    method kind = method::unknown;
    while (kind == method::unknown) {
        const auto segment = segments.next();
        if (!segment)
            return request{};
        method_name = *segment;
        kind = method_from_name(method_name);
    }

    // post=1: `<prefix>/<method><suffix>` with the parameters as form-encoded JSON.
    if (!in.body.empty()) {
        if (const auto encoded = form_field(in.body, "parameters")) {
            std::string json;
            if (!percent_decode(*encoded, true, json))
                return request_error{"malformed percent escape in form field 'parameters'"};
            return parse_parameters(method_name, json);
        }
    }

    return from_rest(kind, rest_parameters(segments), in.zone_id_header, in.body);
}

} // namespace spfd
