#pragma once
// "Did you mean ...?": the candidate closest to a mistyped word, for error messages (scenario
// keys and ids, command-line options).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace regsim {

// Optimal string alignment distance, case-insensitive: Levenshtein plus adjacent
// transpositions ("modle" is one edit from "model").
std::size_t editDistance(std::string_view a, std::string_view b);

// The first candidate at the smallest distance from `word`, if that distance is at most
// `max_distance`; else "".
std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates,
                         std::size_t max_distance);

}  // namespace regsim
