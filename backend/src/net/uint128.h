// SPDX-License-Identifier: MIT
#pragma once

namespace spfd {

/// Wide enough for an IPv6 address as one number, so that both families share the range
/// arithmetic. `__extension__` keeps -Wpedantic quiet about the GCC built-in type.
__extension__ typedef unsigned __int128 uint128;

} // namespace spfd
