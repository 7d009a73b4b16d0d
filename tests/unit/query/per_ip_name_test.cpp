// SPDX-License-Identifier: MIT
#include "query/per_ip_name.h"
#include "support/ipv4_text.h"
#include "support/per_ip_plain_reading.h"

#include <doctest/doctest.h>
#include <string>
#include <string_view>
#include <vector>

using namespace spfd;
using namespace spfd::test;

TEST_CASE("per-IP labels: IPv4 dotted, IPv6 nibbles, ancestors and the rest") {
    auto kind = [](std::string_view labels) { return parse_per_ip_labels(labels).kind; };
    CHECK(parse_per_ip_labels("192.0.2.1").v4 == v4(192, 0, 2, 1));
    CHECK(kind("0.0.0.0") == per_ip_name::address_v4);
    CHECK(kind("255.255.255.255") == per_ip_name::address_v4);
    // Four nibbles are an IPv4 address too (and the ancestor of IPv6 names): TXT, with
    // names below it.
    CHECK(kind("2.0.0.1") == per_ip_name::address_v4);
    const auto six =
        parse_per_ip_labels("2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1");
    REQUIRE(six.kind == per_ip_name::address_v6);
    CHECK(six.v6 == net("2001:db8::cb01").first()); // RFC 7208 §7.4's example
    for (std::string_view ancestor : {"192", "192.0", "192.0.2", "2.0.0.1.0", "a.b", "f"}) {
        CAPTURE(ancestor);
        CHECK(kind(ancestor) == per_ip_name::ancestor);
    }
    for (std::string_view bad :
         {"", "256.0.0.1", "01.0.0.1",
          "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15."
          "16.17",
          "1..2.3", "1.2.3.", ".1.2.3", "g", "ab.c", "-1.2.3.4", "1.2.3.4x", "1.2.3.0004"}) {
        CAPTURE(bad);
        CHECK(kind(bad) == per_ip_name::malformed);
    }
    // 33 nibbles are too many; 32 with one bad label are malformed.
    CHECK(kind("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0") ==
          per_ip_name::malformed);
    CHECK(kind("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.x") ==
          per_ip_name::malformed);
}

TEST_CASE(
    "per-IP labels: the single pass agrees with splitting at the dots, for every short name") {
    // Every string of up to seven characters over digits that make octets, leading zeros and
    // values above 255, a hex letter, a letter beyond hex and the dot: 2.4 million names.
    constexpr std::string_view alphabet = "0125a9g.";
    std::string labels;
    std::size_t disagreements = 0;
    for (std::size_t length = 0; length <= 7; ++length) {
        std::vector<std::size_t> digit(length, 0);
        while (true) {
            labels.resize(length);
            for (std::size_t i = 0; i < length; ++i)
                labels[i] = alphabet[digit[i]];
            const per_ip_name got = parse_per_ip_labels(labels);
            // An address's labels are the only way to write it: the value prints back as them.
            if (got.kind != plain::per_ip_kind(labels) ||
                (got.kind == per_ip_name::address_v4 && dotted(got.v4) != labels)) {
                if (++disagreements <= 5)
                    FAIL_CHECK("disagree on \"" << labels << "\"");
            }
            std::size_t i = 0;
            while (i < length && ++digit[i] == alphabet.size())
                digit[i++] = 0;
            if (i == length)
                break;
        }
    }
    CHECK(disagreements == 0);
}

TEST_CASE("per-IP labels: dotted quads of every awkward label agree with the plain reading") {
    // Four labels (and three, and five) from octets at their bounds, leading zeros, values
    // above 255, four digits, signs, a hex letter and the empty label: the dotted-quad fast
    // path must leave everything it does not take to the general reading. About 850,000 names.
    const std::vector<std::string_view> pieces = {
        "0",   "00",  "1",   "9",   "10",  "25", "99",  "100", "199",  "200", "249", "250",
        "255", "256", "260", "300", "999", "01", "001", "010", "1000", "a",   ""};
    std::size_t disagreements = 0;
    auto check = [&](const std::string& name) {
        const per_ip_name got = parse_per_ip_labels(name);
        if (got.kind != plain::per_ip_kind(name) ||
            (got.kind == per_ip_name::address_v4 && dotted(got.v4) != name)) {
            if (++disagreements <= 5)
                FAIL_CHECK("disagree on \"" << name << "\"");
        }
    };
    for (auto a : pieces)
        for (auto b : pieces)
            for (auto c : pieces) {
                const std::string three =
                    std::string(a) + "." + std::string(b) + "." + std::string(c);
                check(three);
                for (auto d : pieces) {
                    const std::string four = three + "." + std::string(d);
                    check(four);
                    check(four + "." + std::string(pieces[(a.size() + d.size()) % pieces.size()]));
                    check(four + ".");
                }
            }
    CHECK(disagreements == 0);
}
