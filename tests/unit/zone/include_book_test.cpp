// SPDX-License-Identifier: MIT
#include "net/network_set.h"
#include "support/fake_dns.h"
#include "zone/include_book.h"

#include <boost/asio/ip/network_v4.hpp>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace spfd;
using spfd::test::fake_dns;

namespace {

// A resolver whose DNS the test swaps while the book holds it.
struct switchable_dns : spf_resolver {
    spf_resolver* to = nullptr;
    dns_lookup lookup(const std::string& name, dns_type type) override {
        return to->lookup(name, type);
    }
};

struct book_fixture {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("spfd-include-book-" + std::to_string(::getpid()));
    switchable_dns* dns = nullptr;
    fake_dns now;

    book_fixture() {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    ~book_fixture() { std::filesystem::remove_all(dir); }

    std::unique_ptr<include_book> book(fake_dns& answers) {
        auto resolver = std::make_unique<switchable_dns>();
        resolver->to = &answers;
        dns = resolver.get();
        return std::make_unique<include_book>(dir, include_policy{}, std::move(resolver));
    }
};

const std::string provider = "_spf.provider.example";

fake_dns provider_dns(const std::string& record) {
    fake_dns d;
    d.txt(provider, record);
    return d;
}

std::string networks(const include_book& b) {
    const auto s = b.find(provider);
    if (!s || !s->resolved)
        return "unresolved";
    std::string out;
    for (const ip_network& n : s->networks)
        out += (out.empty() ? "" : " ") + n.to_string();
    return out;
}

} // namespace

TEST_CASE("include book: resolved at first use, kept in the state folder, served at a start "
          "without DNS") {
    book_fixture f;
    fake_dns good = provider_dns("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all");
    auto book = f.book(good);
    book->prepare({provider}, 1000, true);
    CHECK(networks(*book) == "192.0.2.0/24 2001:db8::/32");
    CHECK(book->find(provider)->resolved_at == 1000);
    CHECK(book->next_due() == 1000 + 3600);

    fake_dns down; // every name NXDOMAIN: a start without the provider's DNS
    down.txt("x.servfail.test", "");
    auto restarted = f.book(down);
    std::string error;
    REQUIRE(restarted->load(error));
    restarted->prepare({provider}, 2000, true); // has a good set: no lookup at load
    CHECK(networks(*restarted) == "192.0.2.0/24 2001:db8::/32");
    CHECK(restarted->find(provider)->resolved_at == 1000);
}

TEST_CASE("include book: a failed lookup keeps the last good set, logs and counts it") {
    book_fixture f;
    fake_dns good = provider_dns("v=spf1 ip4:192.0.2.0/24 -all");
    auto book = f.book(good);
    book->prepare({provider}, 1000, true);
    fake_dns broken = provider_dns("v=spf1 ip4:192.0.2.0/24 a:relay.servfail.test -all");
    f.dns->to = &broken;
    CHECK_FALSE(book->refresh_due(1000 + 3600));
    const auto s = book->find(provider);
    CHECK(networks(*book) == "192.0.2.0/24");
    CHECK(s->failures == 1);
    CHECK(s->last_error == "dns: DNS error for relay.servfail.test: SERVFAIL");
    CHECK(book->next_due() == 1000 + 3600 + 60); // retried sooner
    fake_dns gone;                               // the record vanished
    f.dns->to = &gone;
    CHECK_FALSE(book->refresh_due(1000 + 3660));
    CHECK(book->find(provider)->last_error == "no-record: no SPF record at " + provider);
    CHECK(networks(*book) == "192.0.2.0/24");

    // Never resolved and failing: nothing to serve, said so.
    book_fixture g;
    auto fresh = g.book(broken);
    fresh->prepare({provider}, 1000, true);
    CHECK(networks(*fresh) == "unresolved");
    CHECK(fresh->find(provider)->failures == 1);
}

TEST_CASE("include book: a change is served; removing more than half waits for an operator") {
    book_fixture f;
    fake_dns first = provider_dns("v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all");
    auto book = f.book(first);
    book->prepare({provider}, 1000, true);
    CHECK_FALSE(book->refresh_due(1001)); // not due yet

    fake_dns grown = provider_dns("v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/23 -all");
    f.dns->to = &grown;
    CHECK(book->refresh_due(1000 + 3600));
    CHECK(networks(*book) == "192.0.2.0/24 198.51.100.0/23");

    fake_dns shrunk = provider_dns("v=spf1 ip4:192.0.2.0/24 -all");
    f.dns->to = &shrunk;
    CHECK_FALSE(book->refresh_due(1000 + 7200)); // 2/3 of the addresses: held
    CHECK(networks(*book) == "192.0.2.0/24 198.51.100.0/23");
    REQUIRE(book->find(provider)->held);
    CHECK(book->find(provider)->held->size() == 1);
    book->prepare({provider}, 1000 + 7201, false); // a refresh's reload: still held
    CHECK(networks(*book) == "192.0.2.0/24 198.51.100.0/23");
    book->prepare({provider}, 1000 + 7202, true); // the operator's reload
    CHECK(networks(*book) == "192.0.2.0/24");
    CHECK_FALSE(book->find(provider)->held);
}

TEST_CASE("include book: a set whose zones were refused goes back to the published one and "
          "waits, also across a restart") {
    book_fixture f;
    fake_dns first = provider_dns("v=spf1 ip4:192.0.2.0/24 -all");
    auto book = f.book(first);
    book->prepare({provider}, 1000, true);
    book->mark_published();

    // The provider grows; the reload with its new set is refused (over the size budget).
    fake_dns grown = provider_dns("v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all");
    f.dns->to = &grown;
    REQUIRE(book->refresh_due(1000 + 3600));
    book->revert_unpublished();
    CHECK(networks(*book) == "192.0.2.0/24");
    CHECK(book->find(provider)->resolved_at == 1000); // the served data's age
    REQUIRE(book->find(provider)->held);
    CHECK(book->find(provider)->held->size() == 2);
    CHECK_FALSE(book->refresh_due(1000 + 7200)); // the same set again: still waiting

    // A restart reads the published set, not the refused one.
    auto restarted = f.book(grown);
    std::string error;
    REQUIRE(restarted->load(error));
    restarted->prepare({provider}, 1000 + 7201, false);
    CHECK(networks(*restarted) == "192.0.2.0/24");
    CHECK(restarted->find(provider)->held);

    // The operator's reload tries it; refused again, it waits again.
    restarted->mark_published();
    restarted->prepare({provider}, 1000 + 7202, true);
    CHECK(networks(*restarted) == "192.0.2.0/24 198.51.100.0/24");
    restarted->revert_unpublished();
    CHECK(networks(*restarted) == "192.0.2.0/24");
    CHECK(restarted->find(provider)->held);
}

TEST_CASE("include book: the answers' TTL brings the next lookup forward") {
    book_fixture f;
    include_state s;
    s.resolved = true;
    s.resolved_at = s.last_attempt = 1000;
    s.ttl = 300;
    fake_dns none;
    auto book = f.book(none);
    CHECK(include_state_text({{provider, s}}) ==
          "# include resolved_at ttl lookups networks... - written by spf-backend; do not edit\n" +
              provider + " 1000 300 0\n");
    std::string error;
    const auto back = parse_include_state(include_state_text({{provider, s}}), error);
    REQUIRE(back);
    CHECK(back->at(provider).ttl == 300);
    CHECK_FALSE(parse_include_state(provider + " 1000 300 0 192.0.2.1/24\n", error));
    CHECK(error == "line 1: '192.0.2.1/24' is no network");
    CHECK_FALSE(parse_include_state("x\n", error));
}

TEST_CASE("removes_too_much: per family, by addresses, not by networks") {
    using boost::asio::ip::make_network_v4;
    const std::vector<ip_network> before{ip_network(make_network_v4("192.0.2.0/24")),
                                         ip_network(make_network_v4("198.51.100.1/32"))};
    const std::vector<ip_network> lose_host{ip_network(make_network_v4("192.0.2.0/24"))};
    const std::vector<ip_network> lose_half{ip_network(make_network_v4("192.0.2.0/25")),
                                            ip_network(make_network_v4("198.51.100.1/32"))};
    CHECK_FALSE(removes_too_much(before, lose_host, 50));
    CHECK_FALSE(removes_too_much(before, lose_half, 50));
    CHECK(removes_too_much(before, lose_half, 40));
    CHECK(removes_too_much(before, {}, 50));
    CHECK_FALSE(removes_too_much({}, lose_half, 0));
}
