// SPDX-License-Identifier: MIT
#include "query/plain_envelope.h"

#include <algorithm>
#include <cstdint>

namespace spfd {
namespace {

using type = json_scalar::type;

/// The first byte at or after `p` that ends or leaves a plain string: '"', '\\', a control
/// byte, DEL or anything non-ASCII; `end` if there is none.
const char* find_string_stop(const char* p, const char* end) {
    while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20 &&
           static_cast<unsigned char>(*p) <= 0x7e)
        ++p;
    return p;
}

/// Integers longer than this are left to Boost.JSON: up to here they fit an int64 exactly.
constexpr std::ptrdiff_t max_plain_digits = 18;

/// One pass over the text, filling the fields as read_request_json's handler does: a field
/// is cleared when its key is read and then takes the value; a later "parameters" clears
/// every parameter. Every member function returns false as soon as the text leaves the
/// plain subset.
class plain_reader {
  public:
    plain_reader(std::string_view text, envelope_fields& out)
        : p_(text.data()), end_(text.data() + text.size()), out_(out) {}

    bool read(bool whole_envelope) {
        skip_space();
        if (!take('{'))
            return false;
        out_.document.kind = type::object;
        const bool members_ok =
            whole_envelope
                ? read_members([this](std::string_view key) { return read_envelope_member(key); })
                : read_parameters();
        skip_space();
        return members_ok && p_ == end_;
    }

  private:
    /// The members of an object whose '{' has been taken, through its '}'.
    template <class ReadValue> bool read_members(ReadValue read_value) {
        skip_space();
        if (take('}'))
            return true;
        for (;;) {
            std::string_view key;
            if (!take('"') || !read_string_rest(key))
                return false;
            skip_space();
            if (!take(':'))
                return false;
            skip_space();
            if (!read_value(key))
                return false;
            skip_space();
            if (take('}'))
                return true;
            if (!take(','))
                return false;
            skip_space();
        }
    }

    bool read_envelope_member(std::string_view key) {
        if (key == "method") {
            out_.method.clear();
            return read_scalar(&out_.method);
        }
        if (key != "parameters")
            return read_scalar(nullptr);
        out_.parameters.clear();
        for (auto& value : out_.values)
            value.clear();
        if (!take('{'))
            return read_scalar(&out_.parameters);
        out_.parameters.kind = type::object;
        return read_parameters();
    }

    /// The members of the parameters object, whose '{' has been taken.
    bool read_parameters() {
        return read_members([this](std::string_view key) {
            json_scalar* target = nullptr;
            if (const auto p = parameter_from_key(key)) {
                target = &out_[*p];
                target->clear();
            }
            return read_scalar(target);
        });
    }

    /// A string, an integer, true, false or null, stored in `target` unless that is null.
    bool read_scalar(json_scalar* target) {
        if (p_ == end_)
            return false;
        switch (*p_) {
        case '"': {
            ++p_;
            std::string_view text;
            if (!read_string_rest(text))
                return false;
            if (target != nullptr) {
                target->kind = type::string;
                target->text.assign(text.data(), std::min(text.size(), json_scalar::max_text + 1));
            }
            return true;
        }
        case 't':
            return read_literal("true", type::other, target);
        case 'f':
            return read_literal("false", type::other, target);
        case 'n':
            return read_literal("null", type::null, target);
        default:
            return read_integer(target);
        }
    }

    /// The rest of a string whose opening '"' has been taken, through the closing one.
    bool read_string_rest(std::string_view& text) {
        const char* stop = find_string_stop(p_, end_);
        if (stop == end_ || *stop != '"')
            return false;
        text = std::string_view(p_, static_cast<std::size_t>(stop - p_));
        p_ = stop + 1;
        return true;
    }

    bool read_literal(std::string_view word, type kind, json_scalar* target) {
        if (static_cast<std::size_t>(end_ - p_) < word.size() ||
            std::string_view(p_, word.size()) != word)
            return false;
        p_ += word.size();
        if (target != nullptr)
            target->kind = kind;
        return true;
    }

    /// -?(0|[1-9][0-9]*) of up to 18 digits, and not "-0" (which JSON readers disagree on);
    /// fractions and exponents are Boost.JSON's.
    bool read_integer(json_scalar* target) {
        const bool negative = take('-');
        const char* digits = p_;
        std::uint64_t value = 0; // unsigned: a 19th digit may wrap, and is refused below
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9' && p_ - digits <= max_plain_digits)
            value = value * 10 + static_cast<unsigned>(*p_++ - '0');
        const std::ptrdiff_t count = p_ - digits;
        if (count == 0 || count > max_plain_digits || (digits[0] == '0' && (count > 1 || negative)))
            return false;
        if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E'))
            return false;
        if (target != nullptr) {
            target->kind = type::int64;
            const auto magnitude = static_cast<std::int64_t>(value);
            target->int64 = negative ? -magnitude : magnitude;
        }
        return true;
    }

    bool take(char c) {
        if (p_ == end_ || *p_ != c)
            return false;
        ++p_;
        return true;
    }

    void skip_space() {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
            ++p_;
    }

    const char* p_;
    const char* const end_;
    envelope_fields& out_;
};

} // namespace

bool read_plain_request_json(std::string_view json, bool whole_envelope, envelope_fields& out) {
    return plain_reader(json, out).read(whole_envelope);
}

} // namespace spfd
