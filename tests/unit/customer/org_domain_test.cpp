// SPDX-License-Identifier: MIT
#include "customer/org_domain.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("the organizational domain: the public suffix and one label more") {
    CHECK(organizational_domain("example.com") == "example.com");
    CHECK(organizational_domain("Mail.News.Example.COM.") == "example.com");
    CHECK(organizational_domain("shop.acme.co.uk") == "acme.co.uk");
    CHECK(organizational_domain("co.uk") == "co.uk"); // a public suffix itself
}
