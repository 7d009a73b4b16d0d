// SPDX-License-Identifier: MIT
#include "query/envelope_reader.h"

// Boost.JSON's parser with our own handler: the implementation header belongs in exactly
// one translation unit, this one.
#include <boost/json/basic_parser_impl.hpp>

namespace spfd {
namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

/// Longer keys cannot be one of ours, so a key's text is kept up to this length only.
constexpr std::size_t max_key_kept = 16;

void append_capped(std::string& to, string_view piece) {
    const std::size_t room =
        json_scalar::max_text + 1 - std::min(to.size(), json_scalar::max_text + 1);
    to.append(piece.data(), std::min(room, piece.size()));
}

/// The SAX events of basic_parser, turned into envelope_fields. `pending_` is the field
/// that the next value fills: set by a key we read, cleared once its value has begun, so
/// that whatever is nested inside a value lands nowhere.
class fields_handler {
  public:
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

    fields_handler(envelope_fields& out, bool whole_envelope)
        : out_(out), whole_envelope_(whole_envelope) {}

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }

    bool on_object_begin(error_code&) {
        json_scalar* target = begin_value();
        if (target != nullptr)
            target->kind = json_scalar::type::object;
        ++depth_;
        // The object whose keys are the parameters: the top level of a bare parameters
        // text, or the envelope's "parameters" value.
        if ((depth_ == 1 && !whole_envelope_) || (target == &out_.parameters))
            parameters_depth_ = depth_;
        return true;
    }
    bool on_object_end(std::size_t, error_code&) {
        if (depth_ == parameters_depth_)
            parameters_depth_ = 0;
        --depth_;
        return true;
    }
    bool on_array_begin(error_code&) {
        set_kind(json_scalar::type::other);
        ++depth_;
        return true;
    }
    bool on_array_end(std::size_t, error_code&) {
        --depth_;
        return true;
    }

    bool on_key_part(string_view s, std::size_t, error_code&) {
        keep_key_part(s);
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&) {
        std::string_view key(s.data(), s.size());
        if (!key_.empty() || key_too_long_) { // the last of several parts
            keep_key_part(s);
            key = key_too_long_ ? std::string_view{} : std::string_view(key_);
        }
        choose_field(key);
        key_.clear();
        key_too_long_ = false;
        return true;
    }

    bool on_string_part(string_view s, std::size_t, error_code&) {
        // A string arrives in parts when it has escapes; the field stays pending until
        // its last part.
        if (json_scalar* target = depth_ == 0 ? &out_.document : pending_)
            append_capped(target->text, s);
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code&) {
        if (json_scalar* target = begin_value()) {
            append_capped(target->text, s);
            target->kind = json_scalar::type::string;
        }
        return true;
    }

    bool on_number_part(string_view, error_code&) { return true; }
    bool on_int64(std::int64_t i, string_view, error_code&) {
        if (json_scalar* target = set_kind(json_scalar::type::int64))
            target->int64 = i;
        return true;
    }
    bool on_uint64(std::uint64_t u, string_view, error_code&) {
        if (json_scalar* target = set_kind(json_scalar::type::uint64))
            target->uint64 = u;
        return true;
    }
    bool on_double(double d, string_view, error_code&) {
        if (json_scalar* target = set_kind(json_scalar::type::real))
            target->real = d;
        return true;
    }
    bool on_bool(bool, error_code&) {
        set_kind(json_scalar::type::other);
        return true;
    }
    bool on_null(error_code&) {
        set_kind(json_scalar::type::null);
        return true;
    }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

  private:
    void keep_key_part(string_view s) {
        if (key_.size() + s.size() <= max_key_kept)
            key_.append(s.data(), s.size());
        else
            key_too_long_ = true;
    }

    /// The field a value that starts now fills, if any; it is no longer pending after.
    json_scalar* begin_value() {
        if (depth_ == 0)
            return &out_.document;
        json_scalar* target = pending_;
        pending_ = nullptr;
        return target;
    }

    json_scalar* set_kind(json_scalar::type kind) {
        json_scalar* target = begin_value();
        if (target != nullptr)
            target->kind = kind;
        return target;
    }

    void choose_field(std::string_view key) {
        pending_ = nullptr;
        if (whole_envelope_ && depth_ == 1) {
            if (key == "method") {
                pending_ = &out_.method;
            } else if (key == "parameters") {
                // A later "parameters" replaces an earlier one entirely.
                pending_ = &out_.parameters;
                for (auto& value : out_.values)
                    value.clear();
            }
        } else if (parameters_depth_ != 0 && depth_ == parameters_depth_) {
            if (const auto p = parameter_from_key(key))
                pending_ = &out_[*p];
        }
        if (pending_ != nullptr)
            pending_->clear();
    }

    envelope_fields& out_;
    const bool whole_envelope_;
    int depth_ = 0;            ///< objects and arrays open around the current event
    int parameters_depth_ = 0; ///< depth of the parameters object while inside it, else 0
    json_scalar* pending_ = nullptr;
    std::string key_; ///< a key that arrives in parts (it has escapes)
    bool key_too_long_ = false;
};

} // namespace

std::optional<std::string> read_request_json(std::string_view text, bool whole_envelope,
                                             envelope_fields& out) {
    json::basic_parser<fields_handler> parser(json::parse_options{}, out, whole_envelope);
    error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    // As boost::json::parse words it: anything after the one value is an error.
    if (!ec && used < text.size())
        ec = json::error::extra_data;
    if (ec)
        return ec.message();
    return std::nullopt;
}

} // namespace spfd
