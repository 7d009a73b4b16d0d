// SPDX-License-Identifier: MIT
#include "zone/pdns_reply.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace spfd {

boost::json::object record_row(const dns_record& r, int zone_id) {
    return {{"qtype", r.type},
            {"qname", r.name},
            {"content", r.content},
            {"ttl", r.ttl},
            {"domain_id", zone_id}};
}

boost::json::object domain_info_row(int id, std::string_view zone, bool master,
                                    std::uint32_t serial, std::uint32_t notified_serial) {
    return {{"id", id},
            {"zone", zone},
            {"kind", master ? "master" : "native"},
            {"serial", serial},
            {"notified_serial", notified_serial},
            {"last_check", 0},
            {"masters", boost::json::array()}};
}

std::string result_reply(boost::json::value result) {
    return boost::json::serialize(boost::json::object{{"result", std::move(result)}});
}

std::string one_record_reply_tail(std::uint32_t ttl, int zone_id) {
    return R"(","ttl":)" + std::to_string(ttl) + R"(,"domain_id":)" + std::to_string(zone_id) +
           "}" + std::string(rows_reply_close);
}

std::string error_reply(std::string_view message) {
    std::string out = R"({"result":false,"log":[)";
    out += boost::json::serialize(boost::json::string(message));
    out += "]}";
    return out;
}

} // namespace spfd
