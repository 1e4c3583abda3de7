// bench_model: time per step of the general engine on the full political model
// (scripts/bench_watts.sh, "Full model step").
//   bench_model N STEPS THREADS
// N states on an ER graph (z = 4), two axes, three institutions every state belongs to (one with
// a democracy clause and a 12-month notice), a patron, and every coefficient of phases 3-7
// nonzero with finite beta. Prints Simulation::run's time per step and a per-phase breakdown
// of the same steps (phases called in step.cpp's order), one key=value line; and
// neighbour_reads_ms, the memory floor of phase 3 (its random reads with nothing computed).

#include <tbb/global_control.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/huge_pages.hpp"
#include "core/rng.hpp"
#include "dynamics/phases.hpp"
#include "dynamics/simulation.hpp"
#include "dynamics/step.hpp"
#include "graph/generators.hpp"
#include "graph/topology.hpp"

using namespace regsim;
using regsim::bench::peakRssBytes;
using regsim::bench::seconds;

namespace {

Scenario politicalModel(std::uint32_t n, std::uint64_t seed) {
    Scenario sc;
    sc.name = "full_model";
    sc.axes = {"west", "south"};
    sc.seed = seed;
    RandomStream rng(RngKey{seed, 0, 0, 0, Purpose::network});
    sc.states.listed().resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        auto& s = sc.states.listed()[i];
        s.id = "S" + std::to_string(i);
        s.sovereignty = s.sovereignty_baseline = rng.uniform();
        s.alignment = {2 * rng.uniform() - 1, 2 * rng.uniform() - 1};
        s.alignment_baseline = s.alignment;
        s.regime = rng.uniform() < 0.05 ? Regime::military : Regime::civilian;
    }
    sc.ties = generateErdosRenyi(n, 4.0, 1.0, rng);
    for (int j = 0; j < 3; ++j) {
        InstitutionSpec inst;
        inst.id = "I" + std::to_string(j);
        inst.orientation = {j == 0 ? 0.5 : -0.3, j == 2 ? 0.6 : 0.0};
        inst.benefit = 1.0;
        inst.sovereignty_cost = 0.3;
        inst.notice_months = j == 0 ? 12 : 0;
        inst.democracy_clause = j == 0;
        inst.sanction = 0.5;
        inst.members.resize(n);
        for (std::uint32_t i = 0; i < n; ++i) inst.members[i] = i;
        sc.institutions.push_back(std::move(inst));
    }
    PatronSpec patron;
    patron.id = "P";
    patron.orientation = {-1.0, 0.0};
    patron.engagement.assign(n, 0.0);
    for (std::uint32_t i = 0; i < n; i += 10) patron.engagement[i] = 0.5;
    sc.patrons.push_back(std::move(patron));
    auto& p = sc.model;
    p.peer_alignment_rate = 0.1;
    p.confidence_bound = 1.0;
    p.patron_pull = 0.05;
    p.institution_pull = 0.05;
    p.alignment_reversion = 0.05;
    p.alignment_noise = 0.02;
    p.sovereignty_reversion = 0.05;
    p.rally = 0.1;
    p.club_exponent = 0.5;
    p.sanction_benefit_cut = 0.5;
    p.alignment_cost = 0.3;
    p.peer_weight = 0.5;
    p.patron_opposition_weight = 0.2;
    p.status_quo_bias = 0.05;
    p.decision_sharpness = 5.0;
    p.hazard_cap = 0.05;
    p.rescind_margin = 0.1;
    return sc;
}

// The memory floor of phase 3 on this world: its random reads alone (every state's neighbours'
// alignment rows, in CSR order, prefetched 128 entries ahead, summed) with nothing else
// computed; best of 5 on one thread, so the rows are as warm as they get.
double neighbourReadsMs(const Topology& topo, const std::vector<double>& alignment) {
    const auto inf = topo.influence.view();
    const std::uint32_t n = topo.state_count, D = topo.axis_count;
    const std::uint32_t entries = inf.end(n - 1);
    std::vector<double> sums(std::size_t(n) * D);
    double best = 1e300;
    for (int rep = 0; rep < 5; ++rep) {
        const double a = seconds();
        for (std::uint32_t i = 0; i < n; ++i) {
            double s0 = 0.0, s1 = 0.0;
            for (auto e = inf.begin(i); e < inf.end(i); ++e) {
                const auto ahead = std::min(e + 128, entries - 1);
                __builtin_prefetch(&alignment[std::size_t(inf.targets[ahead]) * D]);
                const double* ak = &alignment[std::size_t(inf.targets[e]) * D];
                s0 += ak[0];
                s1 += ak[D - 1];
            }
            sums[std::size_t(i) * D] = s0;
            sums[std::size_t(i) * D + D - 1] = s1;
        }
        best = std::min(best, seconds() - a);
    }
    volatile double sink = sums[n / 2];
    (void)sink;
    return 1e3 * best;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: bench_model N STEPS THREADS\n");
        return 2;
    }
    const auto n = std::uint32_t(std::stoul(argv[1]));
    const auto steps = std::uint32_t(std::stoul(argv[2]));
    const auto threads = std::size_t(std::stoul(argv[3]));
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    const auto sc = politicalModel(n, 1);
    const auto topo = buildTopology(sc);
    Simulation sim(sc, topo);
    RunResult out;
    sim.run(sc.seed, 0, 1, RecordConfig{false, 1}, out);  // warm up: pages, TBB pool
    const double a = seconds();
    sim.run(sc.seed, 0, steps, RecordConfig{false, 1}, out);
    const double per_step = (seconds() - a) / steps;

    // The same steps phase by phase (step.cpp's order), to show where the time goes.
    // On huge pages like Simulation's own (core/huge_pages.hpp), so that the phases' times add
    // up to the run's.
    WorldState now = sim.initialState(), next = now;
    for (WorldState* w : {&now, &next}) {
        assignOnHugePages(w->alignment, sim.initialState().alignment);
        assignOnHugePages(w->status, sim.initialState().status);
    }
    StepScratch scratch;
    scratch.allocate(topo);
    RunTracker tracker;
    tracker.allocate(topo);
    std::fill(tracker.found_step.begin(), tracker.found_step.end(), 0);
    EventLog events;
    events.reserve(std::size_t(1) << 22);  // growing it would be timed as a phase
    tracker.events = &events;
    const char* names[] = {"events_clause", "copy",     "alignment", "sovereignty",
                           "utility",       "decision", "notice",    "dissolution"};
    double phase[8] = {};
    std::size_t next_event = 0;
    for (std::uint32_t t = 0; t < steps; ++t) {
        StepContext ctx{sc, topo, sc.seed, 0, t, now, next, scratch, tracker};
        double c = seconds(), d;
        const auto lap = [&](int k) {
            d = seconds();
            phase[k] += d - c;
            c = d;
        };
        applyScheduledEvents(ctx, next_event);
        applyInstitutionalReactions(ctx);
        lap(0);
        copyWorld(ctx.now, ctx.next, ctx.scenario.model);
        lap(1);
        updateAlignment(ctx);
        lap(2);
        updateSovereignty(ctx);
        lap(3);
        updateKeptCounts(ctx);  // beside phases 3 and 4 in step(); here timed with phase 5
        computeUtilities(ctx);
        lap(4);
        decideExits(ctx);
        lap(5);
        advanceNotices(ctx);
        lap(6);
        dissolveAndFound(ctx);
        lap(7);
        std::swap(now, next);
    }
    std::printf("states=%u memberships=%u peer_entries=%llu threads=%zu step_ms=%.2f", n,
                topo.membershipCount(), (unsigned long long)topo.peers.edgeCount(), threads,
                1e3 * per_step);
    for (int k = 0; k < 8; ++k) std::printf(" %s_ms=%.2f", names[k], 1e3 * phase[k] / steps);
    std::printf(" neighbour_reads_ms=%.2f", neighbourReadsMs(topo, now.alignment));
    const auto peak = peakRssBytes();
    // Check run: the same steps with trajectories, hashed (identical for any thread count).
    sim.run(sc.seed, 0, steps, RecordConfig{true, 1}, out);
    std::printf(" events=%zu fingerprint=%016llx peak_rss=%llu\n", out.events.size(),
                (unsigned long long)fingerprint(out), (unsigned long long)peak);
    return 0;
}
