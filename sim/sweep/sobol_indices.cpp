#include "sweep/sobol_indices.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/rng.hpp"
#include "sweep/saltelli.hpp"

namespace regsim {
namespace {

// Keys the bootstrap streams apart from any run's streams (runs use small steps).
constexpr std::uint64_t bootstrap_step_tag = 0x424f4f5400000000ull;  // "BOOT"

struct Estimate {
    std::vector<double> s1, st;
    double variance;
};

// Estimates on the base rows listed in `rows` (indices into 0..N-1, repeats allowed).
Estimate estimate(const std::vector<double>& y, std::size_t k,
                  const std::vector<std::size_t>& rows) {
    const std::size_t block = k + 2;
    const double n = static_cast<double>(rows.size());
    // Two-pass variance of the 2N outputs on A and B.
    double mean = 0.0;
    for (std::size_t r : rows)
        mean += y[r * block + saltelli_a_row] + y[r * block + saltelli_b_row];
    mean /= 2.0 * n;
    double variance = 0.0;
    for (std::size_t r : rows) {
        const double da = y[r * block + saltelli_a_row] - mean;
        const double db = y[r * block + saltelli_b_row] - mean;
        variance += da * da + db * db;
    }
    variance /= 2.0 * n;

    Estimate e{std::vector<double>(k, 0.0), std::vector<double>(k, 0.0), variance};
    for (std::size_t r : rows) {
        const double fa = y[r * block + saltelli_a_row];
        const double fb = y[r * block + saltelli_b_row];
        for (std::size_t i = 0; i < k; ++i) {
            const double fab = y[r * block + saltelliABRow(i)];
            e.s1[i] += fb * (fab - fa);
            e.st[i] += (fa - fab) * (fa - fab);
        }
    }
    for (std::size_t i = 0; i < k; ++i) {
        e.s1[i] =
            variance > 0.0 ? e.s1[i] / n / variance : std::numeric_limits<double>::quiet_NaN();
        e.st[i] = variance > 0.0 ? e.st[i] / (2.0 * n) / variance
                                 : std::numeric_limits<double>::quiet_NaN();
    }
    return e;
}

// Percentile with linear interpolation between order statistics; `v` is sorted in place.
double percentile(std::vector<double>& v, double q) {
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

SobolIndices estimateSobolIndices(const std::vector<double>& outputs, std::size_t k,
                                  std::size_t n_base, std::uint64_t bootstrap_seed, int bootstrap) {
    if (k == 0) throw std::invalid_argument("sobol indices: no parameters (k = 0)");
    if (n_base < 2) throw std::invalid_argument("sobol indices: need at least 2 base samples");
    if (bootstrap < 0) throw std::invalid_argument("sobol indices: negative bootstrap count");
    if (outputs.size() / (k + 2) != n_base || outputs.size() % (k + 2) != 0) {
        throw std::invalid_argument(
            "sobol indices: " + std::to_string(outputs.size()) +
            " outputs; a saltelli design with N = " + std::to_string(n_base) +
            " and k = " + std::to_string(k) + " has " + std::to_string(n_base * (k + 2)));
    }
    for (std::size_t j = 0; j < outputs.size(); ++j) {
        if (!std::isfinite(outputs[j])) {
            throw std::invalid_argument("sobol indices: output " + std::to_string(j) +
                                        " is not finite");
        }
    }

    std::vector<std::size_t> rows(n_base);
    for (std::size_t r = 0; r < n_base; ++r) rows[r] = r;
    const Estimate full = estimate(outputs, k, rows);

    SobolIndices result;
    result.variance = full.variance;
    result.first_order.resize(k);
    result.total_order.resize(k);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < k; ++i) {
        result.first_order[i] = {full.s1[i], nan, nan};
        result.total_order[i] = {full.st[i], nan, nan};
    }
    if (bootstrap == 0 || !(full.variance > 0.0)) return result;

    const auto replicates = static_cast<std::size_t>(bootstrap);
    std::vector<std::vector<double>> s1(k), st(k);
    for (std::size_t b = 0; b < replicates; ++b) {
        // One stream per bootstrap replicate: the result does not depend on evaluation order.
        RandomStream stream(RngKey{.seed = bootstrap_seed,
                                   .step = bootstrap_step_tag,
                                   .entity = b,
                                   .purpose = Purpose::decision});
        for (auto& r : rows) r = static_cast<std::size_t>(stream.below(n_base));
        const Estimate e = estimate(outputs, k, rows);
        if (!(e.variance > 0.0)) continue;  // all resampled outputs equal: no estimate
        for (std::size_t i = 0; i < k; ++i) {
            s1[i].push_back(e.s1[i]);
            st[i].push_back(e.st[i]);
        }
    }
    for (std::size_t i = 0; i < k && !s1[i].empty(); ++i) {
        result.first_order[i].low = percentile(s1[i], 0.025);
        result.first_order[i].high = percentile(s1[i], 0.975);
        result.total_order[i].low = percentile(st[i], 0.025);
        result.total_order[i].high = percentile(st[i], 0.975);
    }
    return result;
}

}  // namespace regsim
