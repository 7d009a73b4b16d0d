// SPDX-License-Identifier: MIT
#include "spf/record_parser.h"
#include "zone/spf_record.h"

#include <doctest/doctest.h>

using namespace spfd;

namespace {

std::vector<ip_network> v4_hosts(unsigned count) {
    std::vector<ip_network> out;
    for (unsigned i = 0; i < count; ++i) // every other address: nothing aggregates
        out.push_back(ip_network::from_integer(ip_family::v4, 0x55000000u + (i * 2 + 1) * 257, 32));
    return out;
}

} // namespace

TEST_CASE("today's record and its figures match docs/spf-rules.md") {
    std::vector<ip_network> n;
    for (const char* t : {"85.10.214.4", "176.9.5.158", "178.63.53.35"})
        n.push_back(std::get<ip_network>(parse_network(t, ip_family::v4)));
    const spf_record r = render_spf(n, all_qualifier::fail, "spf.connectoor.com");
    CHECK(r.text == "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip4:178.63.53.35 -all");
    CHECK(r.strings == std::vector<std::string>{r.text});
    CHECK(r.measures.text_octets == 60);
    CHECK(r.measures.string_count == 1);
    CHECK(r.measures.answer_octets == 109);
    CHECK(r.measures.answer_octets_edns == 120);
    CHECK(r.measures.dns_lookups == 0);
    CHECK(r.measures.rfc_guideline_octets == 78);
    CHECK(render_spf(n, all_qualifier::softfail, "spf.connectoor.com").text.ends_with(" ~all"));
}

TEST_CASE("long records split only between terms, the space kept in the earlier string") {
    const spf_record r = render_spf(v4_hosts(18), all_qualifier::softfail, "spf.connectoor.com");
    REQUIRE(r.strings.size() == 2);
    std::string joined;
    for (const auto& s : r.strings) {
        CHECK(s.size() <= 255);
        joined += s;
    }
    CHECK(joined == r.text);
    CHECK(r.strings[0].back() == ' ');
    CHECK(r.strings[1].starts_with("ip4:"));
    CHECK(r.measures.string_count == 2);
    // Wire: 12 header + 24 question + 12 answer fixed part + rdata (length octets + text).
    CHECK(r.measures.answer_octets == 12 + 24 + 12 + 2 + r.text.size());
}

TEST_CASE("splitting respects the 255-octet limit exactly") {
    const std::string a(200, 'a'), b(54, 'b'), c(10, 'c');
    // "a… b…" is 255 octets including the space: it fits in one string.
    CHECK(split_character_strings(a + " " + b) == std::vector<std::string>{a + " " + b});
    CHECK(split_character_strings(a + " " + b + "b") == std::vector<std::string>{a + " ", b + "b"});
    CHECK(split_character_strings(a + " " + b + " " + c) ==
          std::vector<std::string>{a + " ", b + " " + c});
    CHECK(split_character_strings("") == std::vector<std::string>{""});
}

TEST_CASE("DNS lookups are counted per RFC 7208 §4.6.4") {
    CHECK(count_dns_lookups("v=spf1 ip4:1.2.3.4 ip6:::1 -all") == 0);
    CHECK(count_dns_lookups("v=spf1 a mx include:x.example a:b.example mx/24 ptr exists:%{i}.x "
                            "redirect=y.example") == 8);
    CHECK(count_dns_lookups("v=spf1 +a -mx ~include:x ?ptr all exp=e.example") == 4);
    CHECK(count_dns_lookups("v=spf1 all ip4:1.2.3.4 aa mxx") == 0);
}

TEST_CASE("querying terms agree with the generator's own count") {
    for (const char* record :
         {"v=spf1 ip4:85.10.214.4 -all", "v=spf1 a mx include:spf.connectoor.com ~all",
          "v=spf1 a/24 mx:example.com//64 ptr exists:%{i}.e.example redirect=r.example",
          "v=spf1 include:a.example include:b.example -all exp=x.example",
          "v=spf1 ip6:2001:db8::/32 ?all"}) {
        CAPTURE(record);
        const spf_parse_result r = parse_spf(record);
        REQUIRE(r.ok());
        CHECK(summarize_terms(r.terms).querying_terms == count_dns_lookups(record));
    }
}
