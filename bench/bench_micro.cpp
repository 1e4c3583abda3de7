// Google Benchmark micro-benchmarks (never run by the tests):
//  - BM_FrontierWatts/N: one Watts cascade (z = 4, phi = 0.18) on the frontier engine, graph built.
//  - BM_GeneralWattsStep/N: one step of the general engine on the same scenario, for the ratio.
//  - BM_ExitThreshold: the per-membership threshold bisection done once per engine.

#include <benchmark/benchmark.h>

#include <string>

#include "core/rng.hpp"
#include "dynamics/frontier_cascade.hpp"
#include "dynamics/simulation.hpp"
#include "graph/generators.hpp"
#include "graph/topology.hpp"

namespace regsim {
namespace {

Scenario wattsScenario(std::uint32_t n, std::uint32_t steps) {
    Scenario sc;
    sc.steps = steps;
    sc.seed = 2002;
    sc.model.peer_weight = 1.0;
    StateAttributes generated;
    generated.alignment = generated.alignment_baseline = {0.0};
    sc.states.addGenerated(n, generated);
    RandomStream rng(RngKey{sc.seed, 0, 0, 0, Purpose::network});
    sc.ties = generateErdosRenyi(n, 4.0, 1.0, rng);
    InstitutionSpec norm;
    norm.id = "NORM";
    norm.orientation = {0.0};
    norm.benefit = 0.179999999;
    for (std::uint32_t i = 0; i < n; ++i) norm.members.push_back(i);
    sc.institutions.push_back(norm);
    ScheduledEvent ev;
    ev.kind = EventKind::force_exit;
    ev.institution = 0;
    ev.random_state = true;
    sc.events.push_back(ev);
    return sc;
}

void BM_FrontierWatts(benchmark::State& state) {
    const auto sc = wattsScenario(std::uint32_t(state.range(0)), 1000);
    const auto topo = buildTopology(sc);
    FrontierCascade engine(sc, topo);
    RunResult out;
    std::uint32_t replicate = 0;
    for (auto _ : state) {
        engine.run(sc.seed, replicate++ % 8, sc.steps, RecordConfig{false, 1}, out);
        benchmark::DoNotOptimize(out.cascade_size.data());
    }
    state.counters["left"] = out.cascade_size[0];
}
BENCHMARK(BM_FrontierWatts)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_GeneralWattsStep(benchmark::State& state) {
    const auto sc = wattsScenario(std::uint32_t(state.range(0)), 1);
    const auto topo = buildTopology(sc);
    Simulation sim(sc, topo);
    RunResult out;
    for (auto _ : state) {
        sim.run(sc.seed, 0, 1, RecordConfig{false, 1}, out);
        benchmark::DoNotOptimize(out.exit_step.data());
    }
}
BENCHMARK(BM_GeneralWattsStep)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ExitThreshold(benchmark::State& state) {
    std::uint32_t all = 1;
    for (auto _ : state) {
        benchmark::DoNotOptimize(exitThreshold(0.179999999, 1.0, 0.0, all));
        all = all % 64 + 1;
    }
}
BENCHMARK(BM_ExitThreshold);

}  // namespace
}  // namespace regsim

BENCHMARK_MAIN();
