// SPDX-License-Identifier: MIT
#include "probe/probe.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <doctest/doctest.h>
#include <map>
#include <sstream>

using namespace spfd;

namespace {

const std::string today = "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip4:178.63.53.35 -all";

txt_answer answer(std::string transport, std::vector<std::string> txt, std::size_t octets) {
    txt_answer a;
    a.transport = std::move(transport);
    a.answer_rrs = txt.size();
    a.records = std::move(txt);
    a.octets = octets;
    return a;
}

txt_answer failed(std::string transport, std::string why) {
    txt_answer a;
    a.transport = std::move(transport);
    a.failure = std::move(why);
    return a;
}

txt_answer with_rcode(std::string transport, int rcode) {
    txt_answer a;
    a.transport = std::move(transport);
    a.rcode = rcode;
    a.octets = 36;
    return a;
}

bool mentions(const probe_result& r, std::string_view needle) {
    for (const std::string& p : r.problems)
        if (p.find(needle) != std::string::npos)
            return true;
    return false;
}

// The three answers for our name plus a small zone that include targets are looked up in.
struct probe_fixture {
    probe_options options;
    txt_answer udp = answer("udp", {today}, 109);
    txt_answer edns = answer("udp+edns", {today}, 120);
    txt_answer tcp = answer("tcp", {today}, 109);
    std::map<std::string, txt_answer> zone; // missing names are NXDOMAIN
    std::vector<std::string> asked;

    void serve(const std::vector<std::string>& txt, std::size_t octets = 150) {
        udp = answer("udp", txt, octets);
        edns = answer("udp+edns", txt, octets + 11);
        tcp = answer("tcp", txt, octets);
    }
    void add(const std::string& name, const std::vector<std::string>& txt) {
        zone[name] = answer("udp+edns", txt, 100);
    }
    probe_result run() {
        const txt_lookup lookup = [this](const std::string& name) {
            asked.push_back(name);
            const auto it = zone.find(name);
            return it != zone.end() ? it->second : with_rcode("udp+edns", 3);
        };
        return evaluate_probe(options, udp, edns, tcp, lookup);
    }
};

unsigned short unused_port() {
    // Bind both protocols to an ephemeral port and release it: nothing listens there then.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor tcp(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const unsigned short port = tcp.local_endpoint().port();
    boost::system::error_code ec;
    boost::asio::ip::udp::socket udp(io);
    udp.open(boost::asio::ip::udp::v4());
    udp.bind({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    return port;
}

} // namespace

TEST_CASE("states: names and the worse of two") {
    CHECK(status_name(probe_ok) == "OK");
    CHECK(status_name(probe_warning) == "WARNING");
    CHECK(status_name(probe_critical) == "CRITICAL");
    CHECK(status_name(probe_unknown) == "UNKNOWN");
    CHECK(worse_status(probe_ok, probe_warning) == probe_warning);
    CHECK(worse_status(probe_critical, probe_warning) == probe_critical);
    CHECK(worse_status(probe_unknown, probe_ok) == probe_unknown);
    CHECK(worse_status(probe_unknown, probe_warning) == probe_warning);
    CHECK(worse_status(probe_critical, probe_unknown) == probe_critical);
    CHECK(worse_status(probe_ok, probe_ok) == probe_ok);
}

TEST_CASE("problems are kept most severe first and raise the status") {
    probe_result r;
    r.add_problem(probe_warning, "w1");
    r.add_problem(probe_critical, "c1");
    r.add_problem(probe_warning, "w2");
    r.add_problem(probe_critical, "c2");
    CHECK(r.status == probe_critical);
    CHECK(r.problems == std::vector<std::string>{"c1", "c2", "w1", "w2"});
}

TEST_CASE("today's record: OK, with the documented summary line") {
    probe_fixture f;
    const probe_result r = f.run();
    CHECK(r.status == probe_ok);
    CHECK(r.problems.empty());
    CHECK(r.record == today);
    CHECK(r.udp_octets == 109);
    CHECK(r.edns_octets == 120);
    CHECK(r.tcp_octets == 109);
    CHECK(r.answer_octets == 109);
    CHECK(r.lookups == 0);
    CHECK(r.void_lookups == 0);
    CHECK(f.asked.empty());
    CHECK(r.summary_line() ==
          "SPF OK - spf.connectoor.com 109 octets (EDNS 120), 0 lookups, 0 void | "
          "size=109B;400;450;0 edns_size=120B;;;0 lookups=0;0;10;0 void=0;;2;0");
}

TEST_CASE("summary line: problems after the name, unmeasured values as U") {
    probe_fixture f;
    f.udp = failed("udp", "no answer from 127.0.0.1#53: timeout after 2000 ms");
    f.edns = failed("udp+edns", "no answer from 127.0.0.1#53: timeout after 2000 ms");
    f.tcp = failed("tcp", "no answer from 127.0.0.1#53: connection refused");
    const probe_result r = f.run();
    CHECK(r.status == probe_critical);
    CHECK(r.record.empty());
    CHECK(
        r.summary_line() ==
        "SPF CRITICAL - spf.connectoor.com: udp: no answer from 127.0.0.1#53: timeout after "
        "2000 ms; udp+edns: no answer from 127.0.0.1#53: timeout after 2000 ms; tcp: no answer "
        "from 127.0.0.1#53: connection refused | size=U;400;450;0 edns_size=U;;;0 lookups=U;0;10;0 "
        "void=U;;2;0");

    probe_fixture d;
    d.options.expected_record = "v=spf1 ip4:85.10.214.4 -all";
    d.options.warn_octets = 300;
    d.options.crit_octets = 350;
    const std::string line = d.run().summary_line();
    CHECK(line.starts_with("SPF WARNING - spf.connectoor.com: drift: "));
    CHECK(line.find("); 109 octets (EDNS 120), 0 lookups, 0 void | size=109B;300;350;0 ") !=
          std::string::npos);
}

TEST_CASE("each transport must answer; the message names the transport") {
    SUBCASE("UDP timeout only") {
        probe_fixture f;
        f.udp = failed("udp", "no answer from 127.0.0.1#53: timeout after 2000 ms");
        const probe_result r = f.run();
        CHECK(r.status == probe_critical);
        REQUIRE(r.problems.size() == 1);
        CHECK(r.problems[0].starts_with("udp: no answer"));
        CHECK(r.record == today); // TCP still gave the record
        CHECK(r.answer_octets == 109);
        CHECK(r.udp_octets == 0);
    }
    SUBCASE("NXDOMAIN") {
        probe_fixture f;
        f.udp = with_rcode("udp", 3);
        f.edns = with_rcode("udp+edns", 3);
        f.tcp = with_rcode("tcp", 3);
        const probe_result r = f.run();
        CHECK(r.status == probe_critical);
        CHECK(mentions(r, "udp: NXDOMAIN for spf.connectoor.com; customers' includes give "
                          "permerror"));
        CHECK(mentions(r, "tcp: NXDOMAIN"));
        CHECK(r.record.empty());
        CHECK_FALSE(r.lookups_counted);
        CHECK(r.udp_octets == 0);
        CHECK(r.edns_octets == 0);
        CHECK(r.summary_line().ends_with(
            "| size=U;400;450;0 edns_size=U;;;0 lookups=U;0;10;0 void=U;;2;0"));
    }
    SUBCASE("SERVFAIL over TCP") {
        probe_fixture f;
        f.tcp = with_rcode("tcp", 2);
        const probe_result r = f.run();
        CHECK(r.status == probe_critical);
        CHECK(mentions(r, "tcp: SERVFAIL for spf.connectoor.com; customers get temperror"));
        CHECK(r.record == today);
    }
    SUBCASE("empty answer") {
        probe_fixture f;
        f.edns = answer("udp+edns", {}, 100);
        const probe_result r = f.run();
        CHECK(r.status == probe_critical);
        CHECK(mentions(r, "udp+edns: empty answer (NODATA)"));
    }
}

TEST_CASE("TC without EDNS is critical; the size then comes from TCP") {
    probe_fixture f;
    const std::string big = "v=spf1 ip4:192.0.2.1 -all";
    f.serve({big}, 600);
    f.udp = answer("udp", {}, 40);
    f.udp.truncated = true;
    const probe_result r = f.run();
    CHECK(r.status == probe_critical);
    CHECK(r.truncated_without_edns);
    CHECK(mentions(r, "udp: truncated (TC) without EDNS"));
    CHECK(r.answer_octets == 600);
    CHECK(r.udp_octets == 40);
    CHECK(mentions(r, "answer is 600 octets, at or over the critical 450"));
    CHECK(r.summary_line().find("600 octets over TCP (EDNS 611)") != std::string::npos);

    probe_fixture e;
    e.edns.truncated = true;
    CHECK(mentions(e.run(), "udp+edns: truncated (TC) even with a 1232-octet EDNS buffer"));
}

TEST_CASE("answer size thresholds") {
    const auto status_at = [](std::size_t octets) {
        probe_fixture f;
        f.serve({today}, octets);
        return f.run().status;
    };
    CHECK(status_at(399) == probe_ok);
    CHECK(status_at(400) == probe_warning);
    CHECK(status_at(449) == probe_warning);
    CHECK(status_at(450) == probe_critical);
    probe_fixture f;
    f.serve({today}, 420);
    CHECK(f.run().problems ==
          std::vector<std::string>{"answer is 420 octets, at or over the warning 400"});
}

TEST_CASE("exactly one v=spf1 record at the name") {
    SUBCASE("none") {
        probe_fixture f;
        f.serve({"google-site-verification=abc"});
        const probe_result r = f.run();
        CHECK(r.status == probe_critical);
        CHECK(mentions(r, "0 v=spf1 records among 1 TXT records at spf.connectoor.com"));
    }
    SUBCASE("two") {
        probe_fixture f;
        f.serve({today, "v=spf1 -all"});
        const probe_result r = f.run();
        CHECK(r.status == probe_critical);
        CHECK(mentions(r, "2 v=spf1 records"));
        CHECK(r.record.empty());
    }
    SUBCASE("v=spf10 is not one") {
        probe_fixture f;
        f.serve({"v=spf10 -all"});
        CHECK(f.run().status == probe_critical);
    }
    SUBCASE("another TXT record beside it is fine") {
        probe_fixture f;
        f.serve({"google-site-verification=abc", today});
        const probe_result r = f.run();
        CHECK(r.status == probe_ok);
        CHECK(r.record == today);
    }
    SUBCASE("an RRset rotated between transports is the same") {
        probe_fixture f;
        f.serve({today, "v=spf1 -all"});
        f.udp = answer("udp", {"v=spf1 -all", today}, 150);
        CHECK_FALSE(mentions(f.run(), "different record"));
    }
    SUBCASE("transports that disagree") {
        probe_fixture f;
        f.udp = answer("udp", {"v=spf1 -all"}, 60);
        const probe_result r = f.run();
        CHECK(r.status == probe_warning);
        CHECK(mentions(r, "udp serves a different record than tcp"));
        CHECK(r.record == today);
    }
}

TEST_CASE("a syntax error in the served record is critical") {
    probe_fixture f;
    f.serve({"v=spf1 ip4:192.0.2.1/33 -all"});
    const probe_result r = f.run();
    CHECK(r.status == probe_critical);
    CHECK(mentions(r, "syntax error at 'ip4:192.0.2.1/33'"));
    CHECK_FALSE(r.lookups_counted);
    CHECK(r.summary_line().find("lookups=U;0;10;0") != std::string::npos);

    probe_fixture w;
    w.serve({"v=spf1 ip4:192.0.2.1/24 -all"});
    const probe_result hb = w.run();
    CHECK(hb.status == probe_warning);
    CHECK(mentions(hb, "host bits set"));
}

TEST_CASE("lookups: includes are followed and counted") {
    probe_fixture f;
    f.serve({"v=spf1 include:_spf.connectoor.com -all"});
    f.add("_spf.connectoor.com", {"v=spf1 ip4:192.0.2.1 a mx -all"});
    const probe_result r = f.run();
    CHECK(r.status == probe_warning);
    CHECK(r.lookups == 3);
    CHECK(r.void_lookups == 0);
    CHECK(f.asked == std::vector<std::string>{"_spf.connectoor.com"});
    CHECK(mentions(r, "each customer's include now costs 1 + 3 of their 10"));
    CHECK(r.summary_line().find("3 lookups, 0 void") != std::string::npos);
}

TEST_CASE("lookups: redirect is followed, unless 'all' makes it ignored") {
    probe_fixture f;
    f.serve({"v=spf1 ip4:192.0.2.1 redirect=_spf.Connectoor.com."});
    f.add("_spf.connectoor.com", {"v=spf1 include:_b.connectoor.com -all"});
    f.add("_b.connectoor.com", {"v=spf1 -all"});
    const probe_result r = f.run();
    CHECK(r.lookups == 2);
    CHECK(f.asked == std::vector<std::string>{"_spf.connectoor.com", "_b.connectoor.com"});

    probe_fixture g;
    g.serve({"v=spf1 include:_a.connectoor.com -all include:_x.connectoor.com "
             "redirect=_y.connectoor.com"});
    g.add("_a.connectoor.com", {"v=spf1 -all"});
    const probe_result s = g.run();
    CHECK(s.lookups == 1);
    CHECK(g.asked == std::vector<std::string>{"_a.connectoor.com"});
}

TEST_CASE("lookups: more than 10 is critical, and the walk stops") {
    probe_fixture f;
    f.serve({"v=spf1 include:n0.example.com -all"});
    for (int i = 0; i < 20; ++i)
        f.add("n" + std::to_string(i) + ".example.com",
              {"v=spf1 a include:n" + std::to_string(i + 1) + ".example.com -all"});
    const probe_result r = f.run();
    CHECK(r.status == probe_critical);
    CHECK(r.lookups == 11);
    CHECK(mentions(r, "11+ DNS lookups, over the limit of 10"));
    CHECK(f.asked.size() <= probe_max_followed_targets);
}

TEST_CASE("lookups: an include loop is cut off and each target queried once") {
    probe_fixture f;
    f.serve({"v=spf1 include:a.example.com -all"});
    f.add("a.example.com", {"v=spf1 include:b.example.com -all"});
    f.add("b.example.com", {"v=spf1 include:a.example.com -all"});
    const probe_result r = f.run();
    CHECK(r.status == probe_critical);
    CHECK(r.lookups == 11);
    CHECK(f.asked.size() == 2);
}

TEST_CASE("lookups: void lookups and targets without a record") {
    probe_fixture f;
    f.serve({"v=spf1 include:gone1.example.com include:gone2.example.com "
             "include:empty.example.com include:nospf.example.com -all"});
    f.zone["empty.example.com"] = answer("udp+edns", {}, 50);
    f.add("nospf.example.com", {"some other text"});
    const probe_result r = f.run();
    CHECK(r.status == probe_critical);
    CHECK(r.lookups == 4);
    CHECK(r.void_lookups == 3);
    CHECK(mentions(r, "include:gone1.example.com: gone1.example.com is NXDOMAIN; receivers "
                      "return permerror (§5.2)"));
    CHECK(mentions(r, "include:empty.example.com: no TXT record at empty.example.com"));
    CHECK(mentions(r, "include:nospf.example.com: 0 v=spf1 records at nospf.example.com"));
    CHECK(mentions(r, "3 void lookups, over the limit of 2"));
}

TEST_CASE("lookups: nested problems name the path") {
    probe_fixture f;
    f.serve({"v=spf1 include:a.example.com -all"});
    f.add("a.example.com", {"v=spf1 include:bad.example.com -all"});
    f.add("bad.example.com", {"v=spf1 ip4:1.2.3 -all"});
    const probe_result r = f.run();
    CHECK(r.status == probe_critical);
    CHECK(mentions(r, "include:a.example.com -> include:bad.example.com: syntax error in "
                      "bad.example.com at 'ip4:1.2.3'"));
}

TEST_CASE("lookups: macro targets cost one lookup and are not followed") {
    probe_fixture f;
    f.serve({"v=spf1 include:%{i}._ip.spf.connectoor.com -all"});
    const probe_result r = f.run();
    CHECK(r.lookups == 1);
    CHECK(f.asked.empty());
    CHECK(r.unfollowed == std::vector<std::string>{"include:%{i}._ip.spf.connectoor.com"});
    CHECK(r.status == probe_warning);
}

TEST_CASE("lookups: targets the server does not serve, or cannot answer") {
    probe_fixture f;
    f.serve({"v=spf1 include:_spf.google.com include:slow.example.com "
             "include:broken.example.com -all"});
    f.zone["_spf.google.com"] = with_rcode("udp+edns", 5);
    f.zone["slow.example.com"] = failed("udp+edns", "timeout after 2000 ms");
    f.zone["broken.example.com"] = with_rcode("udp+edns", 2);
    const probe_result r = f.run();
    CHECK(r.status == probe_critical);
    CHECK(mentions(r, "include:_spf.google.com: not followed, the server answered REFUSED"));
    CHECK(mentions(r, "include:slow.example.com: no answer for slow.example.com (timeout after "
                      "2000 ms); receivers get temperror"));
    CHECK(mentions(r, "include:broken.example.com: SERVFAIL"));
    CHECK(r.unfollowed == std::vector<std::string>{"include:_spf.google.com"});
    CHECK(r.void_lookups == 0);
}

TEST_CASE("drift against the zone files") {
    CHECK_FALSE(describe_drift(today, today).has_value());
    CHECK(describe_drift("v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 -all", "v=spf1 ip4:192.0.2.1 -all") ==
          "drift: served record differs from the zone files (only served: ip4:192.0.2.2)");
    CHECK(describe_drift("v=spf1 ip4:192.0.2.1 -all", "v=spf1 ip4:192.0.2.1 ip4:192.0.2.9 -all") ==
          "drift: served record differs from the zone files (only in the zone files: "
          "ip4:192.0.2.9)");
    CHECK(describe_drift("v=spf1 ip4:192.0.2.1 ~all", "v=spf1 ip4:192.0.2.1 -all") ==
          "drift: served record differs from the zone files (only served: ~all; only in the "
          "zone files: -all)");
    CHECK(describe_drift("v=spf1 ip4:192.0.2.2 ip4:192.0.2.1 -all",
                         "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 -all") ==
          "drift: served record differs from the zone files (the same terms in another order)");
    CHECK(describe_drift("v=spf1 ip4:192.0.2.1  -all", "v=spf1 ip4:192.0.2.1 -all") ==
          "drift: served record differs from the zone files (the same terms with different "
          "spacing)");
    std::string many = "v=spf1";
    for (int i = 1; i <= 8; ++i)
        many += " ip4:192.0.2." + std::to_string(i);
    CHECK(describe_drift(many + " -all", "v=spf1 -all") ==
          "drift: served record differs from the zone files (only served: ip4:192.0.2.1 "
          "ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 ip4:192.0.2.5 and 3 more)");

    probe_fixture f;
    f.options.expected_record = today;
    CHECK(f.run().status == probe_ok);
    f.options.expected_record = "v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 -all";
    const probe_result r = f.run();
    CHECK(r.status == probe_warning);
    CHECK(r.problems == std::vector<std::string>{"drift: served record differs from the zone "
                                                 "files (only served: ip4:178.63.53.35)"});
}

TEST_CASE("run_probe: unusable options are UNKNOWN and send nothing") {
    probe_options o;
    o.server = "localhost"; // never resolved: the probe asks only the address it is given
    probe_result r = run_probe(o);
    CHECK(r.status == probe_unknown);
    CHECK(r.queries == 0);
    CHECK(mentions(r, "'localhost' is not an IPv4 or IPv6 address"));

    o.server = "127.0.0.1";
    o.warn_octets = 500;
    r = run_probe(o);
    CHECK(r.status == probe_unknown);
    CHECK(r.queries == 0);
}

TEST_CASE("run_probe: nothing listening on 127.0.0.1 is CRITICAL, quickly") {
    probe_options o;
    o.server = "127.0.0.1";
    o.port = unused_port();
    o.timeout = std::chrono::milliseconds(300);
    const auto started = std::chrono::steady_clock::now();
    const probe_result r = run_probe(o);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(elapsed < std::chrono::seconds(3));
    CHECK(r.status == probe_critical);
    CHECK(r.queries == 3);
    REQUIRE(r.problems.size() == 3);
    for (const std::string& p : r.problems) {
        CAPTURE(p);
        CHECK(p.find("no answer from 127.0.0.1#" + std::to_string(o.port)) != std::string::npos);
    }
    CHECK(mentions(r, "udp: no answer"));
    CHECK(mentions(r, "udp+edns: no answer"));
    CHECK(mentions(r, "tcp: no answer"));
    CHECK(r.record.empty());
    CHECK(r.summary_line().starts_with("SPF CRITICAL - spf.connectoor.com: udp: no answer"));
}

namespace {

// One performance-data item as the Nagios plugin guidelines define it:
// 'label'=value[UOM];[warn];[crit];[min];[max].
struct perf_item {
    std::string label, value, unit, warn, crit, min;
};

// How Nagios and Icinga read a plugin's first line: the status text before the first '|',
// the performance data after it, items separated by spaces.
struct plugin_line {
    std::string text;
    std::vector<perf_item> perf;
};

plugin_line read_plugin_line(const std::string& line) {
    plugin_line out;
    const auto bar = line.find('|');
    REQUIRE(bar != std::string::npos);
    out.text = line.substr(0, bar);
    std::istringstream items(line.substr(bar + 1));
    std::string item;
    while (items >> item) {
        const auto eq = item.find('=');
        REQUIRE(eq != std::string::npos);
        perf_item p;
        p.label = item.substr(0, eq);
        std::vector<std::string> fields;
        std::istringstream parts(item.substr(eq + 1));
        for (std::string field; std::getline(parts, field, ';');)
            fields.push_back(field);
        fields.resize(5);
        const auto digits = fields[0].find_first_not_of("0123456789");
        p.value = fields[0].substr(0, digits);
        p.unit = digits == std::string::npos ? "" : fields[0].substr(digits);
        if (fields[0] == "U")
            p.value = "U", p.unit = "";
        p.warn = fields[1];
        p.crit = fields[2];
        p.min = fields[3];
        out.perf.push_back(p);
    }
    return out;
}

// A threshold "N" is the Nagios range 0..N: a value outside it alerts; an empty one never.
bool outside(const std::string& range, const std::string& value) {
    return !range.empty() && value != "U" && std::stoul(value) > std::stoul(range);
}

const perf_item& perf(const plugin_line& l, const std::string& label) {
    for (const perf_item& p : l.perf)
        if (p.label == label)
            return p;
    FAIL("no perfdata item " << label);
    return l.perf.front();
}

} // namespace

TEST_CASE("Nagios and Icinga read the line: state, text, perfdata with units and thresholds") {
    struct scenario {
        const char* what;
        std::vector<std::string> served;
        std::size_t octets;
        int status;
    };
    const std::vector<scenario> scenarios{
        {"today's record", {today}, 109, probe_ok},
        {"near the size budget", {today}, 420, probe_warning},
        {"over the size budget", {today}, 460, probe_critical},
        {"lookups over the plan", {"v=spf1 a mx ptr -all"}, 100, probe_warning},
        {"lookups over 10", {"v=spf1 a a a a a a a a a a a -all"}, 100, probe_critical},
        {"no record", {}, 100, probe_critical},
    };
    for (const scenario& s : scenarios) {
        CAPTURE(s.what);
        probe_fixture f;
        f.serve(s.served, s.octets);
        const probe_result r = f.run();
        CHECK(r.status == s.status);
        const std::string line = r.summary_line();
        CHECK(line.find('\n') == std::string::npos);
        const plugin_line l = read_plugin_line(line);
        CHECK(l.text.starts_with("SPF " + std::string(status_name(s.status)) +
                                 " - spf.connectoor.com"));
        REQUIRE(l.perf.size() == 4);
        const perf_item& size = perf(l, "size");
        CHECK(size.unit == (size.value == "U" ? "" : "B"));
        CHECK((size.warn == "400" && size.crit == "450" && size.min == "0"));
        CHECK(perf(l, "edns_size").min == "0");
        const perf_item& lookups = perf(l, "lookups");
        CHECK((lookups.warn == "0" && lookups.crit == "10" && lookups.min == "0"));
        CHECK(lookups.unit.empty());
        // The lookup thresholds are the very ranges the state comes from.
        CHECK(outside(lookups.crit, lookups.value) == (r.lookups > 10));
        CHECK(outside(lookups.warn, lookups.value) == (r.lookups_counted && r.lookups > 0));
        CHECK((perf(l, "void").crit == "2" && perf(l, "void").min == "0"));
    }
}

TEST_CASE("Nagios reading: UNKNOWN when the probe cannot run, every value U") {
    probe_options o;
    o.server = "not-an-address";
    o.planned_lookups = 2;
    const probe_result r = run_probe(o);
    CHECK(r.status == probe_unknown);
    const plugin_line l = read_plugin_line(r.summary_line());
    CHECK(l.text.starts_with("SPF UNKNOWN - spf.connectoor.com: "));
    for (const perf_item& p : l.perf) {
        CAPTURE(p.label);
        CHECK(p.value == "U");
    }
    CHECK(perf(l, "lookups").warn == "2");
}
