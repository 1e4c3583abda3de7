// Hdf5RunWriter fed by WriterThread from two producers out of order; the file is read back
// with the HDF5 C API and checked against docs/output.md.

#include "output/hdf5_run_writer.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>
#include <vector>

#include "output/writer_thread.hpp"
#include "sample_run.hpp"
#include "test_support.hpp"

namespace regsim {
namespace {

namespace fs = std::filesystem;
using test::H5Reader;
using test::TempDir;

constexpr std::size_t kT = 4;  // recorded steps 0 2 4 6
constexpr std::size_t kS = 3, kI = 2, kA = 2;
constexpr std::uint32_t kR = sample::kReplicates;

// Two producers each pushing their replicates from last to first; capacity holds them all.
void writeSampleFile(const std::string& path, bool trajectories = true) {
    const Scenario scenario = sample::makeScenario();
    Hdf5RunWriter writer(path, sample::makeMetadata(scenario, trajectories));
    WriterThread queue(writer, kR, 0, kR);
    auto produce = [&](std::uint32_t parity) {
        for (int r = static_cast<int>(kR) - 1; r >= 0; --r) {
            const auto rep = static_cast<std::uint32_t>(r);
            if (rep % 2 == parity) queue.push(sample::makeResult(scenario, rep, trajectories));
        }
    };
    std::thread a(produce, 0u), b(produce, 1u);
    a.join();
    b.join();
    queue.close();
}

TEST(Hdf5RunWriter, WritesEveryDatasetWithKnownValues) {
    TempDir dir;
    const auto path = dir.file("run.h5");
    writeSampleFile(path);
    EXPECT_TRUE(fs::exists(path));
    EXPECT_FALSE(fs::exists(path + ".part"));

    H5Reader f(path);
    EXPECT_EQ(f.shape("sovereignty"), (std::vector<hsize_t>{kR, kT, kS}));
    EXPECT_EQ(f.shape("alignment"), (std::vector<hsize_t>{kR, kT, kS, kA}));
    EXPECT_EQ(f.shape("status"), (std::vector<hsize_t>{kR, kT, kS, kI}));
    EXPECT_EQ(f.shape("exit_step"), (std::vector<hsize_t>{kR, kS, kI}));
    EXPECT_EQ(f.shape("cascade_size"), (std::vector<hsize_t>{kR, kI}));

    const auto sov = f.read<double>("sovereignty", H5T_NATIVE_DOUBLE);
    const auto ali = f.read<double>("alignment", H5T_NATIVE_DOUBLE);
    const auto reg = f.read<std::uint8_t>("regime", H5T_NATIVE_UINT8);
    const auto sta = f.read<std::uint8_t>("status", H5T_NATIVE_UINT8);
    for (std::uint32_t r = 0; r < kR; ++r) {
        for (std::size_t t = 0; t < kT; ++t) {
            for (std::size_t s = 0; s < kS; ++s) {
                const std::size_t rts = (r * kT + t) * kS + s;
                EXPECT_DOUBLE_EQ(sov[rts], sample::sovereignty(r, t, s));
                EXPECT_EQ(reg[rts], sample::regime(r, t, s));
                for (std::size_t a = 0; a < kA; ++a) {
                    EXPECT_DOUBLE_EQ(ali[rts * kA + a], sample::alignment(r, t, s, a));
                }
                for (std::size_t i = 0; i < kI; ++i) {
                    EXPECT_EQ(sta[rts * kI + i], sample::status(r, t, s, i));
                }
            }
        }
    }
    const auto announce = f.read<std::int32_t>("announce_step", H5T_NATIVE_INT32);
    const auto exit = f.read<std::int32_t>("exit_step", H5T_NATIVE_INT32);
    const auto final_status = f.read<std::uint8_t>("final_status", H5T_NATIVE_UINT8);
    const auto dissolve = f.read<std::int32_t>("dissolve_step", H5T_NATIVE_INT32);
    const auto found = f.read<std::int32_t>("found_step", H5T_NATIVE_INT32);
    const auto cascade = f.read<std::int32_t>("cascade_size", H5T_NATIVE_INT32);
    for (std::uint32_t r = 0; r < kR; ++r) {
        for (std::size_t i = 0; i < kI; ++i) {
            EXPECT_EQ(dissolve[r * kI + i], sample::dissolveStep(r, i));
            EXPECT_EQ(found[r * kI + i], sample::foundStep(r, i));
            EXPECT_EQ(cascade[r * kI + i], sample::cascadeSize(r, i));
            for (std::size_t s = 0; s < kS; ++s) {
                const std::size_t rsi = (r * kS + s) * kI + i;
                EXPECT_EQ(announce[rsi], sample::announceStep(r, s, i));
                EXPECT_EQ(exit[rsi], sample::exitStep(r, s, i));
                EXPECT_EQ(final_status[rsi], sample::finalStatus(r, s, i));
            }
        }
    }
}

// The event table's columns as stored (-1 for "none").
struct EventColumns {
    std::vector<std::int32_t> rep, step, state, inst, patron;
    std::vector<std::uint8_t> kind, cause;
    std::vector<double> value;
};

EventColumns readEventColumns(H5Reader& f) {
    return {f.read<std::int32_t>("event_replicate", H5T_NATIVE_INT32),
            f.read<std::int32_t>("event_step", H5T_NATIVE_INT32),
            f.read<std::int32_t>("event_state", H5T_NATIVE_INT32),
            f.read<std::int32_t>("event_institution", H5T_NATIVE_INT32),
            f.read<std::int32_t>("event_patron", H5T_NATIVE_INT32),
            f.read<std::uint8_t>("event_kind", H5T_NATIVE_UINT8),
            f.read<std::uint8_t>("event_cause", H5T_NATIVE_UINT8),
            f.read<double>("event_value", H5T_NATIVE_DOUBLE)};
}

TEST(Hdf5RunWriter, EventTableIsInReplicateOrderWhateverThePushOrder) {
    TempDir dir;
    const auto path = dir.file("run.h5");
    writeSampleFile(path);
    H5Reader f(path);
    const auto ev = readEventColumns(f);

    const Scenario sc = sample::makeScenario();
    std::vector<EventRecord> expected;
    std::vector<std::int32_t> expected_rep;
    for (std::uint32_t r = 0; r < kR; ++r) {
        for (const auto& e : sample::makeResult(sc, r).events) {
            expected.push_back(e);
            expected_rep.push_back(static_cast<std::int32_t>(r));
        }
    }
    ASSERT_EQ(ev.rep.size(), expected.size());  // 1 + 2 + ... + kR
    EXPECT_EQ(f.shape("event"), (std::vector<hsize_t>{expected.size()}));
    EXPECT_EQ(ev.rep, expected_rep);
    const auto none = [](std::uint32_t i) { return i == kNone ? -1 : static_cast<int>(i); };
    for (std::size_t k = 0; k < expected.size(); ++k) {
        EXPECT_EQ(ev.step[k], static_cast<std::int32_t>(expected[k].step));
        EXPECT_EQ(ev.kind[k], static_cast<std::uint8_t>(expected[k].kind));
        EXPECT_EQ(ev.cause[k], static_cast<std::uint8_t>(expected[k].cause));
        EXPECT_EQ(ev.state[k], none(expected[k].state));
        EXPECT_EQ(ev.inst[k], none(expected[k].institution));
        EXPECT_EQ(ev.patron[k], none(expected[k].patron));
        EXPECT_DOUBLE_EQ(ev.value[k], expected[k].value);
    }
    EXPECT_NE(std::count(ev.state.begin(), ev.state.end(), -1), 0);  // kNone became -1
}

TEST(Hdf5RunWriter, CoordinatesScalesAndFlags) {
    TempDir dir;
    const auto path = dir.file("run.h5");
    writeSampleFile(path);
    H5Reader f(path);
    EXPECT_EQ(f.readStrings("state"), (std::vector<std::string>{"MLI", "BFA", "NER"}));
    EXPECT_EQ(f.readStrings("institution"), (std::vector<std::string>{"ECOWAS", "AES"}));
    EXPECT_EQ(f.readStrings("axis"), (std::vector<std::string>{"west", "russia"}));
    EXPECT_EQ(f.readStrings("patron"), (std::vector<std::string>{"RUS"}));
    EXPECT_EQ(f.readStrings("state_name"),
              (std::vector<std::string>{"Mali", "Burkina Faso", "Niger"}));
    EXPECT_EQ(f.readStrings("institution_name")[1], "Alliance des États du Sahel");
    EXPECT_EQ(f.readStrings("month"),
              (std::vector<std::string>{"2022-11", "2023-01", "2023-03", "2023-05"}));
    EXPECT_EQ(f.read<std::int32_t>("time", H5T_NATIVE_INT32),
              (std::vector<std::int32_t>{0, 2, 4, 6}));
    EXPECT_EQ(f.read<std::int32_t>("replicate", H5T_NATIVE_INT32),
              (std::vector<std::int32_t>{0, 1, 2, 3, 4}));

    // Every axis of every variable has a dimension scale named like its dimension.
    EXPECT_EQ(f.dimension("status", 0), "replicate");
    EXPECT_EQ(f.dimension("status", 1), "time");
    EXPECT_EQ(f.dimension("status", 2), "state");
    EXPECT_EQ(f.dimension("status", 3), "institution");
    EXPECT_EQ(f.dimension("alignment", 3), "axis");
    EXPECT_EQ(f.dimension("cascade_size", 1), "institution");
    EXPECT_EQ(f.dimension("event_value", 0), "event");
    EXPECT_EQ(f.dimension("month", 0), "time");
    // The event dimension is netCDF's "dimension but not a variable".
    const hid_t event = H5Dopen2(f.id(), "event", H5P_DEFAULT);
    char name[128] = {};
    H5DSget_scale_name(event, name, sizeof name);
    H5Dclose(event);
    EXPECT_EQ(std::string(name).rfind("This is a netCDF dimension but not a netCDF variable.", 0),
              0u)
        << name;

    EXPECT_EQ(f.numberAttribute<std::uint8_t>("flag_values", H5T_NATIVE_UINT8, "status"),
              (std::vector<std::uint8_t>{0, 1, 2, 3, 4}));
    EXPECT_EQ(f.stringAttribute("flag_meanings", "status"),
              "none member suspended withdrawing withdrawn");
    EXPECT_EQ(f.stringAttribute("flag_meanings", "regime"), "civilian military");
    EXPECT_EQ(f.numberAttribute<std::uint8_t>("flag_values", H5T_NATIVE_UINT8, "event_kind").size(),
              16u);
    EXPECT_EQ(f.stringAttribute("flag_meanings", "event_cause"),
              "scheduled utility joint_declaration democracy_clause notice_elapsed quorum "
              "dissolution founding");
}

TEST(Hdf5RunWriter, ProvenanceAttributesAndCompleteLast) {
    TempDir dir;
    const auto path = dir.file("run.h5");
    writeSampleFile(path);
    H5Reader f(path);
    const Scenario sc = sample::makeScenario();
    const RunMetadata m = sample::makeMetadata(sc);
    EXPECT_EQ(f.stringAttribute("scenario_name"), "sample_sahel");
    EXPECT_EQ(f.stringAttribute("scenario_path"), sc.source.path);
    EXPECT_EQ(f.stringAttribute("scenario_text"), sc.source.text);
    EXPECT_EQ(f.stringAttribute("parameters"), m.parameters_json);
    EXPECT_EQ(f.numberAttribute<std::uint64_t>("seed", H5T_NATIVE_UINT64),
              (std::vector<std::uint64_t>{m.seed}));
    EXPECT_EQ(f.numberAttribute<std::uint32_t>("replicates", H5T_NATIVE_UINT32)[0], kR);
    EXPECT_EQ(f.numberAttribute<std::uint32_t>("steps", H5T_NATIVE_UINT32)[0], sample::kSteps);
    EXPECT_EQ(f.numberAttribute<std::uint32_t>("record_every", H5T_NATIVE_UINT32)[0],
              sample::kEvery);
    EXPECT_EQ(f.stringAttribute("start_month"), "2022-11");
    EXPECT_EQ(f.stringAttribute("regsim_version"), "0.1.0");
    EXPECT_EQ(f.stringAttribute("git_commit"), "abcdef123456");
    EXPECT_EQ(f.stringAttribute("command_line"), m.command_line);
    EXPECT_EQ(f.stringAttribute("started_at"), "2024-01-02T03:04:05Z");
    const auto finished = f.stringAttribute("finished_at");
    EXPECT_EQ(finished.size(), 20u) << finished;  // YYYY-MM-DDTHH:MM:SSZ
    EXPECT_EQ(finished.back(), 'Z');
    EXPECT_EQ(f.numberAttribute<std::int32_t>("complete", H5T_NATIVE_INT32),
              (std::vector<std::int32_t>{1}));

    // `complete` is the last attribute created (creation order is tracked).
    H5O_info_t info;
    ASSERT_GE(H5Oget_info2(f.id(), &info, H5O_INFO_NUM_ATTRS), 0);
    char last[64] = {};
    H5Aget_name_by_idx(f.id(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, info.num_attrs - 1, last,
                       sizeof last, H5P_DEFAULT);
    EXPECT_STREQ(last, "complete");
}

TEST(Hdf5RunWriter, NoTrajectoriesLeavesThemOut) {
    TempDir dir;
    const auto path = dir.file("run.h5");
    writeSampleFile(path, /*trajectories=*/false);
    H5Reader f(path);
    for (const char* name : {"sovereignty", "alignment", "regime", "status"}) {
        EXPECT_FALSE(f.has(name)) << name;
    }
    for (const char* name : {"announce_step", "exit_step", "final_status", "dissolve_step",
                             "found_step", "cascade_size", "event_kind", "time", "month"}) {
        EXPECT_TRUE(f.has(name)) << name;
    }
    EXPECT_EQ(f.read<std::int32_t>("cascade_size", H5T_NATIVE_INT32)[2 * kI + 1],
              sample::cascadeSize(2, 1));
}

TEST(Hdf5RunWriter, NoPatronDimensionWithoutPatrons) {
    TempDir dir;
    const auto path = dir.file("run.h5");
    Scenario sc = sample::makeScenario();
    sc.patrons.clear();
    RunMetadata m = sample::makeMetadata(sc);
    m.replicates = 1;
    {
        Hdf5RunWriter writer(path, m);
        auto result = sample::makeResult(sc, 0);
        writer.write(result);
        writer.finish();
    }
    H5Reader f(path);
    EXPECT_FALSE(f.has("patron"));
    EXPECT_TRUE(f.has("event_patron"));
}

TEST(Hdf5RunWriter, DestructorWithoutFinishLeavesOnlyThePart) {
    TempDir dir;
    const auto path = dir.file("run.h5");
    const Scenario sc = sample::makeScenario();
    {
        Hdf5RunWriter writer(path, sample::makeMetadata(sc));
        EXPECT_TRUE(fs::exists(path + ".part"));
        writer.write(sample::makeResult(sc, 1));
    }
    EXPECT_FALSE(fs::exists(path));
    ASSERT_TRUE(fs::exists(path + ".part"));
    // The flushed replicate is readable; unwritten ones read as the fill values.
    H5Reader f(path + ".part");
    EXPECT_FALSE(f.hasAttribute("complete"));
    EXPECT_FALSE(f.hasAttribute("finished_at"));
    const auto cascade = f.read<std::int32_t>("cascade_size", H5T_NATIVE_INT32);
    EXPECT_EQ(cascade[1 * kI + 1], sample::cascadeSize(1, 1));
    EXPECT_EQ(cascade[0], INT32_MIN);
    EXPECT_TRUE(std::isnan(f.read<double>("sovereignty", H5T_NATIVE_DOUBLE)[0]));
    EXPECT_EQ(f.read<std::int32_t>("event_replicate", H5T_NATIVE_INT32),
              (std::vector<std::int32_t>{1, 1}));
}

// Chunks are assembled in memory and written whole; a flush writes the chunks still being
// filled, which are written again when complete. Flushing after every replicate, in any
// order, must give the same values as one write per chunk.
TEST(Hdf5RunWriter, PartlyFilledChunksFlushedAndRewrittenGiveTheSameValues) {
    TempDir dir;
    const auto once = dir.file("once.h5");
    const auto flushed = dir.file("flushed.h5");
    writeSampleFile(once);
    const Scenario sc = sample::makeScenario();
    RunMetadata m = sample::makeMetadata(sc);
    m.flush_interval_seconds = 0.0;
    {
        Hdf5RunWriter writer(flushed, m);
        for (std::uint32_t r : {3u, 1u, 0u, 4u, 2u}) writer.write(sample::makeResult(sc, r));
        writer.finish();
    }
    H5Reader a(once), b(flushed);
    for (const char* name : {"sovereignty", "alignment"}) {
        const auto x = a.read<double>(name, H5T_NATIVE_DOUBLE);
        EXPECT_EQ(x, b.read<double>(name, H5T_NATIVE_DOUBLE)) << name;
        EXPECT_EQ(x.size() % kR, 0u);
    }
    for (const char* name : {"regime", "status", "final_status"}) {
        EXPECT_EQ(a.read<std::uint8_t>(name, H5T_NATIVE_UINT8),
                  b.read<std::uint8_t>(name, H5T_NATIVE_UINT8))
            << name;
    }
    for (const char* name :
         {"announce_step", "exit_step", "dissolve_step", "found_step", "cascade_size"}) {
        EXPECT_EQ(a.read<std::int32_t>(name, H5T_NATIVE_INT32),
                  b.read<std::int32_t>(name, H5T_NATIVE_INT32))
            << name;
    }
}

// Chunks are compressed by helper threads or by the writer thread itself: same values.
TEST(Hdf5RunWriter, CompressionThreadsDoNotChangeTheValues) {
    TempDir dir;
    const Scenario sc = sample::makeScenario();
    std::vector<std::vector<double>> sovereignty;
    std::vector<std::vector<std::uint8_t>> status;
    std::vector<std::vector<std::int32_t>> exit;
    for (unsigned threads : {0u, 1u, 3u}) {
        std::string name = "t";  // appended: GCC 12 warns falsely (-Wrestrict) on a + chain
        name += std::to_string(threads);
        name += ".h5";
        const auto path = dir.file(name);
        RunMetadata m = sample::makeMetadata(sc);
        m.compression_threads = threads;
        {
            Hdf5RunWriter writer(path, m);
            for (std::uint32_t r = 0; r < kR; ++r) writer.write(sample::makeResult(sc, r));
            writer.finish();
        }
        H5Reader f(path);
        sovereignty.push_back(f.read<double>("sovereignty", H5T_NATIVE_DOUBLE));
        status.push_back(f.read<std::uint8_t>("status", H5T_NATIVE_UINT8));
        exit.push_back(f.read<std::int32_t>("exit_step", H5T_NATIVE_INT32));
    }
    for (std::size_t k = 1; k < sovereignty.size(); ++k) {
        EXPECT_EQ(sovereignty[k], sovereignty[0]);
        EXPECT_EQ(status[k], status[0]);
        EXPECT_EQ(exit[k], exit[0]);
    }
    EXPECT_DOUBLE_EQ(sovereignty[0][3], sample::sovereignty(0, 1, 0));
}

TEST(Hdf5RunWriter, FinishRefusesMissingReplicates) {
    TempDir dir;
    const auto path = dir.file("run.h5");
    const Scenario sc = sample::makeScenario();
    Hdf5RunWriter writer(path, sample::makeMetadata(sc));
    writer.write(sample::makeResult(sc, 0));
    EXPECT_THROW(writer.finish(), std::runtime_error);
    EXPECT_FALSE(fs::exists(path));
}

TEST(Hdf5RunWriter, RejectsBadResults) {
    TempDir dir;
    const Scenario sc = sample::makeScenario();
    Hdf5RunWriter writer(dir.file("run.h5"), sample::makeMetadata(sc));
    EXPECT_THROW(writer.write(sample::makeResult(sc, kR)), std::runtime_error);  // out of range
    auto short_result = sample::makeResult(sc, 0);
    short_result.status.pop_back();
    EXPECT_THROW(writer.write(short_result), std::runtime_error);
    writer.write(sample::makeResult(sc, 0));
    EXPECT_THROW(writer.write(sample::makeResult(sc, 0)), std::runtime_error);  // twice
}

TEST(Hdf5RunWriter, ClearErrorWhenTheFileCannotBeCreated) {
    TempDir dir;
    const Scenario sc = sample::makeScenario();
    const auto path = dir.file("missing_folder/run.h5");
    try {
        Hdf5RunWriter writer(path, sample::makeMetadata(sc));
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path + ".part"), std::string::npos) << e.what();
    }
}

TEST(Hdf5RunWriter, LargeStatesAreChunkedBelowOneMiB) {
    // 300k states x 1 axis x 3 recorded steps of float64 is 7 MiB per replicate: chunks split.
    TempDir dir;
    const auto path = dir.file("big.h5");
    Scenario sc = sample::makeScenario();
    sc.axes = {"west"};
    const StateAttributes first = sc.states[0];
    sc.states.listed().resize(1);
    sc.states.addGenerated(300000 - 1, first);
    RunMetadata m = sample::makeMetadata(sc);
    m.replicates = 1;
    m.steps = 2;
    m.record.every = 1;
    {
        Hdf5RunWriter writer(path, m);
        RunResult r;
        const std::size_t S = sc.states.size(), I = sc.institutions.size();
        r.sovereignty.assign(3 * S, 0.25);
        r.alignment.assign(3 * S, -0.5);
        r.regime.assign(3 * S, 1);
        r.status.assign(3 * S * I, 1);
        r.announce_step.assign(S * I, -1);
        r.exit_step.assign(S * I, -1);
        r.final_status.assign(S * I, 1);
        r.dissolve_step.assign(I, -1);
        r.found_step.assign(I, 0);
        r.cascade_size.assign(I, 0);
        writer.write(r);
        writer.finish();
    }
    H5Reader f(path);
    const hid_t ds = H5Dopen2(f.id(), "sovereignty", H5P_DEFAULT);
    const hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[3] = {};
    ASSERT_EQ(H5Pget_chunk(dcpl, 3, chunk), 3);
    EXPECT_EQ(chunk[0], 1u);
    EXPECT_LE(chunk[0] * chunk[1] * chunk[2] * sizeof(double), std::size_t{1} << 20);
    EXPECT_GE(H5Pget_nfilters(dcpl), 2);  // shuffle + deflate
    H5Pclose(dcpl);
    H5Dclose(ds);
    const auto sov = f.read<double>("sovereignty", H5T_NATIVE_DOUBLE);
    EXPECT_EQ(sov.size(), 3 * sc.states.size());
    EXPECT_DOUBLE_EQ(sov.back(), 0.25);
    // The state coordinates are written in blocks of 65536: every id and name, in order.
    const auto ids = f.readStrings("state");
    const auto names = f.readStrings("state_name");
    ASSERT_EQ(ids.size(), sc.states.size());
    ASSERT_EQ(names.size(), sc.states.size());
    for (StateIndex i = 0; i < sc.states.size(); ++i) {
        ASSERT_EQ(ids[i], sc.states.id(i)) << i;
        ASSERT_EQ(names[i], sc.states.name(i)) << i;
    }
    EXPECT_EQ(ids[65536], "S65535");  // the first id of the second block
}

}  // namespace
}  // namespace regsim

namespace regsim {
namespace {

TEST(Hdf5RunWriter, EmptyAxesAreStoredContiguous) {
    test::TempDir dir;
    const auto path = dir.file("empty.h5");
    Scenario sc = sample::makeScenario();
    sc.institutions.clear();
    sc.patrons.clear();
    RunMetadata m = sample::makeMetadata(sc);
    m.replicates = 2;
    {
        Hdf5RunWriter writer(path, m);
        for (std::uint32_t r = 0; r < 2; ++r) {
            RunResult result = sample::makeResult(sc, r);
            result.events.clear();
            writer.write(result);
        }
        writer.finish();
    }
    test::H5Reader f(path);
    EXPECT_EQ(f.shape("status"), (std::vector<hsize_t>{2, 4, 3, 0}));
    EXPECT_EQ(f.shape("event"), (std::vector<hsize_t>{0}));
    EXPECT_DOUBLE_EQ(f.read<double>("sovereignty", H5T_NATIVE_DOUBLE)[3],
                     sample::sovereignty(0, 1, 0));
    const hid_t ds = H5Dopen2(f.id(), "cascade_size", H5P_DEFAULT);
    const hid_t dcpl = H5Dget_create_plist(ds);
    EXPECT_EQ(H5Pget_layout(dcpl), H5D_CONTIGUOUS);
    H5Pclose(dcpl);
    H5Dclose(ds);
}

}  // namespace
}  // namespace regsim

namespace regsim {
namespace {

using test::H5Reader;
using test::TempDir;
namespace fs = std::filesystem;

// --- the event table's chunks ---------------------------------------------------------------

// Event k of a replicate in the event-chunk tests: every field a known function of (r, k).
EventRecord chunkTestEvent(std::uint32_t r, std::uint32_t k) {
    EventRecord e;
    e.step = k % 61;
    e.kind = static_cast<EventKind>((k + r) % kEventKindCount);
    e.cause = static_cast<EventCause>(k % kEventCauseCount);
    e.state = k % 4 == 0 ? kNone : static_cast<StateIndex>(k % kS);
    e.institution = k % 5 == 0 ? kNone : static_cast<InstitutionIndex>(k % kI);
    e.patron = k % 3 == 1 ? 0 : kNone;
    e.value = 1e6 * r + k + 0.125;
    return e;
}

// Replicates' event counts chosen around the 4096-event chunks: 3000 (a partial chunk), 1096
// (ends exactly on the boundary), 0, 9000 (two chunks filled in one replicate, then a partial
// one), 1 (one more event in it).
constexpr std::array<std::uint32_t, kR> kChunkTestEvents{3000, 1096, 0, 9000, 1};

RunResult chunkTestResult(const Scenario& sc, std::uint32_t r) {
    RunResult result = sample::makeResult(sc, r);
    result.events.clear();
    for (std::uint32_t k = 0; k < kChunkTestEvents[r]; ++k) {
        result.events.push_back(chunkTestEvent(r, k));
    }
    return result;
}

// Checks that `path` holds exactly the events of replicates 0 .. through - 1.
void expectChunkTestEvents(const std::string& path, std::uint32_t through) {
    H5Reader f(path);
    std::vector<EventRecord> expected;
    std::vector<std::int32_t> expected_rep;
    for (std::uint32_t r = 0; r < through; ++r) {
        for (std::uint32_t k = 0; k < kChunkTestEvents[r]; ++k) {
            expected.push_back(chunkTestEvent(r, k));
            expected_rep.push_back(static_cast<std::int32_t>(r));
        }
    }
    EXPECT_EQ(f.shape("event"), (std::vector<hsize_t>{expected.size()}));
    const auto ev = readEventColumns(f);
    ASSERT_EQ(ev.rep.size(), expected.size());
    ASSERT_EQ(ev.value.size(), expected.size());
    EXPECT_EQ(ev.rep, expected_rep);
    const auto none = [](std::uint32_t i) { return i == kNone ? -1 : static_cast<int>(i); };
    std::size_t wrong = 0;
    for (std::size_t k = 0; k < expected.size(); ++k) {
        const bool ok =
            ev.step[k] == static_cast<std::int32_t>(expected[k].step) &&
            ev.kind[k] == static_cast<std::uint8_t>(expected[k].kind) &&
            ev.cause[k] == static_cast<std::uint8_t>(expected[k].cause) &&
            ev.state[k] == none(expected[k].state) && ev.inst[k] == none(expected[k].institution) &&
            ev.patron[k] == none(expected[k].patron) && ev.value[k] == expected[k].value;
        if (!ok && wrong++ < 5) ADD_FAILURE() << path << ": event " << k << " differs";
    }
    EXPECT_EQ(wrong, 0u);
}

// The event table's chunks are assembled by the writer and encoded on the compressor; a flush
// writes the partly filled last chunk, which later flushes rewrite as it fills. Flushing after
// every replicate or never, with 0, 1 or 3 compression threads: the same table.
TEST(Hdf5RunWriter, EventChunksAcrossFlushesHoldEveryEvent) {
    TempDir dir;
    const Scenario sc = sample::makeScenario();
    for (const double interval : {0.0, 1e9}) {
        for (const unsigned threads : {0u, 1u, 3u}) {
            std::string name = "events_";
            name += interval == 0.0 ? "flushed_" : "once_";
            name += std::to_string(threads);
            name += ".h5";
            const auto path = dir.file(name);
            RunMetadata m = sample::makeMetadata(sc, /*trajectories=*/false);
            m.flush_interval_seconds = interval;
            m.compression_threads = threads;
            {
                Hdf5RunWriter writer(path, m);
                for (std::uint32_t r = 0; r < kR; ++r) writer.write(chunkTestResult(sc, r));
                writer.finish();
            }
            SCOPED_TRACE(name);
            expectChunkTestEvents(path, kR);

            // Stored as ordinary shuffle + deflate chunks of 4096 events, the last one partial.
            H5Reader f(path);
            for (const char* column : {"event_replicate", "event_kind", "event_value"}) {
                const hid_t ds = H5Dopen2(f.id(), column, H5P_DEFAULT);
                const hid_t dcpl = H5Dget_create_plist(ds);
                hsize_t chunk = 0;
                EXPECT_EQ(H5Pget_chunk(dcpl, 1, &chunk), 1);
                EXPECT_EQ(chunk, 4096u);
                EXPECT_EQ(H5Pget_nfilters(dcpl), 2);
                const hid_t space = H5Dget_space(ds);
                hsize_t chunks = 0;
                EXPECT_GE(H5Dget_num_chunks(ds, space, &chunks), 0);
                EXPECT_EQ(chunks, 4u) << column;  // 13097 events
                for (hsize_t c = 0; c < chunks; ++c) {
                    hsize_t offset = 0, size = 0;
                    haddr_t address = 0;
                    unsigned mask = 1;
                    EXPECT_GE(H5Dget_chunk_info(ds, space, c, &offset, &mask, &address, &size), 0);
                    EXPECT_EQ(offset, c * 4096);
                    EXPECT_EQ(mask, 0u);  // both filters applied
                }
                H5Sclose(space);
                H5Pclose(dcpl);
                H5Dclose(ds);
            }
        }
    }
}

// A run killed between flushes (here: a child process that exits without closing the file)
// leaves a .part with the events of exactly its flushed replicates, although the chunks of
// the replicate after them were already full and encoded.
TEST(Hdf5RunWriter, KilledRunKeepsTheEventsOfItsFlushedReplicatesOnly) {
    TempDir dir;
    const auto path = dir.file("killed.h5");
    const Scenario sc = sample::makeScenario();
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        RunMetadata m = sample::makeMetadata(sc, /*trajectories=*/false);
        m.flush_interval_seconds = 0.5;
        m.compression_threads = 0;                  // no threads in the forked child
        auto* writer = new Hdf5RunWriter(path, m);  // never destroyed: a kill
        // Replicates 0 and 1 come after a pause (each flushes: a partial chunk, then that chunk
        // full and a partial one); 2 and 3 right after (no flush: 3 fills two chunks).
        for (std::uint32_t r = 0; r < 4; ++r) {
            if (r < 2) std::this_thread::sleep_for(std::chrono::milliseconds(550));
            writer->write(chunkTestResult(sc, r));
        }
        _exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_TRUE(fs::exists(path + ".part"));
    expectChunkTestEvents(path + ".part", 2);
    H5Reader f(path + ".part");
    const auto cascade = f.read<std::int32_t>("cascade_size", H5T_NATIVE_INT32);
    EXPECT_EQ(cascade[1 * kI], sample::cascadeSize(1, 0));
    EXPECT_EQ(cascade[3 * kI], INT32_MIN);  // not flushed
}

// The destructor without finish() keeps every replicate written, with its events (the last
// chunk partly filled).
TEST(Hdf5RunWriter, DestructorKeepsTheEventsOfEveryWrittenReplicate) {
    TempDir dir;
    const auto path = dir.file("run.h5");
    const Scenario sc = sample::makeScenario();
    {
        RunMetadata m = sample::makeMetadata(sc, /*trajectories=*/false);
        m.flush_interval_seconds = 0.0;
        Hdf5RunWriter writer(path, m);
        for (std::uint32_t r = 0; r < 4; ++r) writer.write(chunkTestResult(sc, r));
    }
    expectChunkTestEvents(path + ".part", 4);
}

}  // namespace
}  // namespace regsim
