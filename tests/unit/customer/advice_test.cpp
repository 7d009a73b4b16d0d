// SPDX-License-Identifier: MIT
#include "customer/advice.h"
#include "support/customer_world.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;

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
