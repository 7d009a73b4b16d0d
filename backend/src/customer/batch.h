// SPDX-License-Identifier: MIT
#pragma once

// `spfctl customer batch`: many customer domains checked with bounded concurrency, one
// report per domain in input order, as CSV or JSON.

#include "customer/customer_check.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace spfd {

/// Makes the resolver one worker thread uses (each worker has its own).
using resolver_factory = std::function<std::unique_ptr<spf_resolver>()>;
/// Called after each domain, from the worker that finished it, never concurrently.
using batch_progress = std::function<void(std::size_t done, std::size_t total)>;

/// The most workers a batch runs, whatever is asked: each has at most one query in flight.
inline constexpr unsigned max_batch_jobs = 64;

/// Checks every domain with `jobs` workers (1 … max_batch_jobs); the reports come back in
/// the order of `domains`.
std::vector<customer_report> check_customers(const std::vector<std::string>& domains,
                                             const customer_options& options,
                                             const resolver_factory& make_resolver, unsigned jobs,
                                             const batch_progress& progress = {});

/// Reads one domain per line; `#` starts a comment, blank lines are skipped, duplicates
/// (any case, final dot or not) are dropped. An error names `file:line`.
std::variant<std::vector<std::string>, std::string>
read_domain_list(const std::filesystem::path& path);

/// One header line, then one line per domain: domain, exit code, records, include present
/// and reached, all pass, lookups, void lookups, problem codes (`;`-separated), the
/// suggested record, DMARC (the worst outcome for our senders, then the DMARC problem
/// codes after ": ") (RFC 4180 quoting).
std::string batch_csv(const std::vector<customer_report>& reports);
/// A JSON array of customer_json() objects.
std::string batch_json(const std::vector<customer_report>& reports);
/// The worst per-domain exit code (0 when there are none).
int batch_exit_code(const std::vector<customer_report>& reports);

} // namespace spfd
