#include "graph/generators.hpp"

#include <algorithm>
#include <cmath>

#include "core/portable_math.hpp"
#include "graph/tie_list.hpp"

namespace regsim {

namespace {

// Geometric skipping: calls emit(i) for each i in [0, total) independently with probability
// p. The gap to the next chosen index is floor(log(1 - u) / log(1 - p)).
template <class Emit>
void forEachBernoulli(std::uint64_t total, double p, RandomStream& rng, Emit&& emit) {
    if (total == 0 || !(p > 0.0)) return;
    if (p >= 1.0) {
        for (std::uint64_t i = 0; i < total; ++i) emit(i);
        return;
    }
    const double log_q = pmath::log1p(-p);
    std::uint64_t i = 0;
    while (true) {
        const double gap = std::floor(pmath::log1p(-rng.uniform()) / log_q);
        if (gap >= static_cast<double>(total - i)) return;
        i += static_cast<std::uint64_t>(gap);
        emit(i);
        if (++i >= total) return;
    }
}

// Every pair {offset + w, offset + v}, w < v < n, with probability p: Batagelj-Brandes walk
// over the lower triangle row by row, O(n + m).
void erdosRenyiTriangle(std::uint32_t offset, std::uint32_t n, double p, double weight,
                        RandomStream& rng, std::vector<TieSpec>& ties) {
    if (n < 2 || !(p > 0.0)) return;
    const double log_q = p >= 1.0 ? -INFINITY : pmath::log1p(-p);
    std::uint64_t v = 1;
    std::int64_t w = -1;
    while (v < n) {
        double gap = std::floor(pmath::log1p(-rng.uniform()) / log_q);
        gap = std::min(gap, 4.0e18);  // p tiny: the walk simply ends
        w += 1 + static_cast<std::int64_t>(gap);
        while (w >= static_cast<std::int64_t>(v) && v < n) {
            w -= static_cast<std::int64_t>(v);
            ++v;
        }
        if (v < n) {
            ties.push_back({offset + static_cast<std::uint32_t>(w),
                            offset + static_cast<std::uint32_t>(v), weight});
        }
    }
}

// Uniform vertex in [0, n) other than `self` (n >= 2).
std::uint32_t otherVertex(std::uint32_t self, std::uint32_t n, RandomStream& rng) {
    auto t = static_cast<std::uint32_t>(rng.below(n - 1));
    return t >= self ? t + 1 : t;
}

}  // namespace

std::vector<TieSpec> generateErdosRenyi(std::uint32_t n, double mean_degree, double weight,
                                        RandomStream& rng) {
    std::vector<TieSpec> ties;
    if (n < 2) return ties;
    const double p = mean_degree / (n - 1.0);
    ties.reserve(static_cast<std::size_t>(
        std::min(0.5 * n * (n - 1.0) * std::min(p, 1.0), 0.5 * n * mean_degree) * 1.01 + 16));
    erdosRenyiTriangle(0, n, p, weight, rng, ties);
    return ties;
}

std::uint32_t ringDegree(std::uint32_t n, double mean_degree) {
    auto k = static_cast<std::uint64_t>(2 * std::max<long long>(1, std::llround(mean_degree / 2)));
    const std::uint64_t max_k = n >= 1 ? (n - 1) / 2 * 2 : 0;
    return static_cast<std::uint32_t>(std::min(k, max_k));
}

std::vector<TieSpec> generateSmallWorld(std::uint32_t n, double mean_degree, double rewiring,
                                        double weight, RandomStream& rng) {
    std::vector<TieSpec> ties;
    const std::uint32_t k = ringDegree(n, mean_degree);
    if (k < 2) return ties;
    ties.reserve(static_cast<std::size_t>(n) * (k / 2));
    for (std::uint32_t i = 0; i < n; ++i) {
        for (std::uint32_t j = 1; j <= k / 2; ++j) {
            // Always draw, so the stream position does not depend on earlier outcomes.
            const bool rewire = rng.uniform() < rewiring;
            const std::uint32_t t =
                rewire ? otherVertex(i, n, rng) : static_cast<std::uint32_t>((i + j) % n);
            ties.push_back({i, t, weight});
        }
    }
    canonicalizeTies(ties, n, DuplicateTies::keep_first);
    return ties;
}

std::uint32_t baAttachments(double mean_degree) {
    return static_cast<std::uint32_t>(std::max<long long>(1, std::llround(mean_degree / 2)));
}

std::vector<TieSpec> generatePowerLaw(std::uint32_t n, double mean_degree, double weight,
                                      RandomStream& rng) {
    std::vector<TieSpec> ties;
    const std::uint32_t m = baAttachments(mean_degree);
    const std::uint32_t seed_size = std::min<std::uint32_t>(n, m + 1);
    const std::uint64_t expected =
        static_cast<std::uint64_t>(seed_size) * (seed_size - (seed_size > 0)) / 2 +
        static_cast<std::uint64_t>(n - seed_size) * m;
    ties.reserve(expected);
    // ends: each endpoint of each tie once, so a uniform pick is degree-proportional.
    std::vector<std::uint32_t> ends;
    ends.reserve(2 * expected);
    for (std::uint32_t a = 0; a < seed_size; ++a) {
        for (std::uint32_t b = a + 1; b < seed_size; ++b) {
            ties.push_back({a, b, weight});
            ends.push_back(a);
            ends.push_back(b);
        }
    }
    std::vector<std::uint32_t> chosen;
    chosen.reserve(m);
    for (std::uint32_t v = seed_size; v < n; ++v) {
        chosen.clear();
        while (chosen.size() < m) {  // v > m earlier vertices, so m distinct ones exist
            const std::uint32_t t = ends[rng.below(ends.size())];
            if (std::find(chosen.begin(), chosen.end(), t) == chosen.end()) chosen.push_back(t);
        }
        for (const std::uint32_t t : chosen) {
            ties.push_back({t, v, weight});
            ends.push_back(t);
            ends.push_back(v);
        }
    }
    return ties;
}

std::uint32_t blockOf(std::uint32_t v, std::uint32_t n, std::uint32_t blocks) {
    // Largest b with b n / B <= v.
    auto b = static_cast<std::uint32_t>((static_cast<std::uint64_t>(v) * blocks + blocks - 1) / n);
    while (b > 0 && static_cast<std::uint64_t>(b) * n / blocks > v) --b;
    while (b + 1 < blocks && static_cast<std::uint64_t>(b + 1) * n / blocks <= v) ++b;
    return b;
}

std::vector<TieSpec> generateBlocks(std::uint32_t n, std::uint32_t blocks, double mean_degree,
                                    double within_share, double weight, RandomStream& rng) {
    std::vector<TieSpec> ties;
    if (n < 2 || blocks == 0) return ties;
    blocks = std::min(blocks, n);
    if (blocks == 1) within_share = 1.0;                  // one block: every tie is inside it
    const double size = static_cast<double>(n) / blocks;  // nominal block size
    const double p_in = size > 1.0 ? mean_degree * within_share / (size - 1.0) : 0.0;
    const double p_out = blocks > 1 ? mean_degree * (1.0 - within_share) / (n - size) : 0.0;
    ties.reserve(static_cast<std::size_t>(0.5 * n * mean_degree * 1.01 + 16));
    auto first = [&](std::uint32_t b) {
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(b) * n / blocks);
    };
    for (std::uint32_t b = 0; b < blocks; ++b)
        erdosRenyiTriangle(first(b), first(b + 1) - first(b), p_in, weight, rng, ties);
    for (std::uint32_t b = 0; b < blocks; ++b) {
        for (std::uint32_t c = b + 1; c < blocks; ++c) {
            const std::uint32_t rows = first(b + 1) - first(b);
            const std::uint32_t cols = first(c + 1) - first(c);
            const std::uint32_t row0 = first(b);
            const std::uint32_t col0 = first(c);
            forEachBernoulli(
                static_cast<std::uint64_t>(rows) * cols, p_out, rng, [&](std::uint64_t i) {
                    ties.push_back({row0 + static_cast<std::uint32_t>(i / cols),
                                    col0 + static_cast<std::uint32_t>(i % cols), weight});
                });
        }
    }
    return ties;
}

}  // namespace regsim
