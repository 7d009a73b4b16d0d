// SPDX-License-Identifier: MIT
// The benchmark's near-zero-cost reference: a pdns remote backend that answers from a
// handful of fixed strings, single-threaded on epoll, over the unix connector (JSON lines)
// and the HTTP connector (REST GET, post=1 and post_json bodies). It does the least any
// backend must: find the method and the qname, pick a canned reply. Whatever pdns spends
// on top of it is pdns's own cost; spf-backend is measured against it (docs/performance.md).
//
//   canned_backend --unix PATH | --http PORT   [--mode flat|macro]
//
// It serves the zone the benchmark serves: spf.connectoor.com with SOA, NS and the TXT,
// and in macro mode every name under _ip. answered `v=spf1 -all` (no range check: the
// cheapest possible per-IP answer). Not for production: no limits, no validation.
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <unordered_map>

namespace {

constexpr std::string_view apex = "spf.connectoor.com.";
constexpr std::string_view per_ip_suffix = "._ip.spf.connectoor.com.";

const std::string soa_row =
    R"({"qtype":"SOA","qname":"spf.connectoor.com.","content":"ns1.connectoor.com. hostmaster.connectoor.com. 2026010101 3600 600 1209600 300","ttl":3600,"domain_id":1})";
const std::string ns_rows =
    R"({"qtype":"NS","qname":"spf.connectoor.com.","content":"ns1.connectoor.com.","ttl":86400,"domain_id":1},{"qtype":"NS","qname":"spf.connectoor.com.","content":"ns2.connectoor.com.","ttl":86400,"domain_id":1})";

struct replies {
    std::string any, soa, ns, txt;
};

replies make_replies(bool macro) {
    const std::string txt_text =
        macro ? R"(\"v=spf1 include:%{i}._ip.spf.connectoor.com ~all\")"
              : R"(\"v=spf1 ip4:85.10.214.4 ip4:176.9.5.158 ip4:178.63.53.35 ~all\")";
    const std::string txt_row = R"({"qtype":"TXT","qname":"spf.connectoor.com.","content":")" +
                                txt_text + R"(","ttl":300,"domain_id":1})";
    return {R"({"result":[)" + soa_row + "," + ns_rows + "," + txt_row + "]}",
            R"({"result":[)" + soa_row + "]}", R"({"result":[)" + ns_rows + "]}",
            R"({"result":[)" + txt_row + "]}"};
}

const std::string domain_info =
    R"({"id":1,"zone":"spf.connectoor.com.","kind":"native","serial":2026010101,"notified_serial":0,"last_check":0,"masters":[]})";
const std::string all_domains = R"({"result":[)" + domain_info + "]}";
const std::string one_domain = R"({"result":)" + domain_info + "}";
const std::string false_reply = R"({"result":false})";
const std::string true_reply = R"({"result":true})";

bool macro_mode = false;
replies canned;

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool iends_with(std::string_view s, std::string_view suffix) {
    return s.size() > suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// The value of "key": "…" in pdns's json11 output (no escapes occur in what we look at).
std::string_view json_string(std::string_view json, std::string_view key) {
    std::string pattern = "\"" + std::string(key) + "\": \"";
    auto at = json.find(pattern);
    std::size_t skip = pattern.size();
    if (at == json.npos) {
        pattern = "\"" + std::string(key) + "\":\"";
        at = json.find(pattern);
        skip = pattern.size();
    }
    if (at == json.npos)
        return {};
    const auto start = at + skip;
    const auto end = json.find('"', start);
    return end == json.npos ? std::string_view{} : json.substr(start, end - start);
}

// Writes the reply for (method, qname, qtype) into `out` and returns it.
const std::string& reply_for(std::string_view method, std::string_view qname,
                             std::string_view qtype, std::string& out) {
    if (method == "lookup") {
        if (iequals(qname, apex)) {
            if (qtype == "ANY")
                return canned.any;
            if (qtype == "SOA")
                return canned.soa;
            if (qtype == "NS")
                return canned.ns;
            if (qtype == "TXT")
                return canned.txt;
            return false_reply;
        }
        if (macro_mode && iends_with(qname, per_ip_suffix) && qname[0] != '*') {
            out = R"({"result":[{"qtype":"TXT","qname":")";
            out += qname;
            out += R"(","content":"\"v=spf1 -all\"","ttl":300,"domain_id":1}]})";
            return out;
        }
        return false_reply;
    }
    if (method == "getAllDomains")
        return all_domains;
    if (method == "getDomainInfo")
        return one_domain;
    if (method == "initialize")
        return true_reply;
    return false_reply;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out.push_back(static_cast<char>(
                std::strtol(std::string(s.substr(i + 1, 2)).c_str(), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

struct connection {
    std::string in, out, scratch;
};

// One complete request at the front of c.in: the reply appended to c.out, and the bytes
// it used; 0 when more bytes are needed.
std::size_t serve_unix(connection& c) {
    const auto newline = c.in.find('\n');
    if (newline == std::string::npos)
        return 0;
    const std::string_view line(c.in.data(), newline);
    c.out += reply_for(json_string(line, "method"), json_string(line, "qname"),
                       json_string(line, "qtype"), c.scratch);
    c.out.push_back('\n');
    return newline + 1;
}

std::size_t serve_http(connection& c) {
    const auto head_end = c.in.find("\r\n\r\n");
    if (head_end == std::string::npos)
        return 0;
    const std::string_view head(c.in.data(), head_end);
    std::size_t body_length = 0;
    if (auto at = head.find("Content-Length: "); at != head.npos)
        body_length = std::strtoul(head.data() + at + 16, nullptr, 10);
    const std::size_t total = head_end + 4 + body_length;
    if (c.in.size() < total)
        return 0;
    const std::string_view body(c.in.data() + head_end + 4, body_length);
    const std::string_view target =
        head.substr(head.find(' ') + 1, head.find(" HTTP/") - head.find(' ') - 1);
    std::string method, qname, qtype;
    if (!body.empty() && body.front() == '{') { // post_json
        method = json_string(body, "method");
        qname = json_string(body, "qname");
        qtype = json_string(body, "qtype");
    } else {
        // /dns/<method>[/<qname>/<qtype>], parameters (post=1) in the body.
        std::string_view path = target.substr(0, target.find('?'));
        std::string_view segments[4];
        std::size_t count = 0;
        while (!path.empty() && count < 4) {
            path.remove_prefix(1);
            const auto slash = path.find('/');
            segments[count++] = path.substr(0, slash);
            path = slash == path.npos ? std::string_view{} : path.substr(slash);
        }
        method = count > 1 ? std::string(segments[1].substr(0, segments[1].find('.'))) : "";
        if (body.starts_with("parameters=")) {
            const std::string params = percent_decode(body.substr(11));
            qname = json_string(params, "qname");
            qtype = json_string(params, "qtype");
        } else {
            qname = count > 2 ? percent_decode(segments[2]) : "";
            qtype = count > 3 ? percent_decode(segments[3]) : "";
        }
    }
    const std::string& reply = reply_for(method, qname, qtype, c.scratch);
    c.out += "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ";
    c.out += std::to_string(reply.size());
    c.out += "\r\n\r\n";
    c.out += reply;
    return total;
}

int listen_on(const char* unix_path, int port) {
    int fd;
    if (unix_path != nullptr) {
        fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", unix_path);
        ::unlink(unix_path);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            return -1;
    } else {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); // loopback only, always
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            return -1;
    }
    return ::listen(fd, 512) == 0 ? fd : -1;
}

} // namespace

int main(int argc, char** argv) {
    const char* unix_path = nullptr;
    int port = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "--unix")
            unix_path = argv[i + 1];
        else if (flag == "--http")
            port = std::atoi(argv[i + 1]);
        else if (flag == "--mode")
            macro_mode = std::string_view(argv[i + 1]) == "macro";
    }
    if ((unix_path == nullptr) == (port == 0)) {
        std::fprintf(stderr,
                     "usage: canned_backend --unix PATH | --http PORT [--mode flat|macro]\n");
        return 2;
    }
    canned = make_replies(macro_mode);
    std::signal(SIGPIPE, SIG_IGN);
    const int listener = listen_on(unix_path, port);
    if (listener < 0) {
        std::fprintf(stderr, "canned_backend: cannot listen: %s\n", std::strerror(errno));
        return 1;
    }
    const bool http = unix_path == nullptr;
    const int ep = ::epoll_create1(0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listener;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    std::unordered_map<int, connection> connections;
    std::printf("event=ready\n");
    std::fflush(stdout);
    epoll_event events[64];
    char buffer[65536];
    while (true) {
        const int n = ::epoll_wait(ep, events, 64, -1);
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == listener) {
                while (true) {
                    const int client = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
                    if (client < 0)
                        break;
                    epoll_event cev{};
                    cev.events = EPOLLIN;
                    cev.data.fd = client;
                    ::epoll_ctl(ep, EPOLL_CTL_ADD, client, &cev);
                    connections[client];
                }
                continue;
            }
            connection& c = connections[fd];
            bool closed = false;
            while (true) {
                const ssize_t got = ::read(fd, buffer, sizeof buffer);
                if (got > 0) {
                    c.in.append(buffer, static_cast<std::size_t>(got));
                    continue;
                }
                closed = got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
                break;
            }
            while (std::size_t used = http ? serve_http(c) : serve_unix(c))
                c.in.erase(0, used);
            // Replies are small: the socket buffer takes them whole.
            if (!c.out.empty()) {
                const ssize_t sent = ::write(fd, c.out.data(), c.out.size());
                if (sent > 0)
                    c.out.erase(0, static_cast<std::size_t>(sent));
            }
            if (closed) {
                ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
                ::close(fd);
                connections.erase(fd);
            }
        }
    }
}
