// SPDX-License-Identifier: MIT
#include "spf/macro_string.h"

#include <doctest/doctest.h>

using namespace spfd;

namespace {

std::string error_of(std::string_view text, macro_context context = macro_context::domain_spec) {
    return parse_macro_string(text, context).error.value_or("");
}

} // namespace

TEST_CASE("a macro-string splits into literals, escapes and macros") {
    const macro_string m =
        parse_macro_string("%{ir}.%{v}._spf.%%%{D2.-}x", macro_context::domain_spec);
    REQUIRE_FALSE(m.error.has_value());
    CHECK(m.has_macros);
    REQUIRE(m.pieces.size() == 7);
    CHECK(m.pieces[0].type == macro_piece::kind::macro);
    CHECK(m.pieces[0].text == "%{ir}");
    CHECK(m.pieces[0].letter == 'i');
    CHECK(m.pieces[0].reverse);
    CHECK(m.pieces[0].keep == 0);
    CHECK(m.pieces[0].delimiters.empty());
    CHECK(m.pieces[1].type == macro_piece::kind::literal);
    CHECK(m.pieces[1].text == ".");
    CHECK(m.pieces[2].text == "%{v}");
    CHECK(m.pieces[3].text == "._spf.");
    CHECK(m.pieces[4].type == macro_piece::kind::escape);
    CHECK(m.pieces[4].letter == '%');
    CHECK(m.pieces[5].letter == 'D'); // as written: upper case asks for URL escaping
    CHECK(m.pieces[5].keep == 2);
    CHECK_FALSE(m.pieces[5].reverse);
    CHECK(m.pieces[5].delimiters == ".-");
    CHECK(m.pieces[6].text == "x");
    CHECK(m.tail == "x");
    CHECK_FALSE(m.ends_with_macro);
}

TEST_CASE("the text after the last macro is the domain-end") {
    const macro_string plain = parse_macro_string("example.com", macro_context::domain_spec);
    CHECK_FALSE(plain.has_macros);
    CHECK(plain.tail == "example.com");
    REQUIRE(plain.pieces.size() == 1);
    CHECK(plain.pieces[0].type == macro_piece::kind::literal);

    const macro_string ends = parse_macro_string("a.%{d}", macro_context::domain_spec);
    CHECK(ends.ends_with_macro);
    CHECK(ends.tail.empty());

    const macro_string escape = parse_macro_string("a%-", macro_context::domain_spec);
    CHECK(escape.ends_with_macro);
    CHECK(escape.pieces.back().letter == '-');

    CHECK(parse_macro_string("", macro_context::any_letter).pieces.empty());
}

TEST_CASE("digits are capped, and p is noticed") {
    const macro_string m = parse_macro_string("%{d99999999999}.%{p}", macro_context::domain_spec);
    REQUIRE_FALSE(m.error.has_value());
    CHECK(m.pieces[0].keep == 1000);
    CHECK(m.uses_p);
    CHECK_FALSE(parse_macro_string("%{d1}", macro_context::domain_spec).uses_p);
    CHECK(parse_macro_string("%{d0001}", macro_context::domain_spec).pieces[0].keep == 1);
}

TEST_CASE("macro-string errors, word for word") {
    CHECK(error_of("%foo") == "stray '%' before 'f'; a macro is %{x}, %%, %_ or %- (§7.1)");
    CHECK(error_of("foo%") == "ends in a stray '%'; write '%%' for a literal percent sign (§7.1)");
    CHECK(error_of("%{d.example") == "unterminated macro '%{d.example'; missing '}'");
    CHECK(error_of("%{}") == "empty macro %{}");
    CHECK(error_of("%{x}") ==
          "unknown macro letter 'x' in %{x}; the letters are s l o d i p h c r t v (§7.2)");
    CHECK(error_of("%{c}") ==
          "macro %{c} is allowed only in explanation text, not in a domain (§7.2)");
    CHECK(error_of("%{d00}") == "the number of parts in %{d00} must be nonzero (§7.3)");
    CHECK(error_of("%{dr2}") == "invalid '2' in macro %{dr2}; after the letter come digits, 'r', "
                                "then delimiters from . - + , / _ = (§7.1)");
    CHECK(error_of("a b") == "contains a space; only visible ASCII is allowed (§7.1)");
    CHECK(error_of("a\tb", macro_context::explanation) ==
          "contains a tab; only visible ASCII is allowed (§7.1)");
    CHECK(error_of("a\x7f") == "contains the octet 0x7f; only visible ASCII is allowed (§7.1)");
}

TEST_CASE("the context decides letters and spaces") {
    CHECK(error_of("%{c} at %{t}", macro_context::explanation).empty());
    CHECK(error_of("%{r}", macro_context::any_letter).empty());
    CHECK_FALSE(error_of("%{t}", macro_context::domain_spec).empty());
    CHECK_FALSE(error_of("a b", macro_context::any_letter).empty());
}

TEST_CASE("octets are named in messages") {
    CHECK(describe_char(' ') == "a space");
    CHECK(describe_char('\t') == "a tab");
    CHECK(describe_char(0xc3) == "the octet 0xc3");
}
