#pragma once
// Random graph generators over vertices 0..n-1 (docs/networks.md). Each returns undirected
// ties, each listed once, without self-loops, all of weight `weight`. Draws come from a
// counter-based RandomStream and only portable arithmetic (no std:: distributions, whose
// output is implementation-defined), so a graph is a function of its parameters and seed.

#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "core/scenario.hpp"

namespace regsim {

// G(n, p) with p = mean_degree / (n - 1), by geometric skipping (Batagelj and Brandes 2005):
// O(n + m) time.
std::vector<TieSpec> generateErdosRenyi(std::uint32_t n, double mean_degree, double weight,
                                        RandomStream& rng);

// Watts-Strogatz: ring lattice with k = ringDegree(mean_degree) neighbours (k/2 each side);
// each lattice edge keeps its first end and moves its second to a uniform other vertex with
// probability `rewiring`. Pairs drawn twice are kept once. O(n k + n log) time.
std::vector<TieSpec> generateSmallWorld(std::uint32_t n, double mean_degree, double rewiring,
                                        double weight, RandomStream& rng);
// Even lattice degree nearest to mean_degree (halves up), at least 2, at most n - 1.
std::uint32_t ringDegree(std::uint32_t n, double mean_degree);

// Barabasi-Albert: a clique on m + 1 vertices, then each new vertex attaches to m distinct
// earlier vertices chosen proportionally to degree (uniform draws from the list of edge ends).
// m = baAttachments(mean_degree). O(m n) time.
std::vector<TieSpec> generatePowerLaw(std::uint32_t n, double mean_degree, double weight,
                                      RandomStream& rng);
std::uint32_t baAttachments(double mean_degree);  // max(1, round(mean_degree / 2))

// Stochastic block model: `blocks` consecutive blocks of near-equal size (block b holds
// [b n / B, (b + 1) n / B)); expected degree mean_degree, of which within_share inside the
// block. Geometric skipping within each block and each block pair: O(n + m + B^2) time.
std::vector<TieSpec> generateBlocks(std::uint32_t n, std::uint32_t blocks, double mean_degree,
                                    double within_share, double weight, RandomStream& rng);
// Block of vertex v under the rule above.
std::uint32_t blockOf(std::uint32_t v, std::uint32_t n, std::uint32_t blocks);

}  // namespace regsim
