// `regsim sweep`: a sweep file in, one HDF5 file of (point, replicate) runs out; shardable
// and resumable (docs/sweeps.md).

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <utility>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "output/output_path.hpp"
#include "output/sweep_writer.hpp"
#include "output/timed_writer.hpp"
#include "output/writer_thread.hpp"
#include "scenario/scenario_loader.hpp"
#include "scenario/sweep_loader.hpp"
#include "sweep/progress.hpp"
#include "sweep/run_plan.hpp"
#include "sweep/shard.hpp"
#include "sweep/sweep_runner.hpp"

namespace regsim::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void onSweepSignal(int) { g_stop.store(true); }

using Clock = std::chrono::steady_clock;

// Hands the WriterThread's ordered results (result.replicate = position in the run list) to
// the SweepWriter under their real run index, and reports progress.
class RunListWriter final : public Writer {
  public:
    RunListWriter(SweepWriter& out, const std::vector<std::uint64_t>& runs,
                  std::uint32_t replicates, Progress& progress)
        : out_(out), runs_(runs), replicates_(replicates), progress_(progress) {}
    void write(const RunResult& r) override {
        const std::uint64_t run = runs_[r.replicate];
        RunResult& mutable_r = const_cast<RunResult&>(r);
        mutable_r.replicate = std::uint32_t(run % replicates_);
        out_.write(run, r);
        progress_.update(out_.doneRuns());
    }
    void finish() override { out_.finish(); }

  private:
    SweepWriter& out_;
    const std::vector<std::uint64_t>& runs_;
    std::uint32_t replicates_;
    Progress& progress_;
};

}  // namespace

int sweepCommand(int argc, char** argv, const std::string& command_line) {
    cxxopts::Options spec("regsim sweep", "Run a parameter sweep and write one HDF5 file.");
    spec.positional_help("SWEEP.toml");
    // clang-format off
    spec.add_options()
        ("sweep", "sweep file", cxxopts::value<std::string>())
        ("o,output", "output file (default out/<sweep file name>.h5)", cxxopts::value<std::string>())
        ("threads", "worker threads (0 = all cores)", cxxopts::value<int>()->default_value("0"))
        ("shard", "run only shard K/N of the points (K 0-based), or 'auto' from the batch system's array task", cxxopts::value<std::string>())
        ("resume", "continue OUT.part if it exists (same sweep and shard)")
        ("force", "overwrite an existing output file or .part")
        ("flush-interval", "seconds between flushes of finished runs to the file (0: after every block)", cxxopts::value<double>()->default_value("2"))
        ("queue", "writer queue capacity in runs", cxxopts::value<std::size_t>()->default_value("64"))
        ("quiet", "print nothing but errors")
        ("timings", "print where the time went")
        ("h,help", "show this help");
    // clang-format on
    spec.parse_positional({"sweep"});
    cxxopts::ParseResult args;
    if (const auto stop = parseCommandLine(spec, argc, argv, "sweep", "missing SWEEP.toml", args))
        return *stop;
    const int threads = args["threads"].as<int>();
    const auto queue = args["queue"].as<std::size_t>();
    const double flush_interval = args["flush-interval"].as<double>();
    for (const auto& [ok, what] :
         {std::pair{threads >= 0, "--threads must be >= 0 (0 = all cores)"},
          std::pair{queue >= 1, "--queue must be >= 1"},
          std::pair{flush_interval >= 0, "--flush-interval must be >= 0"}}) {
        if (!ok) {
            std::cerr << "regsim sweep: " << what << "\n";
            return kExitBadInput;
        }
    }
    const bool quiet = args.count("quiet") > 0, resume = args.count("resume") > 0,
               force = args.count("force") > 0;

    ShardId shard;
    if (args.count("shard")) {
        try {
            const auto text = args["shard"].as<std::string>();
            shard = text == "auto" ? shardFromEnvironment() : parseShard(text);
        } catch (const std::invalid_argument& e) {
            std::cerr << "regsim sweep: " << e.what() << "\n";
            return kExitBadInput;
        }
    }

    const auto t_load = Clock::now();
    const std::string sweep_path = args["sweep"].as<std::string>();
    SweepSpec sw;
    try {
        sw = loadSweepFile(sweep_path);
    } catch (const ScenarioError& e) {
        std::cerr << e.what() << "\n";
        return kExitBadInput;
    }
    const double load_s = secondsSince(t_load);
    const std::string path =
        args.count("output") ? args["output"].as<std::string>()
                             : "out/" + std::filesystem::path(sweep_path).stem().string() + ".h5";
    try {
        refuseInputAsOutput(path, {{"sweep file", sweep_path},
                                   {"sweep's base scenario file", sw.scenario_path},
                                   {"network file", sw.scenario.source.network_path}});
    } catch (const std::exception& e) {
        std::cerr << "regsim sweep: " << e.what() << "\n";
        return kExitBadInput;
    }
    const std::string part = path + ".part";
    std::error_code ec;
    const bool finished = std::filesystem::exists(path, ec) && !force;
    if (finished && !resume) {
        std::cerr << "regsim sweep: " << path << " exists; use --force to overwrite\n";
        return kExitBadInput;
    }
    const bool continuing = !finished && resume && !force && std::filesystem::exists(part, ec);
    if (!finished && !continuing && std::filesystem::exists(part, ec) && !force) {
        std::cerr << "regsim sweep: " << part
                  << " exists (an unfinished sweep): use --resume to continue it or --force to "
                     "start over\n";
        return kExitBadInput;
    }
    if (!finished) {
        try {
            prepareOutputPath(path, true);
        } catch (const std::exception& e) {
            std::cerr << "regsim sweep: " << e.what() << "\n";
            return kExitBadInput;
        }
    }

    const std::uint64_t points_total = sw.points.size();
    const PointRange range = shardPoints(points_total, shard.index, shard.count);
    const Scenario& base = sw.scenario;
    SweepMetadata meta;
    for (StateIndex i = 0; i < base.states.size(); ++i) {
        meta.state_ids.push_back(base.states.id(i));
        meta.state_names.push_back(base.states.name(i));
    }
    for (const auto& i : base.institutions) {
        meta.institution_ids.push_back(i.id);
        meta.institution_names.push_back(i.name.empty() ? i.id : i.name);
    }
    for (const auto& a : base.axes) meta.axis_names.push_back(a);
    for (const auto& p : sw.design.parameters) meta.parameter_keys.push_back(p.key);
    meta.trajectories = sw.record.trajectories;
    meta.record_every = sw.record.every;
    if (meta.trajectories)
        for (auto t : recordedSteps(sw.steps, sw.record.every)) {
            meta.time_steps.push_back(std::int32_t(t));
            meta.time_months.push_back(base.calendarMonth(t));
        }
    meta.steps = sw.steps;
    meta.replicates = sw.replicates;
    meta.points_total = points_total;
    meta.point_first = range.first;
    meta.point_count = range.count;
    meta.point_values.assign(sw.points.begin() + long(range.first),
                             sw.points.begin() + long(range.first + range.count));
    meta.sweep_text = sw.text;
    meta.sweep_path = sw.path;
    meta.sweep_hash = sweepHash(sw);
    meta.scenario_name = base.name;
    meta.start_month = base.calendarMonth(0);
    meta.scenario_text = sw.scenario_text;
    meta.scenario_path = sw.scenario_path;
    meta.network_path = base.source.network_path;
    meta.network_hash = base.source.network_hash;
    meta.parameters_json = sweepDesignJson(sw);
    meta.design = std::string(designKindName(sw.design.kind));
    meta.command_line = command_line;
    meta.working_directory = workingDirectory();
    meta.version = versionString();
    meta.git_commit = gitCommit();
    meta.started_at = utcNow();
    meta.seed = sw.seed;
    meta.design_seed = sw.design.design_seed;
    meta.shard_index = shard.index;
    meta.shard_count = shard.count;
    meta.flush_interval_seconds = flush_interval;
    if (finished) {  // --resume of a shard that is done: only if it is this sweep's
        try {
            checkFinishedSweep(path, meta);
        } catch (const SweepFileMismatch& e) {
            std::cerr << "regsim sweep: " << e.what() << "\n";
            return kExitBadInput;
        }
        if (!quiet) std::fprintf(stderr, "regsim sweep: %s is already complete\n", path.c_str());
        return kExitOk;
    }

    std::signal(SIGINT, onSweepSignal);
    std::signal(SIGTERM, onSweepSignal);
    const auto t_sim = Clock::now();
    std::uint64_t done = 0;
    double write_s = 0.0, write_cpu_s = 0.0, compress_s = 0.0;
    try {
        std::unique_ptr<SweepWriter> opened;
        try {
            opened = std::make_unique<SweepWriter>(path, meta, continuing);
        } catch (const SweepPartUnreadable& e) {
            // Killed before its first flush: it holds nothing, start over.
            std::cerr << "regsim sweep: " << e.what() << "; starting it over\n";
            opened = std::make_unique<SweepWriter>(path, meta, false);
        }
        SweepWriter& out = *opened;
        SweepJob job;
        job.seed = sw.seed;
        job.replicates = sw.replicates;
        job.steps = sw.steps;
        job.record = sw.record;
        job.threads = threads;
        job.point_first = range.first;
        job.runs = out.pendingRuns();
        if (job.runs.size() > std::numeric_limits<std::uint32_t>::max()) {
            std::cerr << "regsim sweep: more than 2^32 runs in one process; use --shard\n";
            return kExitBadInput;
        }
        job.scenario_for = [&](std::uint64_t p) { return loadPointScenario(sw, p); };
        Progress progress(out.totalRuns(), out.doneRuns(), quiet);
        if (!quiet && continuing) {
            std::fprintf(stderr, "regsim sweep: resuming %s: %llu of %llu runs already done\n",
                         part.c_str(), static_cast<unsigned long long>(out.doneRuns()),
                         static_cast<unsigned long long>(out.totalRuns()));
        }
        RunListWriter adapter(out, job.runs, sw.replicates, progress);
        TimedWriter timed(adapter);
        {
            WriterThread writer(timed, queue, 0, std::uint32_t(job.runs.size()));
            try {
                done = runSweep(
                    job,
                    [&](std::uint64_t seq, RunResult&& r) {
                        r.replicate = std::uint32_t(seq);
                        writer.push(std::move(r));
                    },
                    &g_stop);
            } catch (const ScenarioError& e) {
                writer.cancel();
                std::cerr << "regsim sweep: " << e.what() << "\n";
                return kExitBadInput;
            }
            if (done < job.runs.size()) {
                writer.cancel();
                progress.finish(out.doneRuns());
                std::cerr << "regsim sweep: interrupted; the runs done so far are kept in " << part
                          << " (continue with --resume)\n";
                return kExitInterrupted;
            }
            writer.close();
        }
        write_s = timed.seconds();
        write_cpu_s = timed.cpuSeconds();
        compress_s = out.compressionSeconds();
        progress.finish(out.totalRuns());
        if (!quiet) {
            std::fprintf(stderr, "regsim: wrote %s (%llu point%s x %u replicate%s, shard %u/%u)\n",
                         path.c_str(), static_cast<unsigned long long>(range.count),
                         range.count == 1 ? "" : "s", sw.replicates, sw.replicates == 1 ? "" : "s",
                         shard.index, shard.count);
        }
    } catch (const SweepFileMismatch& e) {
        std::cerr << "regsim sweep: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "regsim sweep: " << e.what() << "\n";
        return kExitFailure;
    }
    const double sim_s = secondsSince(t_sim);
    if (args.count("timings")) {
        // As `regsim run --timings` (one line on stdout): simulation and writing overlap (one
        // writer thread); "write" is the writer's busy time, "write CPU" the writer thread's
        // CPU time for it, "compress" the CPU time a helper thread spent encoding chunks for
        // it. Wall is from reading the sweep file to the renamed output.
        const double wall = load_s + sim_s;
        std::printf(
            "timings: load %.4f s, simulate+write %.4f s, wall %.4f s, write %.4f s "
            "(%.1f%% of wall), %.1f runs/s, compress %.4f s CPU (%.1f%% of wall), "
            "write CPU %.4f s (%.1f%% of wall)\n",
            load_s, sim_s, wall, write_s, 100.0 * write_s / wall, double(done) / sim_s, compress_s,
            100.0 * compress_s / wall, write_cpu_s, 100.0 * write_cpu_s / wall);
    }
    return kExitOk;
}

}  // namespace regsim::cli
