#include "graph/generators.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "graph/tie_list.hpp"
#include "graph_test_util.hpp"

namespace regsim {
namespace {

using test::degrees;
using test::isSimple;
using test::meanDegree;

RandomStream streamFor(std::uint64_t seed) {
    return RandomStream(RngKey{seed, 0, 0, 0, Purpose::network});
}

TEST(ErdosRenyi, MeanDegreeAndSimple) {
    const std::uint32_t n = 20000;
    auto rng = streamFor(1);
    const auto ties = generateErdosRenyi(n, 4.0, 1.5, rng);
    EXPECT_NEAR(meanDegree(ties, n), 4.0, 0.08);
    EXPECT_TRUE(isSimple(ties, n));
    for (const auto& t : ties) ASSERT_EQ(t.weight, 1.5);
}

TEST(ErdosRenyi, DegreesArePoisson) {
    const std::uint32_t n = 20000;
    auto rng = streamFor(7);
    const auto ties = generateErdosRenyi(n, 4.0, 1.0, rng);
    // Binomial(n-1, 4/(n-1)) ~ Poisson(4): variance 4, P(0) = e^-4, P(4) = 32 e^-4 / 3.
    EXPECT_NEAR(test::degreeVariance(ties, n), 4.0, 0.25);
    const auto d = degrees(ties, n);
    const double zeros = static_cast<double>(std::count(d.begin(), d.end(), 0u));
    const double fours = static_cast<double>(std::count(d.begin(), d.end(), 4u));
    EXPECT_NEAR(zeros / n, std::exp(-4.0), 0.004);
    EXPECT_NEAR(fours / n, 32.0 / 3.0 * std::exp(-4.0), 0.012);
}

TEST(ErdosRenyi, EveryPairEquallyLikely) {
    // Geometric skipping must not favour early or late pairs: count each pair over many seeds.
    const std::uint32_t n = 30;
    const double z = 3.0, p = z / (n - 1);
    const int runs = 3000;
    std::vector<int> count(n * n, 0);
    for (int s = 0; s < runs; ++s) {
        auto rng = streamFor(1000 + s);
        for (const auto& t : generateErdosRenyi(n, z, 1.0, rng)) ++count[t.a * n + t.b];
    }
    const double expected = runs * p;
    const double sd = std::sqrt(runs * p * (1 - p));
    double chi2 = 0.0;
    int pairs = 0;
    for (std::uint32_t a = 0; a < n; ++a) {
        for (std::uint32_t b = 0; b < n; ++b) {
            if (a < b) {
                // generateErdosRenyi lists a tie as (smaller, larger).
                EXPECT_EQ(count[b * n + a], 0);
                EXPECT_NEAR(count[a * n + b], expected, 5 * sd) << a << "-" << b;
                chi2 += (count[a * n + b] - expected) * (count[a * n + b] - expected) /
                        (expected * (1 - p));
                ++pairs;
            }
        }
    }
    // chi2 with 435 degrees of freedom: mean 435, sd 29.5.
    EXPECT_LT(chi2, pairs + 6 * std::sqrt(2.0 * pairs));
}

TEST(ErdosRenyi, Deterministic) {
    auto r1 = streamFor(42), r2 = streamFor(42), r3 = streamFor(43);
    const auto a = generateErdosRenyi(5000, 4.0, 1.0, r1);
    const auto b = generateErdosRenyi(5000, 4.0, 1.0, r2);
    const auto c = generateErdosRenyi(5000, 4.0, 1.0, r3);
    EXPECT_EQ(test::pairsOf(a), test::pairsOf(b));
    EXPECT_NE(test::pairsOf(a), test::pairsOf(c));
}

TEST(ErdosRenyi, EdgeCases) {
    auto rng = streamFor(3);
    EXPECT_TRUE(generateErdosRenyi(0, 4.0, 1.0, rng).empty());
    EXPECT_TRUE(generateErdosRenyi(1, 4.0, 1.0, rng).empty());
    EXPECT_TRUE(generateErdosRenyi(100, 0.0, 1.0, rng).empty());
    // mean_degree >= n - 1: the complete graph.
    const auto full = generateErdosRenyi(10, 50.0, 1.0, rng);
    EXPECT_EQ(full.size(), 45u);
    EXPECT_TRUE(isSimple(full, 10));
}

TEST(ErdosRenyi, LargeAndSparse) {
    // O(n + m): a million states take a fraction of a second.
    const std::uint32_t n = 1000000;
    auto rng = streamFor(5);
    const auto ties = generateErdosRenyi(n, 4.0, 1.0, rng);
    EXPECT_NEAR(meanDegree(ties, n), 4.0, 0.02);
    EXPECT_GT(ties.back().b, n - 100);  // the walk reaches the last rows
}

TEST(SmallWorld, RingDegree) {
    EXPECT_EQ(ringDegree(100, 4.0), 4u);
    EXPECT_EQ(ringDegree(100, 3.0), 4u);
    EXPECT_EQ(ringDegree(100, 5.0), 6u);
    EXPECT_EQ(ringDegree(100, 1.0), 2u);
    EXPECT_EQ(ringDegree(100, 0.0), 2u);
    EXPECT_EQ(ringDegree(6, 10.0), 4u);
}

TEST(SmallWorld, LatticeWithoutRewiring) {
    const std::uint32_t n = 1000;
    auto rng = streamFor(1);
    const auto ties = generateSmallWorld(n, 4.0, 0.0, 1.0, rng);
    EXPECT_EQ(ties.size(), n * 4 / 2);
    EXPECT_TRUE(isSimple(ties, n));
    for (const auto d : degrees(ties, n)) ASSERT_EQ(d, 4u);
    // Ring lattice clustering 3(k-2) / (4(k-1)) = 0.5 for k = 4.
    EXPECT_NEAR(test::transitivity(ties, n), 0.5, 1e-12);
}

TEST(SmallWorld, RewiredKeepsClustering) {
    const std::uint32_t n = 20000;
    auto rng = streamFor(2);
    const auto sw = generateSmallWorld(n, 4.0, 0.05, 1.0, rng);
    EXPECT_TRUE(isSimple(sw, n));
    // n k / 2 edges drawn; a rewired edge rarely lands on an existing pair.
    EXPECT_LE(sw.size(), n * 2u);
    EXPECT_GE(sw.size(), n * 2u - 20);
    auto rng2 = streamFor(2);
    const auto er = generateErdosRenyi(n, 4.0, 1.0, rng2);
    const double c_sw = test::transitivity(sw, n);
    const double c_er = test::transitivity(er, n);
    // (1 - beta)^3 * 0.5 = 0.43 expected for beta = 0.05; ER: about z / n.
    EXPECT_NEAR(c_sw, 0.5 * std::pow(0.95, 3), 0.03);
    EXPECT_LT(c_er, 0.01);
    EXPECT_GT(c_sw, 40 * c_er);
}

TEST(SmallWorld, FullRewiringLooksRandom) {
    const std::uint32_t n = 20000;
    auto rng = streamFor(3);
    const auto sw = generateSmallWorld(n, 4.0, 1.0, 1.0, rng);
    EXPECT_TRUE(isSimple(sw, n));
    EXPECT_LT(test::transitivity(sw, n), 0.01);
}

TEST(PowerLaw, EdgesAndHubs) {
    const std::uint32_t n = 20000;
    EXPECT_EQ(baAttachments(4.0), 2u);
    EXPECT_EQ(baAttachments(1.0), 1u);  // round(0.5) = 1
    EXPECT_EQ(baAttachments(0.2), 1u);
    EXPECT_EQ(baAttachments(6.0), 3u);
    auto rng = streamFor(11);
    const auto ba = generatePowerLaw(n, 4.0, 1.0, rng);
    const std::uint32_t m = 2;
    EXPECT_EQ(ba.size(), 3u + (n - 3u) * m);  // clique on m + 1, then m per new vertex
    EXPECT_TRUE(isSimple(ba, n));
    const auto d = degrees(ba, n);
    EXPECT_EQ(*std::min_element(d.begin(), d.end()), m);
    auto rng2 = streamFor(11);
    const auto er = generateErdosRenyi(n, 4.0, 1.0, rng2);
    const auto de = degrees(er, n);
    const auto max_ba = *std::max_element(d.begin(), d.end());
    const auto max_er = *std::max_element(de.begin(), de.end());
    EXPECT_LT(max_er, 20u);
    EXPECT_GT(max_ba, 100u);  // hubs grow like m sqrt(n) ~ 280
    // Heavy tail: P(k) ~ 2 m^2 / k^3, so about n * m^2 / 20^2 = 200 vertices have degree >= 20.
    const auto tail = std::count_if(d.begin(), d.end(), [](auto x) { return x >= 20; });
    EXPECT_GT(tail, 120);
    EXPECT_LT(tail, 320);
}

TEST(PowerLaw, SmallAndDeterministic) {
    auto r1 = streamFor(5), r2 = streamFor(5);
    EXPECT_EQ(test::pairsOf(generatePowerLaw(500, 6.0, 1.0, r1)),
              test::pairsOf(generatePowerLaw(500, 6.0, 1.0, r2)));
    auto rng = streamFor(1);
    EXPECT_EQ(generatePowerLaw(3, 8.0, 1.0, rng).size(), 3u);  // n <= m + 1: a clique
    EXPECT_TRUE(generatePowerLaw(1, 4.0, 1.0, rng).empty());
}

TEST(Blocks, BlockOf) {
    // n = 10, 3 blocks: [0, 3), [3, 6), [6, 10).
    const std::vector<std::uint32_t> want{0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
    for (std::uint32_t v = 0; v < 10; ++v) EXPECT_EQ(blockOf(v, 10, 3), want[v]) << v;
    // Brute force: block b holds [b n / B, (b + 1) n / B).
    for (std::uint32_t b = 0; b < 7; ++b) {
        for (std::uint32_t v = b * 1003 / 7; v < (b + 1) * 1003 / 7; ++v)
            ASSERT_EQ(blockOf(v, 1003, 7), b) << v;
    }
}

TEST(Blocks, WithinShareAndDegree) {
    const std::uint32_t n = 20000, blocks = 4;
    auto rng = streamFor(9);
    const auto ties = generateBlocks(n, blocks, 6.0, 0.8, 2.0, rng);
    EXPECT_TRUE(isSimple(ties, n));
    EXPECT_NEAR(meanDegree(ties, n), 6.0, 0.12);
    std::size_t within = 0;
    for (const auto& t : ties) within += blockOf(t.a, n, blocks) == blockOf(t.b, n, blocks);
    EXPECT_NEAR(static_cast<double>(within) / ties.size(), 0.8, 0.01);
    for (const auto& t : ties) ASSERT_EQ(t.weight, 2.0);
    // Every block pair is used (no block left out of the between-block walk).
    std::vector<int> pair_count(blocks * blocks, 0);
    for (const auto& t : ties) {
        const auto a = blockOf(t.a, n, blocks), b = blockOf(t.b, n, blocks);
        ++pair_count[std::min(a, b) * blocks + std::max(a, b)];
    }
    for (std::uint32_t a = 0; a < blocks; ++a) {
        for (std::uint32_t b = a + 1; b < blocks; ++b) {
            // Expected n * z * (1 - w) / 2 / 6 = 2000 per pair.
            EXPECT_NEAR(pair_count[a * blocks + b], 2000, 200) << a << "-" << b;
        }
    }
}

TEST(Blocks, OneBlockIsErdosRenyi) {
    const std::uint32_t n = 10000;
    auto rng = streamFor(4);
    const auto ties = generateBlocks(n, 1, 4.0, 0.5, 1.0, rng);
    EXPECT_NEAR(meanDegree(ties, n), 4.0, 0.12);
    auto rng2 = streamFor(4);
    const auto all_within = generateBlocks(n, 5, 4.0, 1.0, 1.0, rng2);
    for (const auto& t : all_within) ASSERT_EQ(blockOf(t.a, n, 5), blockOf(t.b, n, 5));
}

TEST(TieList, CanonicalizeMergesDuplicates) {
    std::vector<TieSpec> ties{{2, 1, 1.0}, {0, 3, 0.5}, {1, 2, 2.0}, {3, 0, 0.25}, {1, 3, 1.0}};
    auto added = ties;
    canonicalizeTies(added, 4, DuplicateTies::add_weights);
    ASSERT_EQ(added.size(), 3u);
    EXPECT_EQ(added[0].a, 0u);
    EXPECT_EQ(added[0].b, 3u);
    EXPECT_DOUBLE_EQ(added[0].weight, 0.75);
    EXPECT_EQ(added[1].a, 1u);
    EXPECT_EQ(added[1].b, 2u);
    EXPECT_DOUBLE_EQ(added[1].weight, 3.0);
    EXPECT_EQ(added[2].a, 1u);
    EXPECT_EQ(added[2].b, 3u);
    auto kept = ties;
    canonicalizeTies(kept, 4, DuplicateTies::keep_first);
    ASSERT_EQ(kept.size(), 3u);
    EXPECT_DOUBLE_EQ(kept[0].weight, 0.5);
    EXPECT_DOUBLE_EQ(kept[1].weight, 1.0);
}

TEST(TieList, CanonicalizeMatchesReferenceOnManyVertices) {
    // Above 1024 vertices the two-level bucket pass is used; compare with a std::map.
    const std::uint32_t n = 100000;
    auto rng = streamFor(21);
    std::vector<TieSpec> ties;
    std::map<std::pair<std::uint32_t, std::uint32_t>, double> sum, first;
    for (int i = 0; i < 300000; ++i) {
        // Few hub rows and many sparse ones, with repeats in both directions.
        const auto a = static_cast<std::uint32_t>(i % 7 == 0 ? rng.below(10) : rng.below(n));
        auto b = static_cast<std::uint32_t>(rng.below(i % 3 == 0 ? 50 : n));
        if (a == b) continue;
        const double w = 1.0 + static_cast<double>(rng.below(4));
        ties.push_back({a, b, w});
        const auto key = std::make_pair(std::min(a, b), std::max(a, b));
        sum[key] += w;
        first.emplace(key, w);
    }
    auto added = ties;
    canonicalizeTies(added, n, DuplicateTies::add_weights);
    auto kept = ties;
    canonicalizeTies(kept, n, DuplicateTies::keep_first);
    ASSERT_EQ(added.size(), sum.size());
    ASSERT_EQ(kept.size(), first.size());
    std::size_t i = 0;
    for (const auto& [key, w] : sum) {
        ASSERT_EQ(added[i].a, key.first);
        ASSERT_EQ(added[i].b, key.second);
        ASSERT_DOUBLE_EQ(added[i].weight, w);
        ASSERT_DOUBLE_EQ(kept[i].weight, first.at(key));
        ++i;
    }
}

}  // namespace
}  // namespace regsim
