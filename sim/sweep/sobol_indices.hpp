#pragma once
// First-order and total Sobol' sensitivity indices from the outputs of a Saltelli design
// (sweep/saltelli.hpp gives the row order), with percentile bootstrap confidence intervals.
//
// With f_A, f_B, f_ABi the outputs on rows A_n, B_n, A_B^(i)_n and V the variance of the 2N
// outputs on A and B:
//   S1_i = (1/N) sum_n f_B (f_ABi - f_A) / V        (Saltelli et al. 2010, Table 2 (b))
//   ST_i = (1/2N) sum_n (f_A - f_ABi)^2 / V          (Jansen 1999; Saltelli et al. 2010 (f))

#include <cstddef>
#include <cstdint>
#include <vector>

namespace regsim {

struct SobolIndex {
    double value = 0.0;  // estimate on all N base rows
    double low = 0.0;    // 2.5% bootstrap percentile (NaN without bootstrap)
    double high = 0.0;   // 97.5% bootstrap percentile (NaN without bootstrap)
};

struct SobolIndices {
    std::vector<SobolIndex> first_order;  // S1, one per parameter
    std::vector<SobolIndex> total_order;  // ST, one per parameter
    double variance = 0.0;                // V; all indices are NaN when it is 0
};

// outputs: one model output per design row, N * (k + 2) of them. Bootstrap resamples the N
// base rows with replacement `bootstrap` times (0: no intervals), keyed by bootstrap_seed.
// Throws std::invalid_argument for a size mismatch, k == 0, n_base < 2, a negative bootstrap
// count or a non-finite output.
SobolIndices estimateSobolIndices(const std::vector<double>& outputs, std::size_t k,
                                  std::size_t n_base, std::uint64_t bootstrap_seed,
                                  int bootstrap = 200);

}  // namespace regsim
