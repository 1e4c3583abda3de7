#include "sweep/design.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

namespace regsim::test_design {
namespace {

SweptParameter range(std::string key, double low, double high) {
    SweptParameter p;
    p.key = std::move(key);
    p.low = low;
    p.high = high;
    return p;
}

SweptParameter listed(std::string key, std::vector<double> values) {
    SweptParameter p;
    p.key = std::move(key);
    p.values = std::move(values);
    return p;
}

// "p<i>"; built with += because GCC 12 warns (-Wrestrict, a false positive) on "p" + string.
std::string numberedKey(int i) {
    std::string key = "p";
    key += std::to_string(i);
    return key;
}

DesignSpec sampled(DesignKind kind, std::uint64_t samples, std::uint64_t seed,
                   std::vector<SweptParameter> parameters) {
    DesignSpec spec;
    spec.kind = kind;
    spec.samples = samples;
    spec.design_seed = seed;
    spec.parameters = std::move(parameters);
    return spec;
}

// Expects makeDesign to throw std::invalid_argument whose message contains `text`.
void expectError(const DesignSpec& spec, const std::string& text) {
    try {
        makeDesign(spec);
        ADD_FAILURE() << "no error; expected one containing \"" << text << "\"";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
}

TEST(GridDesign, FullFactorialWithLastParameterFastest) {
    DesignSpec spec;
    spec.parameters = {listed("a", {1, 2}), listed("b", {10, 20, 30}), listed("c", {-1, -2})};
    const auto points = makeDesign(spec);
    ASSERT_EQ(points.size(), 12u);
    EXPECT_EQ(designPointCount(spec), 12u);
    EXPECT_EQ(points[0], (std::vector<double>{1, 10, -1}));
    EXPECT_EQ(points[1], (std::vector<double>{1, 10, -2}));
    EXPECT_EQ(points[2], (std::vector<double>{1, 20, -1}));
    EXPECT_EQ(points[11], (std::vector<double>{2, 30, -2}));
    for (std::size_t p = 0; p < points.size(); ++p) {
        EXPECT_EQ(points[p][0], spec.parameters[0].values[p / 6]);
        EXPECT_EQ(points[p][1], spec.parameters[1].values[(p / 2) % 3]);
        EXPECT_EQ(points[p][2], spec.parameters[2].values[p % 2]);
    }
}

TEST(GridDesign, SingleParameterKeepsValueOrder) {
    DesignSpec spec;
    spec.parameters = {listed("model.x", {0.3, 0.1, 0.2})};
    EXPECT_EQ(makeDesign(spec), (std::vector<std::vector<double>>{{0.3}, {0.1}, {0.2}}));
}

TEST(GridDesign, Errors) {
    DesignSpec spec;
    spec.parameters = {listed("model.x", {1, 2}), listed("model.y", {})};
    expectError(spec, "empty values for model.y");

    spec.parameters = {};
    expectError(spec, "no parameters");

    // 100^5 = 1e10 points: refused before anything is allocated.
    for (int i = 0; i < 5; ++i)
        spec.parameters.push_back(listed(numberedKey(i), linspace(0, 1, 100)));
    expectError(spec, "too many points: 1e+10 > max_points (10000000)");
    spec.max_points = 20'000'000'000;
    EXPECT_EQ(designPointCount(spec), 10'000'000'000u);

    spec.parameters = {listed("model.x", {1}), listed("model.x", {2})};
    expectError(spec, "model.x is swept twice");

    SweptParameter n = listed("model.n", {1, 2.5});
    n.integer = true;
    spec.parameters = {n};
    expectError(spec, "non-integer value 2.5 for integer parameter model.n");
}

TEST(UniformDesign, WithinBoundsAndDeterministicBySeed) {
    auto spec = sampled(DesignKind::uniform, 500, 42,
                        {range("model.a", -2, 3), range("model.b", 0.5, 0.75)});
    const auto points = makeDesign(spec);
    ASSERT_EQ(points.size(), 500u);
    for (const auto& p : points) {
        ASSERT_EQ(p.size(), 2u);
        EXPECT_GE(p[0], -2.0);
        EXPECT_LT(p[0], 3.0);
        EXPECT_GE(p[1], 0.5);
        EXPECT_LT(p[1], 0.75);
    }
    EXPECT_EQ(makeDesign(spec), points);
    spec.design_seed = 43;
    const auto other = makeDesign(spec);
    for (std::size_t i = 0; i < points.size(); ++i) EXPECT_NE(points[i], other[i]);
}

TEST(UniformDesign, MeanAndSpreadOfUniform) {
    const auto points = makeDesign(sampled(DesignKind::uniform, 20000, 5, {range("x", 0, 1)}));
    double mean = 0.0, var = 0.0;
    for (const auto& p : points) mean += p[0];
    mean /= 20000.0;
    for (const auto& p : points) var += (p[0] - mean) * (p[0] - mean);
    var /= 20000.0;
    EXPECT_NEAR(mean, 0.5, 0.01);
    EXPECT_NEAR(var, 1.0 / 12.0, 0.003);
}

TEST(UniformDesign, LogScaleIsLogUniform) {
    SweptParameter p = range("model.rate", 0.001, 10.0);
    p.log_scale = true;
    const auto points = makeDesign(sampled(DesignKind::uniform, 10000, 1, {p}));
    std::array<int, 4> decades{};  // [1e-3,1e-2), ..., [1,10]
    for (const auto& x : points) {
        ASSERT_GE(x[0], 0.001);
        ASSERT_LE(x[0], 10.0);
        ++decades[std::min<std::size_t>(
            3, static_cast<std::size_t>(std::floor(std::log10(x[0]) + 3)))];
    }
    for (int c : decades) EXPECT_NEAR(c, 2500, 200);
}

TEST(UniformDesign, IntegerParametersCoverEveryValueEvenly) {
    SweptParameter p = range("model.k", 2, 6);
    p.integer = true;
    const auto points = makeDesign(sampled(DesignKind::uniform, 10000, 3, {p}));
    std::map<double, int> counts;
    for (const auto& x : points) ++counts[x[0]];
    ASSERT_EQ(counts.size(), 5u);
    for (const auto& [value, count] : counts) {
        EXPECT_EQ(value, std::floor(value));
        EXPECT_GE(value, 2.0);
        EXPECT_LE(value, 6.0);
        EXPECT_NEAR(count, 2000, 200) << value;
    }
}

TEST(UniformDesign, AddingAParameterKeepsExistingColumns) {
    auto spec = sampled(DesignKind::uniform, 50, 9, {range("a", 0, 1)});
    const auto one = makeDesign(spec);
    spec.parameters.push_back(range("b", 0, 1));
    const auto two = makeDesign(spec);
    for (std::size_t i = 0; i < one.size(); ++i) EXPECT_EQ(one[i][0], two[i][0]);
}

TEST(LatinHypercubeDesign, OnePointPerStratumPerDimension) {
    for (std::uint64_t n : {1u, 2u, 7u, 97u, 1000u}) {
        const auto spec =
            sampled(DesignKind::latin_hypercube, n, 11,
                    {range("a", 0, 1), range("b", 0, 1), range("c", 0, 1), range("d", 0, 1)});
        const auto points = makeDesign(spec);
        ASSERT_EQ(points.size(), n);
        for (std::size_t d = 0; d < 4; ++d) {
            std::vector<int> count(n, 0);
            for (const auto& p : points) {
                ASSERT_GE(p[d], 0.0);
                ASSERT_LT(p[d], 1.0);
                ++count[static_cast<std::size_t>(std::floor(p[d] * static_cast<double>(n)))];
            }
            for (std::uint64_t s = 0; s < n; ++s) ASSERT_EQ(count[s], 1) << "n " << n << " d " << d;
        }
    }
}

TEST(LatinHypercubeDesign, ScaledStrataAndSeeds) {
    auto spec =
        sampled(DesignKind::latin_hypercube, 40, 1, {range("a", 10, 30), range("b", -1, 1)});
    const auto points = makeDesign(spec);
    std::vector<int> count(40, 0);
    for (const auto& p : points) ++count[static_cast<std::size_t>((p[0] - 10.0) / 0.5)];
    for (int c : count) EXPECT_EQ(c, 1);
    EXPECT_EQ(makeDesign(spec), points);
    spec.design_seed = 2;
    EXPECT_NE(makeDesign(spec), points);
    // The columns are not all in the same stratum order (independent permutations).
    std::size_t same = 0;
    for (const auto& p : points)
        same += static_cast<std::size_t>((p[0] - 10.0) / 0.5) ==
                static_cast<std::size_t>((p[1] + 1.0) / 0.05);
    EXPECT_LT(same, 10u);
}

TEST(SobolDesign, MapsTheSequenceOntoTheRanges) {
    auto spec = sampled(DesignKind::sobol, 6, 0, {range("a", 0, 1), range("b", -4, 4)});
    const auto points = makeDesign(spec);
    ASSERT_EQ(points.size(), 6u);
    EXPECT_EQ(points[1], (std::vector<double>{0.5, 0.0}));
    EXPECT_EQ(points[2], (std::vector<double>{0.75, -2.0}));
    EXPECT_EQ(points[5], (std::vector<double>{0.875, 3.0}));
    spec.design_seed = 77;  // no effect without scramble
    EXPECT_EQ(makeDesign(spec), points);
}

TEST(SobolDesign, ScrambledIsSeededAndStratified) {
    auto spec = sampled(DesignKind::sobol, 256, 5, {range("a", 0, 1), range("b", 0, 1)});
    spec.scramble = true;
    const auto points = makeDesign(spec);
    for (std::size_t d = 0; d < 2; ++d) {
        std::vector<int> count(256, 0);
        for (const auto& p : points) ++count[static_cast<std::size_t>(std::floor(p[d] * 256.0))];
        for (int c : count) EXPECT_EQ(c, 1);
    }
    EXPECT_EQ(makeDesign(spec), points);
    spec.design_seed = 6;
    EXPECT_NE(makeDesign(spec), points);
}

TEST(SaltelliDesign, RowsAreABAndMixedMatrices) {
    const std::size_t k = 3;
    auto spec = sampled(DesignKind::saltelli, 16, 0,
                        {range("x1", 0, 1), range("x2", 0, 1), range("x3", 0, 1)});
    const auto points = makeDesign(spec);
    ASSERT_EQ(points.size(), 16u * (k + 2));
    EXPECT_EQ(designPointCount(spec), 80u);
    for (std::size_t n = 0; n < 16; ++n) {
        const auto& a = points[n * (k + 2)];
        const auto& b = points[n * (k + 2) + 1];
        for (std::size_t i = 0; i < k; ++i) {
            const auto& ab = points[n * (k + 2) + 2 + i];
            for (std::size_t j = 0; j < k; ++j) EXPECT_EQ(ab[j], j == i ? b[j] : a[j]);
        }
    }
    // A and B are dimensions 1..3 and 4..6 of the Sobol' sequence: point 2 is (.75,.25,.25 | ...)
    EXPECT_EQ(points[2 * (k + 2)], (std::vector<double>{0.75, 0.25, 0.25}));
    EXPECT_EQ(points[2 * (k + 2) + 1], (std::vector<double>{0.25, 0.75, 0.75}));
}

TEST(SampledDesigns, Errors) {
    auto spec = sampled(DesignKind::uniform, 10, 0, {range("model.x", 1, 1)});
    expectError(spec, "empty range for model.x: low (1) >= high (1)");
    spec.parameters = {range("model.x", 2, 1)};
    expectError(spec, "empty range for model.x");
    spec.parameters = {range("model.x", 0.2, 0.8)};
    spec.parameters[0].integer = true;
    expectError(spec, "empty range for model.x: no integer");
    spec.parameters = {range("model.x", 0, 1)};
    spec.parameters[0].log_scale = true;
    expectError(spec, "needs low > 0");
    spec.parameters = {range("model.x", 0, 1)};
    spec.parameters[0].values = {0.5};
    expectError(spec, "values given for model.x");
    spec.parameters = {range("model.x", 0, 1)};
    spec.samples = 0;
    expectError(spec, "samples must be at least 1");

    spec.kind = DesignKind::latin_hypercube;
    spec.samples = 10'000'001;
    expectError(spec, "too many points: 1e+07 > max_points (10000000)");

    // Saltelli: N (k + 2) = 3e6 * 5 = 1.5e7 points.
    spec = sampled(DesignKind::saltelli, 3'000'000, 0,
                   {range("a", 0, 1), range("b", 0, 1), range("c", 0, 1)});
    expectError(spec, "too many points: 1.5e+07 > max_points");
    spec.samples = 1;
    expectError(spec, "at least 2");
    spec.samples = 8;
    spec.parameters.clear();
    for (int i = 0; i < 33; ++i) spec.parameters.push_back(range(numberedKey(i), 0, 1));
    expectError(spec, "at most 32");
}

TEST(Spacing, LinspaceAndLogspace) {
    EXPECT_EQ(linspace(0, 1, 5), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
    EXPECT_EQ(linspace(2, 2, 1), (std::vector<double>{2}));
    EXPECT_EQ(linspace(1, 0, 3), (std::vector<double>{1, 0.5, 0}));
    const auto v = logspace(0.01, 100, 5);
    ASSERT_EQ(v.size(), 5u);
    EXPECT_EQ(v.front(), 0.01);
    EXPECT_EQ(v.back(), 100.0);
    EXPECT_NEAR(v[1], 0.1, 1e-12);
    EXPECT_NEAR(v[2], 1.0, 1e-12);
    EXPECT_NEAR(v[3], 10.0, 1e-12);
    EXPECT_EQ(linspace(0.3, 0.7, 7).back(), 0.7);
    EXPECT_THROW(linspace(0, 1, 0), std::invalid_argument);
    EXPECT_THROW(logspace(0, 1, 3), std::invalid_argument);
}

TEST(DesignKindNames, RoundTrip) {
    for (DesignKind k : {DesignKind::grid, DesignKind::uniform, DesignKind::latin_hypercube,
                         DesignKind::sobol, DesignKind::saltelli}) {
        EXPECT_EQ(designKindFromName(designKindName(k)), k);
    }
    EXPECT_EQ(designKindName(DesignKind::latin_hypercube), "latin_hypercube");
    EXPECT_THROW(designKindFromName("lhs"), std::invalid_argument);
}

}  // namespace
}  // namespace regsim::test_design
