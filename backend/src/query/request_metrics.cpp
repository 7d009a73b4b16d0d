// SPDX-License-Identifier: MIT
#include "query/request_metrics.h"

#include <cstdio>

namespace spfd {
namespace {

// In the order of enum class method; the array's size makes a forgotten one a compile error.
constexpr std::array<const char*, request_metrics::method_count> method_names{
    "initialize",
    "lookup",
    "getAllDomains",
    "getDomainInfo",
    "list",
    "getAllDomainMetadata",
    "getDomainMetadata",
    "getUpdatedMasters",
    "setNotified",
    "other"};
static_assert(method_names.back() != nullptr, "a method has no metric name");
constexpr std::array<const char*, 2> connector_names{"http", "unix"};

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

} // namespace

request_metrics& request_metrics::global() {
    static request_metrics instance;
    return instance;
}

void request_metrics::record(connector via, method kind, std::chrono::nanoseconds took) {
    per_connector& c = by_connector_[static_cast<std::size_t>(via)];
    c.requests[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
    const double seconds = static_cast<double>(took.count()) * 1e-9;
    for (std::size_t i = 0; i < bucket_seconds.size(); ++i)
        if (seconds <= bucket_seconds[i]) {
            c.buckets[i].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    c.count.fetch_add(1, std::memory_order_relaxed);
    c.sum_ns.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
}

void request_metrics::record_error(connector via) {
    by_connector_[static_cast<std::size_t>(via)].errors.fetch_add(1, std::memory_order_relaxed);
}

void request_metrics::connection_opened(connector via) {
    by_connector_[static_cast<std::size_t>(via)].open_connections.fetch_add(
        1, std::memory_order_relaxed);
}

void request_metrics::connection_closed(connector via) {
    by_connector_[static_cast<std::size_t>(via)].open_connections.fetch_sub(
        1, std::memory_order_relaxed);
}

std::string request_metrics::render() const {
    std::string out;
    out += "# HELP spf_backend_requests_total Requests from pdns, by method and connector.\n"
           "# TYPE spf_backend_requests_total counter\n";
    for (std::size_t c = 0; c < 2; ++c)
        for (std::size_t m = 0; m < method_count; ++m)
            out += std::string("spf_backend_requests_total{connector=\"") + connector_names[c] +
                   "\",method=\"" + method_names[m] + "\"} " +
                   std::to_string(by_connector_[c].requests[m].load(std::memory_order_relaxed)) +
                   "\n";
    out += "# HELP spf_backend_request_errors_total Requests that could not be parsed, were too "
           "large or too slow.\n# TYPE spf_backend_request_errors_total counter\n";
    for (std::size_t c = 0; c < 2; ++c)
        out += std::string("spf_backend_request_errors_total{connector=\"") + connector_names[c] +
               "\"} " + std::to_string(by_connector_[c].errors.load(std::memory_order_relaxed)) +
               "\n";
    out += "# HELP spf_backend_connections Open connections from pdns.\n"
           "# TYPE spf_backend_connections gauge\n";
    for (std::size_t c = 0; c < 2; ++c)
        out += std::string("spf_backend_connections{connector=\"") + connector_names[c] + "\"} " +
               std::to_string(by_connector_[c].open_connections.load(std::memory_order_relaxed)) +
               "\n";
    out += "# HELP spf_backend_request_duration_seconds Time from a complete request to its "
           "reply being ready.\n# TYPE spf_backend_request_duration_seconds histogram\n";
    for (std::size_t c = 0; c < 2; ++c) {
        const per_connector& pc = by_connector_[c];
        const std::string label = std::string("connector=\"") + connector_names[c] + "\"";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < bucket_seconds.size(); ++i) {
            cumulative += pc.buckets[i].load(std::memory_order_relaxed);
            out += "spf_backend_request_duration_seconds_bucket{" + label + ",le=\"" +
                   number(bucket_seconds[i]) + "\"} " + std::to_string(cumulative) + "\n";
        }
        const auto count = pc.count.load(std::memory_order_relaxed);
        out += "spf_backend_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
               std::to_string(count) + "\n";
        out += "spf_backend_request_duration_seconds_sum{" + label + "} " +
               number(static_cast<double>(pc.sum_ns.load(std::memory_order_relaxed)) * 1e-9) + "\n";
        out += "spf_backend_request_duration_seconds_count{" + label + "} " +
               std::to_string(count) + "\n";
    }
    return out;
}

} // namespace spfd
