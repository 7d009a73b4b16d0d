// SPDX-License-Identifier: MIT
#include "customer/impact.h"
#include "support/customer_world.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace spfd;
using namespace spfd::test;

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
    dns.txt("reject.test", "v=spf1 include:spf.connectoor.com -all");
    dns.txt("_dmarc.reject.test", "v=DMARC1; p=reject");
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
        {"good.test", "direct.test", "reject.test"}, o, o.networks,
        *snap->zones().front().summary.networks,
        [&] { return std::make_unique<forwarding_resolver>(dns); },
        [&] {
            return std::make_unique<snapshot_resolver>(snap,
                                                       std::make_unique<forwarding_resolver>(dns));
        },
        2);
    REQUIRE(r.changes.size() == 4); // good.test, reject.test: 176.9.5.158 out, 192.0.2.77 in
    CHECK(r.changes[0].sender.label == "176.9.5.158");
    CHECK(r.changes[0].status == "removed");
    CHECK(r.changes[0].loses_pass());
    CHECK(r.changes[1].sender.label == "192.0.2.77");
    CHECK(r.changes[1].status == "added");
    CHECK(r.changes[1].gains_pass());
    CHECK(r.exit_code() == 0);
    CHECK(impact_text(r).find("good.test: 176.9.5.158 (removed) loses pass") != std::string::npos);
    // Under reject.test's p=reject the removed address's mail would be refused.
    CHECK(r.changes[2].dmarc_before == "pass");
    CHECK(r.changes[2].dmarc_after == "reject");
    CHECK(r.changes[2].starts_failing_dmarc());
    CHECK(r.dmarc_failing_customers() == std::vector<std::string>{"reject.test"});
    CHECK(impact_text(r).find("would start failing DMARC: reject.test\n") != std::string::npos);
    CHECK(impact_text(r).find("; DMARC pass -> reject") != std::string::npos);
}
