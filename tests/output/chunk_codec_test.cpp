// ChunkCodec: what it encodes inflates and unshuffles back to the same bytes, for the
// element sizes the run file uses and for compressible and incompressible data.

#include "output/chunk_codec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace regsim {
namespace {

template <class T>
std::vector<std::uint8_t> bytesOf(const std::vector<T>& values) {
    std::vector<std::uint8_t> out(values.size() * sizeof(T));
    std::memcpy(out.data(), values.data(), out.size());
    return out;
}

template <class T>
void expectRoundTrip(const std::vector<T>& values, std::size_t* encoded_size = nullptr) {
    const auto raw = bytesOf(values);
    ChunkCodec codec(1);
    std::vector<std::uint8_t> out;
    codec.encode(raw.data(), raw.size(), sizeof(T), out);
    EXPECT_EQ(decodeChunk(out.data(), out.size(), raw.size(), sizeof(T)), raw);
    // A second chunk through the same codec (its streams are reused) encodes identically.
    std::vector<std::uint8_t> again;
    codec.encode(raw.data(), raw.size(), sizeof(T), again);
    EXPECT_EQ(again, out);
    if (encoded_size) *encoded_size = out.size();
}

TEST(ChunkCodec, RandomDoublesRoundTripAndStayAboutTheirSize) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> v(131072);
    for (auto& x : v) x = u(rng);
    std::size_t size = 0;
    expectRoundTrip(v, &size);
    // Mantissa planes are stored, the exponent planes deflated: below the raw size.
    EXPECT_LT(size, v.size() * sizeof(double));
}

TEST(ChunkCodec, ConstantAndRepeatingDataCompressWell) {
    std::vector<double> flat(131072, 0.25);
    std::size_t size = 0;
    expectRoundTrip(flat, &size);
    EXPECT_LT(size, flat.size() * sizeof(double) / 100);

    // Random values repeated with a short period (a state's constant trajectory): the planes
    // look random byte by byte but deflate finds the repeats, so none may be stored.
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> period(18);
    for (auto& x : period) x = u(rng);
    std::vector<double> repeating(131072);
    for (std::size_t i = 0; i < repeating.size(); ++i) repeating[i] = period[i % period.size()];
    expectRoundTrip(repeating, &size);
    EXPECT_LT(size, repeating.size() * sizeof(double) / 20);
}

TEST(ChunkCodec, IntegersBytesAndTinyChunks) {
    std::vector<std::int32_t> steps(50000);
    for (std::size_t i = 0; i < steps.size(); ++i)
        steps[i] = (i % 7 == 0) ? static_cast<std::int32_t>(i % 61) : -1;
    expectRoundTrip(steps);
    std::vector<std::uint8_t> status(300000);
    for (std::size_t i = 0; i < status.size(); ++i)
        status[i] = static_cast<std::uint8_t>(i / 97 % 5);
    expectRoundTrip(status);
    expectRoundTrip(std::vector<double>{0.5});
    expectRoundTrip(std::vector<std::int32_t>{1, 2, 3});
    expectRoundTrip(std::vector<std::uint8_t>{255});
}

TEST(ChunkCodec, RejectsPartialElements) {
    ChunkCodec codec(1);
    std::vector<std::uint8_t> raw(10), out;
    EXPECT_THROW(codec.encode(raw.data(), raw.size(), 4, out), std::invalid_argument);
}

}  // namespace
}  // namespace regsim
