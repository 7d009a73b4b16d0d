// SPDX-License-Identifier: MIT
#include "spf/macro_string.h"

#include "util/ascii.h"

#include <algorithm>
#include <cstdio>

namespace spfd {
namespace {

constexpr std::string_view macro_letters = "slodiphcrtv"; // §7.2
constexpr std::string_view delimiter_chars = ".-+,/_=";   // §7.1
constexpr unsigned max_keep = 1000;

std::string log_quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The letter: one of §7.2's, and c, r, t only where explanation text is allowed.
std::optional<std::string> check_letter(std::string_view body, const std::string& shown,
                                        macro_context context) {
    if (body.empty())
        return "empty macro " + shown;
    const char letter = ascii_lower(body[0]);
    if (macro_letters.find(letter) == std::string_view::npos)
        return "unknown macro letter " + log_quoted(body.substr(0, 1)) + " in " + shown +
               "; the letters are s l o d i p h c r t v (§7.2)";
    if (context == macro_context::domain_spec && (letter == 'c' || letter == 'r' || letter == 't'))
        return "macro " + shown + " is allowed only in explanation text, not in a domain (§7.2)";
    return std::nullopt;
}

// Parses one `%{…}` body into `piece`: macro-letter, transformers (*DIGIT ["r"]),
// *delimiter (§7.1).
std::optional<std::string> parse_macro_body(std::string_view body, macro_context context,
                                            macro_piece& piece) {
    const std::string shown = "%{" + std::string(body) + "}";
    if (auto e = check_letter(body, shown, context))
        return e;
    piece.letter = body[0];
    std::size_t i = 1;
    bool has_digits = false;
    for (; i < body.size() && is_digit(body[i]); ++i) {
        has_digits = true;
        piece.keep = std::min(piece.keep * 10 + static_cast<unsigned>(body[i] - '0'), max_keep);
    }
    if (has_digits && piece.keep == 0)
        return "the number of parts in " + shown + " must be nonzero (§7.3)";
    if (i < body.size() && ascii_lower(body[i]) == 'r') {
        piece.reverse = true;
        ++i;
    }
    piece.delimiters = body.substr(i);
    for (; i < body.size(); ++i)
        if (delimiter_chars.find(body[i]) == std::string_view::npos)
            return "invalid " + log_quoted(body.substr(i, 1)) + " in macro " + shown +
                   "; after the letter come digits, 'r', then delimiters from . - + , / _ = (§7.1)";
    return std::nullopt;
}

// Walks the text, one piece at a time; stops at the first error.
class macro_string_parser {
  public:
    macro_string_parser(std::string_view text, macro_context context)
        : text_(text), context_(context) {}

    macro_string run() {
        while (pos_ < text_.size() && !out_.error)
            next_piece();
        if (out_.error)
            return std::move(out_);
        if (literal_start_ < text_.size())
            add_literal(text_.size());
        out_.tail = text_.substr(literal_start_);
        out_.ends_with_macro = out_.has_macros && literal_start_ == text_.size();
        return std::move(out_);
    }

  private:
    void next_piece() {
        const unsigned char c = static_cast<unsigned char>(text_[pos_]);
        // explain-string = *( macro-string / SP ) (§7.1)
        if ((c < 0x21 || c > 0x7e) && !(c == ' ' && context_ == macro_context::explanation)) {
            out_.error = "contains " + describe_char(c) + "; only visible ASCII is allowed (§7.1)";
            return;
        }
        if (c != '%') {
            ++pos_;
            return;
        }
        if (pos_ + 1 >= text_.size()) {
            out_.error = "ends in a stray '%'; write '%%' for a literal percent sign (§7.1)";
            return;
        }
        const char next = text_[pos_ + 1];
        if (next == '%' || next == '_' || next == '-')
            add_escape(next);
        else if (next == '{')
            add_macro();
        else
            out_.error = "stray '%' before " + log_quoted(text_.substr(pos_ + 1, 1)) +
                         "; a macro is %{x}, %%, %_ or %- (§7.1)";
    }

    void add_literal(std::size_t end) {
        macro_piece piece;
        piece.text = text_.substr(literal_start_, end - literal_start_);
        out_.pieces.push_back(piece);
    }

    // Ends the literal text before pos_ and appends `piece`, which runs up to `end`.
    void add_expand(macro_piece piece, std::size_t end) {
        if (literal_start_ < pos_)
            add_literal(pos_);
        piece.text = text_.substr(pos_, end - pos_);
        out_.pieces.push_back(piece);
        out_.has_macros = true;
        pos_ = literal_start_ = end;
    }

    void add_escape(char letter) {
        macro_piece piece;
        piece.type = macro_piece::kind::escape;
        piece.letter = letter;
        add_expand(piece, pos_ + 2);
    }

    void add_macro() {
        const std::size_t close = text_.find('}', pos_ + 2);
        if (close == std::string_view::npos) {
            out_.error = "unterminated macro " + log_quoted(text_.substr(pos_)) + "; missing '}'";
            return;
        }
        macro_piece piece;
        piece.type = macro_piece::kind::macro;
        const std::string_view body = text_.substr(pos_ + 2, close - pos_ - 2);
        out_.error = parse_macro_body(body, context_, piece);
        out_.uses_p = out_.uses_p || (!body.empty() && ascii_lower(body[0]) == 'p');
        if (!out_.error)
            add_expand(piece, close + 1);
    }

    std::string_view text_;
    macro_context context_;
    macro_string out_;
    std::size_t pos_ = 0;
    std::size_t literal_start_ = 0; // just after the last macro-expand, or 0
};

} // namespace

std::string describe_char(unsigned char c) {
    if (c == ' ')
        return "a space";
    if (c == '\t')
        return "a tab";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(c));
    return std::string("the octet ") + buf;
}

macro_string parse_macro_string(std::string_view text, macro_context context) {
    return macro_string_parser(text, context).run();
}

} // namespace spfd
