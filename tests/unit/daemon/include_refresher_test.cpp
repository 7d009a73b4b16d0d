// SPDX-License-Identifier: MIT
#include "daemon/include_refresher.h"
#include "support/fake_dns.h"
#include "support/reload_fixture.h"

#include <chrono>
#include <doctest/doctest.h>
#include <thread>

using namespace spfd;
using namespace spfd::test;

namespace {

// The provider's DNS as the test changes it while the refresher runs.
struct changing_dns : spf_resolver {
    std::mutex mutex;
    std::string record;
    dns_lookup lookup(const std::string& name, dns_type type) override {
        const std::lock_guard lock(mutex);
        dns_lookup r;
        if (name == "_spf.provider.example" && type == dns_type::txt)
            r.records = {record};
        return r;
    }
};

} // namespace

TEST_CASE("the refresher looks again when due and reloads the zones when a set changed") {
    reload_fixture f;
    f.write(one_sender + "[[senders]]\ninclude = \"_spf.provider.example\"\n");
    auto dns = std::make_unique<changing_dns>();
    changing_dns& provider = *dns;
    provider.record = "v=spf1 ip4:192.0.2.1 -all";
    include_policy policy;
    policy.refresh = std::chrono::seconds(1);
    include_book book(f.root / "state", policy, std::move(dns));
    reloader zones(f.config, f.serials, f.snapshots, &book);
    REQUIRE(zones.reload().published);
    CHECK(f.served_record() == "v=spf1 ip4:85.10.214.4 ip4:192.0.2.1 ~all");
    {
        const std::lock_guard lock(provider.mutex);
        provider.record = "v=spf1 ip4:192.0.2.1 ip4:192.0.2.9 -all";
    }
    include_refresher refresher(book, zones);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (f.served_record() == "v=spf1 ip4:85.10.214.4 ip4:192.0.2.1 ~all" &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(f.served_record() == "v=spf1 ip4:85.10.214.4 ip4:192.0.2.1 ip4:192.0.2.9 ~all");
}
