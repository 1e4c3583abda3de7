// The batched draws (core/draw_batch.hpp) against RandomStream, bit for bit, on every compiled
// path this CPU can run, each called directly (not only the one drawPath() picks): the scalar
// fallback is tested here too. Paths this CPU cannot run are reported as skipped.

#include "core/draw_batch.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace regsim {

void PrintTo(const DrawPath& path, std::ostream* os) { *os << path.name; }

namespace {

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

class DrawBatchTest : public ::testing::TestWithParam<DrawPath> {
  protected:
    void SetUp() override {
        if (!GetParam().supported()) GTEST_SKIP() << GetParam().name << ": not on this CPU";
    }
};

constexpr std::uint32_t kEntities = 1000000;
constexpr std::uint32_t kBlock = 200;  // a block as a phase uses, not a multiple of 8 at the end
const std::uint64_t kStepHashes[] = {RngKey::stepHash(1, 0, 0), RngKey::stepHash(42, 3, 7),
                                     RngKey::stepHash(0xfffffffffffffffful, 999, 1u << 30)};

TEST_P(DrawBatchTest, UniformsAreRandomStreamsFirstDraws) {
    std::vector<double> got(kBlock);
    for (const auto step_hash : kStepHashes) {
        for (const auto purpose : {Purpose::decision, Purpose::alignment_noise}) {
            for (std::uint32_t first = 0; first < kEntities; first += kBlock) {
                GetParam().uniforms(step_hash, purpose, first, kBlock, got.data());
                for (std::uint32_t k = 0; k < kBlock; ++k)
                    ASSERT_EQ(bits(got[k]),
                              bits(RandomStream(step_hash, first + k, purpose).uniform()))
                        << "entity " << first + k;
            }
        }
    }
}

TEST_P(DrawBatchTest, NormalPairsAreRandomStreamsNormals) {
    std::vector<double> a(kBlock), b(kBlock);
    for (const auto step_hash : kStepHashes) {
        for (std::uint32_t first = 0; first < kEntities; first += kBlock) {
            GetParam().normal_pairs(step_hash, Purpose::alignment_noise, first, kBlock, 0, a.data(),
                                    b.data());
            for (std::uint32_t k = 0; k < kBlock; ++k) {
                RandomStream rng(step_hash, first + k, Purpose::alignment_noise);
                ASSERT_EQ(bits(a[k]), bits(rng.normal())) << "entity " << first + k;
                ASSERT_EQ(bits(b[k]), bits(rng.normal())) << "entity " << first + k;
            }
        }
    }
}

// Pair p is the stream's normals 2p + 1 and 2p + 2, as for states with more than two axes.
TEST_P(DrawBatchTest, LaterPairsContinueTheStream) {
    std::vector<double> a(kBlock), b(kBlock);
    const auto step_hash = kStepHashes[1];
    for (std::uint32_t pair = 1; pair < 4; ++pair) {
        for (std::uint32_t first = 0; first < 20 * kBlock; first += kBlock) {
            GetParam().normal_pairs(step_hash, Purpose::alignment_noise, first, kBlock, pair,
                                    a.data(), b.data());
            for (std::uint32_t k = 0; k < kBlock; ++k) {
                RandomStream rng(step_hash, first + k, Purpose::alignment_noise);
                for (std::uint32_t skip = 0; skip < 2 * pair; ++skip) rng.normal();
                ASSERT_EQ(bits(a[k]), bits(rng.normal())) << "pair " << pair;
                ASSERT_EQ(bits(b[k]), bits(rng.normal())) << "pair " << pair;
            }
        }
    }
}

// Every count from 0 to a few lane groups, from odd starts: the partial last group writes
// exactly count values and nothing past them.
TEST_P(DrawBatchTest, AnyCountWritesExactlyThatMany) {
    constexpr double kUntouched = -7.0;
    const auto step_hash = kStepHashes[0];
    for (std::uint32_t count = 0; count <= 33; ++count) {
        for (const std::uint64_t first : {0ull, 3ull, 1ull << 40}) {
            std::vector<double> u(count + 8, kUntouched), a(count + 8, kUntouched),
                b(count + 8, kUntouched);
            GetParam().uniforms(step_hash, Purpose::decision, first, count, u.data());
            GetParam().normal_pairs(step_hash, Purpose::alignment_noise, first, count, 0, a.data(),
                                    b.data());
            for (std::uint32_t k = 0; k < count; ++k) {
                RandomStream noise(step_hash, first + k, Purpose::alignment_noise);
                ASSERT_EQ(bits(u[k]),
                          bits(RandomStream(step_hash, first + k, Purpose::decision).uniform()));
                ASSERT_EQ(bits(a[k]), bits(noise.normal()));
                ASSERT_EQ(bits(b[k]), bits(noise.normal()));
            }
            for (std::uint32_t k = count; k < count + 8; ++k) {
                ASSERT_EQ(u[k], kUntouched) << "count " << count;
                ASSERT_EQ(a[k], kUntouched) << "count " << count;
                ASSERT_EQ(b[k], kUntouched) << "count " << count;
            }
        }
    }
}

// The inputs where the scalar log and sincos2pi change branch, which random entities would
// rarely hit. u1 (log's argument) is in (0, 1] and u2 in [0, 1), multiples of 2^-53.
std::vector<double> edgeU1() {
    std::vector<double> u;
    for (std::uint64_t m = 1; m <= 64; ++m) {
        u.push_back(double(m) * 0x1p-53);            // the smallest: 2^-53, k = -53
        u.push_back(1.0 - double(m - 1) * 0x1p-53);  // 1.0 (log 0), then -2^-20 <= f < 0
    }
    for (int e = 1; e <= 53; ++e) {  // powers of two (f = 0, k != 0) and their neighbours
        const double p = std::ldexp(1.0, -e);
        for (int d = -3; d <= 3; ++d)
            if (p + d * 0x1p-53 > 0) u.push_back(p + d * 0x1p-53);
    }
    // Both bounds of the j > 0 branch (high mantissa word 0x6147a and 0x6b851) and the
    // x or x/2 switch (0x6a09e, sqrt 2 / 2), in each of the top binades.
    for (std::uint64_t hx : {0x6147aull, 0x6b851ull, 0x6a09eull, 0x6a09full, 0xfffffull, 0ull}) {
        for (std::uint64_t dh : {0ull, 1ull, 2ull}) {
            for (std::uint64_t exponent = 0x3fe; exponent > 0x3fe - 10; --exponent) {
                const std::uint64_t word = (exponent << 20) | ((hx + dh - 1) & 0xfffff);
                for (std::uint64_t low : {0ull, 1ull << 20, 0xfff00000ull}) {
                    const double x = std::bit_cast<double>((word << 32) | low);
                    // A multiple of 2^-53 (what 1 - uniform() gives) in (0, 1).
                    if (x > 0 && x < 1 && double(std::uint64_t(x * 0x1p53)) == x * 0x1p53)
                        u.push_back(x);
                }
            }
        }
    }
    return u;
}

std::vector<double> edgeU2() {
    std::vector<double> u;
    for (int q = 0; q < 8; ++q) {  // eighths: where the nearest quarter turn changes
        for (int d = -40; d <= 40; ++d) {
            const double x = q * 0.125 + d * 0x1p-53;
            if (x >= 0 && x < 1) u.push_back(x);
        }
        for (int e = 2; e <= 52; ++e) {  // further out on both sides
            for (const double side : {-1.0, 1.0}) {
                const double x = q * 0.125 + side * std::ldexp(1.0, -e);
                if (x >= 0 && x < 1) u.push_back(x);
            }
        }
    }
    return u;
}

TEST_P(DrawBatchTest, BoxMullerMatchesOnEdgeInputs) {
    const auto u1s = edgeU1(), u2s = edgeU2();
    // Every u1 with every u2: pairs of equal-length arrays.
    std::vector<double> u1, u2;
    for (const double a : u1s)
        for (const double b : u2s) {
            u1.push_back(a);
            u2.push_back(b);
        }
    std::vector<double> first(u1.size()), second(u1.size());
    GetParam().box_muller(u1.data(), u2.data(), std::uint32_t(u1.size()), first.data(),
                          second.data());
    for (std::size_t k = 0; k < u1.size(); ++k) {
        const auto want = boxMuller(u1[k], u2[k]);
        ASSERT_EQ(bits(first[k]), bits(want.first)) << std::hexfloat << u1[k] << " " << u2[k];
        ASSERT_EQ(bits(second[k]), bits(want.second)) << std::hexfloat << u1[k] << " " << u2[k];
    }
}

TEST(DrawPathTest, ChosenPathRunsHereAndScalarIsListedFirst) {
    ASSERT_GE(drawPaths().size(), 1u);
    EXPECT_EQ(std::string(drawPaths()[0].name), "scalar");
    EXPECT_TRUE(drawPath().supported());
}

INSTANTIATE_TEST_SUITE_P(EveryPath, DrawBatchTest, ::testing::ValuesIn(drawPaths()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace regsim
