// SPDX-License-Identifier: MIT
#include "dns/client.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

using namespace spfd;

namespace {

// A one-shot UDP DNS server on 127.0.0.1: answers the first query it receives with the TXT
// strings given, or with a reply whose ID does not match when `wrong_id`.
class one_reply_server {
  public:
    one_reply_server(std::vector<std::string> strings, bool wrong_id)
        : fd_(socket(AF_INET, SOCK_DGRAM, 0)), strings_(std::move(strings)), wrong_id_(wrong_id) {
        sockaddr_in at{};
        at.sin_family = AF_INET;
        at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);
        socklen_t len = sizeof at;
        REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&at), &len) == 0);
        port_ = ntohs(at.sin_port);
        // A query that never comes must not hang the test in the destructor's join.
        timeval wait{5, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
        thread_ = std::thread([this] { serve_one(); });
    }
    ~one_reply_server() {
        thread_.join();
        close(fd_);
    }
    std::uint16_t port() const { return port_; }

  private:
    void serve_one() {
        std::uint8_t in[512];
        sockaddr_in peer{};
        socklen_t peer_len = sizeof peer;
        const ssize_t got =
            recvfrom(fd_, in, sizeof in, 0, reinterpret_cast<sockaddr*>(&peer), &peer_len);
        ldns_pkt* query = nullptr;
        if (got <= 0 || ldns_wire2pkt(&query, in, static_cast<std::size_t>(got)) != LDNS_STATUS_OK)
            return;
        ldns_pkt_set_qr(query, true);
        if (wrong_id_)
            ldns_pkt_set_id(query, static_cast<std::uint16_t>(ldns_pkt_id(query) + 1));
        std::string rr_text = "spf.example. 300 IN TXT";
        for (const std::string& s : strings_)
            rr_text += " \"" + s + "\"";
        ldns_rr* rr = nullptr;
        if (ldns_rr_new_frm_str(&rr, rr_text.c_str(), 0, nullptr, nullptr) == LDNS_STATUS_OK)
            ldns_pkt_push_rr(query, LDNS_SECTION_ANSWER, rr);
        std::uint8_t* wire = nullptr;
        std::size_t wire_size = 0;
        if (ldns_pkt2wire(&wire, query, &wire_size) == LDNS_STATUS_OK)
            sendto(fd_, wire, wire_size, 0, reinterpret_cast<sockaddr*>(&peer), peer_len);
        free(wire);
        ldns_pkt_free(query);
    }

    int fd_;
    std::vector<std::string> strings_;
    bool wrong_id_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

} // namespace

TEST_CASE("rcode names") {
    CHECK(rcode_name(0) == "NOERROR");
    CHECK(rcode_name(2) == "SERVFAIL");
    CHECK(rcode_name(3) == "NXDOMAIN");
    CHECK(rcode_name(5) == "REFUSED");
    CHECK(rcode_name(9) == "NOTAUTH");
    CHECK(rcode_name(10) == "NOTZONE");
    CHECK(rcode_name(23) == "RCODE 23");
    CHECK(rcode_name(-1) == "RCODE -1");
}

TEST_CASE("a server must be an address literal with a port and a timeout") {
    using namespace std::chrono_literals;
    CHECK_FALSE(check_dns_server({"127.0.0.1", 53, 2000ms, false}));
    CHECK_FALSE(check_dns_server({"::1", 5300, 1ms, true}));
    CHECK(check_dns_server({"localhost", 53, 2000ms, false}) ==
          "server 'localhost' is not an IPv4 or IPv6 address");
    CHECK(check_dns_server({"fe80::1%lo", 53, 2000ms, false}) ==
          "server 'fe80::1%lo' is not an IPv4 or IPv6 address");
    CHECK(check_dns_server({"127.0.0.1", 0, 2000ms, false}) == "port 0 is not usable");
    CHECK(check_dns_server({"127.0.0.1", 53, 0ms, false}) == "the timeout must be positive");
}

TEST_CASE("a query that cannot be sent says why, without sending") {
    const dns_response bad_server =
        dns_query({"resolver.example", 53, std::chrono::milliseconds(100), false}, "a.example",
                  dns_type::txt, dns_transport::udp);
    CHECK(bad_server.failure == "'resolver.example' is not an IPv4 or IPv6 address");
    CHECK(bad_server.transport == "udp");
    const dns_response bad_name =
        dns_query({"127.0.0.1", 53, std::chrono::milliseconds(100), false}, "a..example",
                  dns_type::txt, dns_transport::udp_edns);
    CHECK(bad_name.failure == "'a..example' is not a valid DNS name");
    CHECK(bad_name.transport == "udp+edns");
    CHECK_FALSE(bad_name.answered());
}

TEST_CASE("a TXT answer from a server on 127.0.0.1 is read as its joined strings") {
    one_reply_server server({"v=spf1 ", "-all"}, false);
    const dns_response r =
        dns_query({"127.0.0.1", server.port(), std::chrono::milliseconds(2000), false},
                  "spf.example", dns_type::txt, dns_transport::udp);
    REQUIRE(r.answered());
    CHECK(r.rcode == 0);
    CHECK_FALSE(r.truncated);
    CHECK(r.answer_rrs == 1);
    CHECK(r.records == std::vector<std::string>{"v=spf1 -all"});
    CHECK(r.octets > 0);
}

TEST_CASE("a reply with another ID is not taken as the answer") {
    one_reply_server server({"v=spf1 -all"}, true);
    const dns_response r =
        dns_query({"127.0.0.1", server.port(), std::chrono::milliseconds(500), false},
                  "spf.example", dns_type::txt, dns_transport::udp);
    CHECK(r.failure == "a response from 127.0.0.1#" + std::to_string(server.port()) +
                           " that does not match the query");
}
