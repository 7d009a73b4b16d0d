// SPDX-License-Identifier: MIT
#include "support/zone_folder.h"
#include "zone/check_command.h"

#include <doctest/doctest.h>
#include <sstream>

using namespace spfd;

namespace {

struct check_run {
    int status = 0;
    std::string out, err;
};

check_run check(const test::zone_folder& f) {
    server_config config;
    config.zones_dir = f.root / "zones";
    config.state_dir = f.root / "state";
    std::ostringstream out, err;
    check_run run;
    run.status = run_check(config, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
}

} // namespace

TEST_CASE("check: what would be served on stdout, findings on stderr, 0 when it can be served") {
    test::zone_folder f("spfd-check-command");
    f.write_zone("[[senders]]\nip4 = \"85.10.214.4\"\n[[senders]]\nip4 = \"10.0.0.0/8\"\n");
    const check_run run = check(f);
    CHECK(run.status == 0);
    CHECK(run.out.starts_with("spf.connectoor.com  ("));
    CHECK(run.out.ends_with("ok: 1 zone(s), 2 warning(s)\n"));
    CHECK(run.err.find(": warning: \"10.0.0.0/8\" is a very wide network") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(f.root / "state" / "serials")); // changes nothing
}

TEST_CASE("check: refused with the errors and a count, status 1") {
    test::zone_folder f("spfd-check-command");
    f.write_zone("[[senders]]\nip4 = \"85.10.214.4\"\n[[senders]]\nip4 = \"85.10.214.4\"\n");
    const check_run run = check(f);
    CAPTURE(run.err);
    CHECK(run.status == 1);
    CHECK(run.out.empty());
    CHECK(run.err.find("spf.connectoor.com.toml:10:7: error: \"85.10.214.4\" is a duplicate") !=
          std::string::npos);
    CHECK(run.err.ends_with("refused: 1 error(s); nothing would be published and the running "
                            "backend would keep serving its current record\n"));
}
