// SPDX-License-Identifier: MIT
#include "zone/pdns_reply.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("a record row has the keys pdns reads, in order, and a numeric ttl") {
    const dns_record r{"spf.example.", "TXT", R"("v=spf1 -all")", 300};
    CHECK(result_reply(boost::json::array{record_row(r, 7)}) ==
          R"({"result":[{"qtype":"TXT","qname":"spf.example.","content":"\"v=spf1 -all\"",)"
          R"("ttl":300,"domain_id":7}]})");
    CHECK(result_reply(true) == true_reply);
    CHECK(result_reply(false) == false_reply);
    CHECK(result_reply(boost::json::array{}) ==
          std::string(rows_reply_open) + std::string(rows_reply_close));
}

TEST_CASE("the pieces for replies built by appends render what record_row renders") {
    // The per-IP answers are written from these pieces; the snapshot's from record_row.
    const dns_record rows[] = {
        {"1.2.3.4._ip.spf.example.", "TXT", R"("v=spf1 ip4:1.2.3.4 -all")", 300},
        {"_ip.spf.example.", "ENT", "", 3600},
    };
    for (const dns_record& r : rows) {
        std::string appended(r.type == "TXT" ? one_txt_reply_head : one_ent_reply_head);
        appended += r.name;
        appended += record_content_key;
        for (char c : r.content) { // the caller's content is already JSON-escaped
            if (c == '"')
                appended += '\\';
            appended += c;
        }
        appended += one_record_reply_tail(r.ttl, 42);
        CHECK(appended == result_reply(boost::json::array{record_row(r, 42)}));
    }
}

TEST_CASE("a DomainInfo row has every field pdns reads") {
    CHECK(boost::json::serialize(domain_info_row(3, "spf.example.", true, 2024010101, 7)) ==
          R"({"id":3,"zone":"spf.example.","kind":"master","serial":2024010101,)"
          R"("notified_serial":7,"last_check":0,"masters":[]})");
    CHECK(domain_info_row(3, "spf.example.", false, 1, 0).at("kind") == "native");
}

TEST_CASE("error replies are valid JSON envelopes with the reason in log") {
    const auto v = boost::json::parse(error_reply("bad \"thing\"\n"));
    CHECK(v.at("result").as_bool() == false);
    CHECK(v.at("log").as_array()[0].as_string() == "bad \"thing\"\n");
    CHECK(error_reply("x") == R"({"result":false,"log":["x"]})");
}
