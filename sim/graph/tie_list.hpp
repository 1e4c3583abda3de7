#pragma once
// Canonical tie lists: every undirected tie once, a < b, sorted by (a, b). Used by the
// generators that can draw a pair twice and by the file readers.

#include <cstdint>
#include <vector>

#include "core/scenario.hpp"

namespace regsim {

enum class DuplicateTies : std::uint8_t {
    add_weights,  // files: "a,b,1" twice is one tie of weight 2
    keep_first,   // generators: a pair drawn twice is one tie
};

// Orders each tie as a < b, sorts by (a, b) and merges duplicates. Self-loops must already be
// excluded. O(n + m) bucket pass by `a` plus a sort of each (short) row, so that 4e7 file ties
// do not pay a global comparison sort. Every index must be < vertex_count.
void canonicalizeTies(std::vector<TieSpec>& ties, std::uint32_t vertex_count,
                      DuplicateTies duplicates);

}  // namespace regsim
