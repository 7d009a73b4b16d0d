// SPDX-License-Identifier: MIT
#include "query/request_metrics.h"

#include <doctest/doctest.h>

using namespace spfd;
using namespace std::chrono_literals;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST_CASE("a fresh set of counters renders every series at zero") {
    const request_metrics metrics;
    const std::string text = metrics.render();
    CHECK(text.starts_with("# HELP spf_backend_requests_total "));
    CHECK(has_line(text, "spf_backend_requests_total{connector=\"http\",method=\"lookup\"} 0"));
    CHECK(has_line(text, "spf_backend_requests_total{connector=\"unix\",method=\"other\"} 0"));
    CHECK(has_line(text, "spf_backend_request_errors_total{connector=\"unix\"} 0"));
    CHECK(has_line(text, "spf_backend_connections{connector=\"http\"} 0"));
    CHECK(has_line(text, "# TYPE spf_backend_request_duration_seconds histogram"));
    CHECK(has_line(
        text, "spf_backend_request_duration_seconds_bucket{connector=\"unix\",le=\"+Inf\"} 0"));
    CHECK(has_line(text, "spf_backend_request_duration_seconds_count{connector=\"http\"} 0"));
}

TEST_CASE("requests count by connector and method, errors and open connections apart") {
    request_metrics metrics;
    metrics.record(connector::unix_socket, method::lookup, 3us);
    metrics.record(connector::unix_socket, method::lookup, 4us);
    metrics.record(connector::http, method::set_notified, 4us);
    metrics.record(connector::http, method::unknown, 4us);
    metrics.record_error(connector::http);
    metrics.connection_opened(connector::unix_socket);
    metrics.connection_opened(connector::unix_socket);
    metrics.connection_closed(connector::unix_socket);
    const std::string text = metrics.render();
    CHECK(has_line(text, "spf_backend_requests_total{connector=\"unix\",method=\"lookup\"} 2"));
    CHECK(has_line(text, "spf_backend_requests_total{connector=\"http\",method=\"lookup\"} 0"));
    CHECK(
        has_line(text, "spf_backend_requests_total{connector=\"http\",method=\"setNotified\"} 1"));
    CHECK(has_line(text, "spf_backend_requests_total{connector=\"http\",method=\"other\"} 1"));
    CHECK(has_line(text, "spf_backend_request_errors_total{connector=\"http\"} 1"));
    CHECK(has_line(text, "spf_backend_request_errors_total{connector=\"unix\"} 0"));
    CHECK(has_line(text, "spf_backend_connections{connector=\"unix\"} 1"));
}

TEST_CASE("durations fill cumulative buckets; the slowest only +Inf; sum in seconds") {
    request_metrics metrics;
    const connector via = connector::unix_socket;
    metrics.record(via, method::lookup, 9us);   // the first bucket
    metrics.record(via, method::lookup, 11us);  // the second bucket
    metrics.record(via, method::lookup, 900us); // 1e-3
    metrics.record(via, method::lookup, 20ms);  // beyond every bound
    const std::string text = metrics.render();
    const std::string bucket = "spf_backend_request_duration_seconds_bucket{connector=\"unix\",le=";
    CHECK(has_line(text, bucket + "\"1e-05\"} 1"));
    CHECK(has_line(text, bucket + "\"2.5e-05\"} 2"));
    CHECK(has_line(text, bucket + "\"0.0005\"} 2"));
    CHECK(has_line(text, bucket + "\"0.001\"} 3"));
    CHECK(has_line(text, bucket + "\"0.01\"} 3"));
    CHECK(has_line(text, bucket + "\"+Inf\"} 4"));
    CHECK(has_line(text, "spf_backend_request_duration_seconds_sum{connector=\"unix\"} 0.02092"));
    CHECK(has_line(text, "spf_backend_request_duration_seconds_count{connector=\"unix\"} 4"));
    CHECK(has_line(text, "spf_backend_request_duration_seconds_count{connector=\"http\"} 0"));
}
