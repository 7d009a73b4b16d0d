// SPDX-License-Identifier: MIT
#include "util/ascii.h"

#include <doctest/doctest.h>

using namespace spfd;

// The helpers are constexpr: usable where the compiler evaluates them.
static_assert(ascii_lower('Q') == 'q');
static_assert(iequals("getAllDomains", "GETALLDOMAINS"));
static_assert(istarts_with("Content-Length: 5", "content-length:"));
static_assert(hex_value('F') == 15);

TEST_CASE("lower case in ASCII only: other bytes pass unchanged") {
    CHECK(ascii_lower('A') == 'a');
    CHECK(ascii_lower('Z') == 'z');
    CHECK(ascii_lower('a') == 'a');
    CHECK(ascii_lower('@') == '@'); // just below 'A'
    CHECK(ascii_lower('[') == '['); // just above 'Z'
    CHECK(ascii_lower('\xc4') == '\xc4');
    CHECK(ascii_lower(std::string_view("SPF.Connectoor.COM.")) == "spf.connectoor.com.");
    CHECK(ascii_lower(std::string_view("\xc3\x84-Umlaut")) == "\xc3\x84-umlaut");
    CHECK(ascii_lower(std::string_view("")).empty());
}

TEST_CASE("comparison ignoring ASCII case, whole strings and prefixes") {
    CHECK(iequals("lookup", "LOOKUP"));
    CHECK(iequals("", ""));
    CHECK_FALSE(iequals("lookup", "lookups"));
    CHECK_FALSE(iequals("a@", "a`")); // '@' and '`' differ by 0x20 but are not letters
    CHECK_FALSE(iequals("\xc4", "\xe4"));
    CHECK(istarts_with("v=SPF1 -all", "V=spf1"));
    CHECK(istarts_with("x", ""));
    CHECK_FALSE(istarts_with("v=", "v=spf1"));
}

TEST_CASE("hex digits both ways") {
    CHECK(hex_value('0') == 0);
    CHECK(hex_value('9') == 9);
    CHECK(hex_value('a') == 10);
    CHECK(hex_value('f') == 15);
    CHECK(hex_value('A') == 10);
    CHECK(hex_value('g') == -1);
    CHECK(hex_value('G') == -1);
    CHECK(hex_value('/') == -1);
    CHECK(hex_value(':') == -1);
    for (int v = 0; v < 16; ++v)
        CHECK(hex_value(lower_hex_digits[v]) == v);
    CHECK(std::string_view(lower_hex_digits) == "0123456789abcdef");
}

TEST_CASE("upper case in ASCII only") {
    CHECK(ascii_upper('a') == 'A');
    CHECK(ascii_upper('z') == 'Z');
    CHECK(ascii_upper('A') == 'A');
    CHECK(ascii_upper('`') == '`');
    CHECK(ascii_upper('{') == '{');
    CHECK(ascii_upper('\xe4') == '\xe4');
}
