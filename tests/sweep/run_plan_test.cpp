// Run plan, shards and progress lines.

#include "sweep/run_plan.hpp"

#include <gtest/gtest.h>

#include <set>

#include "sweep/progress.hpp"
#include "sweep/shard.hpp"

namespace regsim {
namespace {

TEST(RunPlan, PointSeedsAreDistinctAndStable) {
    std::set<std::uint64_t> seen;
    for (std::uint64_t p = 0; p < 10000; ++p) seen.insert(pointSeed(42, p));
    EXPECT_EQ(seen.size(), 10000u);
    EXPECT_NE(pointSeed(42, 0), pointSeed(43, 0));
    static_assert(pointSeed(1, 2) == pointSeed(1, 2));
    EXPECT_EQ(pointSeed(1, 0), mix64(mix64(1) ^ mix64(0x53574545500000ull)));
}

TEST(RunPlan, ShardsTileThePoints) {
    for (std::uint64_t points : {0ull, 1ull, 7ull, 30ull, 1001ull}) {
        for (std::uint32_t n : {1u, 2u, 3u, 4u, 16u}) {
            std::uint64_t next = 0;
            for (std::uint32_t k = 0; k < n; ++k) {
                const auto r = shardPoints(points, k, n);
                EXPECT_EQ(r.first, next);
                EXPECT_LE(r.count, points / n + 1);
                EXPECT_GE(r.count, points / n);
                next = r.first + r.count;
            }
            EXPECT_EQ(next, points);
        }
    }
    EXPECT_EQ(shardPoints(30, 1, 3).first, 10u);
    EXPECT_EQ(shardPoints(30, 1, 3).count, 10u);
}

TEST(Shard, Parse) {
    EXPECT_EQ(parseShard("0/4").index, 0u);
    EXPECT_EQ(parseShard("3/4").count, 4u);
    EXPECT_THROW(parseShard("4/4"), std::invalid_argument);
    EXPECT_THROW(parseShard("1"), std::invalid_argument);
    EXPECT_THROW(parseShard("a/4"), std::invalid_argument);
    EXPECT_THROW(parseShard("-1/4"), std::invalid_argument);
    EXPECT_THROW(parseShard("0/0"), std::invalid_argument);
}

ShardId fromEnv(std::map<std::string, std::string> env) {
    return shardFromEnvironment([env](const char* name) -> const char* {
        const auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    });
}

TEST(Shard, Environment) {
    auto s = fromEnv({{"SLURM_ARRAY_TASK_ID", "7"},
                      {"SLURM_ARRAY_TASK_MIN", "5"},
                      {"SLURM_ARRAY_TASK_COUNT", "4"}});
    EXPECT_EQ(s.index, 2u);
    EXPECT_EQ(s.count, 4u);
    s = fromEnv({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}});
    EXPECT_EQ(s.index, 3u);
    s = fromEnv({{"PBS_ARRAY_INDEX", "2"}, {"REGSIM_SHARD_COUNT", "3"}});
    EXPECT_EQ(s.index, 2u);
    EXPECT_EQ(s.count, 3u);
    EXPECT_THROW(fromEnv({{"PBS_ARRAY_INDEX", "2"}}), std::invalid_argument);
    s = fromEnv({{"SGE_TASK_ID", "5"},
                 {"SGE_TASK_FIRST", "1"},
                 {"SGE_TASK_LAST", "7"},
                 {"SGE_TASK_STEPSIZE", "2"}});
    EXPECT_EQ(s.index, 2u);
    EXPECT_EQ(s.count, 4u);
    s = fromEnv({{"REGSIM_SHARD", "1/2"}});
    EXPECT_EQ(s.index, 1u);
    EXPECT_THROW(fromEnv({}), std::invalid_argument);
    EXPECT_THROW(fromEnv({{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
                 std::invalid_argument);
}

TEST(Progress, Line) {
    EXPECT_EQ(Progress::line(50, 100, 10.0, false), "50/100 runs (50.0%), 10.0 runs/s, ETA 5s");
    EXPECT_EQ(Progress::line(0, 100, 0.0, true).substr(0, 32), "[..............................]");
    EXPECT_NE(Progress::line(0, 7200, 1.0, false).find("ETA 2h00m"), std::string::npos);
    EXPECT_EQ(Progress::line(100, 100, 3.0, false).find("ETA"), std::string::npos);
    EXPECT_EQ(Progress::line(3, 4, 1.0, false, "replicates"),
              "3/4 replicates (75.0%), 1.0 replicates/s, ETA 1s");
}

TEST(Progress, PlainLinesAreRateLimitedAndQuietIsSilent) {
    char* buf = nullptr;
    std::size_t size = 0;
    std::FILE* out = open_memstream(&buf, &size);
    {
        Progress p(10, 0, false, out, 3600.0);
        p.setTerminal(false);
        for (int k = 1; k <= 10; ++k) p.update(std::uint64_t(k));  // within the interval
        p.finish(10);
    }
    std::fflush(out);
    EXPECT_EQ(std::string(buf, size).find("regsim sweep: 10/10 runs"), 0u) << buf;
    EXPECT_EQ(std::count(buf, buf + size, '\n'), 1);
    std::fclose(out);
    std::free(buf);
    Progress quiet(10, 0, true, stderr);
    quiet.update(5);  // nothing to check but that it does not crash
    quiet.finish(10);
}

}  // namespace
}  // namespace regsim
