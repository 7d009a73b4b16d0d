// SPDX-License-Identifier: MIT
#include "customer/customer_check.h"
#include "support/customer_world.h"

#include <doctest/doctest.h>
#include <set>

using namespace spfd;
using namespace spfd::test;

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
}

TEST_CASE("REFUSED or NXDOMAIN from an authoritative-only server: ask a recursive resolver") {
    const std::string hint = "an authoritative server answers only for its own zones: ask a "
                             "recursive resolver (--server ADDRESS of one)";
    fake_dns authoritative = world();
    authoritative.authoritative_only();
    const customer_report refused = check_customer(authoritative, ours(), "x.refused.test");
    CHECK(refused.exit_code() == 2);
    CHECK(refused.dns_error == "TXT lookup for x.refused.test failed: REFUSED by a server that "
                               "is not a recursive resolver; " +
                                   hint);
    const customer_report foreign = check_customer(authoritative, ours(), "nothing.test");
    CHECK(foreign.exit_code() == 1);
    CHECK(codes(foreign).count("no_record"));
    CHECK(foreign.problems.front().message ==
          "nothing.test: NXDOMAIN from a server that is not a recursive resolver; unless it is "
          "the domain's own name server, " +
              hint);

    fake_dns resolver = world();
    const customer_report gone = check_customer(resolver, ours(), "nothing.test");
    CHECK(gone.problems.front().message ==
          "nothing.test does not exist (NXDOMAIN from a recursive resolver): check the name");
    CHECK(check_customer(resolver, ours(), "x.refused.test").dns_error ==
          "TXT lookup for x.refused.test failed: REFUSED; the resolver does not resolve it for "
          "this host (its access control?)");
    CHECK(check_customer(resolver, ours(), "x.servfail.test").dns_error ==
          "TXT lookup for x.servfail.test failed: SERVFAIL");
}
