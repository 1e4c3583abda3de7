#pragma once
// FrontierCascade: an event-driven engine for the case in which the per-step model reduces to a
// monotone threshold cascade (Watts 2002, Granovetter 1978; docs/performance.md, "Watts
// cascade"). With deterministic decisions, constant s_i and a_i, no notice, no clause, no
// links, substitutions, patrons or club term, and only forced exits as events, the utility of
// membership m is U0_m + kappa * (share of peers still in - 1): it only falls, and only when a
// peer leaves. So m leaves at the first step at which the number of its peers gone reaches
// need_m, which is computed once with the general engine's own floating-point expression.
// A step then costs O(leavers + their peer lists) instead of O(memberships + all peer lists),
// and the results (summaries, trajectories, event log) are bit for bit those of
// Simulation::run for the same seed and replicate.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/scenario.hpp"
#include "graph/topology.hpp"
#include "record/run_result.hpp"

namespace regsim {

// True exactly when FrontierCascade reproduces Simulation::run for this scenario.
bool frontierApplies(const Scenario& scenario);

// need_m meaning "never leaves". Far from both 0 and the int32 limits so that the per-run
// counters (need minus peers gone) never wrap and never reach 0 again.
inline constexpr std::int32_t kNeverLeaves = std::numeric_limits<std::int32_t>::max() / 2;

// U_ij as phase 5 computes it when every term but the peer term is folded into `base`
// (everything added before the kappa term) and `bias` (zeta, added last).
double cascadeUtility(double base, double kappa, double bias, double peer_gap);

// Smallest count c of unit-weight peers gone, out of `all`, at which the membership leaves
// (U < 0 and finite, as phase 6 decides), or kNeverLeaves. Uses the same expression as the
// general engine (gap = (all - c) / all - 1), so the two agree on every tie-breaking case.
std::int32_t exitThreshold(double base, double kappa, double bias, std::uint32_t all);

// When a step's leavers notify their peers on several threads (notifyRowsParallel). Each
// thread reads every leaver's row and decrements the counters of its own range, so it pays only
// once the counters no longer fit in one core's cache and the round is large
// (docs/performance.md, "Owned ranges": at 1e6 memberships 2 threads were slower than 1).
struct ParallelSplit {
    std::size_t min_leavers = std::size_t(1) << 16;
    std::uint32_t min_memberships = std::uint32_t(1) << 22;
};

class FrontierCascade {
  public:
    // Built once per (scenario, topology); throws std::invalid_argument unless
    // frontierApplies(scenario). The topology must outlive the engine.
    FrontierCascade(const Scenario& scenario, const Topology& topology);

    // A bare unit-weight threshold cascade over nodes 0..n-1 (benchmarks): symmetric adjacency
    // rows offsets[v]..offsets[v+1] of `targets`, and need[v] neighbours gone to leave.
    FrontierCascade(std::vector<std::uint32_t> offsets, std::vector<std::uint32_t> targets,
                    std::vector<std::int32_t> need);

    // Same contract as Simulation::run (scenario engines only).
    void run(std::uint64_t seed, std::uint32_t replicate, std::uint32_t steps,
             const RecordConfig& record, RunResult& out);

    // The cascade alone: `seeds` exit at step 0 (forced), then `steps` synchronous rounds.
    // Returns the number of memberships that left; exit steps are in exitSteps().
    std::uint64_t cascade(std::span<const std::uint32_t> seeds, std::uint32_t steps);

    const std::vector<std::int32_t>& exitSteps() const { return exit_step_; }
    bool unitWeights() const { return unit_; }
    std::uint32_t membershipCount() const { return count_; }
    std::uint32_t peerCount(std::uint32_t m) const { return offsets_[m + 1] - offsets_[m]; }
    // Rounds (steps) that had at least one leaver in the last run.
    std::uint32_t activeRounds() const { return active_rounds_; }
    // Of those, the rounds whose peers were notified on several threads.
    std::uint32_t parallelRounds() const { return parallel_rounds_; }
    // Where rounds split (tests lower it to reach the parallel path in small worlds).
    void setParallelSplit(ParallelSplit split) { split_ = split; }

  private:
    template <typename Forced>
    void simulate(std::uint32_t steps, Forced&& forced, EventLog* events);
    template <typename Fn>
    void withCounters(Fn&& fn);
    template <typename One, typename Chunk>
    void gatherRows(std::span<const std::uint32_t> leavers, std::uint32_t* buf, One&& one,
                    Chunk&& chunk) const;
    template <typename T>
    static std::size_t decrementAll(T* counter, const std::uint32_t* peers, std::size_t n,
                                    std::uint32_t* out, std::size_t ahead);
    template <typename T>
    void notifyRows(T* counter, std::span<const std::uint32_t> leavers);
    template <typename T>
    void notifyRowsParallel(T* counter, std::size_t parts);
    void initCounters(const std::vector<std::int32_t>& need);
    void leave(std::uint32_t m, std::uint32_t step);
    void notify(std::uint32_t m);
    void notifyFrontier();
    // Fills frontier_ with the pending memberships for which keep(m) holds, in index order.
    template <typename Keep>
    void orderPending(Keep&& keep);
    bool leavesNow(std::uint32_t m) const;  // weighted memberships: exact recomputation
    bool belongsNow(std::uint32_t m) const;
    StateIndex pickRandomMember(std::uint64_t seed, std::uint32_t replicate, std::uint32_t step,
                                InstitutionIndex j, std::size_t event_index) const;

    const Scenario* scenario_ = nullptr;
    const Topology* topology_ = nullptr;
    std::uint32_t count_ = 0;
    bool unit_ = true;
    // Peer rows over memberships (the topology's peers, or owned for a bare cascade).
    const std::uint32_t* offsets_ = nullptr;
    const std::uint32_t* targets_ = nullptr;
    const EdgeWeight* weights_ = nullptr;  // null with unit weights (none stored)
    std::vector<std::uint32_t> own_offsets_, own_targets_;

    // Constant per membership.
    std::vector<std::uint8_t> initial_status_;  // MembershipStatus at t = 0
    std::vector<double> base_;                  // weighted: U terms before the peer term
    std::vector<std::uint32_t> zero_need_;      // leave at step 0 with no peer gone, sorted
    double kappa_ = 0.0, bias_ = 0.0;

    // Unit weights: per membership a counter "need - peers gone" in the narrowest unsigned type
    // that holds every degree (1 byte for sparse graphs, so that 1e6 counters fit in cache).
    // It goes 1 -> 0 once, when the membership crosses; "never" starts at degree + 1 and a
    // membership that left is set to the type's maximum, so neither can reach 0 (no row is
    // longer than that maximum - 1). start*_ is the t = 0 copy.
    int width_ = 0;                  // bytes per counter: 1, 2 or 4
    std::size_t counter_ahead_ = 0;  // decrementAll's prefetch distance for these counters
    std::vector<std::uint8_t> start8_, now8_;
    std::vector<std::uint16_t> start16_, now16_;
    std::vector<std::uint32_t> start32_, now32_;

    // Per run.
    std::vector<std::int32_t> exit_step_;  // -1 while the membership has not left
    std::vector<std::uint32_t> stamp_;     // weighted: step a candidate was queued for
    std::uint32_t stamp_step_ = 0;         // weighted: the step notifications queue for
    std::vector<std::uint32_t> pending_;   // crossed (unit) or candidates (weighted), unsorted
    std::size_t pending_count_ = 0;        // used prefix of pending_ (sized count + 1 once)
    std::vector<std::uint32_t> gather_;    // notifyRows: a chunk of leavers' peers
    // notifyRowsParallel, per part: gathered peers, its own among them, those that crossed.
    std::vector<std::vector<std::uint32_t>> part_buffers_;
    std::vector<std::uint32_t> frontier_;  // this step's leavers in membership order
    std::vector<std::uint64_t> marks_;     // bitmap for ordering large frontiers
    bool marks_used_ = false;
    std::uint32_t active_rounds_ = 0;
    std::uint32_t parallel_rounds_ = 0;
    ParallelSplit split_;
    std::uint64_t left_ = 0;  // memberships that left in the last run
};

}  // namespace regsim
