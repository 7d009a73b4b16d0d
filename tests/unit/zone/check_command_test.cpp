// SPDX-License-Identifier: MIT
#include "support/reload_fixture.h"
#include "zone/check_command.h"

#include <doctest/doctest.h>
#include <fstream>
#include <sstream>

using namespace spfd;
using namespace spfd::test;

TEST_CASE("check: what would be served on stdout, exit 0, and nothing written") {
    reload_fixture f;
    f.write(two_senders);
    std::ostringstream out, err;
    CHECK(run_check(f.config, out, err) == 0);
    CHECK(err.str().empty());
    CHECK(out.str().starts_with("spf.connectoor.com  ("));
    CHECK(out.str().find("  record:  \"v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ~all\"\n") !=
          std::string::npos);
    CHECK(out.str().find("(new zone)\n") != std::string::npos);
    CHECK(out.str().ends_with("ok: 1 zone(s), 0 warning(s)\n"));
    CHECK_FALSE(std::filesystem::exists(f.serials.file()));
}

TEST_CASE("check: every finding on stderr with file:line:col, then refused, exit 1") {
    reload_fixture f;
    f.write(one_sender + "[[senders]]\nip4 = \"123.4.5.678/90\"\n");
    std::ostringstream out, err;
    CHECK(run_check(f.config, out, err) == 1);
    CHECK(out.str().empty());
    CHECK(err.str().find("spf.connectoor.com.toml:10:7: error: senders[1].ip4: "
                         "\"123.4.5.678/90\"") != std::string::npos);
    CHECK(err.str().ends_with("refused: 1 error(s); nothing would be published and the running "
                              "backend would keep serving its current record\n"));
}

TEST_CASE("check: warnings are printed and counted, and do not refuse") {
    reload_fixture f;
    f.write(one_sender + "[[senders]]\nip4 = \"10.1.2.3\"\n");
    std::ostringstream out, err;
    CHECK(run_check(f.config, out, err) == 0);
    CHECK(err.str().find(": warning: ") != std::string::npos);
    CHECK(out.str().ends_with("ok: 1 zone(s), 1 warning(s)\n"));
}

TEST_CASE("check: an unreadable serial state is an error before any zone is read") {
    reload_fixture f;
    f.write(one_sender);
    std::ofstream(f.serials.file()) << "not a serial state\n";
    std::ostringstream out, err;
    CHECK(run_check(f.config, out, err) == 1);
    CHECK(out.str().empty());
    CHECK(err.str() == f.serials.file().string() +
                           ":1: unreadable line; fix or remove it (serials then restart from "
                           "today)\n");
}
