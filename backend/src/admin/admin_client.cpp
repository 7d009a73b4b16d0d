// SPDX-License-Identifier: MIT
#include "admin/admin_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace spfd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::optional<admin_response> admin_call(const admin_listener_config& where, bool post,
                                         const std::string& target,
                                         std::chrono::milliseconds timeout, std::string& error) {
    const std::string label = where.address + ":" + std::to_string(where.port);
    asio::io_context io;
    beast::tcp_stream stream(io);
    beast::error_code ec;
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(where.address, ec), where.port);
    if (ec) {
        error = "bad admin address " + label + ": " + ec.message();
        return std::nullopt;
    }
    // Async with a deadline on every step: a hung backend must not hang the operator.
    bool done = false;
    admin_response out;
    http::request<http::string_body> req(post ? http::verb::post : http::verb::get, target, 11);
    req.set(http::field::host, where.address);
    req.set(http::field::user_agent, "spfctl");
    req.prepare_payload();
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    // /zones?passing=1 of a million-network zone is about 20 MB (IPv6 twice that).
    parser.body_limit(256 * 1024 * 1024);
    // What to do is the same for every step: find out whether the backend runs, with these
    // settings, and is not stuck.
    auto fail = [&](const char* step, beast::error_code e) {
        error = std::string(step) + " " + label + ": " + e.message() +
                " (is spf-backend running with these settings? systemctl status spf-backend)";
    };
    stream.expires_after(timeout);
    stream.async_connect(endpoint, [&](beast::error_code e) {
        if (e)
            return fail("cannot connect to the backend's admin endpoint at", e);
        http::async_write(stream, req, [&](beast::error_code e2, std::size_t) {
            if (e2)
                return fail("cannot send to", e2);
            http::async_read(stream, buffer, parser, [&](beast::error_code e3, std::size_t) {
                if (e3)
                    return fail("no answer from", e3);
                out.status = parser.get().result_int();
                out.body = parser.get().body();
                done = true;
            });
        });
    });
    io.run();
    if (!done)
        return std::nullopt;
    return out;
}

} // namespace spfd
