// SPDX-License-Identifier: MIT
// Backend-only: remote-backend calls per second over one connection, the way one pdns
// backend instance talks (a request, wait for the reply, the next request), with no pdns
// in between. Works against spf-backend and the canned reference alike.
//
//   call_rate --unix PATH | --http PORT  [--seconds S] [--qname NAME]
//
// Prints `calls=N seconds=S calls_per_second=R`. Exits 1 if a reply is not a JSON
// envelope with a result (so a broken backend cannot look fast).
#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

int connect_to(const char* unix_path, int port) {
    if (unix_path != nullptr) {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", unix_path);
        return ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 ? fd : -1;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 ? fd : -1;
}

// pdns's REST encoding of a path segment: every byte but [A-Za-z0-9] as %xx.
std::string rest_encode(std::string_view text) {
    std::string out;
    char hex[4];
    for (unsigned char c : text) {
        if (std::isalnum(c)) {
            out.push_back(static_cast<char>(c));
        } else {
            std::snprintf(hex, sizeof hex, "%%%02x", c);
            out += hex;
        }
    }
    return out;
}

// Reads one reply into `in` (which may keep bytes of the next); returns its body.
bool read_reply(int fd, bool http, std::string& in, std::string& body) {
    char buffer[65536];
    while (true) {
        if (!http) {
            if (const auto nl = in.find('\n'); nl != std::string::npos) {
                body.assign(in, 0, nl);
                in.erase(0, nl + 1);
                return true;
            }
        } else if (const auto head = in.find("\r\n\r\n"); head != std::string::npos) {
            const auto at = in.find("Content-Length: ");
            if (at == std::string::npos || at > head)
                return false;
            const std::size_t length = std::strtoul(in.c_str() + at + 16, nullptr, 10);
            if (in.size() >= head + 4 + length) {
                body.assign(in, head + 4, length);
                in.erase(0, head + 4 + length);
                return true;
            }
        }
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got <= 0)
            return false;
        in.append(buffer, static_cast<std::size_t>(got));
    }
}

} // namespace

int main(int argc, char** argv) {
    const char* unix_path = nullptr;
    int port = 0;
    double seconds = 3;
    std::string qname = "spf.connectoor.com.";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "--unix")
            unix_path = argv[i + 1];
        else if (flag == "--http")
            port = std::atoi(argv[i + 1]);
        else if (flag == "--seconds")
            seconds = std::atof(argv[i + 1]);
        else if (flag == "--qname")
            qname = argv[i + 1];
    }
    const int fd = connect_to(unix_path, port);
    if (fd < 0) {
        std::fprintf(stderr, "call_rate: cannot connect: %s\n", std::strerror(errno));
        return 1;
    }
    const bool http = unix_path == nullptr;
    // Exactly what pdns 4.7.3 sends for the apex lookup on each connector.
    const std::string request =
        http
            ? "GET /dns/lookup/" + rest_encode(qname) +
                  "/ANY HTTP/1.1\r\nAccept: application/json\r\nConnection: Keep-Alive\r\n"
                  "Host: 127.0.0.1\r\nUser-Agent: YaHTTP v1.0\r\nX-Remotebackend-Local: "
                  "127.0.0.1\r\nX-Remotebackend-Real-Remote: 127.0.0.1/32\r\n"
                  "X-Remotebackend-Remote: 127.0.0.1\r\nX-Remotebackend-Zone-Id: 1\r\n\r\n"
            : R"({"method": "lookup", "parameters": {"local": "127.0.0.1", "qname": ")" + qname +
                  R"(", "qtype": "ANY", "real-remote": "127.0.0.1/32", "remote": "127.0.0.1", "zone-id": 1}})"
                  "\n";
    if (unix_path != nullptr) { // the unix connector starts every connection with initialize
        const std::string init = R"({"method": "initialize", "parameters": {"path": ")" +
                                 std::string(unix_path) + R"(", "timeout": "2000"}})" + "\n";
        std::string in, body;
        if (::write(fd, init.data(), init.size()) < 0 || !read_reply(fd, false, in, body))
            return 1;
    }
    std::string in, body;
    std::uint64_t calls = 0;
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    auto now = start;
    while (now < until) {
        for (int i = 0; i < 256; ++i) { // check the clock every 256 calls
            if (::write(fd, request.data(), request.size()) !=
                    static_cast<ssize_t>(request.size()) ||
                !read_reply(fd, http, in, body) || !body.starts_with("{\"result\":[")) {
                std::fprintf(stderr, "call_rate: bad reply after %llu calls: %s\n",
                             static_cast<unsigned long long>(calls), body.c_str());
                return 1;
            }
            ++calls;
        }
        now = std::chrono::steady_clock::now();
    }
    const double took = std::chrono::duration<double>(now - start).count();
    std::printf("calls=%llu seconds=%.3f calls_per_second=%.0f\n",
                static_cast<unsigned long long>(calls), took, calls / took);
    return 0;
}
