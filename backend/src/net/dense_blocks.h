// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace spfd {

/// The IPv4 /16 blocks in which the served ranges are dense, as bitmaps: one bit per
/// address, 8 KiB per block, where the same block held as ranges takes 8 bytes per range
/// in range_index's leaves. A block is dense when it holds more than 1,024 ranges, so a
/// bitmap never costs more memory than the ranges it replaces (besides one 128 KiB table
/// per zone that has dense blocks). For a million listed /32s
/// (the benchmark's macro zone) the 7 MiB of leaves become 31 blocks, 248 KiB, which
/// stay in the CPU's caches: a lookup that missed them waited on memory.
class dense_v4_blocks {
  public:
    /// `ranges` sorted, disjoint and joined where they touch. Keeps the dense blocks and
    /// returns what lies outside them, in the same form, for range_index.
    std::vector<std::pair<std::uint32_t, std::uint32_t>>
    take(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& ranges);

    /// Whether `address` lies in a dense block: contains() then answers for it.
    bool covers(std::uint32_t address) const {
        return !slots_.empty() && slots_[address >> 16] != 0;
    }
    /// Only for an address that covers() holds.
    bool contains(std::uint32_t address) const {
        const std::size_t low = address & 0xffff;
        const std::uint64_t word = bits_[(slots_[address >> 16] - 1u) * words_per_block + low / 64];
        return (word >> (low % 64)) & 1;
    }
    std::size_t block_count() const { return bits_.size() / words_per_block; }

  private:
    static constexpr std::size_t words_per_block = 65536 / 64;
    static constexpr std::size_t dense_above = 1024; ///< ranges in a block

    /// For each /16, 0 or 1 + the block's index in bits_; empty when no block is dense, so
    /// that covers() costs a sparse zone one branch. 128 KiB, of which a lookup reads one
    /// cache line that the addresses of one block share.
    std::vector<std::uint16_t> slots_;
    std::vector<std::uint64_t> bits_;
};

} // namespace spfd
