// SPDX-License-Identifier: MIT
#include "protocol/answer.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace spfd {
namespace {

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
char ascii_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string_view lookup_reply(const snapshot& snap, const request& req) {
    // Reused per thread so that the answer path does not allocate once warmed up.
    thread_local std::string name;
    thread_local std::string qtype;
    if (!canonical_name(req.qname, name))
        return false_reply;
    const snapshot::name_entry* entry = snap.find_name(name);
    if (entry == nullptr)
        return false_reply;
    qtype.assign(req.qtype);
    for (char& c : qtype)
        c = ascii_upper(c);
    return entry->reply_for(qtype);
}

const snapshot::zone_entry* zone_named(const snapshot& snap, std::string_view text) {
    thread_local std::string name;
    if (!canonical_name(text, name))
        return nullptr;
    return snap.find_zone(name);
}

} // namespace

bool canonical_name(std::string_view name, std::string& buffer) {
    if (name.size() > max_name_text)
        return false;
    buffer.assign(name);
    for (char& c : buffer)
        c = ascii_lower(c);
    if (buffer.empty() || buffer.back() != '.')
        buffer.push_back('.');
    return true;
}

std::string_view answer(const snapshot& snap, const request& req) {
    switch (req.kind) {
    case method::initialize:
        return true_reply;
    case method::lookup:
        return lookup_reply(snap, req);
    case method::get_all_domains:
        return snap.all_domains_reply();
    case method::get_domain_info: {
        const auto* zone = zone_named(snap, req.name);
        return zone != nullptr ? std::string_view(zone->domain_info_reply) : false_reply;
    }
    case method::list: {
        const auto* zone = zone_named(snap, req.zonename);
        return zone != nullptr ? std::string_view(zone->list_reply) : false_reply;
    }
    case method::get_all_domain_metadata: // we keep no metadata: false means "none"
    case method::get_domain_metadata:
    case method::unknown:
        return false_reply;
    }
    return false_reply;
}

std::string error_reply(std::string_view message) {
    std::string out = R"({"result":false,"log":[)";
    out += boost::json::serialize(boost::json::string(message));
    out += "]}";
    return out;
}

} // namespace spfd
