// SPDX-License-Identifier: MIT
#include "customer/dmarc_check.h"
#include "support/fake_dns.h"

#include <doctest/doctest.h>

using namespace spfd;
using spfd::test::fake_dns;

namespace {

std::vector<dmarc_sender> senders(spf_result spf) {
    return {{"85.10.214.4", boost::asio::ip::make_address("85.10.214.4"), spf, false, ""}};
}

bool has(const dmarc_report& r, std::string_view code) {
    return std::any_of(r.problems.begin(), r.problems.end(),
                       [&](const customer_problem& p) { return p.code == code; });
}

fake_dns world() {
    fake_dns dns;
    dns.txt("_dmarc.acme.co.uk", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@acme.co.uk");
    dns.txt("_dmarc.strict.co.uk", "v=DMARC1; p=reject; aspf=s");
    dns.txt("_dmarc.two.co.uk", "v=DMARC1; p=none").txt("_dmarc.two.co.uk", "v=DMARC1; p=reject");
    dns.txt("_dmarc.pct.co.uk", "v=DMARC1; p=quarantine; pct=20");
    dns.txt("_dmarc.bad.co.uk", "v=DMARC1; p=rejected");
    dns.txt("bounce.acme.co.uk", "v=spf1 ip4:85.10.214.4 -all");
    dns.txt("bounce.strict.co.uk", "v=spf1 ip4:85.10.214.4 -all");
    dns.txt("bounces.connectoor.com", "v=spf1 ip4:85.10.214.4 -all");
    return dns;
}

} // namespace

TEST_CASE("DMARC: the policy at the domain, or the organizational domain's sp") {
    fake_dns dns = world();
    const dmarc_report own = check_dmarc(dns, "acme.co.uk", {}, senders(spf_result::pass));
    CHECK(own.policy == dmarc_policy::reject);
    CHECK(own.senders[0].aligned);
    CHECK(own.senders[0].outcome == "pass");
    CHECK(own.problems.empty());
    const dmarc_report sub = check_dmarc(dns, "news.acme.co.uk", {}, senders(spf_result::softfail));
    CHECK(sub.record_domain == "acme.co.uk");
    CHECK(sub.policy == dmarc_policy::quarantine);
    CHECK(sub.senders[0].outcome == "quarantine");
    CHECK(sub.blocks_our_mail());
    CHECK(sub.problems.front().code == "dmarc_blocks_our_mail");
    const dmarc_report none = check_dmarc(dns, "nothing.co.uk", {}, senders(spf_result::pass));
    CHECK(has(none, "dmarc_missing"));
    CHECK(none.senders[0].outcome == "no policy");
    CHECK(none.worst_outcome() == "no policy");
}

TEST_CASE("DMARC: alignment of the envelope domain, strict and relaxed") {
    fake_dns dns = world();
    dmarc_setting relaxed;
    relaxed.envelope_domain = "bounce.{domain}";
    const dmarc_report r = check_dmarc(dns, "acme.co.uk", relaxed, senders(spf_result::fail));
    CHECK(r.envelope_domain == "bounce.acme.co.uk");
    CHECK(r.senders[0].spf == spf_result::pass);
    CHECK(r.senders[0].aligned);
    const dmarc_report s = check_dmarc(dns, "strict.co.uk", relaxed, senders(spf_result::fail));
    CHECK_FALSE(s.senders[0].aligned);
    CHECK(s.senders[0].outcome == "reject");
    dmarc_setting ours;
    ours.envelope_domain = "bounces.connectoor.com";
    const dmarc_report b = check_dmarc(dns, "acme.co.uk", ours, senders(spf_result::pass));
    CHECK(b.senders[0].spf == spf_result::pass);
    CHECK_FALSE(b.senders[0].aligned);
    CHECK(b.worst_outcome() == "reject");
}

TEST_CASE("DMARC problems: two records, syntax, pct, DNS errors") {
    fake_dns dns = world();
    const dmarc_report two = check_dmarc(dns, "two.co.uk", {}, senders(spf_result::fail));
    CHECK(has(two, "dmarc_multiple"));
    CHECK_FALSE(two.policy);
    CHECK_FALSE(two.blocks_our_mail());
    const dmarc_report bad = check_dmarc(dns, "bad.co.uk", {}, senders(spf_result::fail));
    CHECK(has(bad, "dmarc_syntax"));
    CHECK_FALSE(bad.policy); // invalid p and no rua: no DMARC processing
    const dmarc_report pct = check_dmarc(dns, "pct.co.uk", {}, senders(spf_result::pass));
    CHECK(has(pct, "dmarc_pct"));
    CHECK_FALSE(has(pct, "dmarc_blocks_our_mail"));
    const dmarc_report err = check_dmarc(dns, "x.servfail.test", {}, senders(spf_result::pass));
    CHECK_FALSE(err.dns_error.empty());
}
