// SPDX-License-Identifier: MIT
#include "util/ascii.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("ASCII lower case leaves every other octet alone") {
    CHECK(ascii_lower('A') == 'a');
    CHECK(ascii_lower('Z') == 'z');
    CHECK(ascii_lower('a') == 'a');
    CHECK(ascii_lower('@') == '@');
    CHECK(ascii_lower('[') == '[');
    CHECK(ascii_lower('\xc4') == '\xc4'); // not a letter in ASCII, whatever the locale
    CHECK(ascii_lower("V=SPF1 Include:X.Example") == "v=spf1 include:x.example");
    CHECK(ascii_lower("") == "");
}

TEST_CASE("case-insensitive comparison") {
    CHECK(iequals("Redirect", "redirect"));
    CHECK(iequals("", ""));
    CHECK_FALSE(iequals("exp", "exps"));
    CHECK_FALSE(iequals("a", "b"));
    CHECK_FALSE(iequals("\xc4", "\xe4"));
    CHECK(istarts_with("V=spf1 -all", "v=spf1"));
    CHECK(istarts_with("http://x", "HTTP://"));
    CHECK(istarts_with("abc", ""));
    CHECK_FALSE(istarts_with("v=spf", "v=spf1"));
    static_assert(iequals("MX", "mx"));
}

TEST_CASE("hex digits") {
    CHECK(hex_value('0') == 0);
    CHECK(hex_value('9') == 9);
    CHECK(hex_value('a') == 10);
    CHECK(hex_value('F') == 15);
    CHECK(hex_value('g') == -1);
    CHECK(hex_value('/') == -1);
    for (int v = 0; v < 16; ++v)
        CHECK(hex_value(lower_hex_digits[v]) == v);
}
