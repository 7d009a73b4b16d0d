// SPDX-License-Identifier: MIT
#include "customer/advice.h"
#include "customer/customer_report.h"
#include "support/customer_world.h"

#include <boost/json.hpp>
#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;

namespace {

bool contains(const std::string& text, std::string_view needle) {
    return text.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("the text report: records, include, lookups, each sender and the record to publish") {
    fake_dns dns = world();
    const std::string late = customer_text(check_customer(dns, ours(), "late.test"));
    CHECK(late.starts_with("customer late.test\n"));
    CHECK(contains(late, "  record:    \"v=spf1 -all include:spf.connectoor.com\"\n"));
    CHECK(contains(late, "  include:   include:spf.connectoor.com present but never reached\n"));
    CHECK(contains(late, "  lookups:   0 of 10, void 0 of 2 (most over our addresses)\n"));
    CHECK(contains(late, "    85.10.214.4: fail"));
    CHECK(contains(late, "    2a01:4f8::/48 first (2a01:4f8::): fail"));
    CHECK(contains(late, "    [include_after_all] "));
    CHECK(contains(late, "  publish:   \"v=spf1 include:spf.connectoor.com -all\"\n"));
    // The instructions for the administrator follow, German first.
    const auto de = late.find("--- Anleitung für Ihre DNS-Administration (Deutsch) ---");
    const auto en = late.find("--- Instructions for your DNS administrator (English) ---");
    REQUIRE(de != std::string::npos);
    REQUIRE(en != std::string::npos);
    CHECK(de < en);
    CHECK_FALSE(
        contains(customer_text(check_customer(dns, ours(), "late.test"), false), "Anleitung"));
}

TEST_CASE("the text report of a good setup has no problems and no instructions") {
    fake_dns dns = world();
    const std::string good = customer_text(check_customer(dns, ours(), "good.test"));
    CHECK(contains(good, "  include:   include:spf.connectoor.com present and reached\n"));
    CHECK(contains(good, "  problems:  none\n"));
    CHECK(contains(good, "  publish:   nothing to change\n"));
    CHECK_FALSE(contains(good, "---"));
    const std::string none = customer_text(check_customer(dns, ours(), "nothing.test"), false);
    CHECK(contains(none, "  record:    none\n"));
    CHECK(contains(none, "  include:   include:spf.connectoor.com missing\n"));
    const std::string t99 = customer_text(check_customer(dns, ours(), "type99.test"), false);
    CHECK(contains(t99, "  type 99:   \"v=spf1 -all\"\n"));
}

TEST_CASE("a failed lookup: the text says DNS error and nothing else") {
    fake_dns dns = world();
    const customer_report failed = check_customer(dns, ours(), "x.servfail.test");
    CHECK(customer_text(failed).find("DNS error") != std::string::npos);
    CHECK(customer_text(failed) ==
          "customer x.servfail.test\n  DNS error: " + failed.dns_error + "\n");
    const auto json = boost::json::parse(customer_json(failed)).as_object();
    CHECK(json.at("exit_code").as_int64() == 2);
    CHECK(json.at("dns_error").as_string() == failed.dns_error);
    CHECK_FALSE(json.contains("advice_en"));
}

TEST_CASE("the JSON report: one object with the verdicts, problems and advice") {
    fake_dns dns = world();
    const customer_report late = check_customer(dns, ours(), "late.test");
    const auto json = boost::json::parse(customer_json(late)).as_object();
    CHECK(json.at("domain").as_string() == "late.test");
    CHECK(json.at("apex").as_string() == "spf.connectoor.com");
    CHECK(json.at("exit_code").as_int64() == 1);
    CHECK(json.at("include_present").as_bool());
    CHECK_FALSE(json.at("include_reached").as_bool());
    CHECK_FALSE(json.at("all_pass").as_bool());
    CHECK(json.at("records").as_array().size() == 1);
    CHECK(json.at("senders").as_array().size() == late.verdicts.size());
    CHECK(json.at("senders").as_array().at(0).at("sender").as_string() == "85.10.214.4");
    CHECK(json.at("problems").as_array().size() == late.problems.size());
    CHECK(json.at("suggested_record").as_string() == late.suggested_record);
    CHECK(json.at("advice_de").as_string() == customer_advice(late, advice_language::de));
    CHECK(json.at("advice_en").as_string() == customer_advice(late, advice_language::en));
    CHECK_FALSE(json.contains("dns_error"));

    const auto good = boost::json::parse(customer_json(check_customer(dns, ours(), "good.test")));
    CHECK(good.at("advice_en").as_string().empty());
    CHECK(good.at("senders").at(0).at("includes").at(0).at("domain").as_string() ==
          "spf.connectoor.com");
}

TEST_CASE("a failing sender's exp= explanation, in text and JSON") {
    fake_dns dns = world();
    dns.txt("exp.test", "v=spf1 mx -all exp=why.exp.test");
    dns.txt("why.exp.test", "%{i} may not send for %{d}, says %{r}");
    customer_options o = ours();
    o.receiver = "mx.receiver.test";
    const customer_report r = check_customer(dns, o, "exp.test");
    CHECK(contains(customer_text(r, false),
                   "      explanation: \"85.10.214.4 may not send for exp.test, says "
                   "mx.receiver.test\"\n"));
    const auto json = boost::json::parse(customer_json(r));
    CHECK(json.at("senders").at(0).at("explanation").as_string() ==
          "85.10.214.4 may not send for exp.test, says mx.receiver.test");
    const auto good = boost::json::parse(customer_json(check_customer(dns, ours(), "good.test")));
    CHECK(good.at("senders").at(0).at("explanation").as_string().empty());
}
