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

TEST_CASE("the DMARC part of the report: record, outcome per sender, problems, advice") {
    fake_dns dns = world();
    dns.txt("_dmarc.late.test", "v=DMARC1; p=reject; rua=mailto:d@late.test");
    const customer_report late = check_customer(dns, ours(), "late.test");
    CHECK(late.dmarc.blocks_our_mail());
    const std::string text = customer_text(late);
    CHECK(contains(
        text, "  DMARC:     _dmarc.late.test \"v=DMARC1; p=reject; rua=mailto:d@late.test\"\n"));
    CHECK(contains(text, "p=reject sp=- pct=100 adkim=r aspf=r rua=mailto:d@late.test\n"));
    CHECK(contains(text, "    85.10.214.4: SPF fail, not aligned: reject\n"));
    CHECK(contains(text, "    [dmarc_blocks_our_mail] "));
    CHECK(contains(text, "Dringend: Ihre Richtlinie p=reject"));
    CHECK(contains(text, "Urgent: your policy p=reject"));
    CHECK(text.find("Dringend") < text.find("Ersetzen Sie")); // the most urgent comes first
    const auto json = boost::json::parse(customer_json(late));
    CHECK(json.at("dmarc").at("policy").as_string() == "reject");
    CHECK(json.at("dmarc").at("record").at("p").as_string() == "reject");
    CHECK(json.at("dmarc").at("senders").at(0).at("outcome").as_string() == "reject");
    CHECK(json.at("dmarc").at("problems").at(0).at("code").as_string() == "dmarc_blocks_our_mail");
    // Only DMARC to fix: the advice is the DMARC part alone.
    dns.txt("nodmarc.test", "v=spf1 include:spf.connectoor.com -all");
    const customer_report r = check_customer(dns, ours(), "nodmarc.test");
    CHECK(r.exit_code() == 0); // no DMARC record: reported, but our mail gets through
    CHECK(contains(customer_advice(r, advice_language::en), "no DMARC record"));
    CHECK_FALSE(contains(customer_advice(r, advice_language::en), "IN TXT \"v=spf1"));
}
