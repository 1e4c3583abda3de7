#include "output/file_info.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "output/hdf5_run_writer.hpp"
#include "sample_run.hpp"
#include "test_support.hpp"

namespace regsim {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(FileInfo, DescribesACompleteFile) {
    test::TempDir dir;
    const auto path = dir.file("run.h5");
    const Scenario sc = sample::makeScenario();
    {
        Hdf5RunWriter writer(path, sample::makeMetadata(sc));
        for (std::uint32_t r = 0; r < sample::kReplicates; ++r) {
            writer.write(sample::makeResult(sc, r));
        }
        writer.finish();
    }
    const std::string info = describeRunFile(path);
    EXPECT_TRUE(contains(info, "\ncomplete\n")) << info;
    EXPECT_FALSE(contains(info, "NOT complete")) << info;
    EXPECT_TRUE(contains(info, "  state = 3\n")) << info;
    EXPECT_TRUE(contains(info, "  event = 15\n")) << info;  // 1 + 2 + 3 + 4 + 5
    EXPECT_TRUE(
        contains(info, "  status (replicate, time, state, institution) uint8 [5 x 4 x 3 x 2]"))
        << info;
    EXPECT_TRUE(contains(info, "  event_value (event) float64 [15]")) << info;
    // Coordinates are listed apart, each its own dimension, before the data in name order.
    EXPECT_TRUE(contains(info, "coordinates:\n  axis (axis) string")) << info;
    EXPECT_TRUE(contains(info, "  state (state) string [3]\n")) << info;
    EXPECT_FALSE(contains(info, "(?)")) << info;
    EXPECT_LT(info.find("coordinates:"), info.find("datasets:"));
    EXPECT_LT(info.find("  alignment ("), info.find("  status ("));
    // Attributes in the order written: provenance before complete.
    EXPECT_LT(info.find("  scenario_name:"), info.find("  complete:"));
    EXPECT_TRUE(contains(info, "  seed: 18446744073709551557\n")) << info;
    EXPECT_TRUE(contains(info, "  scenario_name: sample_sahel\n")) << info;
    // The scenario text is shortened to its first line.
    EXPECT_TRUE(contains(info, "  scenario_text: name = \"sample_sahel\"... (")) << info;
    EXPECT_FALSE(contains(info, "[[state]]")) << info;
}

TEST(FileInfo, SaysNotCompleteForAnUnfinishedPart) {
    test::TempDir dir;
    const auto path = dir.file("run.h5");
    const Scenario sc = sample::makeScenario();
    {
        Hdf5RunWriter writer(path, sample::makeMetadata(sc));
        writer.write(sample::makeResult(sc, 0));
    }
    const std::string info = describeRunFile(path + ".part");
    EXPECT_TRUE(contains(info, "NOT complete")) << info;
    EXPECT_TRUE(contains(info, "sovereignty")) << info;
}

TEST(FileInfo, ThrowsOnUnreadableFiles) {
    test::TempDir dir;
    EXPECT_THROW(describeRunFile(dir.file("missing.h5")), std::runtime_error);
    const auto text = dir.file("text.h5");
    std::ofstream(text) << "not hdf5";
    try {
        describeRunFile(text);
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_TRUE(contains(e.what(), "not an HDF5 file")) << e.what();
    }
}

}  // namespace
}  // namespace regsim
