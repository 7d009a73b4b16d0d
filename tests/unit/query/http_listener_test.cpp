// SPDX-License-Identifier: MIT
// The HTTP listener on loopback, driven by plain Asio clients; every client read is bounded.
#include "query/listeners.h"
#include "support/listener_fixture.h"
#include "support/notify_socket.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace spfd::test;
using namespace std::chrono_literals;

TEST_SUITE("http_listener") {

    TEST_CASE("REST lookup, then getAllDomains on the same kept-alive connection") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/lookup/spf%2econnectoor%2ecom%2e/SOA"));
        auto first = c.http_reply();
        REQUIRE(first);
        check_json_200(*first);
        CHECK(first->keep_alive());
        CHECK(first->body() == expected_reply(*f.loop.snapshots.get(), "SOA"));

        c.send(get_request("/dns/getAllDomains?includeDisabled=true"));
        auto second = c.http_reply();
        REQUIRE(second);
        check_json_200(*second);
        CHECK(second->body() == f.loop.snapshots.get()->all_domains_reply());
    }

    TEST_CASE("two pipelined requests are answered in order") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/lookup/spf%2econnectoor%2ecom%2e/TXT") +
               get_request("/dns/lookup/spf%2econnectoor%2ecom%2e/NS"));
        auto first = c.http_reply();
        auto second = c.http_reply();
        REQUIRE(first);
        REQUIRE(second);
        CHECK(first->body() == expected_reply(*f.loop.snapshots.get(), "TXT"));
        CHECK(second->body() == expected_reply(*f.loop.snapshots.get(), "NS"));
    }

    TEST_CASE("post_json and post=1 bodies") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(post_request(
            "/dns/endpoint.json", "text/javascript; charset=utf-8",
            R"({"method": "getAllDomains", "parameters": {"include_disabled": true}})"));
        auto json = c.http_reply();
        REQUIRE(json);
        check_json_200(*json);
        CHECK(json->body() == f.loop.snapshots.get()->all_domains_reply());

        c.send(post_request("/dns/lookup.json", "application/x-www-form-urlencoded; charset=utf-8",
                            "parameters=%7b%22qname%22%3a%20%22spf%2econnectoor%2ecom%2e%22%2c%20%"
                            "22qtype%22%3a%20%22ANY%22%2c%20%22zone%2did%22%3a%201%7d"));
        auto form = c.http_reply();
        REQUIRE(form);
        check_json_200(*form);
        CHECK(form->body() == expected_reply(*f.loop.snapshots.get(), "ANY"));
    }

    TEST_CASE("unknown methods get false and bad requests get a JSON error, both with 200") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/getDomainKeys/spf%2econnectoor%2ecom%2e"));
        auto unknown = c.http_reply();
        REQUIRE(unknown);
        check_json_200(*unknown);
        CHECK(unknown->body() == R"({"result":false})");

        c.send(get_request("/dns/lookup/spf%2econnectoor%2ecom%2e"));
        auto bad = c.http_reply();
        REQUIRE(bad);
        check_json_200(*bad);
        CHECK(bad->body().starts_with(R"({"result":false,"log":[)"));
        CHECK(bad->body().find("qtype") != std::string::npos);
    }

    TEST_CASE("HTTP/1.0 without keep-alive is answered, then closed") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send("GET /dns/getAllDomains HTTP/1.0\r\n\r\n");
        auto reply = c.http_reply();
        REQUIRE(reply);
        check_json_200(*reply);
        CHECK(c.closed_by_server());
    }

    TEST_CASE("several connections are served at once") {
        http_fixture f;
        std::vector<std::unique_ptr<tcp_client>> clients;
        for (int i = 0; i < 4; ++i)
            clients.push_back(std::make_unique<tcp_client>(f.endpoint()));
        for (int round = 0; round < 2; ++round)
            for (auto& c : clients) {
                c->send(get_request("/dns/lookup/spf%2econnectoor%2ecom%2e/ANY"));
                auto reply = c->http_reply();
                REQUIRE(reply);
                CHECK(reply->body() == expected_reply(*f.loop.snapshots.get(), "ANY"));
            }
    }

    TEST_CASE("an oversize header is refused and the listener goes on serving") {
        http_fixture f;
        {
            tcp_client c(f.endpoint());
            c.send(get_request("/dns/getAllDomains",
                               "X-Padding: " + std::string(f.loop.limits.max_header_bytes, 'x') +
                                   "\r\n"));
            // The rest of the header is drained after the reply, so the 400 is not lost to
            // a reset.
            auto reply = c.http_reply();
            REQUIRE(reply);
            CHECK(reply->result() == http::status::bad_request);
            CHECK(reply->body().starts_with(R"({"result":false,"log":[)"));
            CHECK(c.closed_by_server());
        }
        tcp_client next(f.endpoint());
        next.send(get_request("/dns/getAllDomains"));
        auto reply = next.http_reply();
        REQUIRE(reply);
        check_json_200(*reply);
    }

    TEST_CASE("an oversize body and garbage are refused with 400") {
        http_fixture f;
        {
            tcp_client c(f.endpoint());
            c.send(post_request("/dns", "text/javascript",
                                std::string(f.loop.limits.max_body_bytes + 1, ' ')));
            auto reply = c.http_reply();
            REQUIRE(reply);
            CHECK(reply->result() == http::status::bad_request);
            CHECK(c.closed_by_server());
        }
        {
            tcp_client c(f.endpoint());
            c.send("\x16\x03\x01 this is not HTTP\r\n\r\n");
            auto reply = c.http_reply();
            REQUIRE(reply);
            CHECK(reply->result() == http::status::bad_request);
            CHECK(reply->body().starts_with(R"({"result":false,"log":[)"));
            CHECK(c.closed_by_server());
        }
    }

    TEST_CASE("a request that stalls half-way is cut off after the request timeout") {
        http_fixture f;
        tcp_client c(f.endpoint());
        const auto start = std::chrono::steady_clock::now();
        c.send("GET /dns/lookup/spf%2econnectoor%2ecom%2e/SOA HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        CHECK(c.closed_by_server());
        CHECK(std::chrono::steady_clock::now() - start < 1500ms);
    }

    TEST_CASE("an idle kept-alive connection is closed after the idle timeout") {
        auto limits = fast_limits();
        limits.idle_timeout = 200ms;
        http_fixture f(limits);
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/getAllDomains"));
        REQUIRE(c.http_reply());
        CHECK(c.closed_by_server());
    }

    TEST_CASE("beyond max_connections a connection is accepted and closed") {
        auto limits = fast_limits();
        limits.max_connections = 2;
        http_fixture f(limits);
        tcp_client a(f.endpoint());
        tcp_client b(f.endpoint());
        for (auto* c : {&a, &b}) {
            c->send(get_request("/dns/getAllDomains"));
            REQUIRE(c->http_reply());
        }
        tcp_client refused(f.endpoint());
        CHECK(refused.closed_by_server());
        // The open ones still work.
        a.send(get_request("/dns/getAllDomains"));
        CHECK(a.http_reply());
    }

    TEST_CASE("stop() closes open connections") {
        http_fixture f;
        tcp_client c(f.endpoint());
        c.send(get_request("/dns/getAllDomains"));
        REQUIRE(c.http_reply());
        f.listener->stop();
        CHECK(c.closed_by_server());
    }

    TEST_CASE("a port in use is a one-line error") {
        server_loop loop;
        asio::io_context other;
        tcp::acceptor taken(other, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        const auto port = taken.local_endpoint().port();
        try {
            http_listener l(loop.io, io_threads::several, http_listener_config{"127.0.0.1", port},
                            loop.limits, loop.snapshots);
            FAIL("bind should have failed");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "cannot listen on 127.0.0.1:" + std::to_string(port) +
                                               ": Address already in use");
        }
        CHECK_THROWS_WITH_AS(http_listener(loop.io, io_threads::several,
                                           http_listener_config{"localhost", port}, loop.limits,
                                           loop.snapshots),
                             doctest::Contains("not an IP address"), std::runtime_error);
    }

    TEST_CASE("hand-over: an idle kept-alive connection goes to the process that adopts it") {
        notify_socket manager;
        service_notify notify;
        server_loop loop;
        const auto port = free_port();
        http_listener old_process(loop.io, io_threads::several,
                                  http_listener_config{"127.0.0.1", port}, loop.limits,
                                  loop.snapshots, service_sockets{-1, &notify});
        old_process.start();
        loop.run();
        tcp_client c(tcp::endpoint(asio::ip::address_v4::loopback(), port));
        c.send(get_request("/dns/getAllDomains"));
        const auto first = c.http_reply();
        REQUIRE(first);
        CHECK(first->keep_alive());
        const auto stored = manager.receive(2s);
        REQUIRE(stored);
        CHECK(stored->text == "FDSTORE=1\nFDNAME=http-conn-1");
        REQUIRE(stored->fds.size() == 1);

        old_process.hand_over();
        std::this_thread::sleep_for(100ms);
        CHECK_FALSE(manager.receive(100ms));       // let go, not removed from the store
        c.send(get_request("/dns/getAllDomains")); // waits in the socket meanwhile

        http_listener new_process(loop.io, io_threads::several,
                                  http_listener_config{"127.0.0.1", free_port()}, loop.limits,
                                  loop.snapshots, service_sockets{-1, &notify});
        new_process.start();
        new_process.adopt(passed_fd{stored->fds[0], "http-conn-1"});
        const auto second = c.http_reply();
        REQUIRE(second);
        CHECK(second->body() == loop.snapshots.get()->all_domains_reply());
    }

    TEST_CASE("hand-over without the fd store: the request under way is answered with "
              "Connection: close") {
        http_fixture f;
        tcp_client c(f.endpoint());
        const std::string request = get_request("/dns/getAllDomains");
        c.send(request.substr(0, 20));
        std::this_thread::sleep_for(100ms);
        f.listener->hand_over();
        c.send(request.substr(20));
        const auto reply = c.http_reply();
        REQUIRE(reply);
        CHECK(reply->body() == f.loop.snapshots.get()->all_domains_reply());
        CHECK_FALSE(reply->keep_alive());
        CHECK(c.closed_by_server());
    }

} // TEST_SUITE
