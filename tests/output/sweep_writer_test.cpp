// SweepWriter: the chunks it encodes itself (ChunkCodec on a helper thread, H5Dwrite_chunk)
// give the same datasets, values and layout as HDF5's own shuffle + deflate filters, for
// blocks that are one chunk, blocks cut into several chunks along the other axes (with edge
// chunks), a last block with fewer points, and any number of helper threads.

#include "output/sweep_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace regsim {
namespace {

using test::H5Reader;
using test::TempDir;

struct Shape {
    std::uint64_t points;
    std::uint32_t replicates;
    std::size_t times, states, institutions, axes;
};

SweepMetadata metadataFor(const Shape& s) {
    SweepMetadata m;
    for (std::size_t i = 0; i < s.states; ++i) m.state_ids.push_back("S" + std::to_string(i));
    for (std::size_t i = 0; i < s.institutions; ++i)
        m.institution_ids.push_back("I" + std::to_string(i));
    for (std::size_t i = 0; i < s.axes; ++i) m.axis_names.push_back("a" + std::to_string(i));
    m.parameter_keys = {"model.peer_weight"};
    for (std::size_t t = 0; t < s.times; ++t) m.time_steps.push_back(std::int32_t(t));
    m.trajectories = s.times > 0;
    m.steps = std::uint32_t(s.times);
    m.replicates = s.replicates;
    m.points_total = m.point_count = s.points;
    for (std::uint64_t p = 0; p < s.points; ++p) m.point_values.push_back({0.1 * double(p)});
    m.sweep_hash = "0123456789abcdef";
    m.flush_interval_seconds = 0.0;  // flush after every block: the kill-safe path's worst case
    return m;
}

// Values that differ between every run and element, with random low mantissa bytes (the
// planes ChunkCodec stores rather than deflates) and repeated small integers.
RunResult resultFor(const Shape& s, std::uint64_t run) {
    RunResult r;
    std::uint64_t x = run * 0x9E3779B97F4A7C15ull + 1;
    const auto next = [&] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    const std::size_t si = s.states * s.institutions;
    for (std::size_t k = 0; k < s.times * s.states; ++k)
        r.sovereignty.push_back(double(next() % 1000000) / 999999.0);
    for (std::size_t k = 0; k < s.times * s.states * s.axes; ++k)
        r.alignment.push_back(std::sin(double(next() % 100000)));
    for (std::size_t k = 0; k < s.times * s.states; ++k) r.regime.push_back(next() % 2);
    for (std::size_t k = 0; k < s.times * si; ++k) r.status.push_back(std::uint8_t(next() % 5));
    for (std::size_t k = 0; k < si; ++k) {
        r.announce_step.push_back(std::int32_t(next() % 70) - 1);
        r.exit_step.push_back(std::int32_t(next() % 70) - 1);
        r.final_status.push_back(std::uint8_t(next() % 5));
    }
    for (std::size_t k = 0; k < s.institutions; ++k) {
        r.dissolve_step.push_back(-1);
        r.found_step.push_back(0);
        r.cascade_size.push_back(std::int32_t(run % 7));
    }
    return r;
}

// Returns the CPU time the writer spent encoding chunks itself (0 through HDF5's filters).
double writeSweep(const std::string& path, const Shape& s, bool encode, unsigned threads) {
    SweepMetadata m = metadataFor(s);
    m.encode_chunks = encode;
    m.compression_threads = threads;
    SweepWriter w(path, m, false);
    for (auto run : w.pendingRuns()) w.write(run, resultFor(s, run));
    EXPECT_EQ(w.doneRuns(), w.totalRuns());
    w.finish();
    return w.compressionSeconds();
}

// Every byte of a dataset as stored (its file type), and its chunk shape and filters.
struct Stored {
    std::vector<std::uint8_t> bytes;
    std::vector<hsize_t> chunk;
    std::vector<H5Z_filter_t> filters;
    std::vector<unsigned> deflate_level;
};

Stored readStored(const std::string& path, const std::string& name) {
    H5Reader f(path);
    Stored out;
    const hid_t ds = H5Dopen2(f.id(), name.c_str(), H5P_DEFAULT);
    EXPECT_GE(ds, 0) << name;
    const hid_t type = H5Dget_type(ds);
    const hid_t space = H5Dget_space(ds);
    const auto n = std::size_t(H5Sget_simple_extent_npoints(space));
    out.bytes.resize(n * H5Tget_size(type));
    if (n > 0) {
        EXPECT_GE(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.bytes.data()), 0);
    }
    const hid_t dcpl = H5Dget_create_plist(ds);
    if (H5Pget_layout(dcpl) == H5D_CHUNKED) {
        out.chunk.resize(std::size_t(H5Sget_simple_extent_ndims(space)));
        H5Pget_chunk(dcpl, int(out.chunk.size()), out.chunk.data());
        for (int k = 0; k < H5Pget_nfilters(dcpl); ++k) {
            unsigned flags = 0, values[4] = {};
            std::size_t nv = 4;
            out.filters.push_back(
                H5Pget_filter2(dcpl, unsigned(k), &flags, &nv, values, 0, nullptr, nullptr));
            if (out.filters.back() == H5Z_FILTER_DEFLATE) out.deflate_level.push_back(values[0]);
        }
    }
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(ds);
    return out;
}

const char* const kVariables[] = {"announce_step", "exit_step",    "final_status", "dissolve_step",
                                  "found_step",    "cascade_size", "sovereignty",  "alignment",
                                  "status",        "run_done",     "point_values"};

void expectSameFiles(const std::string& a, const std::string& b, const Shape& s) {
    for (const char* name : kVariables) {
        if (s.times == 0 && (std::string(name) == "sovereignty" ||
                             std::string(name) == "alignment" || std::string(name) == "status"))
            continue;
        const Stored x = readStored(a, name), y = readStored(b, name);
        EXPECT_EQ(x.chunk, y.chunk) << name;
        EXPECT_EQ(x.filters, y.filters) << name;
        EXPECT_EQ(x.deflate_level, y.deflate_level) << name;
        EXPECT_TRUE(x.bytes == y.bytes) << name << " differs between " << a << " and " << b;
    }
}

class SweepWriterChunks : public ::testing::TestWithParam<Shape> {};

TEST_P(SweepWriterChunks, EncodedChunksMatchHdf5Filters) {
    const Shape s = GetParam();
    TempDir dir;
    const std::string reference = dir.file("filters.h5");
    EXPECT_EQ(writeSweep(reference, s, false, 0), 0.0);
    for (unsigned threads : {0u, 1u, 2u}) {
        const std::string encoded = dir.file("encoded" + std::to_string(threads) + ".h5");
        EXPECT_GT(writeSweep(encoded, s, true, threads), 0.0);  // the encoding path ran
        expectSameFiles(reference, encoded, s);
    }
    // And the values are the runs' own (not only equal to each other).
    H5Reader f(reference);
    const auto exit = f.read<std::int32_t>("exit_step", H5T_NATIVE_INT32);
    const std::size_t si = s.states * s.institutions;
    ASSERT_EQ(exit.size(), s.points * s.replicates * si);
    for (std::uint64_t run = 0; run < s.points * s.replicates; ++run) {
        const auto r = resultFor(s, run);
        ASSERT_EQ(0, std::memcmp(exit.data() + run * si, r.exit_step.data(), si * 4)) << run;
    }
    if (s.times > 0) {
        const auto al = f.read<double>("alignment", H5T_NATIVE_DOUBLE);
        const std::size_t per = s.times * s.states * s.axes;
        const std::uint64_t last = s.points * s.replicates - 1;
        const auto r = resultFor(s, last);
        EXPECT_EQ(0, std::memcmp(al.data() + last * per, r.alignment.data(), per * 8));
    }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, SweepWriterChunks,
    ::testing::Values(
        // Summaries; 9 points in blocks of 6 (the last block has 3).
        Shape{9, 10, 0, 5, 3, 1},
        // Trajectories, blocks of one chunk, a last block of fewer points.
        Shape{13, 7, 13, 6, 3, 2},
        // One point per block, the replicate axis cut in two chunks (an edge chunk).
        Shape{3, 201, 61, 18, 7, 1},
        // Per run above 1 MiB: the replicate axis cut to 1 and the time axis in two.
        Shape{2, 3, 9001, 18, 7, 1}),
    [](const ::testing::TestParamInfo<Shape>& info) {
        const Shape& s = info.param;
        return "P" + std::to_string(s.points) + "R" + std::to_string(s.replicates) + "T" +
               std::to_string(s.times);
    });

// A writer destroyed without finish() (a killed or interrupted sweep) leaves every complete
// block in the .part, flagged in run_done, and a resumed writer completes the same file.
TEST(SweepWriter, UnfinishedPartKeepsCompleteBlocksAndResumes) {
    const Shape s{13, 7, 13, 6, 3, 2};
    TempDir dir;
    const std::string reference = dir.file("ref.h5"), path = dir.file("cut.h5");
    writeSweep(reference, s, true, 1);
    std::uint64_t chunk_points = 0;
    {
        SweepWriter w(path, metadataFor(s), false);
        chunk_points = w.chunkPoints();
        const auto runs = w.pendingRuns();
        // The first block and one run of the second.
        for (std::size_t k = 0; k < chunk_points * s.replicates + 1; ++k)
            w.write(runs[k], resultFor(s, runs[k]));
    }
    {
        H5Reader f(path + ".part");
        const auto done = f.read<std::uint8_t>("run_done", H5T_NATIVE_UINT8);
        for (std::size_t k = 0; k < done.size(); ++k)
            EXPECT_EQ(done[k], k < chunk_points * s.replicates ? 1 : 0) << k;
    }
    {
        SweepWriter w(path, metadataFor(s), true);
        EXPECT_EQ(w.doneRuns(), chunk_points * s.replicates);
        for (auto run : w.pendingRuns()) w.write(run, resultFor(s, run));
        w.finish();
    }
    expectSameFiles(reference, path, s);
}

}  // namespace
}  // namespace regsim
