// bench_watts: the Watts cascade on regsim's frontier engine (scripts/bench_watts.sh).
//   bench_watts generate N Z SEED OUT.csv   ER graph from regsim's generator, 0-based "a,b" lines
//   bench_watts cascade EDGES.csv N SEED_NODE [REPEATS]
//       reads the same edge list as the peers, builds a compact CSR (32-bit offsets and
//       targets, one int32 counter per node) and times FrontierCascade::cascade alone on the
//       current thread limit (REGSIM_THREADS, default 1).
//   bench_watts floor EDGES.csv N [REPEATS]
//       the decrements alone: one pass over every row of the same CSR, a byte counter per node
//       decremented per entry, prefetched; the measured memory floor of the cascade's traffic.
//   bench_watts topology N Z SEED
//       the whole model path at scale: the Watts scenario loaded from text (the loader
//       generates the network), buildTopology, FrontierCascade
//       (scenario engine) and one replicate into a RunResult; peak RSS of each stage.
// Every mode prints one line of key=value pairs.

#include <tbb/global_control.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/rng.hpp"
#include "dynamics/frontier_cascade.hpp"
#include "graph/generators.hpp"
#include "graph/topology.hpp"
#include "scenario/scenario_loader.hpp"

using namespace regsim;
using regsim::bench::currentRssBytes;
using regsim::bench::peakRssBytes;
using regsim::bench::seconds;

namespace {

constexpr double kWattsBenefit = 0.179999999;  // phi - 1e-9 (scenarios/validation/watts.toml)

// The Watts scenario users run; topology mode loads it with one replicate and steps enough for
// any cascade.
constexpr const char* kWattsScenarioFile = REGSIM_SOURCE_DIR "/scenarios/validation/watts.toml";

int generate(std::uint32_t n, double z, std::uint64_t seed, const std::string& path) {
    RandomStream rng(RngKey{seed, 0, 0, 0, Purpose::network});
    const auto ties = generateErdosRenyi(n, z, 1.0, rng);
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) throw std::runtime_error("cannot write " + path);
    std::vector<char> buf(1 << 20);
    std::setvbuf(f, buf.data(), _IOFBF, buf.size());
    for (const auto& t : ties) std::fprintf(f, "%u,%u\n", t.a, t.b);
    std::fclose(f);
    std::printf("states=%u edges=%zu\n", n, ties.size());
    return 0;
}

// Calls fn(a, b) for each "a,b" line of 0-based ints, streaming through a 4 MiB buffer.
template <typename Fn>
void forEachPair(const std::string& path, Fn&& fn) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) throw std::runtime_error("cannot read " + path);
    std::vector<char> buf(1 << 22);
    std::uint32_t value = 0, first = 0;
    bool digit = false, have_first = false;
    for (std::size_t got; (got = std::fread(buf.data(), 1, buf.size(), f)) > 0;) {
        for (std::size_t k = 0; k < got; ++k) {
            const char c = buf[k];
            if (c >= '0' && c <= '9') {
                value = value * 10 + std::uint32_t(c - '0');
                digit = true;
                continue;
            }
            if (!digit) continue;
            if (have_first) {
                fn(first, value);
            } else {
                first = value;
            }
            have_first = !have_first;
            value = 0;
            digit = false;
        }
    }
    if (digit && have_first) fn(first, value);
    std::fclose(f);
}

// The edge list as a symmetric CSR: one pass for the degrees, one to fill the rows.
void readCsr(const std::string& path, std::uint32_t n, std::vector<std::uint32_t>& offsets,
             std::vector<std::uint32_t>& targets) {
    offsets.assign(std::size_t(n) + 1, 0);
    forEachPair(path, [&](std::uint32_t a, std::uint32_t b) {
        if (a >= n || b >= n) throw std::runtime_error("node id out of range");
        ++offsets[a + 1];
        ++offsets[b + 1];
    });
    for (std::uint32_t v = 0; v < n; ++v) offsets[v + 1] += offsets[v];
    targets.resize(offsets[n]);
    std::vector<std::uint32_t> next(offsets.begin(), offsets.end() - 1);
    forEachPair(path, [&](std::uint32_t a, std::uint32_t b) {
        targets[next[a]++] = b;
        targets[next[b]++] = a;
    });
}

int cascade(const std::string& path, std::uint32_t n, std::uint32_t seed_node, int repeats) {
    const int threads =
        std::getenv("REGSIM_THREADS") ? std::atoi(std::getenv("REGSIM_THREADS")) : 1;
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, std::size_t(threads));
    const double t0 = seconds();
    std::vector<std::uint32_t> offsets, targets;
    readCsr(path, n, offsets, targets);
    const double t1 = seconds();
    std::vector<std::int32_t> need(n);
    for (std::uint32_t v = 0; v < n; ++v)
        need[v] = exitThreshold(kWattsBenefit, 1.0, 0.0, offsets[v + 1] - offsets[v]);
    const std::uint64_t entries = targets.size();
    FrontierCascade engine(std::move(offsets), std::move(targets), std::move(need));
    const double t2 = seconds();
    const auto rss_built = peakRssBytes();
    std::vector<double> times;
    std::uint64_t left = 0;
    for (int r = 0; r < repeats; ++r) {
        const double a = seconds();
        left = engine.cascade({&seed_node, 1}, 100000);
        times.push_back(seconds() - a);
    }
    std::sort(times.begin(), times.end());
    // Adjacency entries read: the rows of every node that left.
    std::uint64_t visits = 0;
    for (std::uint32_t v = 0; v < n; ++v)
        if (engine.exitSteps()[v] >= 0) visits += engine.peerCount(v);
    std::printf(
        "threads=%d states=%u entries=%llu left=%llu rounds=%u best_s=%.6f median_s=%.6f "
        "read_s=%.3f build_s=%.3f peak_rss_built=%llu peak_rss=%llu visits=%llu\n",
        threads, n, (unsigned long long)entries, (unsigned long long)left, engine.activeRounds(),
        times.front(), times[times.size() / 2], t1 - t0, t2 - t1, (unsigned long long)rss_built,
        (unsigned long long)peakRssBytes(), (unsigned long long)visits);
    return 0;
}

// The floor of a cascade's memory traffic on this graph: one pass of the decrements alone, a
// byte counter per node decremented for every entry of every row in CSR order, prefetched 64
// entries ahead (no rounds, no gathering, no crossing logic). Best of REPEATS.
int floorPass(const std::string& path, std::uint32_t n, int repeats) {
    std::vector<std::uint32_t> offsets, targets;
    readCsr(path, n, offsets, targets);
    std::vector<std::uint8_t> counter(n);
    const std::size_t entries = targets.size();
    double best = 1e300;
    std::uint64_t crossed = 0;
    for (int r = 0; r < repeats; ++r) {
        std::fill(counter.begin(), counter.end(), std::uint8_t(2));
        crossed = 0;
        const double a = seconds();
        for (std::size_t e = 0; e < entries; ++e) {
            __builtin_prefetch(&counter[targets[std::min(e + 64, entries - 1)]], 1);
            crossed += --counter[targets[e]] == 0;
        }
        best = std::min(best, seconds() - a);
    }
    std::printf("states=%u entries=%zu best_s=%.6f ns_per_entry=%.3f crossed=%llu\n", n, entries,
                best, 1e9 * best / double(entries), (unsigned long long)crossed);
    return 0;
}

int topology(std::uint32_t n, double z, std::uint64_t seed) {
    const double t0 = seconds();
    // The user's path: the scenario file through the loader, which generates the network (the
    // same graph `generate` writes for this N, Z and SEED).
    Scenario sc = loadScenarioFile(
        kWattsScenarioFile,
        {"network.states=" + std::to_string(n), "network.mean_degree=" + std::to_string(z),
         "network.seed=" + std::to_string(seed), "scenario.steps=1000", "scenario.replicates=1"});
    const double t1 = seconds();
    const auto rss_scenario = peakRssBytes();
    const auto now_scenario = currentRssBytes();
    const auto topo = buildTopology(sc);
    sc.ties.release();  // as `regsim run` does: the topology holds them now
    const double t2 = seconds();
    const auto rss_topology = peakRssBytes();
    const auto now_topology = currentRssBytes();
    FrontierCascade engine(sc, topo);
    const double t3 = seconds();
    const auto rss_engine = peakRssBytes();
    const auto now_engine = currentRssBytes();
    RunResult out;
    engine.run(seed, 0, sc.steps, RecordConfig{false, 1}, out);
    const double t4 = seconds();
    std::printf(
        "states=%u ties=%zu scenario_s=%.2f topology_s=%.2f engine_s=%.2f run_s=%.3f "
        "left=%d events=%zu rss_scenario=%llu rss_topology=%llu rss_engine=%llu rss_run=%llu "
        "now_scenario=%llu now_topology=%llu now_engine=%llu now_run=%llu\n",
        n, sc.ties.size(), t1 - t0, t2 - t1, t3 - t2, t4 - t3, out.cascade_size[0],
        out.events.size(), (unsigned long long)rss_scenario, (unsigned long long)rss_topology,
        (unsigned long long)rss_engine, (unsigned long long)peakRssBytes(),
        (unsigned long long)now_scenario, (unsigned long long)now_topology,
        (unsigned long long)now_engine, (unsigned long long)currentRssBytes());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "generate" && argc == 6)
            return generate(std::uint32_t(std::stoul(argv[2])), std::stod(argv[3]),
                            std::stoull(argv[4]), argv[5]);
        if (mode == "cascade" && (argc == 5 || argc == 6))
            return cascade(argv[2], std::uint32_t(std::stoul(argv[3])),
                           std::uint32_t(std::stoul(argv[4])), argc == 6 ? std::atoi(argv[5]) : 5);
        if (mode == "floor" && (argc == 4 || argc == 5))
            return floorPass(argv[2], std::uint32_t(std::stoul(argv[3])),
                             argc == 5 ? std::atoi(argv[4]) : 5);
        if (mode == "topology" && argc == 5)
            return topology(std::uint32_t(std::stoul(argv[2])), std::stod(argv[3]),
                            std::stoull(argv[4]));
        std::fprintf(stderr,
                     "usage: bench_watts generate N Z SEED OUT.csv | cascade EDGES.csv N SEED_NODE "
                     "[REPEATS] | floor EDGES.csv N [REPEATS] | topology N Z SEED\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_watts: %s\n", e.what());
        return 1;
    }
}
