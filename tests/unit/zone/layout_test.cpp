// SPDX-License-Identifier: MIT
#include "zone/compile.h"
#include "zone/layout.h"
#include "zone/zone_loader.h"

#include <doctest/doctest.h>
#include <string>

using namespace spfd;

namespace {

// `count` single IPv4 addresses that do not aggregate (every other address).
std::string zone_text(const std::string& mode, int count, int max_lookups = 3, int v6_count = 0) {
    std::string text = R"(zone = "spf.connectoor.com"
[soa]
primary = "ns1.connectoor.com"
hostmaster = "hostmaster.connectoor.com"
[ns]
names = ["ns1.connectoor.com"]
[spf]
all = "-all"
overflow = ")" + mode +
                       "\"\nmax_customer_lookups = " + std::to_string(max_lookups) + "\n";
    for (int i = 0; i < count; ++i)
        text += "[[senders]]\nip4 = \"85." + std::to_string(10 + i / 120) + "." +
                std::to_string(i % 120) + "." + std::to_string(2 * (i % 100) + 1) + "\"\n";
    for (int i = 0; i < v6_count; ++i)
        text += "[[senders]]\nip6 = \"2a01:4f8:" + std::to_string(100 + 2 * i) + "::/48\"\n";
    return text;
}

struct compiled {
    std::optional<compiled_zone> zone;
    diagnostics found;
};

compiled compile(const std::string& text) {
    compiled out;
    auto spec = parse_zone(text, "z.toml", out.found);
    REQUIRE(spec.has_value());
    out.zone = compile_zone(*spec, 1, out.found);
    return out;
}

std::string first_error(const diagnostics& d) {
    for (const auto& item : d.items())
        if (item.level == severity::error)
            return item.message;
    return {};
}

} // namespace

TEST_CASE("flat: served when it fits, refused over budget with a hint to overflow") {
    auto small = compile(zone_text("flat", 3));
    REQUIRE(small.zone);
    CHECK(small.zone->summary.mode == overflow_mode::flat);
    CHECK(small.zone->summary.customer_lookups == 1);
    CHECK(small.zone->summary.children.empty());

    auto big = compile(zone_text("flat", 40));
    CHECK_FALSE(big.zone);
    const std::string error = first_error(big.found);
    CHECK(error.find("over the budget of 450") != std::string::npos);
    CHECK(error.find("overflow") != std::string::npos);
}

TEST_CASE("split: children under the zone, each answer within budget, cost 1 + children") {
    auto z = compile(zone_text("split", 40, 3, 4));
    REQUIRE(z.zone);
    const zone_summary& s = z.zone->summary;
    CHECK(s.mode == overflow_mode::split);
    REQUIRE(s.children.size() == 2);
    CHECK(s.customer_lookups == 3);
    CHECK(s.children[0].name == "_s1.spf.connectoor.com");
    CHECK(s.children[1].name == "_s2.spf.connectoor.com");
    CHECK(s.spf.text ==
          "v=spf1 include:_s1.spf.connectoor.com include:_s2.spf.connectoor.com -all");
    std::size_t terms = 0;
    for (const child_record& c : s.children) {
        CAPTURE(c.name);
        CHECK(c.spf.measures.answer_octets <= 450);
        CHECK(c.spf.measures.dns_lookups == 0);
        CHECK(c.spf.text.starts_with("v=spf1 "));
        CHECK(c.spf.text.ends_with(" -all"));
        for (std::size_t at = c.spf.text.find(" ip"); at != std::string::npos;
             at = c.spf.text.find(" ip", at + 1))
            ++terms;
    }
    CHECK(terms == s.network_count); // every network in exactly one child
    // The children's TXT records are in the zone, next to the apex's.
    std::size_t child_txt = 0;
    for (const dns_record& r : z.zone->records)
        if (r.type == "TXT" && r.name.starts_with("_s"))
            ++child_txt;
    CHECK(child_txt == 2);
}

TEST_CASE("split: the same set in any order gives the same children") {
    const std::string forward = zone_text("split", 40);
    // Reverse the [[senders]] blocks.
    const std::string header = forward.substr(0, forward.find("[[senders]]"));
    std::vector<std::string> blocks;
    for (std::size_t at = forward.find("[[senders]]"); at != std::string::npos;) {
        const std::size_t next = forward.find("[[senders]]", at + 1);
        blocks.push_back(forward.substr(at, next == std::string::npos ? next : next - at));
        at = next;
    }
    std::string reversed = header;
    for (auto it = blocks.rbegin(); it != blocks.rend(); ++it)
        reversed += *it;
    auto a = compile(forward);
    auto b = compile(reversed);
    REQUIRE(a.zone);
    REQUIRE(b.zone);
    REQUIRE(a.zone->summary.children.size() == b.zone->summary.children.size());
    for (std::size_t i = 0; i < a.zone->summary.children.size(); ++i)
        CHECK(a.zone->summary.children[i].spf.text == b.zone->summary.children[i].spf.text);
}

TEST_CASE("split: refused above max_customer_lookups, saying what to do") {
    auto z = compile(zone_text("split", 120, 3));
    CHECK_FALSE(z.zone);
    const std::string error = first_error(z.found);
    CHECK(error.find("max_customer_lookups") != std::string::npos);
    CHECK(error.find("macro") != std::string::npos);
    // Raised maximum: served, and the cost says so.
    auto raised = compile(zone_text("split", 120, 10));
    REQUIRE(raised.zone);
    CHECK(raised.zone->summary.customer_lookups == 1 + raised.zone->summary.children.size());
    CHECK(raised.zone->summary.customer_lookups <= 10);
}

TEST_CASE("macro: the apex includes %{i}._ip, costs customers 2, per-IP names are computed") {
    auto z = compile(zone_text("macro", 300, 3, 20));
    REQUIRE(z.zone);
    const zone_summary& s = z.zone->summary;
    CHECK(s.mode == overflow_mode::macro);
    CHECK(s.spf.text == "v=spf1 include:%{i}._ip.spf.connectoor.com -all");
    CHECK(s.customer_lookups == 2);
    REQUIRE(z.zone->per_ip);
    CHECK(z.zone->per_ip->suffix == "._ip.spf.connectoor.com.");
    CHECK(z.zone->per_ip->ranges->size() == s.network_count);
    // Not one record per IP: SOA, NS, the apex TXT and the _ip ENT.
    CHECK(z.zone->records.size() == 4);
}

TEST_CASE("auto: flat when it fits, else split within the maximum, else macro") {
    auto small = compile(zone_text("auto", 3));
    REQUIRE(small.zone);
    CHECK(small.zone->summary.mode == overflow_mode::flat);
    CHECK(small.zone->summary.configured == overflow_mode::auto_);
    auto middle = compile(zone_text("auto", 40));
    REQUIRE(middle.zone);
    CHECK(middle.zone->summary.mode == overflow_mode::split);
    auto large = compile(zone_text("auto", 300));
    REQUIRE(large.zone);
    CHECK(large.zone->summary.mode == overflow_mode::macro);
    CHECK(large.found.error_count() == 0);
}

// Found by the zone fuzz target (tests/fuzz/regressions/zone/): split and macro checked only
// the child records against the budget, not the apex record that includes them.
TEST_CASE("split and macro: the apex record, too, stays within the budget") {
    const auto small_budget = [](std::string text, const std::string& apex) {
        text.replace(text.find("[spf]\n"), 6, "[spf]\nmax_answer_octets = 100\n");
        text.replace(text.find("spf.connectoor.com"), 18, apex);
        return text;
    };
    // Three addresses need two children of 100 octets; the apex including both is 122.
    auto split = compile(small_budget(zone_text("split", 3), "spf.connectoor.com"));
    CHECK_FALSE(split.zone);
    CHECK(first_error(split.found) ==
          "split: the record at spf.connectoor.com that includes the 2 child records would be "
          "122 octets, 22 over the budget of 100 (spf.max_answer_octets). Raise the budget (at "
          "most 512), aggregate the senders, or use overflow = \"macro\"");
    // auto then falls back to macro, whose apex fits.
    auto fallback = compile(small_budget(zone_text("auto", 3), "spf.connectoor.com"));
    REQUIRE(fallback.zone);
    CHECK(fallback.zone->summary.mode == overflow_mode::macro);
    CHECK(fallback.zone->summary.spf.measures.answer_octets <= 100);
    // A longer zone name: the macro apex alone is over, in macro and in auto.
    for (const std::string mode : {"macro", "auto"}) {
        auto macro = compile(small_budget(zone_text(mode, 3), "spf-customers.connectoor.com"));
        CHECK_FALSE(macro.zone);
        CHECK(first_error(macro.found) ==
              "macro: the record at spf-customers.connectoor.com would be 116 octets, 16 over "
              "the budget of 100 (spf.max_answer_octets). Raise the budget (at most 512) or use "
              "a shorter zone name");
    }
}

TEST_CASE("overflow takes only the four names") {
    diagnostics found;
    CHECK_FALSE(parse_zone(zone_text("chain", 3), "z.toml", found));
    CHECK(first_error(found).find("\"flat\", \"split\", \"macro\" or \"auto\"") !=
          std::string::npos);
}
