// SPDX-License-Identifier: MIT
#include "admin/status_metrics.h"
#include "support/fake_dns.h"
#include "support/reload_fixture.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.starts_with(line + "\n") || text.find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST_CASE("before anything is served: every family is declared, the zone is not valid") {
    const reload_stats none;
    const std::string text = render_status_metrics(nullptr, none, 1'800'000'000);
    CHECK(has_line(text, "# TYPE spf_record_octets gauge"));
    CHECK(has_line(text, "# TYPE spf_overflow_mode gauge"));
    CHECK(has_line(text, "# TYPE spf_reloads_total counter"));
    CHECK(text.find("{name=") == std::string::npos);
    CHECK(has_line(text, "spf_zone_valid 0"));
    CHECK(has_line(text, "spf_reload_last_success 0"));
    CHECK(has_line(text, "spf_reload_last_timestamp_seconds 0"));
    CHECK(has_line(text, "spf_reloads_total{outcome=\"ok\"} 0"));
    CHECK(has_line(text, "spf_reloads_total{outcome=\"failed\"} 0"));
    CHECK(has_line(text, "spf_generation_age_seconds 0"));
}

TEST_CASE("a served zone: its record's measures, layout, senders and serial") {
    reload_fixture f;
    f.write(two_senders);
    REQUIRE(f.zones.reload().published);
    const auto served = f.snapshots.get();
    const std::string text = render_status_metrics(served.get(), f.zones.stats(), 0);
    const std::string zone = "{name=\"spf.connectoor.com\"} ";
    const auto& measures = served->zones().at(0).summary.spf.measures;
    CHECK(has_line(text, "spf_record_octets" + zone + std::to_string(measures.text_octets)));
    CHECK(has_line(text, "spf_record_strings" + zone + "1"));
    CHECK(has_line(text,
                   "spf_answer_edns_octets" + zone + std::to_string(measures.answer_octets_edns)));
    CHECK(has_line(text, "spf_customer_lookups" + zone + "1"));
    CHECK(has_line(text, "spf_child_records" + zone + "0"));
    CHECK(has_line(
        text,
        "spf_overflow_mode{name=\"spf.connectoor.com\",mode=\"flat\",configured=\"flat\"} 1"));
    CHECK(has_line(text, "spf_senders" + zone + "2"));
    CHECK(has_line(text, "spf_networks" + zone + "2"));
    CHECK(has_line(text, "spf_zone_serial" + zone + std::to_string(f.served_serial())));
    CHECK(has_line(text, "spf_zone_valid 1"));
    CHECK(has_line(text, "spf_reload_last_success 1"));
    CHECK(has_line(text, "spf_reloads_total{outcome=\"ok\"} 1"));
}

TEST_CASE("the generation's age is counted from its publication to now") {
    reload_stats stats;
    stats.published_unix_time = 1'800'000'000;
    stats.last_unix_time = 1'800'000'100;
    stats.failed_total = 3;
    const std::string text = render_status_metrics(nullptr, stats, 1'800'000'250);
    CHECK(has_line(text, "spf_generation_age_seconds 250"));
    CHECK(has_line(text, "spf_reload_last_timestamp_seconds 1800000100"));
    CHECK(has_line(text, "spf_reloads_total{outcome=\"failed\"} 3"));
}

TEST_CASE("per include: networks, data age, last success, failures, held, lookups saved") {
    reload_fixture f;
    f.write(one_sender + "[[senders]]\ninclude = \"_spf.provider.example\"\n");
    fake_dns dns;
    dns.txt("_spf.provider.example", "v=spf1 ip4:192.0.2.0/24 a:relay.provider.example -all");
    dns.a("relay.provider.example", "198.51.100.1");
    dns.add("relay.provider.example", dns_type::aaaa, "2001:db8::1");
    include_book book(f.root / "state", {}, std::make_unique<forwarding_resolver>(dns));
    reloader zones(f.config, f.serials, f.snapshots, &book);
    REQUIRE(zones.reload().published);
    const std::int64_t resolved = book.find("_spf.provider.example")->resolved_at;
    const std::string text =
        render_status_metrics(f.snapshots.get().get(), zones.stats(), resolved + 30);
    const std::string label = "{include=\"_spf.provider.example\"} ";
    CHECK(has_line(text, "# TYPE spf_include_lookup_failures_total counter"));
    CHECK(has_line(text, "spf_include_networks" + label + "3"));
    CHECK(has_line(text, "spf_include_data_age_seconds" + label + "30"));
    CHECK(has_line(text, "spf_include_last_success_timestamp_seconds" + label +
                             std::to_string(resolved)));
    CHECK(has_line(text, "spf_include_lookup_failures_total" + label + "0"));
    CHECK(has_line(text, "spf_include_held" + label + "0"));
    CHECK(has_line(text, "spf_include_lookups_saved" + label + "2"));
}
