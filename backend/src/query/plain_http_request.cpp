// SPDX-License-Identifier: MIT
#include "query/plain_http_request.h"

#include "util/ascii.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace spfd {
namespace {

enum char_class : std::uint8_t {
    token_char = 1, // RFC 9110 section 5.6.2 tchar: field names
    value_char = 2, // VCHAR, SP, HTAB: field values, without obs-text (Beast decides those)
};

constexpr std::array<std::uint8_t, 256> make_classes() {
    std::array<std::uint8_t, 256> classes{};
    for (int c = 0x20; c <= 0x7e; ++c)
        classes[c] = value_char;
    classes['\t'] = value_char;
    for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
        classes[static_cast<unsigned char>(c)] |= token_char;
    for (int c = '0'; c <= '9'; ++c)
        classes[c] |= token_char;
    for (int c = 'a'; c <= 'z'; ++c) {
        classes[c] |= token_char;
        classes[c - 'a' + 'A'] |= token_char;
    }
    return classes;
}

constexpr auto classes = make_classes();

bool is(char c, char_class wanted) {
    return (classes[static_cast<unsigned char>(c)] & wanted) != 0;
}

/// The first byte at or after `p` outside [lowest, 0x7e], or `end`.
const char* skip_printable(const char* p, const char* end, std::uint8_t lowest) {
    while (p < end && static_cast<unsigned char>(*p) >= lowest &&
           static_cast<unsigned char>(*p) <= 0x7e)
        ++p;
    return p;
}

/// The first byte at or after `p` that is not a token character, or `end`.
const char* skip_token(const char* p, const char* end) {
    while (p < end && is(*p, token_char))
        ++p;
    return p;
}

/// 1 to 18 digits: more than any body limit, and no overflow to think about.
std::optional<std::size_t> content_length(std::string_view value) {
    if (value.empty() || value.size() > 18)
        return std::nullopt;
    std::size_t n = 0;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
}

/// What the fields say, as far as the fast path needs to know.
struct head_fields {
    std::string_view content_type;
    std::string_view zone_id;
    std::optional<std::size_t> length;
    bool have_content_type = false; // a field sent twice counts its first time, as in Beast
    bool have_zone_id = false;
    bool have_connection = false;
    bool close = false;
    bool keep_alive = false;

    /// False when the field is one that Beast must handle.
    bool take(std::string_view name, std::string_view value) {
        switch (name.size()) {
        case 7: // Upgrade changes how Beast treats the connection
            return !iequals(name, "upgrade");
        case 10:
            if (!iequals(name, "connection"))
                return true;
            if (have_connection)
                return false;
            have_connection = true;
            close = iequals(value, "close");
            keep_alive = iequals(value, "keep-alive");
            return close || keep_alive;
        case 12:
            if (iequals(name, "content-type") && !have_content_type) {
                content_type = value;
                have_content_type = true;
            }
            return true;
        case 14:
            if (!iequals(name, "content-length"))
                return true;
            if (length)
                return false;
            length = content_length(value);
            return length.has_value();
        case 16:
            return !iequals(name, "proxy-connection");
        case 17:
            return !iequals(name, "transfer-encoding");
        case 23:
            if (iequals(name, "x-remotebackend-zone-id") && !have_zone_id) {
                zone_id = value;
                have_zone_id = true;
            }
            return true;
        default:
            return true;
        }
    }
};

std::string_view span(const char* from, const char* to) {
    return {from, static_cast<std::size_t>(to - from)};
}

bool at_crlf(const char* p, const char* end) {
    return end - p >= 2 && p[0] == '\r' && p[1] == '\n';
}

// request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 section 3).
// Returns the position after it, or null.
const char* read_request_line(const char* p, const char* end, plain_http_request& plain) {
    const char* const method = p;
    while (p < end && *p >= 'A' && *p <= 'Z')
        ++p;
    if (p == method || p == end || *p != ' ')
        return nullptr;
    plain.input.verb = span(method, p);
    const char* const target = ++p;
    p = skip_printable(p, end, 0x21);
    if (p == target || p == end || *p != ' ')
        return nullptr;
    plain.input.target = span(target, p);
    ++p;
    if (end - p < 10 || std::memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') ||
        !at_crlf(p + 8, end))
        return nullptr;
    plain.version = p[7] == '1' ? 11 : 10;
    return p + 10;
}

// field-line = field-name ":" OWS field-value OWS CRLF (RFC 9112 section 5), up to and
// including the empty line. A line that starts with white space (obs-fold) has no name, so
// it goes to Beast. Returns the position after the head, or null.
const char* read_fields(const char* p, const char* end, head_fields& fields) {
    while (!at_crlf(p, end)) {
        const char* const name = p;
        p = skip_token(p, end);
        if (p == name || p == end || *p != ':')
            return nullptr;
        const std::string_view name_text = span(name, p);
        ++p;
        while (p < end && (*p == ' ' || *p == '\t'))
            ++p;
        const char* const value = p;
        for (p = skip_printable(p, end, 0x20); p < end && *p == '\t';)
            p = skip_printable(p + 1, end, 0x20);
        if (!at_crlf(p, end))
            return nullptr;
        const char* value_end = p;
        while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
            --value_end;
        if (!fields.take(name_text, span(value, value_end)))
            return nullptr;
        p += 2;
    }
    return p + 2;
}

} // namespace

std::optional<plain_http_request>
take_plain_request(std::string_view bytes, std::size_t header_limit, std::size_t body_limit) {
    // Only the first header_limit - 1 bytes can hold a head that is short enough.
    const char* const begin = bytes.data();
    const char* const end = begin + std::min(bytes.size(), header_limit > 0 ? header_limit - 1 : 0);
    plain_http_request plain;
    head_fields fields;
    const char* p = read_request_line(begin, end, plain);
    if (p != nullptr)
        p = read_fields(p, end, fields);
    if (p == nullptr)
        return std::nullopt;

    const auto head_size = static_cast<std::size_t>(p - begin);
    const std::size_t body_size = fields.length.value_or(0);
    if (body_size > body_limit || bytes.size() - head_size < body_size)
        return std::nullopt;
    plain.input.content_type = fields.content_type;
    plain.input.zone_id_header = fields.zone_id;
    plain.input.body = bytes.substr(head_size, body_size);
    // RFC 9112 section 9.3: HTTP/1.1 persists unless closed, HTTP/1.0 only if asked to.
    plain.keep_alive = plain.version == 11 ? !fields.close : fields.keep_alive;
    plain.size = head_size + body_size;
    return plain;
}

} // namespace spfd
