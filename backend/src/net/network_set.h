// SPDX-License-Identifier: MIT
#pragma once

#include "net/ip_network.h"

#include <cstddef>
#include <vector>

namespace spfd {

/// An input network that adds nothing because another input already contains it.
struct covered_network {
    std::size_t index;      ///< position in the input
    std::size_t covered_by; ///< position of the input that contains it
};

/// The fewest CIDR networks whose union is exactly the union of the inputs, sorted IPv4
/// first, then numerically. Independent of input order: the same set always gives the same
/// list. Inputs must not contain exact duplicates (the caller reports those).
std::vector<ip_network> aggregate(const std::vector<ip_network>& networks);

/// The addresses of `from` that are in none of `minus`, as aggregate() gives them: the fewest
/// CIDR networks, sorted. Either list may hold overlapping networks of both families. What
/// an operator asks of a change: `subtract(before, after)` stop passing, `subtract(after,
/// before)` start passing, however aggregation regrouped the networks in between.
std::vector<ip_network> subtract(const std::vector<ip_network>& from,
                                 const std::vector<ip_network>& minus);

/// Inputs contained in a strictly larger input, for the operator's information.
std::vector<covered_network> find_covered(const std::vector<ip_network>& networks);

} // namespace spfd
