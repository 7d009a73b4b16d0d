// SPDX-License-Identifier: MIT
#include "customer/dmarc_record.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("DMARC records: v=DMARC1 first, exactly") {
    CHECK(is_dmarc_record("v=DMARC1; p=none"));
    CHECK(is_dmarc_record("v = DMARC1"));
    CHECK_FALSE(is_dmarc_record("p=none; v=DMARC1"));
    CHECK_FALSE(is_dmarc_record("v=DMARC10; p=none"));
    CHECK_FALSE(is_dmarc_record("v=spf1 -all"));
}

TEST_CASE("the tags and their defaults") {
    const dmarc_record r =
        parse_dmarc("v=DMARC1; p=Reject; sp=quarantine; pct=50; adkim=s; aspf=s; "
                    "rua=mailto:a@example.com,mailto:b@example.com!10m; fo=1:d; ri=3600; rf=afrf;",
                    true);
    CHECK(r.errors.empty());
    CHECK(r.p == dmarc_policy::reject);
    CHECK(r.sp == dmarc_policy::quarantine);
    CHECK(r.pct == 50);
    CHECK(r.adkim == 's');
    CHECK(r.aspf == 's');
    CHECK(r.rua.size() == 2);
    CHECK(r.applied_policy(false) == dmarc_policy::reject);
    CHECK(r.applied_policy(true) == dmarc_policy::quarantine);
    const dmarc_record d = parse_dmarc("v=DMARC1;p=none", true);
    CHECK(d.errors.empty());
    CHECK(d.pct == 100);
    CHECK(d.aspf == 'r');
    CHECK(d.applied_policy(true) == dmarc_policy::none); // no sp: p
}

TEST_CASE("mistakes are named, and the policy receivers apply despite them (§6.6.3)") {
    const dmarc_record bad =
        parse_dmarc("v=DMARC1; p=rejct; pct=150; aspf=x; foo=bar; p=none", true);
    REQUIRE(bad.errors.size() == 5);
    CHECK(bad.errors[0].starts_with("p=rejct:"));
    CHECK(bad.errors[1].starts_with("pct=150:"));
    CHECK(bad.errors[2].starts_with("aspf=x:"));
    CHECK(bad.errors[3].starts_with("foo=bar: unknown tag"));
    CHECK(bad.errors[4] == "p= appears twice");
    CHECK_FALSE(bad.applied_policy(false)); // invalid p, no rua: no DMARC
    const dmarc_record rua = parse_dmarc("v=DMARC1; p=bogus; rua=mailto:d@example.com", true);
    CHECK(rua.applied_policy(false) == dmarc_policy::none);
    const dmarc_record no_p = parse_dmarc("v=DMARC1; rua=mailto:d@example.com", true);
    CHECK(no_p.errors.size() == 1); // p is required at the organizational domain
    CHECK(parse_dmarc("v=DMARC1; rua=mailto:d@example.com", false).errors.empty());
    CHECK(parse_dmarc("v=DMARC1; p=none; rua=dmarc@example.com", true).errors.size() == 1);
    CHECK(parse_dmarc("v=DMARC1; p=none; rua=mailto:nobody", true).errors.size() == 1);
    CHECK(parse_dmarc("v=DMARC1; p=none; sp", true).errors.size() == 1);
}
