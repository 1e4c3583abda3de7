// ChunkCodec: what it encodes inflates and unshuffles back to the same bytes, for the
// element sizes the run file uses and for compressible and incompressible data.

#include "output/chunk_codec.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace regsim {
namespace {

template <class T>
std::vector<std::uint8_t> bytesOf(const std::vector<T>& values) {
    std::vector<std::uint8_t> out(values.size() * sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), values.data(), out.size());
    return out;
}

// Every deflate engine this build has (zlib always; ISA-L's igzip where found).
std::vector<DeflateEngine> engines() {
    std::vector<DeflateEngine> out{DeflateEngine::zlib};
    if (deflateEngineAvailable(DeflateEngine::isal)) out.push_back(DeflateEngine::isal);
    return out;
}

const char* nameOf(DeflateEngine engine) { return engine == DeflateEngine::isal ? "isal" : "zlib"; }

// Round trip through every engine; encoded_size gets the largest encoding.
template <class T>
void expectRoundTrip(const std::vector<T>& values, std::size_t* encoded_size = nullptr) {
    const auto raw = bytesOf(values);
    if (encoded_size) *encoded_size = 0;
    for (const auto engine : engines()) {
        SCOPED_TRACE(nameOf(engine));
        ChunkCodec codec(1, engine);
        std::vector<std::uint8_t> out;
        codec.encode(raw.data(), raw.size(), sizeof(T), out);
        EXPECT_EQ(decodeChunk(out.data(), out.size(), raw.size(), sizeof(T)), raw);
        // A second chunk through the same codec (its buffers are reused) decodes the same.
        std::vector<std::uint8_t> again;
        codec.encode(raw.data(), raw.size(), sizeof(T), again);
        EXPECT_EQ(decodeChunk(again.data(), again.size(), raw.size(), sizeof(T)), raw);
        if (encoded_size) *encoded_size = std::max(*encoded_size, out.size());
    }
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

// The last chunk of a run or sweep: random values, then fill values (NaN) to its end. The
// planes are half random, half constant: not to be stored whole.
TEST(ChunkCodec, ChunkEndingInFillValuesIsNotStored) {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> v(131072, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < v.size() * 55 / 100; ++i) v[i] = u(rng);
    std::size_t size = 0;
    expectRoundTrip(v, &size);
    EXPECT_LT(size, v.size() * sizeof(double) * 65 / 100);
}

// 8-byte elements are shuffled 16 at a time, then one by one: every count of leftovers, and
// chunks shorter than 16 elements, with each element's bytes all different.
TEST(ChunkCodec, DoublesOfEveryCountModuloSixteen) {
    for (std::size_t n : {1, 2, 15, 16, 17, 31, 33, 4096, 4097, 4111}) {
        SCOPED_TRACE(n);
        std::vector<std::uint64_t> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = 0x0807060504030201ull * (i % 31 + 1) + i;
        expectRoundTrip(v);
    }
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

// zlib's engine writes zlib's own stream: the header and Adler-32 trailer around a raw deflate
// stream, so a whole chunk deflated at one level is byte for byte what compress2 writes.
TEST(ChunkCodec, StreamIsZlibsForOneLevel) {
    std::vector<std::uint8_t> status(300000);
    for (std::size_t i = 0; i < status.size(); ++i)
        status[i] = static_cast<std::uint8_t>(i / 97 % 5);
    ChunkCodec codec(1, DeflateEngine::zlib);
    std::vector<std::uint8_t> out;
    codec.encode(status.data(), status.size(), 1, out);  // 1-byte elements: one plane
    std::vector<std::uint8_t> ref(compressBound(status.size()));
    uLongf size = ref.size();
    ASSERT_EQ(compress2(ref.data(), &size, status.data(), status.size(), 1), Z_OK);
    ref.resize(size);
    EXPECT_EQ(out, ref);
}

// adler32Update hands ISA-L at most 1 GiB a call (its fallback takes a 32-bit length): a
// buffer of more than that, against zlib's 64-bit-length adler32_z.
TEST(Adler32, MoreThanOneGibibyte) {
    std::vector<std::uint8_t> big((std::size_t(1) << 30) + 12345);
    for (std::size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<std::uint8_t>(i >> 12);
    EXPECT_EQ(adler32Update(1, big.data(), big.size()), adler32_z(1, big.data(), big.size()));
}

// Both checksums, the one the build uses and regsim's own (what builds without ISA-L use).
TEST(Adler32, MatchesZlibForAnyLengthAlignmentAndStart) {
    for (const auto update : {adler32Update, adler32Portable}) {
        std::mt19937_64 rng(11);
        std::vector<std::uint8_t> data(200000);
        for (auto& b : data) b = static_cast<std::uint8_t>(rng());
        for (int trial = 0; trial < 300; ++trial) {
            const std::size_t offset = rng() % 64;
            const std::size_t size = trial < 40 ? std::size_t(trial) : rng() % (data.size() - 64);
            const auto start = static_cast<std::uint32_t>(trial % 3 == 0 ? 1 : rng());
            const std::uint32_t seed = (start & 0xffff) % 65521 | ((start >> 16) % 65521) << 16;
            EXPECT_EQ(update(seed, data.data() + offset, size),
                      adler32(seed, data.data() + offset, static_cast<uInt>(size)))
                << "size " << size << " offset " << offset;
        }
        // All bytes 255 and a start near the modulus: the largest sums between reductions.
        std::vector<std::uint8_t> ones(20'000'003, 255);
        const std::uint32_t high = 65520u << 16 | 65520u;
        EXPECT_EQ(update(high, ones.data(), ones.size()),
                  adler32(high, ones.data(), static_cast<uInt>(ones.size())));
    }
}

// igzip's blocks, stored planes and the final block make one stream: planes that switch between
// stored and deflated, in chunks above and below the stored blocks' 65535 bytes, with an empty
// chunk, and a level-0 codec that stores everything.
TEST(ChunkCodec, EveryEngineMixesStoredAndDeflatedPlanes) {
    std::mt19937_64 rng(11);
    for (const std::size_t n : {std::size_t(0), std::size_t(3), std::size_t(20000),
                                std::size_t(70000), std::size_t(200000)}) {
        SCOPED_TRACE(n);
        std::vector<double> v(n);
        // Alternating halves: random doubles (random mantissa planes), then a constant.
        for (std::size_t i = 0; i < n; ++i)
            v[i] = (i / 5000) % 2 == 0 ? std::bit_cast<double>(rng() & 0x3fffffffffffffffull) : 0.5;
        expectRoundTrip(v);
    }
    const std::vector<double> random = [&] {
        std::vector<double> out(100000);
        for (auto& x : out) x = std::bit_cast<double>(rng() & 0x3fffffffffffffffull);
        return out;
    }();
    const auto raw = bytesOf(random);
    for (const auto engine : engines()) {
        SCOPED_TRACE(nameOf(engine));
        ChunkCodec stored(0, engine);
        std::vector<std::uint8_t> out;
        stored.encode(raw.data(), raw.size(), 8, out);
        EXPECT_EQ(decodeChunk(out.data(), out.size(), raw.size(), 8), raw);
        EXPECT_GE(out.size(), raw.size());
    }
}

// zlib's bytes depend on the chunk alone, not on what the codec encoded before (igzip's may
// not: its encodings are checked by inflating them, as everywhere here).
TEST(ChunkCodec, ZlibEncodesAChunkAloneTheSameAsAfterOthers) {
    std::mt19937_64 rng(13);
    std::vector<double> noisy(70000), smooth(70000);
    for (std::size_t i = 0; i < noisy.size(); ++i) {
        noisy[i] = std::bit_cast<double>(rng() & 0x3fffffffffffffffull);
        smooth[i] = double(i % 97) / 8.0;
    }
    const auto a = bytesOf(noisy), b = bytesOf(smooth);
    ChunkCodec fresh(1, DeflateEngine::zlib), used(1, DeflateEngine::zlib);
    std::vector<std::uint8_t> alone, after;
    fresh.encode(b.data(), b.size(), 8, alone);
    for (int k = 0; k < 3; ++k) used.encode(a.data(), a.size(), 8, after);
    used.encode(b.data(), b.size(), 8, after);
    EXPECT_EQ(after, alone);
}

TEST(ChunkCodec, EnginesTheBuildHasAreMadeAndOthersRefused) {
    EXPECT_TRUE(deflateEngineAvailable(DeflateEngine::zlib));
    for (const auto engine : {DeflateEngine::zlib, DeflateEngine::isal}) {
        SCOPED_TRACE(nameOf(engine));
        if (deflateEngineAvailable(engine))
            EXPECT_NO_THROW(ChunkCodec(1, engine));
        else
            EXPECT_THROW(ChunkCodec(1, engine), std::invalid_argument);
    }
    EXPECT_TRUE(deflateEngineAvailable(fastestDeflateEngine()));
}

TEST(ChunkCodec, RejectsPartialElements) {
    ChunkCodec codec(1);
    std::vector<std::uint8_t> raw(10), out;
    EXPECT_THROW(codec.encode(raw.data(), raw.size(), 4, out), std::invalid_argument);
}

}  // namespace
}  // namespace regsim
