// SPDX-License-Identifier: MIT
#pragma once

// The processing limits of RFC 7208 §4.6.4, in one place: check_host(), the probe and the
// customer checks all judge a record against these numbers.

namespace spfd {

/// Terms that cost a DNS lookup (costs_dns_lookup(): include, a, mx, ptr, exists,
/// redirect) one evaluation may reach, nested ones included; the next one is a permerror.
inline constexpr unsigned spf_max_lookups = 10;
/// Lookups answered NXDOMAIN or empty ("void") one evaluation may meet; the next one is a
/// permerror.
inline constexpr unsigned spf_max_void_lookups = 2;
/// Names one mx or ptr term may follow: MX hosts (more is a permerror), PTR names (the
/// rest are ignored).
inline constexpr unsigned spf_max_names_per_lookup = 10;

} // namespace spfd
