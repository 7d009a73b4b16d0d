// SPDX-License-Identifier: MIT
// dns_query against a one-shot responder on 127.0.0.1 that answers with hand-made messages.
#include "dns/client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <doctest/doctest.h>
#include <functional>
#include <poll.h>
#include <string>
#include <thread>
#include <vector>

using namespace spfd;
using namespace std::chrono_literals;

namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using bytes = std::vector<std::uint8_t>;

void put16(bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

/// An answer RR whose owner is the question's name (a pointer to offset 12).
void put_rr(bytes& out, std::uint16_t type, const bytes& rdata) {
    put16(out, 0xc00c);
    put16(out, type);
    put16(out, 1); // IN
    put16(out, 0);
    put16(out, 300); // TTL
    put16(out, static_cast<std::uint16_t>(rdata.size()));
    out.insert(out.end(), rdata.begin(), rdata.end());
}

bytes character_strings(const std::vector<std::string>& parts) {
    bytes out;
    for (const std::string& p : parts) {
        out.push_back(static_cast<std::uint8_t>(p.size()));
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

/// The response head for `query`: its id and question, QR and AA set, then `flags_low`
/// (RCODE) and `tc`; the answer RRs are appended by the caller.
bytes response_to(const bytes& query, std::uint16_t answers, int rcode, bool tc) {
    std::size_t end = 12;
    while (end < query.size() && query[end] != 0)
        end += query[end] + 1u;
    end += 5; // the root label, QTYPE, QCLASS
    bytes out(query.begin(), query.begin() + 2);
    out.push_back(static_cast<std::uint8_t>(0x84 | (tc ? 0x02 : 0)));
    out.push_back(static_cast<std::uint8_t>(rcode));
    put16(out, 1);
    put16(out, answers);
    put16(out, 0);
    put16(out, 0);
    out.insert(out.end(), query.begin() + 12, query.begin() + static_cast<long>(end));
    return out;
}

/// Answers one UDP query on 127.0.0.1 with `respond(query)`, then stops; gives up after 3 s.
class one_shot_udp_server {
  public:
    explicit one_shot_udp_server(std::function<bytes(const bytes&)> respond)
        : socket_(io_, udp::endpoint(asio::ip::address_v4::loopback(), 0)),
          thread_([this, respond = std::move(respond)] { serve(respond); }) {}
    ~one_shot_udp_server() { thread_.join(); }
    std::uint16_t port() const { return socket_.local_endpoint().port(); }

  private:
    void serve(const std::function<bytes(const bytes&)>& respond) {
        pollfd wait{socket_.native_handle(), POLLIN, 0};
        if (::poll(&wait, 1, 3000) != 1)
            return;
        bytes query(1500);
        udp::endpoint from;
        query.resize(socket_.receive_from(asio::buffer(query), from));
        const bytes reply = respond(query);
        socket_.send_to(asio::buffer(reply), from);
    }

    asio::io_context io_;
    udp::socket socket_;
    std::thread thread_;
};

dns_server loopback(std::uint16_t port) {
    dns_server s;
    s.address = "127.0.0.1";
    s.port = port;
    s.timeout = 2000ms;
    return s;
}

} // namespace

TEST_CASE("rcode names") {
    CHECK(rcode_name(0) == "NOERROR");
    CHECK(rcode_name(2) == "SERVFAIL");
    CHECK(rcode_name(3) == "NXDOMAIN");
    CHECK(rcode_name(5) == "REFUSED");
    CHECK(rcode_name(9) == "NOTAUTH");
    CHECK(rcode_name(23) == "RCODE 23");
}

TEST_CASE("a server is an address literal with a port and a positive timeout") {
    dns_server s;
    CHECK(check_dns_server(s) == std::nullopt);
    s.address = "::1";
    CHECK(check_dns_server(s) == std::nullopt);
    s.address = "ns1.example.com";
    CHECK(check_dns_server(s) == "server 'ns1.example.com' is not an IPv4 or IPv6 address");
    s.address = "fe80::1%lo";
    CHECK(check_dns_server(s).has_value());
    s.address = "127.0.0.1";
    s.port = 0;
    CHECK(check_dns_server(s) == "port 0 is not usable");
    s.port = 53;
    s.timeout = 0ms;
    CHECK(check_dns_server(s) == "the timeout must be positive");
}

TEST_CASE("a TXT answer: the character-strings joined, other types counted but not kept") {
    one_shot_udp_server server([](const bytes& query) {
        bytes reply = response_to(query, 2, 0, false);
        put_rr(reply, 16, character_strings({"v=spf1 ip4:192.0.2.1 ", "-all"}));
        put_rr(reply, 1, {192, 0, 2, 1});
        return reply;
    });
    const dns_response r =
        dns_query(loopback(server.port()), "spf.connectoor.com", dns_type::txt, dns_transport::udp);
    CHECK(r.answered());
    CHECK(r.transport == "udp");
    CHECK(r.rcode == 0);
    CHECK_FALSE(r.truncated);
    CHECK(r.answer_rrs == 2);
    CHECK(r.records == std::vector<std::string>{"v=spf1 ip4:192.0.2.1 -all"});
    CHECK(r.octets > 12);
}

TEST_CASE("an MX answer is 'preference exchange', lower case without the final dot") {
    one_shot_udp_server server([](const bytes& query) {
        bytes reply = response_to(query, 1, 0, false);
        bytes mx{0, 10};
        const bytes exchange = character_strings({"MX", "Example", "com", ""});
        mx.insert(mx.end(), exchange.begin(), exchange.end());
        put_rr(reply, 15, mx);
        return reply;
    });
    const dns_response r =
        dns_query(loopback(server.port()), "example.com", dns_type::mx, dns_transport::udp_edns);
    CHECK(r.transport == "udp+edns");
    CHECK(r.records == std::vector<std::string>{"10 mx.example.com"});
}

TEST_CASE("RCODE and TC are reported as the server set them") {
    one_shot_udp_server server([](const bytes& query) { return response_to(query, 0, 3, true); });
    const dns_response r =
        dns_query(loopback(server.port()), "nothing.test", dns_type::txt, dns_transport::udp);
    CHECK(r.answered());
    CHECK(r.rcode == 3);
    CHECK(r.truncated);
    CHECK(r.records.empty());
}

TEST_CASE("the RA flag says whether the server offers recursion") {
    for (const bool ra : {false, true}) {
        one_shot_udp_server server([ra](const bytes& query) {
            bytes reply = response_to(query, 0, 5, false);
            reply[3] = static_cast<std::uint8_t>(reply[3] | (ra ? 0x80 : 0));
            return reply;
        });
        const dns_response r =
            dns_query(loopback(server.port()), "elsewhere.test", dns_type::txt, dns_transport::udp);
        CHECK(r.rcode == 5);
        CHECK(r.recursion_available == ra);
    }
}

TEST_CASE("a response with another id is no answer") {
    one_shot_udp_server server([](const bytes& query) {
        bytes reply = response_to(query, 0, 0, false);
        reply[0] ^= 0xff;
        return reply;
    });
    dns_server s = loopback(server.port());
    s.timeout = 500ms;
    const dns_response r = dns_query(s, "spf.connectoor.com", dns_type::txt, dns_transport::udp);
    CHECK_FALSE(r.answered());
}

TEST_CASE("unusable input and nothing listening are failures that name the server") {
    dns_server s = loopback(53);
    s.address = "not-an-address";
    CHECK(dns_query(s, "a.test", dns_type::txt, dns_transport::udp).failure ==
          "'not-an-address' is not an IPv4 or IPv6 address");
    s = loopback(53);
    CHECK(dns_query(s, std::string(64, 'a') + ".test", dns_type::txt, dns_transport::udp)
              .failure.ends_with("is not a valid DNS name"));

    asio::io_context io;
    std::uint16_t port = 0;
    {
        asio::ip::tcp::acceptor probe(io, {asio::ip::address_v4::loopback(), 0});
        port = probe.local_endpoint().port();
    }
    s = loopback(port);
    s.timeout = 500ms;
    const dns_response r = dns_query(s, "a.test", dns_type::txt, dns_transport::tcp);
    CHECK(r.transport == "tcp");
    CHECK(r.failure.starts_with("no answer from 127.0.0.1#" + std::to_string(port) + ": "));
}

TEST_CASE("resolv.conf: the nameserver addresses in order, anything else skipped") {
    CHECK(resolv_conf_servers("# generated\n"
                              "search example.com\n"
                              "nameserver 127.0.0.53\n"
                              "  nameserver\t::1 # local\n"
                              "nameserver fe80::1%eth0\n"
                              "nameservers 192.0.2.9\n"
                              "nameserver\n"
                              "nameserver 192.0.2.1;x\r\n"
                              "options edns0\n") ==
          std::vector<std::string>{"127.0.0.53", "::1", "192.0.2.1"});
    CHECK(resolv_conf_servers("").empty());
}
