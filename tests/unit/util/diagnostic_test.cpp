// SPDX-License-Identifier: MIT
#include "util/diagnostic.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("a finding prints as file:line:col: level: message, leaving out what is unknown") {
    CHECK(to_string(diagnostic{severity::error, {"zones/a.toml", 12, 5}, "bad"}) ==
          "zones/a.toml:12:5: error: bad");
    CHECK(to_string(diagnostic{severity::warning, {"zones/a.toml", 3, 0}, "odd"}) ==
          "zones/a.toml:3: warning: odd");
    CHECK(to_string(diagnostic{severity::error, {"zones/a.toml", 0, 7}, "x"}) ==
          "zones/a.toml: error: x");
    CHECK(to_string(diagnostic{severity::error, {"", 1, 2}, "y"}) == "<input>:1:2: error: y");
}

TEST_CASE("diagnostics keep every finding in order and count the errors") {
    diagnostics found;
    CHECK_FALSE(found.has_errors());
    CHECK(found.error_count() == 0);
    found.warning({"a", 1, 1}, "first");
    CHECK_FALSE(found.has_errors());
    found.error({"a", 2, 1}, "second");
    found.error({"a", 3, 1}, "third");
    CHECK(found.has_errors());
    CHECK(found.error_count() == 2);
    REQUIRE(found.items().size() == 3);
    CHECK(found.items()[0].level == severity::warning);
    CHECK(found.items()[0].message == "first");
    CHECK(found.items()[2].where.line == 3);
}

TEST_CASE("append adds another file's findings after ours") {
    diagnostics mine;
    mine.warning({"a", 1, 1}, "mine");
    diagnostics theirs;
    theirs.error({"b", 9, 9}, "theirs");
    mine.append(theirs);
    CHECK(mine.error_count() == 1);
    REQUIRE(mine.items().size() == 2);
    CHECK(to_string(mine.items()[1]) == "b:9:9: error: theirs");
    CHECK(theirs.items().size() == 1);
}
