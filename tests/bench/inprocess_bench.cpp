// SPDX-License-Identifier: MIT
// In-process costs, no sockets: request -> reply for the answers pdns asks most, with heap
// allocations counted; and the large-zone figures: load and validation of a macro-mode zone
// with 1,000,000 networks, its resident memory, and per-IP answers against the apex one, for
// a set of addresses that stays in the caches and one that does not.
//
//   inprocess_bench [--networks N] [--reload-networks M] [--calls C] [--rounds R]
//
// Prints `key=value` lines that tests/bench/bench.py puts in its table.
#include "io/http_response_head.h"
#include "query/answer.h"
#include "query/envelope.h"
#include "query/http_request.h"
#include "query/plain_http_request.h"
#include "zone/serial_store.h"
#include "zone/zone_set.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

// Every heap allocation of the process passes here; counted while `counting` is set.
namespace {
std::atomic<bool> counting{false};
std::atomic<std::uint64_t> allocations{0};
} // namespace

void* operator new(std::size_t size) {
    if (counting.load(std::memory_order_relaxed))
        allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    return operator new(size);
}
// Not inlined: g++ would otherwise see free() called on what `new` returned, inside Boost's
// exception copies that the HTTP parser pulls in, and warn (-Wmismatched-new-delete).
[[gnu::noinline]] void operator delete(void* p) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}

using namespace spfd;
namespace fs = std::filesystem;

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

long status_kib(const char* field) { // VmRSS, VmHWM from /proc/self/status
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string key = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::atol(line.c_str() + key.size());
    return -1;
}

const std::string zone_header = R"(zone = "spf.connectoor.com"
senders_file = "spf.connectoor.com.senders"
[soa]
primary = "ns1.connectoor.com"
hostmaster = "hostmaster.connectoor.com"
[ns]
names = ["ns1.connectoor.com", "ns2.connectoor.com"]
[spf]
overflow = "macro"
)";

// `count` networks that do not aggregate: IPv4 addresses two apart from 16.0.0.0, and every
// tenth an IPv6 /48 two apart. A list this long lives in a senders_file, as an operator
// would generate it; [[senders]] tables cost the TOML parser alone ~1.7 s and ~320 MB per
// million.
void write_big_zone(const fs::path& dir, std::size_t count) {
    fs::create_directories(dir);
    std::ofstream(dir / "spf.connectoor.com.toml") << zone_header;
    std::ofstream out(dir / "spf.connectoor.com.senders");
    char line[96];
    for (std::size_t i = 0; i < count; ++i) {
        if (i % 10 == 9) {
            std::snprintf(line, sizeof line, "ip6:2a01:%zx:%zx::/48\n", 0x100 + (i / 65536),
                          (i % 65536) & ~std::size_t{1});
        } else {
            const std::uint32_t a = 0x10000000u + 2 * static_cast<std::uint32_t>(i);
            std::snprintf(line, sizeof line, "ip4:%u.%u.%u.%u  # host %zu\n", a >> 24,
                          (a >> 16) & 255, (a >> 8) & 255, a & 255, i);
        }
        out << line;
    }
}

request lookup(std::string qname, std::string qtype) {
    request r;
    r.kind = method::lookup;
    r.qname = std::move(qname);
    r.qtype = std::move(qtype);
    r.zone_id = 1;
    return r;
}

struct call_cost {
    double ns_per_call = 0;
    double allocations_per_call = 0;
};

// Runs `call` `calls` times after a warm-up; the cost of one call.
template <class Call> call_cost measure(std::size_t calls, Call&& call) {
    for (std::size_t i = 0; i < 10000; ++i)
        call(i);
    allocations = 0;
    counting = true;
    const auto start = clock_type::now();
    for (std::size_t i = 0; i < calls; ++i)
        call(i);
    const double took = seconds_since(start);
    counting = false;
    return {took * 1e9 / static_cast<double>(calls),
            static_cast<double>(allocations.load()) / static_cast<double>(calls)};
}

void print_cost(const char* name, const call_cost& c) {
    std::printf("%s_ns=%.1f\n%s_allocs=%.3f\n", name, c.ns_per_call, name, c.allocations_per_call);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// The median of each figure on its own: allocations do not vary between rounds.
call_cost median_cost(const std::vector<call_cost>& costs) {
    std::vector<double> ns, allocs;
    for (const call_cost& c : costs) {
        ns.push_back(c.ns_per_call);
        allocs.push_back(c.allocations_per_call);
    }
    return {median(ns), median(allocs)};
}

// `name`=median, `name`_min, `name`_max.
void print_spread(const char* name, const std::vector<double>& values) {
    std::printf("%s=%.2f\n%s_min=%.2f\n%s_max=%.2f\n", name, median(values), name,
                *std::min_element(values.begin(), values.end()), name,
                *std::max_element(values.begin(), values.end()));
}

std::size_t sink = 0; // keeps the optimiser from dropping the calls

// The per-IP names of `count` addresses from 16.0.0.0 on, at random among 2 * `networks`
// (even offsets listed, odd ones not), as requests and as unix-connector JSON lines; and as
// many apex lines. Each request its own line, as pdns sends them: the per-IP lines differ in
// the name, the apex lines in the resolver's address (remote). Both sides then read as many
// distinct lines, so that the ratio compares answers, not how warm the input is.
struct hot_set {
    std::vector<request> per_ip;
    std::vector<std::string> ip_lines;
    std::vector<std::string> apex_lines;
};

std::string lookup_line(const std::string& qname, std::uint32_t remote) {
    const std::string ip = "10." + std::to_string((remote >> 16) & 255) + "." +
                           std::to_string((remote >> 8) & 255) + "." + std::to_string(remote & 255);
    return R"({"method": "lookup", "parameters": {"local": "127.0.0.1", "qname": ")" + qname +
           R"(", "qtype": "ANY", "real-remote": ")" + ip + R"(/32", "remote": ")" + ip +
           R"(", "zone-id": 1}})";
}

hot_set make_hot_set(std::size_t count, std::size_t networks, unsigned seed) {
    hot_set set;
    std::mt19937 random(seed);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint32_t a = 0x10000000u + static_cast<std::uint32_t>(random() % (2 * networks));
        const std::string name = std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) +
                                 "." + std::to_string((a >> 8) & 255) + "." +
                                 std::to_string(a & 255) + "._ip.spf.connectoor.com.";
        set.per_ip.push_back(lookup(name, "ANY"));
        set.ip_lines.push_back(lookup_line(name, i));
        set.apex_lines.push_back(lookup_line("spf.connectoor.com.", i));
    }
    return set;
}

// JSON line to reply, as the unix connector does it, over `lines` in turn.
call_cost envelope_cost(const snapshot& snap, const std::vector<std::string>& lines,
                        std::size_t calls) {
    std::string scratch;
    return measure(calls, [&](std::size_t i) {
        auto parsed = parse_envelope(lines[i % lines.size()]);
        sink += answer(snap, std::get<request>(parsed), scratch).size();
    });
}

// Each round's costs of one set of names, and the apex ones measured beside them.
struct set_costs {
    std::vector<call_cost> apex, per_ip, apex_line, per_ip_line;
};

std::vector<double> ratios(const std::vector<call_cost>& over,
                           const std::vector<call_cost>& under) {
    std::vector<double> out;
    for (std::size_t i = 0; i < over.size(); ++i)
        out.push_back(over[i].ns_per_call / under[i].ns_per_call);
    return out;
}

// `prefix`_apex_any, _per_ip, _per_ip_over_apex, _envelope_...: medians of the rounds.
void print_set(const std::string& prefix, const set_costs& c) {
    print_cost((prefix + "_apex_any").c_str(), median_cost(c.apex));
    print_cost((prefix + "_per_ip").c_str(), median_cost(c.per_ip));
    print_spread((prefix + "_per_ip_over_apex").c_str(), ratios(c.per_ip, c.apex));
    print_cost((prefix + "_envelope_apex_any").c_str(), median_cost(c.apex_line));
    print_cost((prefix + "_envelope_per_ip").c_str(), median_cost(c.per_ip_line));
    print_spread((prefix + "_envelope_per_ip_over_apex").c_str(),
                 ratios(c.per_ip_line, c.apex_line));
}

} // namespace

int main(int argc, char** argv) {
    std::size_t networks = 1000000, reload_networks = 10000, calls = 2000000, rounds = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::size_t value = std::strtoull(argv[i + 1], nullptr, 10);
        if (flag == "--networks")
            networks = value;
        else if (flag == "--reload-networks")
            reload_networks = value;
        else if (flag == "--calls")
            calls = value;
        else if (flag == "--rounds")
            rounds = std::max<std::size_t>(value, 1);
    }
    const fs::path root = fs::temp_directory_path() / ("spf-bench-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "state");
    serial_store serials(root / "state");

    // 1. The shipped zone: the apex answers, through answer() alone and from the unix
    //    connector's JSON line.
    {
        auto shipped = load_zone_set(SPFD_SOURCE_DIR "/zones", serials);
        if (!shipped.snap) {
            std::fprintf(stderr, "the shipped zone does not load\n");
            return 1;
        }
        const snapshot& snap = *shipped.snap;
        std::string scratch;
        const request any = lookup("spf.connectoor.com.", "ANY");
        const request txt = lookup("SPF.connectoor.com.", "TXT");
        const request nx = lookup("nothing.spf.connectoor.com.", "ANY");
        print_cost("apex_any",
                   measure(calls, [&](std::size_t) { sink += answer(snap, any, scratch).size(); }));
        print_cost("apex_txt",
                   measure(calls, [&](std::size_t) { sink += answer(snap, txt, scratch).size(); }));
        print_cost("nxdomain",
                   measure(calls, [&](std::size_t) { sink += answer(snap, nx, scratch).size(); }));
        const std::string line =
            R"({"method": "lookup", "parameters": {"local": "127.0.0.1", "qname": "spf.connectoor.com.", "qtype": "ANY", "real-remote": "127.0.0.1/32", "remote": "127.0.0.1", "zone-id": 1}})";
        print_cost("envelope_apex_any", measure(calls / 4, [&](std::size_t) {
                       auto parsed = parse_envelope(line);
                       sink += answer(snap, std::get<request>(parsed), scratch).size();
                   }));
        // The same over the HTTP connector, as an HTTP session does it: the request as pdns
        // sends it into the session's buffer, taken by the fast path (which
        // pdns's requests always take), answered, and the response head written.
        const std::string http_text =
            "GET /dns/lookup/spf%2econnectoor%2ecom%2e/ANY HTTP/1.1\r\n"
            "Accept: application/json\r\nConnection: Keep-Alive\r\nHost: 127.0.0.1\r\n"
            "User-Agent: YaHTTP v1.0\r\nX-Remotebackend-Local: 127.0.0.1\r\n"
            "X-Remotebackend-Real-Remote: 127.0.0.1/32\r\nX-Remotebackend-Remote: 127.0.0.1\r\n"
            "X-Remotebackend-Zone-Id: 1\r\n\r\n";
        boost::beast::flat_buffer buffer;
        std::string head;
        print_cost(
            "http_apex_any", measure(calls / 4, [&](std::size_t) {
                buffer.commit(boost::asio::buffer_copy(buffer.prepare(http_text.size()),
                                                       boost::asio::buffer(http_text)));
                const auto plain = take_plain_request(
                    {static_cast<const char*>(buffer.data().data()), buffer.size()}, 16384, 65536);
                if (!plain) {
                    std::fprintf(stderr, "the HTTP request is not a plain one\n");
                    std::exit(1);
                }
                auto parsed = request_from_http(plain->input);
                const std::string_view body = answer(snap, std::get<request>(parsed), scratch);
                write_response_head(head, 200, body.size(), plain->keep_alive, plain->version);
                buffer.consume(plain->size);
                sink += body.size() + head.size();
            }));
    }

    // 2. A macro zone of `networks` networks: load and validate from the TOML file, memory,
    //    and per-IP answers (half listed) against the apex answer of the same snapshot.
    {
        const fs::path dir = root / "big";
        write_big_zone(dir, networks);
        const long rss_before = status_kib("VmRSS");
        const auto start = clock_type::now();
        auto big = load_zone_set(dir, serials);
        const double load_seconds = seconds_since(start);
        if (!big.snap) {
            std::fprintf(stderr, "the %zu-network zone does not load\n", networks);
            return 1;
        }
        std::printf("big_networks=%zu\nbig_zone_bytes=%ju\nbig_load_seconds=%.3f\n", networks,
                    static_cast<std::uintmax_t>(fs::file_size(dir / "spf.connectoor.com.senders")),
                    load_seconds);
        std::printf("big_rss_mib=%.1f\nbig_rss_growth_mib=%.1f\nbig_peak_rss_mib=%.1f\n",
                    status_kib("VmRSS") / 1024.0, (status_kib("VmRSS") - rss_before) / 1024.0,
                    status_kib("VmHWM") / 1024.0);
        const snapshot& snap = *big.snap;
        std::string scratch;
        const request apex = lookup("spf.connectoor.com.", "ANY");
        // Two sets of per-IP names: 4096 addresses, a busy hour's worth, whose leaves and
        // index stay in the CPU's caches; and 65,536, which do not, so that nearly every
        // lookup waits for memory (more distinct addresses cost no more). Half of each set
        // is listed.
        const hot_set hot = make_hot_set(4096, networks, 7);
        const hot_set cold = make_hot_set(65536, networks, 8);
        // Rounds, apex and per-IP measured back to back in each, the ratio taken per round:
        // one round's ratio moves a lot from one run to the next on a shared host, which a
        // median of rounds steadies.
        set_costs hot_costs, cold_costs;
        for (std::size_t round = 0; round < rounds; ++round) {
            for (const auto& [set, costs] :
                 {std::pair{&hot, &hot_costs}, std::pair{&cold, &cold_costs}}) {
                // A plain reference for the lambda: clang does not capture structured bindings.
                const std::vector<request>& names = set->per_ip;
                costs->apex.push_back(measure(
                    calls, [&](std::size_t) { sink += answer(snap, apex, scratch).size(); }));
                costs->per_ip.push_back(measure(calls, [&](std::size_t i) {
                    sink += answer(snap, names[i % names.size()], scratch).size();
                }));
                costs->apex_line.push_back(envelope_cost(snap, set->apex_lines, calls / 4));
                costs->per_ip_line.push_back(envelope_cost(snap, set->ip_lines, calls / 4));
            }
        }
        std::printf("big_rounds=%zu\n", rounds);
        print_set("big", hot_costs);
        print_set("big_cold", cold_costs);
    }

    // 3. What a reload of a `reload_networks`-network zone costs in-process (median of 5).
    {
        const fs::path dir = root / "reload";
        write_big_zone(dir, reload_networks);
        std::vector<double> took;
        for (int i = 0; i < 5; ++i) {
            const auto start = clock_type::now();
            auto set = load_zone_set(dir, serials);
            took.push_back(seconds_since(start));
            sink += set.snap != nullptr;
        }
        std::printf("reload_networks=%zu\nreload_load_ms=%.1f\n", reload_networks,
                    median(took) * 1000);
    }
    fs::remove_all(root);
    std::printf("sink=%zu\n", sink % 10);
    return 0;
}
