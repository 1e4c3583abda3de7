#pragma once
// Saltelli (2010) sampling for first-order and total Sobol' indices: two independent N x k
// matrices A and B (the first and last k columns of a 2k-dimensional Sobol' sequence) and the
// k matrices A_B^(i), equal to A except column i, which is taken from B. N * (k + 2) points.
//
// Row order, row-interleaved so that runs of one base sample sit together:
//   for n in 0..N-1:  A_n, B_n, A_B^(1)_n, ..., A_B^(k)_n
// i.e. row n * (k + 2) + 0 is A_n, + 1 is B_n and + 1 + i is A_B^(i)_n (i = 1..k).
//
// Reference: A. Saltelli et al. (2010), "Variance based sensitivity analysis of model output.
// Design and estimator for the total sensitivity index", Comput. Phys. Commun. 181, 259-270.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace regsim {

// Position of each matrix inside one block of k + 2 rows.
inline constexpr std::size_t saltelli_a_row = 0;
inline constexpr std::size_t saltelli_b_row = 1;
inline constexpr std::size_t saltelliABRow(std::size_t i) { return 2 + i; }  // i = 0..k-1

// Points in [0, 1)^k, in the order above. The base rows are points 0..N-1 of the Sobol'
// sequence (scrambled with scramble_seed if given). Throws std::invalid_argument if k is 0 or
// 2k exceeds SobolSequence::max_dimensions.
std::vector<std::vector<double>> saltelliUnitPoints(std::size_t k, std::uint64_t n_base,
                                                    std::optional<std::uint64_t> scramble_seed);

}  // namespace regsim
