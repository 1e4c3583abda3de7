#include "dynamics/simulation.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/huge_pages.hpp"
#include "dynamics/step.hpp"

namespace regsim {

WorldState initialWorld(const Scenario& sc, const Topology& topo) {
    const std::uint32_t N = topo.state_count, J = topo.institution_count, D = topo.axis_count;
    const std::uint32_t M = topo.membershipCount();
    WorldState w;
    w.sovereignty.resize(N);
    w.alignment.resize(std::size_t(N) * D);
    w.regime.resize(N);
    for (StateIndex i = 0; i < N; ++i) {
        const auto& s = sc.states[i];
        w.sovereignty[i] = s.sovereignty;
        // Empty means zeros (buildTopology checked every other length).
        for (std::uint32_t d = 0; d < D; ++d)
            w.alignment[std::size_t(i) * D + d] = s.alignment.empty() ? 0.0 : s.alignment[d];
        w.regime[i] = std::uint8_t(s.regime);
    }
    w.status.assign(M, std::uint8_t(MembershipStatus::none));
    w.sanction.assign(M, 0.0);
    w.announced_step.assign(M, -1);
    w.phase.resize(J);
    w.benefit.resize(J);
    w.sovereignty_cost.resize(J);
    w.sanction_strength.resize(J);
    w.notice_months.resize(J);
    w.quorum.resize(J);
    w.democracy_clause.resize(J);
    w.club_base_weight.assign(J, 0.0);
    w.founding_streak.assign(J, 0);
    for (InstitutionIndex j = 0; j < J; ++j) {
        const auto& inst = sc.institutions[j];
        w.phase[j] =
            std::uint8_t(inst.latent ? InstitutionPhase::latent : InstitutionPhase::active);
        w.benefit[j] = inst.benefit;
        w.sovereignty_cost[j] = inst.sovereignty_cost;
        w.sanction_strength[j] = inst.sanction;
        w.notice_months[j] = inst.notice_months;
        w.quorum[j] = inst.quorum;
        w.democracy_clause[j] = inst.democracy_clause;
        for (StateIndex i : inst.members) {
            w.status[topo.membershipIndex(i, j)] = std::uint8_t(MembershipStatus::member);
            w.club_base_weight[j] += sc.states[i].weight;
        }
    }
    for (const auto& ms : sc.memberships) {
        const auto m = topo.membershipIndex(ms.state, ms.institution);
        if (w.status[m] == std::uint8_t(MembershipStatus::none)) continue;  // latent candidate
        w.status[m] = std::uint8_t(ms.status);
        w.sanction[m] = ms.sanction;
    }
    w.engagement.assign(std::size_t(topo.patron_count) * N, 0.0);
    for (PatronIndex p = 0; p < topo.patron_count; ++p)
        for (StateIndex i = 0; i < N && i < sc.patrons[p].engagement.size(); ++i)
            w.engagement[std::size_t(p) * N + i] = sc.patrons[p].engagement[i];
    return w;
}

Simulation::Simulation(const Scenario& scenario, const Topology& topology, Engine engine)
    : scenario_(scenario), topology_(topology) {
    if (topology.axis_count == 0 || topology.axis_count > kMaxAxes)  // the loader checks first
        throw std::invalid_argument("a scenario needs between 1 and " + std::to_string(kMaxAxes) +
                                    " alignment axes");
    if (engine == Engine::automatic && frontierApplies(scenario)) {
        // The general engine's world, scratch and tracker are never read then: at N = 1e7
        // they were about 1.5 GB per worker thread, allocated and copied for nothing.
        frontier_ = std::make_unique<FrontierCascade>(scenario, topology);
        return;
    }
    initial_ = initialWorld(scenario, topology);
    // The arrays a step reads at random go on huge pages (core/huge_pages.hpp); later copies
    // into now_ and next_ reuse this storage.
    for (WorldState* w : {&now_, &next_}) {
        *w = initial_;
        assignOnHugePages(w->alignment, initial_.alignment);
        assignOnHugePages(w->status, initial_.status);
    }
    scratch_.allocate(topology);
    tracker_.allocate(topology);
    if (usesPeerCounts(scenario, topology)) initial_peer_counts_.update(topology, initial_.status);
    if (usesClubTotals(scenario, topology)) initial_club_totals_.update(topology, initial_.status);
}

void Simulation::record(const WorldState& w, std::size_t slot, RunResult& out) const {
    const std::size_t N = topology_.state_count, J = topology_.institution_count,
                      D = topology_.axis_count;
    std::copy(w.sovereignty.begin(), w.sovereignty.end(), out.sovereignty.begin() + slot * N);
    std::copy(w.alignment.begin(), w.alignment.end(), out.alignment.begin() + slot * N * D);
    std::copy(w.regime.begin(), w.regime.end(), out.regime.begin() + slot * N);
    auto* status = out.status.data() + slot * N * J;
    std::fill(status, status + N * J, std::uint8_t(MembershipStatus::none));
    for (std::uint32_t m = 0; m < topology_.membershipCount(); ++m)
        status[topology_.membership_state[m] * J + topology_.membership_institution[m]] =
            w.status[m];
}

void Simulation::run(std::uint64_t seed, std::uint32_t replicate, std::uint32_t steps,
                     const RecordConfig& rc, RunResult& out) {
    if (frontier_) {
        frontier_->run(seed, replicate, steps, rc, out);
        return;
    }
    const std::size_t N = topology_.state_count, J = topology_.institution_count,
                      D = topology_.axis_count;
    const auto recorded = recordedSteps(steps, rc.every);
    out.replicate = replicate;
    out.events.clear();
    out.events.reserve(scenario_.events.size() + 4 * topology_.membershipCount() + 4 * J);
    if (rc.trajectories) {
        const auto T = recorded.size();
        out.sovereignty.assign(T * N, 0.0);
        out.alignment.assign(T * N * D, 0.0);
        out.regime.assign(T * N, 0);
        out.status.assign(T * N * J, 0);
    } else {
        out.sovereignty.clear();
        out.alignment.clear();
        out.regime.clear();
        out.status.clear();
    }

    now_ = initial_;
    scratch_.peer_counts = initial_peer_counts_;  // no allocation after the first run
    scratch_.club_totals = initial_club_totals_;
    std::fill(tracker_.first_announce.begin(), tracker_.first_announce.end(), -1);
    std::fill(tracker_.exit_step.begin(), tracker_.exit_step.end(), -1);
    std::fill(tracker_.dissolve_step.begin(), tracker_.dissolve_step.end(), -1);
    for (InstitutionIndex j = 0; j < J; ++j)
        tracker_.found_step[j] = scenario_.institutions[j].latent ? -1 : 0;
    tracker_.events = &out.events;

    std::size_t slot = 0;
    if (rc.trajectories) record(now_, slot++, out);
    std::size_t next_event = 0;
    for (std::uint32_t t = 0; t < steps; ++t) {
        StepContext ctx{scenario_, topology_, seed, replicate, t, now_, next_, scratch_, tracker_};
        step(ctx, next_event);
        std::swap(now_, next_);
        if (rc.trajectories && slot < recorded.size() && recorded[slot] == t + 1)
            record(now_, slot++, out);
    }

    // Summaries, dense [state][institution].
    out.announce_step.assign(N * J, -1);
    out.exit_step.assign(N * J, -1);
    out.final_status.assign(N * J, std::uint8_t(MembershipStatus::none));
    out.dissolve_step = tracker_.dissolve_step;
    out.found_step = tracker_.found_step;
    out.cascade_size.assign(J, 0);
    for (std::uint32_t m = 0; m < topology_.membershipCount(); ++m) {
        const auto cell = topology_.membership_state[m] * J + topology_.membership_institution[m];
        out.announce_step[cell] = tracker_.first_announce[m];
        out.exit_step[cell] = tracker_.exit_step[m];
        out.final_status[cell] = now_.status[m];
        if (tracker_.exit_step[m] >= 0) ++out.cascade_size[topology_.membership_institution[m]];
    }
    tracker_.events = nullptr;
}

}  // namespace regsim
