// SPDX-License-Identifier: MIT
#include "customer/advice.h"
#include "customer/batch.h"
#include "customer/customer_check.h"
#include "customer/customer_report.h"
#include "customer/impact.h"
#include "support/fake_dns.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

using namespace spfd;
using spfd::test::fake_dns;
using spfd::test::forwarding_resolver;

namespace {

ip_network net(const std::string& text) {
    const bool v6 = text.find(':') != std::string::npos;
    return std::get<ip_network>(parse_network(text, v6 ? ip_family::v6 : ip_family::v4));
}

customer_options ours() {
    customer_options o;
    o.networks = {net("85.10.214.4"), net("176.9.5.158"), net("2a01:4f8::/48")};
    return o;
}

fake_dns world() {
    fake_dns dns;
    dns.txt("spf.connectoor.com", "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip6:2a01:4f8::/48 ~all");
    dns.txt("good.test", "v=spf1 include:spf.connectoor.com -all");
    dns.txt("late.test", "v=spf1 -all include:spf.connectoor.com");
    dns.txt("direct.test", "v=spf1 ip4:85.10.214.0/24 ptr +all");
    dns.txt("r.test", "v=spf1 ~all redirect=good.test");
    dns.add("type99.test", dns_type::spf, "v=spf1 -all");
    dns.txt("type99.test", "v=spf1 include:spf.connectoor.com -all");
    return dns;
}

std::set<std::string> codes(const customer_report& r) {
    std::set<std::string> out;
    for (const customer_problem& p : r.problems)
        out.insert(p.code);
    return out;
}

} // namespace

TEST_CASE("the suggested record: include before the first all, everything else kept") {
    const std::string apex = "spf.connectoor.com";
    CHECK(suggest_record("", apex) == "v=spf1 a mx include:spf.connectoor.com ~all");
    CHECK(suggest_record("v=spf1 mx -all", apex) == "v=spf1 mx include:spf.connectoor.com -all");
    CHECK(suggest_record("v=spf1  mx   ~all  ", apex) ==
          "v=spf1 mx include:spf.connectoor.com ~all");
    CHECK(suggest_record("v=spf1 mx ~all include:SPF.connectoor.com.", apex) ==
          "v=spf1 mx include:spf.connectoor.com ~all");
    CHECK(suggest_record("v=spf1 redirect=_spf.example.com", apex) ==
          "v=spf1 include:spf.connectoor.com redirect=_spf.example.com");
    CHECK(suggest_record("v=spf1 ip4:192.0.2.0/24 exp=explain.example.com", apex) ==
          "v=spf1 ip4:192.0.2.0/24 include:spf.connectoor.com exp=explain.example.com");
    CHECK(suggest_record("v=spf1 a", apex) == "v=spf1 a include:spf.connectoor.com");
    CHECK(suggest_record("v=spf1 a -ALL", apex) == "v=spf1 a include:spf.connectoor.com -ALL");
}

TEST_CASE("representative addresses: hosts, first and last of networks, no duplicates") {
    const auto s = representative_senders(
        {net("85.10.214.4"), net("10.0.0.0/24"), net("2a01:4f8::/48"), net("10.0.0.0/24")});
    REQUIRE(s.size() == 5);
    CHECK(s[0].label == "85.10.214.4");
    CHECK(s[1].ip.to_string() == "10.0.0.0");
    CHECK(s[2].ip.to_string() == "10.0.0.255");
    CHECK(s[2].label == "10.0.0.0/24 last");
    CHECK(s[3].ip.to_string() == "2a01:4f8::");
    CHECK(s[4].ip.to_string() == "2a01:4f8:0:ffff:ffff:ffff:ffff:ffff");
}

TEST_CASE("check_customer: verdicts, problems and the exit code") {
    fake_dns dns = world();
    const customer_report good = check_customer(dns, ours(), "Good.Test.");
    CHECK(good.domain == "good.test");
    CHECK(good.all_pass());
    CHECK(good.include_reached);
    CHECK(good.problems.empty());
    CHECK_FALSE(good.change_needed);
    CHECK(good.exit_code() == 0);
    CHECK(good.max_lookups == 1);

    const customer_report late = check_customer(dns, ours(), "late.test");
    CHECK(codes(late) == std::set<std::string>{"include_after_all", "sender_not_pass"});
    CHECK(late.include_present);
    CHECK_FALSE(late.include_reached);
    CHECK(late.suggested_record == "v=spf1 include:spf.connectoor.com -all");
    CHECK(late.exit_code() == 1);

    const customer_report direct = check_customer(dns, ours(), "direct.test");
    CHECK(codes(direct) ==
          std::set<std::string>{"direct_ips", "ptr", "plus_all", "include_missing"});
    CHECK(direct.all_pass()); // +all lets everyone pass

    const customer_report r = check_customer(dns, ours(), "r.test");
    CHECK(codes(r).count("redirect_with_all"));
    CHECK(codes(r).count("include_missing"));

    const customer_report t99 = check_customer(dns, ours(), "type99.test");
    CHECK(codes(t99) == std::set<std::string>{"type99"});
    CHECK(t99.type99.size() == 1);

    const customer_report none = check_customer(dns, ours(), "nothing.test");
    CHECK(codes(none).count("no_record"));
    CHECK(none.suggested_record == "v=spf1 a mx include:spf.connectoor.com ~all");

    const customer_report failed = check_customer(dns, ours(), "x.servfail.test");
    CHECK(failed.exit_code() == 2);
    CHECK(customer_text(failed).find("DNS error") != std::string::npos);
}

TEST_CASE("advice names the record in both languages") {
    fake_dns dns = world();
    const customer_report late = check_customer(dns, ours(), "late.test");
    const std::string de = customer_advice(late, advice_language::de);
    const std::string en = customer_advice(late, advice_language::en);
    for (const std::string* text : {&de, &en})
        CHECK(text->find("late.test. IN TXT \"v=spf1 include:spf.connectoor.com -all\"") !=
              std::string::npos);
    CHECK(de.find("24 Stunden") != std::string::npos);
    CHECK(en.find("24 hours") != std::string::npos);
    const customer_report direct = check_customer(dns, ours(), "direct.test");
    CHECK(customer_advice(direct, advice_language::en).find("directly") != std::string::npos);
    fake_dns broken = world();
    broken.txt("typo.test", "v=spf1 ip4:1.2.3 include:spf.connectoor.com -all");
    const customer_report typo = check_customer(broken, ours(), "typo.test");
    CHECK(codes(typo).count("syntax"));
    CHECK(customer_advice(typo, advice_language::de).find("Syntaxfehler ('ip4:1.2.3')") !=
          std::string::npos);
}

TEST_CASE("batch: input order whatever the concurrency, CSV quoting, worst exit code") {
    fake_dns dns = world();
    const std::vector<std::string> domains = {"late.test", "good.test", "direct.test",
                                              "x.servfail.test", "r.test"};
    std::size_t calls = 0;
    const auto reports = check_customers(
        domains, ours(), [&] { return std::make_unique<forwarding_resolver>(dns); }, 3,
        [&](std::size_t done, std::size_t total) {
            ++calls;
            CHECK(done <= total);
        });
    REQUIRE(reports.size() == domains.size());
    for (std::size_t i = 0; i < domains.size(); ++i)
        CHECK(reports[i].domain == domains[i]);
    CHECK(calls == domains.size());
    CHECK(batch_exit_code(reports) == 2);
    const std::string csv = batch_csv(reports);
    CHECK(csv.find("good.test,0,1,yes,yes,yes,1,0,,\"v=spf1 include:spf.connectoor.com -all\"\n") !=
          std::string::npos);
    CHECK(csv.find("x.servfail.test,2,0,no,no,no,0,0,dns_error,\n") != std::string::npos);
    CHECK(batch_json(reports).front() == '[');
}

TEST_CASE("domain lists: comments, duplicates, errors with file:line") {
    const auto dir =
        std::filesystem::temp_directory_path() / ("spfd-customer-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        std::ofstream(dir / "ok.txt") << "# ours\n good.test \n\nGOOD.test.\nlate.test # x\n";
        std::ofstream(dir / "bad.txt") << "good.test\nnot a domain\n";
    }
    const auto ok = read_domain_list(dir / "ok.txt");
    REQUIRE(std::holds_alternative<std::vector<std::string>>(ok));
    CHECK(std::get<std::vector<std::string>>(ok) ==
          std::vector<std::string>{"good.test", "late.test"});
    const auto bad = read_domain_list(dir / "bad.txt");
    REQUIRE(std::holds_alternative<std::string>(bad));
    CHECK(std::get<std::string>(bad).find("bad.txt:2: 'not a domain'") != std::string::npos);
    CHECK(std::holds_alternative<std::string>(read_domain_list(dir / "missing.txt")));
    std::filesystem::remove_all(dir);
}

TEST_CASE("impact: the proposed zone answered from its snapshot, changes listed") {
    const auto dir =
        std::filesystem::temp_directory_path() / ("spfd-impact-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "spf.connectoor.com.toml")
        << "zone = \"spf.connectoor.com\"\n[soa]\nprimary = \"ns1.connectoor.com\"\n"
           "hostmaster = \"hostmaster.connectoor.com\"\n[ns]\nnames = [\"ns1.connectoor.com\"]\n"
           "[[senders]]\nip4 = \"85.10.214.4\"\n[[senders]]\nip4 = \"192.0.2.77\"\n"
           "[[senders]]\nip6 = \"2a01:4f8::/48\"\n";
    diagnostics found;
    const auto snap = compile_proposed_zone(dir / "spf.connectoor.com.toml", found);
    std::filesystem::remove_all(dir);
    REQUIRE(snap);

    fake_dns dns = world();
    snapshot_resolver proposed(snap, std::make_unique<forwarding_resolver>(dns));
    const dns_lookup apex = proposed.lookup("spf.connectoor.com", dns_type::txt);
    REQUIRE(apex.records.size() == 1);
    CHECK(apex.records[0].find("ip4:192.0.2.77") != std::string::npos);
    CHECK(proposed.lookup("nothing.spf.connectoor.com", dns_type::txt).status ==
          dns_lookup::outcome::nxdomain);
    CHECK(proposed.lookup("good.test", dns_type::txt).records ==
          dns.lookup("good.test", dns_type::txt).records);

    const customer_options o = ours();
    const auto r = assess_impact(
        {"good.test", "direct.test"}, o, o.networks, *snap->zones().front().summary.networks,
        [&] { return std::make_unique<forwarding_resolver>(dns); },
        [&] {
            return std::make_unique<snapshot_resolver>(snap,
                                                       std::make_unique<forwarding_resolver>(dns));
        },
        2);
    REQUIRE(r.changes.size() == 2); // good.test: 176.9.5.158 removed, 192.0.2.77 added
    CHECK(r.changes[0].sender.label == "176.9.5.158");
    CHECK(r.changes[0].status == "removed");
    CHECK(r.changes[0].loses_pass());
    CHECK(r.changes[1].sender.label == "192.0.2.77");
    CHECK(r.changes[1].status == "added");
    CHECK(r.changes[1].gains_pass());
    CHECK(r.exit_code() == 0);
    CHECK(impact_text(r).find("good.test: 176.9.5.158 (removed) loses pass") != std::string::npos);
}
