// SPDX-License-Identifier: MIT
#pragma once

// The remote backend's reply format (pdns remotebackend, JSON connector): every reply is an
// object `{"result":…}`; lookup and list return an array of record rows. The snapshot renders
// its replies once with Boost.JSON; the query path writes the per-IP replies by appends from
// the pieces below, which render the same bytes (the unit test pins that).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace spfd {

/// One resource record in the remote backend's terms; `name` is lower case, absolute, with
/// the trailing dot; `content` is zone-file presentation format.
struct dns_record {
    std::string name;
    std::string type; ///< "SOA", "NS", "TXT", or "ENT" for an empty non-terminal
    std::string content;
    std::uint32_t ttl = 0;
};

/// The body every "no" gets: pdns reads a JSON `false` as "no records" / "not supported".
inline constexpr std::string_view false_reply = R"({"result":false})";
inline constexpr std::string_view true_reply = R"({"result":true})";

/// Around the rows of a reply that is an array: `{"result":[` rows `]}`.
inline constexpr std::string_view rows_reply_open = R"({"result":[)";
inline constexpr std::string_view rows_reply_close = "]}";

/// One record row, `{"qtype":…,"qname":…,"content":…,"ttl":…,"domain_id":…}`. `domain_id`
/// makes pdns pass our zone id on in later calls; `ttl` must be a JSON number or pdns serves
/// TTL 0.
boost::json::object record_row(const dns_record& r, int zone_id);

/// The DomainInfo object of getDomainInfo, getAllDomains and getUpdatedMasters: `zone` with the
/// trailing dot; `master` zones get NOTIFYs sent by pdns, `native` ones do not.
boost::json::object domain_info_row(int id, std::string_view zone, bool master,
                                    std::uint32_t serial, std::uint32_t notified_serial);

/// The reply `{"result":<result>}` as text.
std::string result_reply(boost::json::value result);

/// A one-record reply written by appends on the query path: the head for its type, the qname,
/// record_content_key, the content, one_record_reply_tail(ttl, zone_id). Equal to
/// result_reply([record_row(…)]) when qname and content need no JSON escapes. The heads are
/// constants, so that the query path copies them in one append.
inline constexpr std::string_view one_txt_reply_head = R"({"result":[{"qtype":"TXT","qname":")";
inline constexpr std::string_view one_ent_reply_head = R"({"result":[{"qtype":"ENT","qname":")";
inline constexpr std::string_view record_content_key = R"(","content":")";
std::string one_record_reply_tail(std::uint32_t ttl, int zone_id);

/// Reply for a request that could not be parsed: `{"result":false,"log":[message]}`.
std::string error_reply(std::string_view message);

} // namespace spfd
