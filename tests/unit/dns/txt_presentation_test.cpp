// SPDX-License-Identifier: MIT
#include "dns/txt_presentation.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("TXT presentation quotes each string and escapes quotes and backslashes") {
    CHECK(txt_presentation({"v=spf1 ", "-all"}) == R"("v=spf1 " "-all")");
    CHECK(txt_presentation({R"(a"b\c)"}) == R"("a\"b\\c")");
    CHECK(txt_presentation({}).empty());
    CHECK(txt_presentation({""}) == R"("")");
}

TEST_CASE("parsing TXT presentation gives back the rendered strings") {
    const std::vector<std::vector<std::string>> cases = {
        {"v=spf1 ip4:192.0.2.1 ", "ip6:2001:db8::/32 ~all"},
        {R"(a"b\c)", R"(\)", R"(")"},
        {""},
        {"", "x", ""},
        {"v=spf1 exists:%{i}._ip.spf.example -all"},
        {std::string(255, 'x'), "tail"},
    };
    for (const auto& strings : cases) {
        const std::string rendered = txt_presentation(strings);
        CAPTURE(rendered);
        CHECK(parse_txt_presentation(rendered) == strings);
        std::string joined;
        for (const std::string& s : strings)
            joined += s;
        CHECK(txt_presentation_text(rendered) == joined);
    }
}

TEST_CASE("parsing TXT presentation is lenient the way pdns content can be") {
    // Text outside quotes is skipped; \X gives X; \DDD is not decoded; an open string runs to
    // the end; a final lone backslash stays.
    CHECK(parse_txt_presentation(R"(  "a"   "b" )") == std::vector<std::string>{"a", "b"});
    CHECK(parse_txt_presentation(R"(x"a"y)") == std::vector<std::string>{"a"});
    CHECK(parse_txt_presentation(R"("\065")") == std::vector<std::string>{"065"});
    CHECK(parse_txt_presentation(R"("open)") == std::vector<std::string>{"open"});
    CHECK(parse_txt_presentation(R"("a\)") == std::vector<std::string>{R"(a\)"});
    CHECK(parse_txt_presentation("").empty());
    CHECK(parse_txt_presentation("unquoted").empty());
    CHECK(txt_presentation_text(R"("v=spf1 " "-all")") == "v=spf1 -all");
}
