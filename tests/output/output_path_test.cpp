#include "output/output_path.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "test_support.hpp"

namespace regsim {
namespace {

namespace fs = std::filesystem;

TEST(OutputPath, RefusesAnExistingFileWithoutForce) {
    test::TempDir dir;
    const auto path = dir.file("run.h5");
    std::ofstream(path) << "old";
    try {
        prepareOutputPath(path, false);
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), path + " exists; use --force to overwrite");
    }
    EXPECT_NO_THROW(prepareOutputPath(path, true));
    EXPECT_TRUE(fs::exists(path));  // the old file stays until the new one is complete
}

TEST(OutputPath, RefusesAnUnfinishedPartWithoutForce) {
    test::TempDir dir;
    const auto path = dir.file("run.h5");
    std::ofstream(path + ".part") << "flushed replicates";
    try {
        prepareOutputPath(path, false);
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("run.h5.part exists"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(prepareOutputPath(path, true));
}

TEST(OutputPath, CreatesTheParentFolder) {
    test::TempDir dir;
    const auto path = dir.file("a/b/run.h5");
    prepareOutputPath(path, false);
    EXPECT_TRUE(fs::is_directory(dir.path() / "a" / "b"));
    EXPECT_FALSE(fs::exists(path));
}

TEST(OutputPath, RefusesAFolder) {
    test::TempDir dir;
    EXPECT_THROW(prepareOutputPath(dir.path().string(), true), std::runtime_error);
}

TEST(OutputPath, RefusesAnInputByAnyPathEvenWithForce) {
    test::TempDir dir;
    const auto scenario = dir.file("same.toml");
    std::ofstream(scenario) << "[scenario]";
    fs::create_directories(dir.path() / "sub");
    fs::create_symlink(scenario, dir.file("link.toml"));
    const std::vector<InputFile> inputs{{"scenario file", scenario}, {"network file", ""}};
    for (const auto& output :
         {scenario, dir.file("sub/../same.toml"), dir.file("./same.toml"), dir.file("link.toml")}) {
        try {
            refuseInputAsOutput(output, inputs);
            FAIL() << "expected an exception for " << output;
        } catch (const std::runtime_error& e) {
            EXPECT_EQ(std::string(e.what()),
                      output +
                          " is the scenario file; write the output to another file (even "
                          "--force does not overwrite an input)");
        }
    }
    EXPECT_NO_THROW(refuseInputAsOutput(dir.file("same.h5"), inputs));
    EXPECT_NO_THROW(refuseInputAsOutput(dir.file("new/same.toml"), inputs));
}

}  // namespace
}  // namespace regsim
