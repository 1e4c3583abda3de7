#include "sweep/sobol_indices.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "sweep/design.hpp"

namespace regsim::test_sobol_indices {
namespace {

constexpr double pi = std::numbers::pi;

// Ishigami & Homma (1990) function with a = 7, b = 0.1 on [-pi, pi]^3.
double ishigami(const std::vector<double>& x) {
    const double a = 7.0, b = 0.1;
    return std::sin(x[0]) + a * std::sin(x[1]) * std::sin(x[1]) +
           b * std::pow(x[2], 4) * std::sin(x[0]);
}

struct Analytic {
    std::array<double, 3> s1, st;
};

// Closed-form indices (e.g. Saltelli et al. 2008, Global Sensitivity Analysis: The Primer).
Analytic ishigamiIndices() {
    const double a = 7.0, b = 0.1;
    const double v1 = 0.5 * std::pow(1 + b * std::pow(pi, 4) / 5, 2);
    const double v2 = a * a / 8;
    const double v13 = b * b * std::pow(pi, 8) * (1.0 / 18 - 1.0 / 50);
    const double v = v1 + v2 + v13;
    return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}};
}

DesignSpec ishigamiSpec(std::uint64_t n, bool scramble) {
    DesignSpec spec;
    spec.kind = DesignKind::saltelli;
    spec.samples = n;
    spec.scramble = scramble;
    spec.design_seed = 2024;
    for (const char* key : {"x1", "x2", "x3"}) {
        SweptParameter p;
        p.key = key;
        p.low = -pi;
        p.high = pi;
        spec.parameters.push_back(p);
    }
    return spec;
}

std::vector<double> evaluate(const std::vector<std::vector<double>>& points,
                             double (*f)(const std::vector<double>&)) {
    std::vector<double> y;
    y.reserve(points.size());
    for (const auto& p : points) y.push_back(f(p));
    return y;
}

TEST(SobolIndices, AnalyticIshigamiValues) {
    const Analytic exact = ishigamiIndices();
    EXPECT_NEAR(exact.s1[0], 0.3139, 1e-4);
    EXPECT_NEAR(exact.s1[1], 0.4424, 1e-4);
    EXPECT_NEAR(exact.st[0], 0.5576, 1e-4);
    EXPECT_NEAR(exact.st[1], 0.4424, 1e-4);
    EXPECT_NEAR(exact.st[2], 0.2437, 1e-4);
}

class IshigamiTest : public ::testing::TestWithParam<bool> {};

TEST_P(IshigamiTest, EstimatesWithinTolerance) {
    const std::uint64_t n = 1u << 13;
    const auto y = evaluate(makeDesign(ishigamiSpec(n, GetParam())), ishigami);
    const SobolIndices s = estimateSobolIndices(y, 3, n, 1);
    const Analytic exact = ishigamiIndices();
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_NEAR(s.first_order[i].value, exact.s1[i], 0.03) << "S1 of x" << i + 1;
        EXPECT_NEAR(s.total_order[i].value, exact.st[i], 0.03) << "ST of x" << i + 1;
        // 95% intervals bracket the estimate and are informative at this N.
        EXPECT_LE(s.first_order[i].low, s.first_order[i].value);
        EXPECT_GE(s.first_order[i].high, s.first_order[i].value);
        EXPECT_LE(s.total_order[i].low, s.total_order[i].value);
        EXPECT_GE(s.total_order[i].high, s.total_order[i].value);
        EXPECT_LT(s.first_order[i].high - s.first_order[i].low, 0.15);
        EXPECT_LT(s.total_order[i].high - s.total_order[i].low, 0.15);
        EXPECT_GT(s.total_order[i].high - s.total_order[i].low, 0.0);
        EXPECT_LE(s.first_order[i].low, exact.s1[i]);
        EXPECT_GE(s.first_order[i].high, exact.s1[i]);
        EXPECT_LE(s.total_order[i].low, exact.st[i]);
        EXPECT_GE(s.total_order[i].high, exact.st[i]);
    }
    const double v = 0.5 * std::pow(1 + 0.1 * std::pow(pi, 4) / 5, 2) + 49.0 / 8 +
                     0.01 * std::pow(pi, 8) * (1.0 / 18 - 1.0 / 50);
    EXPECT_NEAR(s.variance, v, 0.05 * v);
}

INSTANTIATE_TEST_SUITE_P(PlainAndScrambled, IshigamiTest, ::testing::Bool());

// Additive linear model y = sum c_i x_i, x_i uniform: S1_i = ST_i = c_i^2 / sum c_j^2.
double linear(const std::vector<double>& x) {
    return 1.0 * x[0] + 2.0 * x[1] + 0.0 * x[2] + 3.0 * x[3];
}

TEST(SobolIndices, AdditiveLinearModel) {
    DesignSpec spec;
    spec.kind = DesignKind::saltelli;
    spec.samples = 4096;
    for (const char* key : {"a", "b", "c", "d"}) {
        SweptParameter p;
        p.key = key;
        spec.parameters.push_back(p);
    }
    const auto y = evaluate(makeDesign(spec), linear);
    const SobolIndices s = estimateSobolIndices(y, 4, 4096, 3, 50);
    const std::array<double, 4> expected = {1.0 / 14, 4.0 / 14, 0.0, 9.0 / 14};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_NEAR(s.first_order[i].value, expected[i], 0.01) << i;
        EXPECT_NEAR(s.total_order[i].value, expected[i], 0.01) << i;
    }
    EXPECT_EQ(s.total_order[2].value, 0.0);  // f(A) == f(A_B^(3)) exactly
}

TEST(SobolIndices, BootstrapIsDeterministicBySeed) {
    const std::uint64_t n = 256;
    const auto y = evaluate(makeDesign(ishigamiSpec(n, false)), ishigami);
    const auto a = estimateSobolIndices(y, 3, n, 10, 100);
    const auto b = estimateSobolIndices(y, 3, n, 10, 100);
    const auto c = estimateSobolIndices(y, 3, n, 11, 100);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(a.first_order[i].low, b.first_order[i].low);
        EXPECT_EQ(a.total_order[i].high, b.total_order[i].high);
        EXPECT_EQ(a.first_order[i].value, c.first_order[i].value);
        EXPECT_NE(a.first_order[i].low, c.first_order[i].low);
    }
    const auto none = estimateSobolIndices(y, 3, n, 10, 0);
    EXPECT_EQ(none.first_order[0].value, a.first_order[0].value);
    EXPECT_TRUE(std::isnan(none.first_order[0].low));
    EXPECT_TRUE(std::isnan(none.total_order[2].high));
}

TEST(SobolIndices, ConstantOutputGivesNaN) {
    const std::vector<double> y(5 * 10, 4.0);
    const auto s = estimateSobolIndices(y, 3, 10, 0);
    EXPECT_EQ(s.variance, 0.0);
    EXPECT_TRUE(std::isnan(s.first_order[0].value));
    EXPECT_TRUE(std::isnan(s.total_order[1].value));
}

TEST(SobolIndices, Errors) {
    std::vector<double> y(5 * 10, 1.0);
    EXPECT_THROW(estimateSobolIndices(y, 3, 9, 0), std::invalid_argument);
    EXPECT_THROW(estimateSobolIndices(y, 4, 10, 0), std::invalid_argument);
    EXPECT_THROW(estimateSobolIndices(y, 0, 10, 0), std::invalid_argument);
    EXPECT_THROW(estimateSobolIndices(y, 3, 10, 0, -1), std::invalid_argument);
    y[17] = std::nan("");
    try {
        estimateSobolIndices(y, 3, 10, 0);
        ADD_FAILURE() << "no error for a NaN output";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("output 17 is not finite"), std::string::npos);
    }
}

}  // namespace
}  // namespace regsim::test_sobol_indices
