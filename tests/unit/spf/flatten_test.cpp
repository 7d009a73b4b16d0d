// SPDX-License-Identifier: MIT
#include "net/network_set.h"
#include "spf/flatten.h"
#include "support/fake_dns.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <doctest/doctest.h>
#include <random>

using namespace spfd;
using spfd::test::fake_dns;
namespace asio_ip = boost::asio::ip;

namespace {

// The networks as text, or the failure as "kind: message".
std::string flat(fake_dns& dns, const std::string& domain = "_spf.provider.example") {
    auto r = flatten_spf(dns, domain);
    if (const auto* f = std::get_if<flatten_failure>(&r))
        return std::string(to_string(f->why)) + ": " + f->message;
    std::string out;
    for (const ip_network& n : std::get<flat_spf>(r).networks)
        out += (out.empty() ? "" : " ") + n.to_string();
    return out;
}

flat_spf flattened(fake_dns& dns, const std::string& domain = "_spf.provider.example") {
    auto r = flatten_spf(dns, domain);
    REQUIRE(std::holds_alternative<flat_spf>(r));
    return std::get<flat_spf>(r);
}

fake_dns provider(const std::string& record) {
    fake_dns dns;
    dns.txt("_spf.provider.example", record);
    return dns;
}

} // namespace

TEST_CASE("flatten: ip4 and ip6 terms pass their networks, host bits cleared as receivers do") {
    fake_dns dns = provider("v=spf1 ip4:192.0.2.7/24 ip4:198.51.100.1 ip6:2001:DB8::1/64 -all");
    CHECK(flat(dns) == "192.0.2.0/24 198.51.100.1 2001:db8::/64");
    const flat_spf f = flattened(dns);
    CHECK(f.record == "v=spf1 ip4:192.0.2.7/24 ip4:198.51.100.1 ip6:2001:DB8::1/64 -all");
    CHECK(f.lookups == 0);
}

TEST_CASE("flatten: an earlier -, ~ or ? term cuts its addresses out of later + networks") {
    fake_dns dns = provider("v=spf1 -ip4:192.0.2.0/26 ~ip4:192.0.2.64/27 ?ip4:192.0.2.255 "
                            "ip4:192.0.2.0/24 ip4:192.0.2.0/28 ~all");
    CHECK(flat(dns) == "192.0.2.96/27 192.0.2.128/26 192.0.2.192/27 192.0.2.224/28 "
                       "192.0.2.240/29 192.0.2.248/30 192.0.2.252/31 192.0.2.254");
    // Later negative terms take nothing away from an earlier pass.
    fake_dns later = provider("v=spf1 ip4:192.0.2.0/24 -ip4:192.0.2.0/26 -all");
    CHECK(flat(later) == "192.0.2.0/24");
}

TEST_CASE("flatten: a and mx resolve to addresses, with their dual cidr-lengths") {
    fake_dns dns = provider("v=spf1 a a:relay.provider.example/28//120 mx/24 -all");
    dns.a("_spf.provider.example", "192.0.2.1")
        .a("relay.provider.example", "198.51.100.77")
        .add("relay.provider.example", dns_type::aaaa, "2001:db8::77")
        .add("_spf.provider.example", dns_type::mx, "20 mx2.provider.example")
        .add("_spf.provider.example", dns_type::mx, "10 mx1.provider.example")
        .a("mx1.provider.example", "203.0.113.9")
        .a("mx2.provider.example", "203.0.113.200")
        .add("mx2.provider.example", dns_type::aaaa, "2001:db8:1::1");
    CHECK(flat(dns) == "192.0.2.1 198.51.100.64/28 203.0.113.0/24 2001:db8::/120 2001:db8:1::1");
    CHECK(flattened(dns).lookups == 3);
}

TEST_CASE("flatten: an include matches only where its record passes (RFC 7208 §5.2)") {
    fake_dns dns = provider("v=spf1 include:_a.provider.example -include:_b.provider.example "
                            "ip4:10.0.0.0/8 -all");
    // _a's fail and neutral addresses fall through to the next term, not to its verdict.
    dns.txt("_a.provider.example", "v=spf1 -ip4:10.1.0.0/16 ip4:10.0.0.0/15 ?all")
        .txt("_b.provider.example", "v=spf1 ip4:10.2.0.0/16 -all");
    // 10.1/16 fails inside _a, falls through to ip4:10/8 and passes there; 10.2/16 passes
    // _b, so -include matches and fails.
    CHECK(flat(dns) == "10.0.0.0/15 10.3.0.0/16 10.4.0.0/14 10.8.0.0/13 10.16.0.0/12 "
                       "10.32.0.0/11 10.64.0.0/10 10.128.0.0/9");
}

TEST_CASE("flatten: redirect replaces the record only where no mechanism matched (§6.1)") {
    fake_dns dns = provider("v=spf1 -ip4:192.0.2.128/25 redirect=_main.provider.example");
    dns.txt("_main.provider.example", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all");
    CHECK(flat(dns) == "192.0.2.0/25 2001:db8::/32");
    // With an all, the redirect is never followed.
    fake_dns ignored = provider("v=spf1 ip4:192.0.2.1 ~all redirect=_gone.provider.example");
    CHECK(flat(ignored) == "192.0.2.1");
}

// Hosts h0..h<n-1> with an IPv4 and an IPv6 address each (an a: term of a host without
// AAAA is a void lookup for every IPv6 client).
void add_hosts(fake_dns& dns, int n) {
    for (int i = 0; i < n; ++i) {
        const std::string host = "h" + std::to_string(i) + ".provider.example";
        dns.a(host, "198.51.100." + std::to_string(i));
        dns.add(host, dns_type::aaaa, "2001:db8::" + std::to_string(i));
    }
}

std::string a_terms(int from, int to) {
    std::string out;
    for (int i = from; i < to; ++i)
        out += " a:h" + std::to_string(i) + ".provider.example";
    return out;
}

TEST_CASE("flatten: the lookup limit counts along each address's path") {
    const std::string record = "v=spf1 ip4:192.0.2.0/24" + a_terms(0, 10);
    fake_dns ten = provider(record + " -all");
    add_hosts(ten, 10);
    CHECK(flattened(ten).lookups == 10);

    // The 11th: addresses outside 192.0.2.0/24 get permerror, so nothing would be faithful.
    fake_dns eleven = provider(record + " a:h10.provider.example -all");
    add_hosts(eleven, 11);
    CHECK(flat(eleven) == "invalid: more than 10 DNS lookups (RFC 7208 §4.6.4), the 11th at "
                          "'a:h10.provider.example' in the record of _spf.provider.example");

    // An include that stops early for some addresses leaves them lookups to spare.
    const std::string outer =
        "v=spf1 include:_x.provider.example a:h8.provider.example a:h9.provider.example -all";
    const std::string x = "-ip4:198.51.100.0/24" + a_terms(0, 8);
    fake_dns over = provider(outer);
    over.txt("_x.provider.example", "v=spf1 " + x + " ?all");
    add_hosts(over, 10);
    // Outside 198.51.100/24: 1 + 8 in _x, then 2 more = 11: over.
    CHECK(flat(over).starts_with("invalid: more than 10 DNS lookups"));
    fake_dns within = provider(outer);
    within.txt("_x.provider.example",
               "v=spf1 -ip4:198.51.100.0/24 ip4:0.0.0.0/0 ip6:::/0" + a_terms(0, 8));
    add_hosts(within, 10);
    // Now only 198.51.100/24 (failing early in _x, after 1 lookup) reaches h8 and h9.
    const flat_spf f = flattened(within);
    CHECK(f.lookups == 3);
    CHECK(subtract({ip_network(asio_ip::make_network_v4("0.0.0.0/0"))}, f.networks) ==
          subtract({ip_network(asio_ip::make_network_v4("198.51.100.0/24"))},
                   {ip_network(asio_ip::make_network_v4("198.51.100.8/31"))}));
}

TEST_CASE("flatten: void lookups beyond two are a permerror; none are counted when unreached") {
    fake_dns dns = provider("v=spf1 a:gone1.provider.example a:gone2.provider.example "
                            "ip4:192.0.2.1 a:gone3.provider.example -all");
    CHECK(flat(dns) == "invalid: more than 2 void lookups (RFC 7208 §4.6.4), the last one "
                       "gone3.provider.example");
    fake_dns before = provider("v=spf1 a:gone1.provider.example a:gone2.provider.example "
                               "ip4:192.0.2.1 -all a:gone3.provider.example");
    CHECK(flat(before) == "192.0.2.1");
}

TEST_CASE("flatten: macros, exists, ptr and +all are refused, naming the term and why") {
    fake_dns macro = provider("v=spf1 include:%{d}.provider.example -all");
    CHECK(flat(macro) == "unflattenable: 'include:%{d}.provider.example' in the record of "
                         "_spf.provider.example uses macros: whether it matches depends on more "
                         "than the address");
    fake_dns exists = provider("v=spf1 ip4:192.0.2.1 include:_x.provider.example -all");
    exists.txt("_x.provider.example", "v=spf1 exists:%{i}.x.example");
    CHECK(flat(exists).starts_with(
        "unflattenable: 'exists:%{i}.x.example' in the record of _x.provider.example"));
    fake_dns ptr = provider("v=spf1 ptr -all");
    CHECK(flat(ptr) == "unflattenable: 'ptr' in the record of _spf.provider.example: whether it "
                       "matches depends on the client's reverse DNS, not on its address");
    fake_dns all = provider("v=spf1 ip4:192.0.2.1 all");
    CHECK(flat(all) == "unflattenable: 'all' in the record of _spf.provider.example: it passes "
                       "every address on the Internet");
    // Never reached: no address gets that far.
    fake_dns unreached = provider("v=spf1 ip4:192.0.2.1 -all ptr exists:x.example +all");
    CHECK(flat(unreached) == "192.0.2.1");
}

TEST_CASE("flatten: DNS errors, missing and broken records fail the whole flattening") {
    fake_dns none;
    CHECK(flat(none) == "no-record: no SPF record at _spf.provider.example");
    fake_dns servfail = provider("v=spf1 ip4:192.0.2.1 a:relay.servfail.test -all");
    CHECK(flat(servfail) == "dns: DNS error for relay.servfail.test: SERVFAIL");
    fake_dns missing = provider("v=spf1 include:_gone.provider.example -all");
    CHECK(flat(missing) == "no-record: 'include:_gone.provider.example' in the record of "
                           "_spf.provider.example: no SPF record at _gone.provider.example");
    fake_dns syntax = provider("v=spf1 ip4:192.0.2.300 -all");
    CHECK(flat(syntax).starts_with(
        "invalid: syntax error in the record of _spf.provider.example at 'ip4:192.0.2.300'"));
    fake_dns two = provider("v=spf1 -all");
    two.txt("_spf.provider.example", "v=spf1 ip4:192.0.2.1 -all");
    CHECK(flat(two) == "invalid: 2 SPF records at _spf.provider.example (RFC 7208 §4.5)");
    // Receivers judge IPv4-mapped clients as IPv4: those addresses are never listed.
    fake_dns mapped = provider("v=spf1 ip6:::ffff:192.0.2.1 ip6:::/0 -all");
    const flat_spf f = flattened(mapped);
    const ip_network mapped_range(asio_ip::make_network_v6("::ffff:0:0/96"));
    CHECK(subtract({mapped_range}, f.networks) == std::vector<ip_network>{mapped_range});
    CHECK(subtract({ip_network(asio_ip::make_network_v6("::/0"))}, f.networks) ==
          std::vector<ip_network>{mapped_range});
}

namespace {

// Random provider records over a small address space, so that every class of addresses
// the records tell apart is sampled: 198.51.100.0/24 and 2001:db8::/120 address by address,
// and one address in each ring the widest cidr-lengths make around them.
class random_provider {
  public:
    explicit random_provider(unsigned seed) : rng_(seed) {
        for (int d = 0; d < domains; ++d)
            dns_.txt(domain(d), record(d));
        for (int h = 0; h < hosts; ++h)
            add_host(h);
    }
    fake_dns& dns() { return dns_; }
    static std::string domain(int d) {
        return d == 0 ? "_spf.provider.example" : "_s" + std::to_string(d) + ".provider.example";
    }

  private:
    static constexpr int domains = 5, hosts = 8;

    unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
    std::string v4() { return "198.51.100." + std::to_string(pick(256)); }
    std::string v6() {
        static constexpr char hex[] = "0123456789abcdef";
        return std::string("2001:db8::") + hex[pick(16)] + hex[pick(16)];
    }
    std::string qualifier() {
        static const char* q[] = {"", "", "", "+", "-", "~", "?"};
        return q[pick(7)];
    }
    std::string cidr() {
        static const char* c[] = {"", "", "/28", "/24", "/20", "//124", "/30//112", "/16//120"};
        return c[pick(8)];
    }
    std::string host() {
        // Host 7 does not exist (void), one name in twenty fails (temperror).
        return pick(20) == 0 ? "relay.servfail.test"
                             : "h" + std::to_string(pick(hosts)) + ".p.example";
    }

    std::string term(int d) {
        switch (pick(9)) {
        case 0:
        case 1:
            return qualifier() + "ip4:" + v4() + "/" + std::to_string(24 + pick(9));
        case 2:
            return qualifier() + "ip6:" + v6() + "/" + std::to_string(120 + pick(9));
        case 3:
        case 4:
            return qualifier() + "a:" + host() + cidr();
        case 5:
            return qualifier() + "mx:m" + std::to_string(pick(3)) + ".p.example" + cidr();
        default: // mostly deeper domains; now and then a loop, which the limits end
            return qualifier() + "include:" + domain(pick(8) == 0 ? pick(domains) : d + 1);
        }
    }

    std::string record(int d) {
        std::string r = "v=spf1";
        const unsigned terms = 1 + pick(d + 1 >= domains ? 4 : 6);
        for (unsigned k = 0; k < terms; ++k) {
            const std::string t = term(d);
            if (d + 1 >= domains && t.find("include:") != std::string::npos)
                continue;
            r += " " + t;
        }
        const unsigned end = pick(4);
        if (end == 0 && d + 1 < domains)
            r += " redirect=" + domain(d + 1);
        else if (end == 1)
            r += " ?all";
        else if (end >= 2)
            r += end == 2 ? " -all" : " ~all";
        return r;
    }

    void add_host(int h) {
        const std::string name = "h" + std::to_string(h) + ".p.example";
        if (h == hosts - 1)
            return;
        for (unsigned k = 0, n = pick(3); k < n; ++k)
            dns_.a(name, v4());
        for (unsigned k = 0, n = pick(3); k < n; ++k)
            dns_.add(name, dns_type::aaaa, v6());
        if (h < 3)
            dns_.add("m" + std::to_string(h) + ".p.example", dns_type::mx,
                     std::to_string(pick(20)) + " " + name);
        if (h < 3 && pick(2) == 0)
            dns_.add("m" + std::to_string(h) + ".p.example", dns_type::mx,
                     std::to_string(pick(20)) + " h" + std::to_string(3 + pick(5)) + ".p.example");
        dns_.exists_name(name);
    }

    std::mt19937 rng_;
    fake_dns dns_;
};

std::vector<asio_ip::address> samples() {
    std::vector<asio_ip::address> out;
    for (unsigned i = 0; i < 256; ++i) {
        out.push_back(asio_ip::make_address("198.51.100." + std::to_string(i)));
        out.push_back(asio_ip::make_address_v6("2001:db8::" + [&] {
            static constexpr char hex[] = "0123456789abcdef";
            return std::string{hex[i >> 4], hex[i & 15]};
        }()));
    }
    // One address in each ring the cidr-lengths (/28 /24 /20 /16, //124 //120 //112) add.
    for (const char* a : {"198.51.101.1", "198.51.200.1", "203.0.113.5", "2001:db8::ff05",
                          "2001:db8::1:5", "::ffff:198.51.100.9"})
        out.push_back(asio_ip::make_address(a));
    return out;
}

// As a receiver reads our record: an IPv4-mapped client is judged as IPv4 (RFC 7208 §5.6).
bool listed(const std::vector<ip_network>& networks, const asio_ip::address& client) {
    const asio_ip::address a =
        client.is_v6() && client.to_v6().is_v4_mapped()
            ? asio_ip::address(asio_ip::make_address_v4(asio_ip::v4_mapped, client.to_v6()))
            : client;
    const ip_network host = a.is_v4() ? ip_network(asio_ip::network_v4(a.to_v4(), 32))
                                      : ip_network(asio_ip::network_v6(a.to_v6(), 128));
    return subtract({host}, networks).empty();
}

} // namespace

TEST_CASE("flatten agrees with check_host() on every sampled address of random records") {
    const std::vector<asio_ip::address> addresses = samples();
    unsigned flattened_count = 0, failed_count = 0, nonempty = 0;
    for (unsigned seed = 1; seed <= 200; ++seed) {
        random_provider p(seed);
        caching_resolver cache(p.dns());
        const auto result = flatten_spf(p.dns(), random_provider::domain(0));
        const flat_spf* f = std::get_if<flat_spf>(&result);
        bool any_error = false;
        unsigned most_lookups = 0;
        for (const asio_ip::address& a : addresses) {
            const spf_evaluation e = check_host(cache, {a, "x@example.com", "mx.example.com"},
                                                random_provider::domain(0));
            any_error =
                any_error || e.result == spf_result::temperror || e.result == spf_result::permerror;
            most_lookups = std::max(most_lookups, e.lookups);
            if (f == nullptr)
                continue;
            CAPTURE(seed);
            CAPTURE(a.to_string());
            CAPTURE(e.reason);
            REQUIRE(listed(f->networks, a) == (e.result == spf_result::pass));
        }
        CAPTURE(seed);
        if (f != nullptr) {
            // Faithful only when no address meets an error, and then every path is seen.
            CHECK_FALSE(any_error);
            CHECK(f->lookups == most_lookups);
            ++flattened_count;
            nonempty += !f->networks.empty();
        } else {
            CHECK_MESSAGE(any_error, std::get<flatten_failure>(result).message);
            ++failed_count;
        }
    }
    MESSAGE(flattened_count << " records flattened (" << nonempty << " passing something), "
                            << failed_count << " refused");
    CHECK(flattened_count >= 50);
    CHECK(failed_count >= 20);
}
