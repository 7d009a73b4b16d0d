// SPDX-License-Identifier: MIT
#include "customer/batch.h"
#include "support/customer_world.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace spfd;
using namespace spfd::test;

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
    CHECK(csv.find("good.test,0,1,yes,yes,yes,1,0,,\"v=spf1 include:spf.connectoor.com -all\","
                   "pass\n") != std::string::npos);
    CHECK(csv.find("x.servfail.test,2,0,no,no,no,0,0,dns_error,,\n") != std::string::npos);
    CHECK(csv.find("late.test,1,1,yes,no,no,0,0,include_after_all;sender_not_pass,"
                   "\"v=spf1 include:spf.connectoor.com -all\",\"no policy: dmarc_missing\"\n") !=
          std::string::npos);
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
