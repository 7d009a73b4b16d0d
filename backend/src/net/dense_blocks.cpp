// SPDX-License-Identifier: MIT
#include "net/dense_blocks.h"

#include <algorithm>

namespace spfd {

namespace {

using range = std::pair<std::uint32_t, std::uint32_t>;

// Calls `piece(block, first, last)` for the part of [first, last] in each /16 it touches.
template <class Piece> void for_each_block_piece(const range& r, Piece piece) {
    for (std::uint32_t at = r.first;;) {
        const std::uint32_t block = at >> 16;
        const std::uint32_t end = std::min(r.second, (block << 16) | 0xffffu);
        piece(block, at, end);
        if (end == r.second)
            return;
        at = end + 1;
    }
}

} // namespace

std::vector<range> dense_v4_blocks::take(const std::vector<range>& ranges) {
    if (ranges.size() <= dense_above) // no block can be dense: spare every reload the count
        return ranges;
    std::vector<std::uint32_t> per_block(65536, 0);
    for (const range& r : ranges)
        for_each_block_piece(
            r, [&](std::uint32_t block, std::uint32_t, std::uint32_t) { ++per_block[block]; });
    // A 16-bit slot numbers at most 65,535 blocks; each needs over 1,024 ranges, so that
    // cap takes 67 million ranges to reach, and blocks beyond it simply stay ranges.
    std::size_t dense = 0;
    std::vector<std::uint16_t> slots(65536, 0);
    for (std::uint32_t block = 0; block < 65536 && dense < 65535; ++block)
        if (per_block[block] > dense_above)
            slots[block] = static_cast<std::uint16_t>(++dense);
    if (dense == 0)
        return ranges;
    slots_ = std::move(slots);
    bits_.assign(dense * words_per_block, 0);

    std::vector<range> rest;
    for (const range& r : ranges)
        for_each_block_piece(r, [&](std::uint32_t block, std::uint32_t first, std::uint32_t last) {
            if (slots_[block] == 0) {
                // Pieces in neighbouring sparse blocks touch: range_index joins them again.
                rest.emplace_back(first, last);
                return;
            }
            std::uint64_t* words = bits_.data() + (slots_[block] - 1u) * words_per_block;
            for (std::uint32_t low = first & 0xffff; low <= (last & 0xffff); ++low)
                words[low / 64] |= std::uint64_t{1} << (low % 64);
        });
    return rest;
}

} // namespace spfd
