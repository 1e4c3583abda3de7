#pragma once
// Helpers shared by the graph tests: degrees, simplicity checks, clustering.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "core/scenario.hpp"

namespace regsim::test {

template <typename Ties>  // std::vector<TieSpec> or TieTable
inline std::vector<std::uint32_t> degrees(const Ties& ties, std::uint32_t n) {
    std::vector<std::uint32_t> d(n, 0);
    for (const auto& t : ties) {
        ++d.at(t.a);
        ++d.at(t.b);
    }
    return d;
}

template <typename Ties>  // std::vector<TieSpec> or TieTable
inline double meanDegree(const Ties& ties, std::uint32_t n) {
    return 2.0 * static_cast<double>(ties.size()) / n;
}

template <typename Ties>  // std::vector<TieSpec> or TieTable
inline double degreeVariance(const Ties& ties, std::uint32_t n) {
    const auto d = degrees(ties, n);
    const double mean = meanDegree(ties, n);
    double s = 0.0;
    for (const auto x : d) s += (x - mean) * (x - mean);
    return s / n;
}

// No self-loops, no pair twice (in either direction), every index below n.
template <typename Ties>  // std::vector<TieSpec> or TieTable
inline ::testing::AssertionResult isSimple(const Ties& ties, std::uint32_t n) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    pairs.reserve(ties.size());
    for (const auto& t : ties) {
        if (t.a >= n || t.b >= n) return ::testing::AssertionFailure() << "index out of range";
        if (t.a == t.b) return ::testing::AssertionFailure() << "self-loop on " << t.a;
        pairs.emplace_back(std::min(t.a, t.b), std::max(t.a, t.b));
    }
    std::sort(pairs.begin(), pairs.end());
    const auto dup = std::adjacent_find(pairs.begin(), pairs.end());
    if (dup != pairs.end()) {
        return ::testing::AssertionFailure() << "duplicate " << dup->first << "-" << dup->second;
    }
    return ::testing::AssertionSuccess();
}

// Global clustering (transitivity): 3 x triangles / connected triples.
template <typename Ties>  // std::vector<TieSpec> or TieTable
inline double transitivity(const Ties& ties, std::uint32_t n) {
    std::vector<std::vector<std::uint32_t>> adj(n);
    for (const auto& t : ties) {
        adj[t.a].push_back(t.b);
        adj[t.b].push_back(t.a);
    }
    for (auto& row : adj) std::sort(row.begin(), row.end());
    double closed = 0.0, triples = 0.0;
    for (std::uint32_t v = 0; v < n; ++v) {
        const auto& row = adj[v];
        const double d = static_cast<double>(row.size());
        triples += d * (d - 1) / 2;
        for (std::size_t i = 0; i < row.size(); ++i) {
            for (std::size_t j = i + 1; j < row.size(); ++j) {
                if (std::binary_search(adj[row[i]].begin(), adj[row[i]].end(), row[j]))
                    closed += 1.0;
            }
        }
    }
    return triples > 0 ? closed / triples : 0.0;
}

template <typename Ties>
inline std::vector<std::pair<std::uint32_t, std::uint32_t>> pairsOf(const Ties& ties) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> p;
    for (const auto& t : ties) p.emplace_back(std::min(t.a, t.b), std::max(t.a, t.b));
    std::sort(p.begin(), p.end());
    return p;
}

}  // namespace regsim::test
