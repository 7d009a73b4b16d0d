// SPDX-License-Identifier: MIT
#include "customer/batch.h"

#include "customer/customer_report.h"
#include "dns/client.h"
#include "dns/name.h"
#include "util/file_access.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

namespace spfd {
namespace {

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n ") == std::string_view::npos)
        return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(" \t\r");
    return std::string(s.substr(first, last - first + 1));
}

} // namespace

std::vector<customer_report> check_customers(const std::vector<std::string>& domains,
                                             const customer_options& options,
                                             const resolver_factory& make_resolver, unsigned jobs,
                                             const batch_progress& progress) {
    std::vector<customer_report> reports(domains.size());
    std::atomic<std::size_t> next{0};
    std::size_t done = 0;
    std::mutex progress_mutex;
    const auto work = [&] {
        const std::unique_ptr<spf_resolver> resolver = make_resolver();
        for (std::size_t i; (i = next.fetch_add(1)) < domains.size();) {
            reports[i] = check_customer(*resolver, options, domains[i]);
            const std::lock_guard lock(progress_mutex);
            ++done;
            if (progress)
                progress(done, domains.size());
        }
    };
    const unsigned workers = static_cast<unsigned>(std::min<std::size_t>(
        std::clamp(jobs, 1u, max_batch_jobs), std::max<std::size_t>(domains.size(), 1)));
    std::vector<std::jthread> threads;
    for (unsigned w = 1; w < workers; ++w)
        threads.emplace_back(work);
    work();
    threads.clear(); // joins: every report is written before it is returned
    return reports;
}

std::variant<std::vector<std::string>, std::string>
read_domain_list(const std::filesystem::path& path) {
    if (const auto problem = file_problem(path))
        return problem->line(path);
    std::ifstream in(path);
    if (!in)
        return path.string() + ": cannot be read";
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        const std::string text = trimmed(line.substr(0, line.find('#')));
        if (text.empty())
            continue;
        if (text.find_first_of(" \t") != std::string::npos || !is_wire_encodable_name(text) ||
            text.find("..") != std::string::npos || text.front() == '.')
            return path.string() + ":" + std::to_string(number) + ": '" + text +
                   "' is not a domain name";
        if (seen.insert(normalized_domain(text)).second)
            out.push_back(text);
    }
    return out;
}

namespace {

// The worst DMARC outcome over our senders, then the DMARC problem codes:
// "reject: dmarc_blocks_our_mail", "no policy: dmarc_missing", "pass".
std::string dmarc_column(const customer_report& r) {
    if (!r.dns_error.empty())
        return "";
    if (!r.dmarc.dns_error.empty())
        return "dns_error";
    std::string codes;
    for (const customer_problem& p : r.dmarc.problems)
        codes += (codes.empty() ? "" : ";") + p.code;
    return r.dmarc.worst_outcome() + (codes.empty() ? "" : ": " + codes);
}

} // namespace

std::string batch_csv(const std::vector<customer_report>& reports) {
    std::string out = "domain,exit_code,records,include_present,include_reached,all_pass,"
                      "lookups,void_lookups,problems,suggested_record,dmarc\n";
    for (const customer_report& r : reports) {
        std::string codes;
        for (const customer_problem& p : r.problems)
            if (codes.find(p.code) == std::string::npos)
                codes += (codes.empty() ? "" : ";") + p.code;
        if (!r.dns_error.empty())
            codes = "dns_error";
        out += csv_field(r.domain) + "," + std::to_string(r.exit_code()) + "," +
               std::to_string(r.spf_records.size()) + "," + (r.include_present ? "yes" : "no") +
               "," + (r.include_reached ? "yes" : "no") + "," + (r.all_pass() ? "yes" : "no") +
               "," + std::to_string(r.max_lookups) + "," + std::to_string(r.max_void_lookups) +
               "," + csv_field(codes) + "," +
               csv_field(r.dns_error.empty() ? r.suggested_record : "") + "," +
               csv_field(dmarc_column(r)) + "\n";
    }
    return out;
}

std::string batch_json(const std::vector<customer_report>& reports) {
    std::string out = "[";
    for (std::size_t i = 0; i < reports.size(); ++i)
        out += (i ? ",\n" : "\n") + customer_json(reports[i]);
    return out + "\n]";
}

int batch_exit_code(const std::vector<customer_report>& reports) {
    int worst = 0;
    for (const customer_report& r : reports)
        worst = std::max(worst, r.exit_code());
    return worst;
}

} // namespace spfd
