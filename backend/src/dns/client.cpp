// SPDX-License-Identifier: MIT
#include "dns/client.h"

#include "util/ascii.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <iterator>
#include <ldns/ldns.h>
#include <memory>
#include <string_view>
#include <sys/time.h>

namespace spfd {
namespace {

constexpr std::uint16_t edns_buffer = 1232; // the DNS flag day 2020 default

// ldns: one fresh resolver per query, so that a failed query cannot mark the server
// unreachable for the next one (ldns keeps per-nameserver RTTs in the resolver). ldns applies
// the timeout to each wait (TCP: connect, then each read), so a server that trickles a TCP
// answer can stretch a query; callers that must be bounded overall bound the query count.
struct ldns_deleter {
    void operator()(ldns_resolver* r) const { ldns_resolver_deep_free(r); }
    void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
    void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
using resolver_ptr = std::unique_ptr<ldns_resolver, ldns_deleter>;
using pkt_ptr = std::unique_ptr<ldns_pkt, ldns_deleter>;
using rdf_ptr = std::unique_ptr<ldns_rdf, ldns_deleter>;

std::string transport_name(dns_transport t) {
    return t == dns_transport::udp ? "udp" : t == dns_transport::udp_edns ? "udp+edns" : "tcp";
}

// The character-strings of one TXT RR, concatenated without separators (RFC 7208 §3.3).
std::string txt_text(const ldns_rr* rr) {
    std::string text;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
        if (!rdf || ldns_rdf_size(rdf) < 1)
            continue;
        const std::uint8_t* data = ldns_rdf_data(rdf);
        // A character-string: the length octet followed by the octets.
        const std::size_t len = std::min<std::size_t>(data[0], ldns_rdf_size(rdf) - 1);
        text.append(reinterpret_cast<const char*>(data + 1), len);
    }
    return text;
}

std::string rdf_text(const ldns_rdf* rdf) {
    if (!rdf)
        return {};
    char* raw = ldns_rdf2str(rdf);
    std::string text = raw ? raw : "";
    free(raw);
    text = ascii_lower(text);
    if (text.size() > 1 && text.back() == '.')
        text.pop_back();
    return text;
}

std::string record_text(const ldns_rr* rr, dns_type type) {
    switch (type) {
    case dns_type::txt:
    case dns_type::spf:
        return txt_text(rr);
    case dns_type::mx:
        return rdf_text(ldns_rr_rdf(rr, 0)) + " " + rdf_text(ldns_rr_rdf(rr, 1));
    default:
        return rdf_text(ldns_rr_rdf(rr, 0));
    }
}

rdf_ptr server_rdf(const std::string& address) {
    boost::system::error_code ec;
    const boost::asio::ip::address parsed = boost::asio::ip::make_address(address, ec);
    if (!ec && parsed.is_v4())
        return rdf_ptr(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, address.c_str()));
    if (!ec && parsed.is_v6() && parsed.to_v6().scope_id() == 0)
        return rdf_ptr(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA, address.c_str()));
    return nullptr;
}

// Only `server`, one attempt that the timeout bounds, no search list, and TC left visible.
void configure_resolver(ldns_resolver* r, const dns_server& server, dns_transport t) {
    ldns_resolver_set_port(r, server.port);
    ldns_resolver_set_recursive(r, server.recursion_desired);
    ldns_resolver_set_retry(r, 1); // one attempt: the timeout bounds the query
    ldns_resolver_set_retrans(r, 0);
    ldns_resolver_set_fallback(r, false); // we want to see TC, not have ldns hide it
    ldns_resolver_set_random(r, false);
    ldns_resolver_set_dnsrch(r, false);
    ldns_resolver_set_defnames(r, false);
    ldns_resolver_set_usevc(r, t == dns_transport::tcp);
    ldns_resolver_set_edns_udp_size(r, t == dns_transport::udp_edns ? edns_buffer : 0);
    const auto ms = server.timeout.count() > 0 ? server.timeout.count() : 1;
    timeval tv{};
    tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms / 1000);
    tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms % 1000) * 1000);
    ldns_resolver_set_timeout(r, tv);
}

// The query packet for `qname`/`type`, class IN; null when ldns cannot build it.
pkt_ptr build_query(ldns_resolver* r, const ldns_rdf* qname, dns_type type, bool recursion) {
    ldns_pkt* raw = nullptr;
    const ldns_status status = ldns_resolver_prepare_query_pkt(
        &raw, r, qname, static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN, recursion ? LDNS_RD : 0);
    pkt_ptr query(raw);
    if (status != LDNS_STATUS_OK)
        return nullptr;
    return query;
}

// What one send returned, with what is needed to tell why nothing came back.
struct exchange {
    ldns_status status = LDNS_STATUS_OK;
    pkt_ptr reply;
    int saved_errno = 0;
    std::chrono::milliseconds elapsed{0};
};

exchange send_query(ldns_resolver* r, ldns_pkt* query) {
    exchange out;
    ldns_pkt* raw_reply = nullptr;
    errno = 0;
    const auto started = std::chrono::steady_clock::now();
    out.status = ldns_resolver_send_pkt(&raw_reply, r, query);
    out.saved_errno = errno;
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    out.reply.reset(raw_reply);
    return out;
}

// Why a send brought no reply: refused, timed out (within 10 % of the timeout), or ldns's
// own reason.
std::string no_answer_reason(const exchange& sent, const dns_server& server) {
    if (sent.saved_errno == ECONNREFUSED)
        return "connection refused";
    if (sent.elapsed * 10 >= server.timeout * 9)
        return "timeout after " + std::to_string(server.timeout.count()) + " ms";
    return ldns_get_errorstr_by_id(sent.status);
}

// Header flags and figures, and the answer RRs of the asked type and class IN.
void read_reply(const ldns_pkt* reply, dns_type type, dns_response& out) {
    out.rcode = static_cast<int>(ldns_pkt_get_rcode(reply));
    out.truncated = ldns_pkt_tc(reply);
    out.recursion_available = ldns_pkt_ra(reply);
    out.octets = ldns_pkt_size(reply);
    const ldns_rr_list* answer = ldns_pkt_answer(reply);
    if (!answer)
        return;
    out.answer_rrs = ldns_rr_list_rr_count(answer);
    const auto rr_type = static_cast<ldns_rr_type>(type);
    for (std::size_t i = 0; i < out.answer_rrs; ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) != rr_type || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
            continue;
        out.records.push_back(record_text(rr, type));
        out.min_ttl = std::min(out.min_ttl.value_or(ldns_rr_ttl(rr)), ldns_rr_ttl(rr));
    }
}

} // namespace

std::optional<std::string> check_dns_server(const dns_server& server) {
    if (!server_rdf(server.address))
        return "server '" + server.address + "' is not an IPv4 or IPv6 address";
    if (server.port == 0)
        return std::string("port 0 is not usable");
    if (server.timeout.count() <= 0)
        return std::string("the timeout must be positive");
    return std::nullopt;
}

dns_response dns_query(const dns_server& server, const std::string& name, dns_type type,
                       dns_transport t) {
    dns_response out;
    out.transport = transport_name(t);
    const rdf_ptr address = server_rdf(server.address);
    const rdf_ptr qname(ldns_dname_new_frm_str(name.c_str()));
    const resolver_ptr res(ldns_resolver_new());
    if (!address || !qname || !res) {
        out.failure = !address ? "'" + server.address + "' is not an IPv4 or IPv6 address"
                      : !qname ? "'" + name + "' is not a valid DNS name"
                               : "out of memory";
        return out;
    }
    if (ldns_resolver_push_nameserver(res.get(), address.get()) != LDNS_STATUS_OK) {
        out.failure = "cannot use server " + server.address;
        return out;
    }
    configure_resolver(res.get(), server, t);
    const pkt_ptr query = build_query(res.get(), qname.get(), type, server.recursion_desired);
    if (!query) {
        out.failure = "cannot build the query";
        return out;
    }
    const exchange sent = send_query(res.get(), query.get());
    const std::string at = " from " + server.address + "#" + std::to_string(server.port);
    if (sent.status != LDNS_STATUS_OK || !sent.reply) {
        out.failure = "no answer" + at + ": " + no_answer_reason(sent, server);
        return out;
    }
    if (!ldns_pkt_qr(sent.reply.get()) ||
        ldns_pkt_id(sent.reply.get()) != ldns_pkt_id(query.get())) {
        out.failure = "a response" + at + " that does not match the query";
        return out;
    }
    read_reply(sent.reply.get(), type, out);
    return out;
}

std::string_view dns_type_name(dns_type type) {
    switch (type) {
    case dns_type::a:
        return "A";
    case dns_type::aaaa:
        return "AAAA";
    case dns_type::mx:
        return "MX";
    case dns_type::ptr:
        return "PTR";
    case dns_type::spf:
        return "SPF";
    case dns_type::txt:
        break;
    }
    return "TXT";
}

std::string rcode_name(int rcode) {
    static constexpr std::string_view names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                 "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                 "NXRRSET", "NOTAUTH", "NOTZONE"};
    if (rcode >= 0 && static_cast<std::size_t>(rcode) < std::size(names))
        return std::string(names[rcode]);
    return "RCODE " + std::to_string(rcode);
}

std::vector<std::string> resolv_conf_servers(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos || !line.substr(first).starts_with("nameserver"))
            continue;
        line.remove_prefix(first + 10);
        const std::size_t from = line.find_first_not_of(" \t");
        if (from == 0 || from == std::string_view::npos)
            continue; // "nameservers…" or nothing after it
        const std::string address(line.substr(from, line.find_first_of(" \t\r#;", from) - from));
        boost::system::error_code ec;
        boost::asio::ip::make_address(address, ec);
        if (!ec && address.find('%') == std::string::npos)
            out.push_back(address);
    }
    return out;
}

} // namespace spfd
