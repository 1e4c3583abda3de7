// `regsim run`: scenario in, HDF5 trajectories out.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <tuple>
#include <utility>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "graph/topology.hpp"
#include "output/hdf5_run_writer.hpp"
#include "output/output_path.hpp"
#include "output/timed_writer.hpp"
#include "output/writer_thread.hpp"
#include "run/replicate_runner.hpp"
#include "scenario/scenario_loader.hpp"
#include "sweep/progress.hpp"

namespace regsim::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onSignal(int) { g_interrupted.store(true); }

using Clock = std::chrono::steady_clock;

// Counts the replicates written, for the progress line (the writer thread calls it).
class ProgressWriter final : public Writer {
  public:
    ProgressWriter(Writer& inner, Progress& progress) : inner_(inner), progress_(progress) {}
    void write(const RunResult& r) override {
        inner_.write(r);
        progress_.update(++written_);
    }
    void finish() override { inner_.finish(); }
    std::uint64_t written() const { return written_; }

  private:
    Writer& inner_;
    Progress& progress_;
    std::uint64_t written_ = 0;
};

}  // namespace

int runCommand(int argc, char** argv, const std::string& command_line) {
    cxxopts::Options spec("regsim run", "Simulate replicates of a scenario and write HDF5.");
    spec.positional_help("SCENARIO.toml");
    // clang-format off
    spec.add_options()
        ("scenario", "scenario file", cxxopts::value<std::string>())
        ("o,output", "output file (default out/<scenario name>.h5)", cxxopts::value<std::string>())
        ("replicates", "number of replicates (overrides scenario.replicates)", cxxopts::value<std::string>())
        ("seed", "master seed (overrides scenario.seed)", cxxopts::value<std::string>())
        ("steps", "number of monthly steps (overrides scenario.steps)", cxxopts::value<std::string>())
        ("threads", "worker threads (0 = all cores)", cxxopts::value<int>()->default_value("0"))
        ("set", "override a scenario value: key.path=value (repeatable)", cxxopts::value<std::vector<std::string>>())
        ("no-trajectories", "write summaries and events only")
        ("record-every", "record trajectories every K steps", cxxopts::value<std::uint32_t>()->default_value("1"))
        ("queue", "writer queue capacity in replicates", cxxopts::value<std::size_t>()->default_value("16"))
        ("flush-interval", "seconds between flushes of written replicates to the .part file (0: after every replicate, slow)", cxxopts::value<double>()->default_value("5"))
        ("force", "overwrite an existing output file")
        ("quiet", "print nothing but errors")
        ("timings", "print where the time went")
        ("h,help", "show this help");
    // clang-format on
    spec.parse_positional({"scenario"});

    cxxopts::ParseResult args;
    if (const auto stop =
            parseCommandLine(spec, argc, argv, "scenario", "missing SCENARIO.toml", args))
        return *stop;
    const int threads = args["threads"].as<int>();
    const auto every = args["record-every"].as<std::uint32_t>();
    const auto queue = args["queue"].as<std::size_t>();
    const double flush_interval = args["flush-interval"].as<double>();
    for (const auto& [ok, what] :
         {std::pair{threads >= 0, "--threads must be >= 0 (0 = all cores)"},
          std::pair{every >= 1, "--record-every must be >= 1"},
          std::pair{queue >= 1, "--queue must be >= 1"},
          std::pair{flush_interval >= 0, "--flush-interval must be >= 0"}}) {
        if (!ok) {
            std::cerr << "regsim run: " << what << "\n";
            return kExitBadInput;
        }
    }
    const bool quiet = args.count("quiet") > 0;

    // --replicates/--seed/--steps become scenario.* overrides, checked here first so that an
    // error names the flag rather than an override the user never wrote.
    std::vector<std::string> overrides;
    constexpr unsigned long long kU32 = 4294967295ull, kI64 = 9223372036854775807ull;
    for (const auto& [key, lo, hi] :
         {std::tuple{"replicates", 1ull, kU32}, std::tuple{"seed", 0ull, kI64},
          std::tuple{"steps", 1ull, kU32}}) {
        if (!args.count(key)) continue;
        const std::string text = args[key].as<std::string>();
        const auto value = integerIn(text, lo, hi);
        if (!value) {
            std::cerr << "regsim run: --" << key << ": expected an integer in [" << lo << ", " << hi
                      << "], got '" << text << "'\n";
            return kExitBadInput;
        }
        // Built by appending: GCC 12 warns falsely (-Wrestrict) on chained operator+.
        std::string o = "scenario.";
        o += key;
        o += '=';
        o += std::to_string(*value);
        overrides.push_back(std::move(o));
    }
    for (auto& s : repeatedOption(args, "set")) overrides.push_back(std::move(s));

    const auto t_load = Clock::now();
    Scenario scenario;
    try {
        scenario = loadScenarioFile(args["scenario"].as<std::string>(), overrides);
    } catch (const ScenarioError& e) {
        std::cerr << e.what() << "\n";
        return kExitBadInput;
    }
    const double load_s = secondsSince(t_load);
    if (scenario.events_after_horizon > 0 && !quiet) {
        // Valid, and kept out of the run; say so, since a mistyped year looks the same.
        std::cerr << "regsim run: note: " << scenario.events_after_horizon
                  << (scenario.events_after_horizon == 1 ? " event is" : " events are")
                  << " dated after the last step (" << scenario.calendarMonth(scenario.steps - 1)
                  << ") and left out\n";
    }

    const std::string path =
        args.count("output") ? args["output"].as<std::string>() : "out/" + scenario.name + ".h5";
    try {
        refuseInputAsOutput(path, {{"scenario file", args["scenario"].as<std::string>()},
                                   {"network file", scenario.source.network_path}});
        prepareOutputPath(path, args.count("force") > 0);
    } catch (const std::exception& e) {
        std::cerr << "regsim run: " << e.what() << "\n";
        return kExitBadInput;
    }

    const auto t_build = Clock::now();
    const Topology topology = buildTopology(scenario);
    const double build_s = secondsSince(t_build);

    RunOptions options;
    options.seed = scenario.seed;
    options.replicates = scenario.replicates;
    options.steps = scenario.steps;
    options.threads = threads;
    options.record.trajectories = args.count("no-trajectories") == 0;
    options.record.every = every;

    RunMetadata meta;
    meta.scenario = &scenario;
    meta.record = options.record;
    meta.replicates = options.replicates;
    meta.steps = options.steps;
    meta.seed = options.seed;
    meta.parameters_json = resolvedParametersJson(scenario);
    // Nothing reads the scenario's ties after this (the topology's influence graph holds them):
    // free them for the run (160 MB at N = 1e7). A later read would throw, not find none.
    scenario.ties.release();
    meta.command_line = command_line;
    meta.working_directory = workingDirectory();
    meta.version = versionString();
    meta.git_commit = gitCommit();
    meta.started_at = utcNow();
    meta.flush_interval_seconds = flush_interval;

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const auto t_sim = Clock::now();
    std::uint32_t done = 0;
    double write_s = 0.0;
    double compress_s = 0.0, write_cpu_s = 0.0;
    // Outlives the writer thread, so that an error message starts on a line of its own.
    Progress progress(options.replicates, 0, quiet);
    progress.setLabels("replicates", "regsim run");
    try {
        Hdf5RunWriter file(path, meta);
        ProgressWriter counted(file, progress);
        TimedWriter timed(counted);
        std::optional<WriterThread> writer(std::in_place, timed, queue, 0, options.replicates);
        done = runReplicates(
            scenario, topology, options, [&](RunResult&& r) { writer->push(std::move(r)); },
            &g_interrupted);
        if (done < options.replicates) {
            writer.reset();  // stops and joins the writer thread: nothing else updates progress
            progress.finish(counted.written());
            std::cerr << "regsim run: interrupted after " << counted.written() << " of "
                      << options.replicates
                      << " replicates written; the incomplete file is left as " << path
                      << ".part\n";
            return kExitInterrupted;
        }
        writer->close();
        progress.finish(counted.written());
        write_s = timed.seconds();
        write_cpu_s = timed.cpuSeconds();
        compress_s = file.compressionSeconds();
    } catch (const std::exception& e) {
        progress.endLine();  // the writer thread is gone: its scope has ended
        std::cerr << "regsim run: " << e.what() << "\n";
        return kExitFailure;
    }
    const double sim_s = secondsSince(t_sim);

    if (!quiet) {
        std::fprintf(stderr, "regsim: wrote %s (%u replicate%s x %u step%s) in %.2f s\n",
                     path.c_str(), done, done == 1 ? "" : "s", options.steps,
                     options.steps == 1 ? "" : "s", load_s + build_s + sim_s);
    }
    if (args.count("timings")) {
        // Simulation and writing overlap (one writer thread); "write" is the writer's busy time,
        // "write CPU" the writer thread's CPU time for it, "compress" the CPU time a helper
        // thread spent compressing chunks for it.
        const double wall = load_s + build_s + sim_s;
        std::printf(
            "timings: load %.4f s, build %.4f s, simulate+write %.4f s, write %.4f s "
            "(%.1f%% of wall), %.1f runs/s, compress %.4f s CPU (%.1f%% of wall), "
            "write CPU %.4f s (%.1f%% of wall)\n",
            load_s, build_s, sim_s, write_s, 100.0 * write_s / wall, done / sim_s, compress_s,
            100.0 * compress_s / wall, write_cpu_s, 100.0 * write_cpu_s / wall);
    }
    return kExitOk;
}

}  // namespace regsim::cli
