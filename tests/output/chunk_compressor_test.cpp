// ChunkCompressor: jobs come back in submission order with their chunk encoded, whatever
// the number of helper threads, and an encoding error reaches the owner.

#include "output/chunk_compressor.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "output/chunk_codec.hpp"

namespace regsim {
namespace {

std::vector<std::uint8_t> chunkBytes(std::uint64_t k) {
    std::vector<std::uint8_t> raw(8 * (1000 + 37 * k));
    for (std::size_t i = 0; i < raw.size(); ++i)
        raw[i] = static_cast<std::uint8_t>((i * (k + 3)) ^ (i >> 9));
    return raw;
}

void roundTrip(unsigned threads) {
    ChunkCompressor compressor(1, threads);
    ChunkCodec reference(1);
    constexpr std::uint64_t kJobs = 40;
    std::uint64_t returned = 0;
    const auto check = [&](ChunkCompressor::Job job) {
        EXPECT_EQ(job.tag, returned) << "out of order";
        EXPECT_EQ(job.index, 100 + returned);
        const auto raw = chunkBytes(returned);
        EXPECT_EQ(job.raw, raw);
        // The same data whichever thread encoded (the bytes too where the engine is zlib).
        EXPECT_EQ(decodeChunk(job.encoded.data(), job.encoded.size(), raw.size(), 8), raw);
        if (fastestDeflateEngine() == DeflateEngine::zlib) {
            std::vector<std::uint8_t> expected;
            reference.encode(raw.data(), raw.size(), 8, expected);
            EXPECT_EQ(job.encoded, expected);
        }
        compressor.recycle(std::move(job.encoded));
        ++returned;
    };
    for (std::uint64_t k = 0; k < kJobs; ++k) {
        ChunkCompressor::Job job;
        job.raw = chunkBytes(k);
        job.element = 8;
        job.tag = k;
        job.index = 100 + k;
        compressor.submit(std::move(job));
        if (k % 3 == 0) {
            while (compressor.ready()) check(compressor.next());
        }
        while (compressor.pending() > 4) check(compressor.next());
    }
    while (compressor.pending() > 0) check(compressor.next());
    EXPECT_EQ(returned, kJobs);
    EXPECT_GT(compressor.seconds(), 0.0);
}

TEST(ChunkCompressor, InlineAndHelperThreadsReturnJobsInOrder) {
    roundTrip(0);
    roundTrip(1);
    roundTrip(3);
}

TEST(ChunkCompressor, EncodingErrorsReachTheOwner) {
    for (unsigned threads : {0u, 2u}) {
        ChunkCompressor compressor(1, threads);
        ChunkCompressor::Job job;
        job.raw.assign(10, 0);
        job.element = 4;  // 10 bytes are not whole 4-byte elements
        compressor.submit(std::move(job));
        EXPECT_THROW(compressor.next(), std::invalid_argument);
        EXPECT_EQ(compressor.pending(), 0u);
    }
}

TEST(ChunkCompressor, DestroyedWithJobsPending) {
    ChunkCompressor compressor(1, 2);
    for (std::uint64_t k = 0; k < 8; ++k) {
        ChunkCompressor::Job job;
        job.raw = chunkBytes(k);
        job.element = 8;
        compressor.submit(std::move(job));
    }
}

}  // namespace
}  // namespace regsim
