#include "run/replicate_runner.hpp"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <thread>

#include "dynamics/simulation.hpp"

namespace regsim {

std::uint32_t runReplicates(const Scenario& scenario, const Topology& topology,
                            const RunOptions& options, const ResultSink& sink,
                            const std::atomic<bool>* stop) {
    const int threads = options.threads > 0
                            ? options.threads
                            : int(std::max(1u, std::thread::hardware_concurrency()));
    // global_control also bounds the nested parallel loops inside one run.
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, std::size_t(threads));
    tbb::task_arena arena(threads);
    std::atomic<std::uint32_t> next{0};
    std::atomic<std::uint32_t> done{0};
    const int workers = std::min<int>(threads, int(std::max<std::uint32_t>(1, options.replicates)));
    arena.execute([&] {
        tbb::task_group group;
        for (int w = 0; w < workers; ++w) {
            group.run([&] {
                Simulation sim(scenario, topology);
                for (;;) {
                    if (stop && stop->load(std::memory_order_relaxed)) return;
                    const auto k = next.fetch_add(1);
                    if (k >= options.replicates) return;
                    RunResult result;
                    sim.run(options.seed, options.first_replicate + k, options.steps,
                            options.record, result);
                    sink(std::move(result));
                    done.fetch_add(1);
                }
            });
        }
        group.wait();
    });
    return done.load();
}

}  // namespace regsim
