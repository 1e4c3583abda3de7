#include "graph/topology.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace regsim {

namespace {

using Edge = std::pair<std::uint32_t, std::uint32_t>;

// Calls fn(state, institution) for every pair that may ever hold a status other than none,
// repeats included. Called twice (count, then fill), so it must list the same pairs each time.
template <typename Fn>
void forEachPossibleMembership(const Scenario& sc, Fn&& fn) {
    for (InstitutionIndex j = 0; j < sc.institutions.size(); ++j) {
        const auto& inst = sc.institutions[j];
        for (StateIndex i : inst.members) fn(i, j);
        if (inst.latent) {
            if (inst.founding.candidates.empty()) {
                for (StateIndex i = 0; i < sc.states.size(); ++i) fn(i, j);
            } else {
                for (StateIndex i : inst.founding.candidates) fn(i, j);
            }
        }
    }
    for (const auto& ms : sc.memberships) fn(ms.state, ms.institution);
    for (const auto& ev : sc.events) {
        if (ev.kind == EventKind::force_join && ev.state != kNone) fn(ev.state, ev.institution);
    }
}

// Memberships sorted by state then institution, without repeats, into t.membership_institution
// and t.state_first_membership: a counting sort by state straight into those arrays, then each
// (short) row sorted and deduplicated in place. No (state, institution) pair list is built
// (80 MB and a sort of 1e7 pairs at N = 1e7).
void bucketMemberships(const Scenario& sc, Topology& t) {
    auto& first = t.state_first_membership;
    auto& inst = t.membership_institution;
    first.assign(std::size_t(t.state_count) + 1, 0);
    std::uint64_t count = 0;
    forEachPossibleMembership(sc, [&](StateIndex i, InstitutionIndex) {
        ++first[i + 1];
        ++count;
    });
    if (count >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("more than 2^32 - 1 possible memberships: too large a world");
    for (std::uint32_t i = 0; i < t.state_count; ++i) first[i + 1] += first[i];
    inst.resize(count);
    forEachPossibleMembership(sc, [&](StateIndex i, InstitutionIndex j) { inst[first[i]++] = j; });
    // first[i] has moved on to the end of row i; rows are rewritten compacted from the front.
    std::uint32_t begin = 0, out = 0;
    for (std::uint32_t i = 0; i < t.state_count; ++i) {
        const auto end = first[i];
        const auto row = inst.begin() + begin;
        std::sort(row, inst.begin() + end);
        const auto kept = std::uint32_t(std::unique(row, inst.begin() + end) - row);
        if (out != begin) std::copy(row, row + kept, inst.begin() + out);
        first[i] = out;
        out += kept;
        begin = end;
    }
    first[t.state_count] = out;
    if (out != inst.size()) {
        inst.resize(out);
        inst.shrink_to_fit();
    }
}

// Peers: for membership m = (i, j), each neighbour k of i with a membership (k, j), in
// the order of i's influence row.
WeightedCsr peerGraph(const Topology& t) {
    // One institution that every state belongs to (a Watts world): membership m is state m and
    // its peers are its influence row, weights included. The two graphs share their rows
    // (200 MB at N = 1e7).
    const auto m_count = t.membershipCount();
    if (m_count == t.state_count && m_count > 0 &&
        std::all_of(t.membership_institution.begin(), t.membership_institution.end(),
                    [&](InstitutionIndex j) { return j == t.membership_institution[0]; }))
        return t.influence;
    // Otherwise: i's influence row is sorted by k and memberships are sorted by state, so the
    // peer row comes out sorted by target: built in place, in two passes (count, fill), with
    // no edge list and no sort. Both passes look up a random neighbour's
    // membership per entry (4e7 lookups at N = 1e7): institution by institution, through a
    // dense state -> membership map of that institution (one random read, where
    // membershipIndex's binary search made two or more), and in parallel, each m writing only
    // its own row: the same arrays for any thread count.
    const auto inf = t.influence.view();
    std::vector<std::uint32_t> membership_in(t.state_count, kNone);  // of institution j
    const auto forEachMembership = [&](auto&& fn) {
        for (InstitutionIndex j = 0; j < t.institution_count; ++j) {
            const auto first = t.institution_first_membership[j];
            const auto last = t.institution_first_membership[j + 1];
            for (auto k = first; k < last; ++k) {
                const auto m = t.institution_memberships[k];
                membership_in[t.membership_state[m]] = m;
            }
            tbb::parallel_for(tbb::blocked_range<std::uint32_t>(first, last, 1u << 14),
                              [&](const tbb::blocked_range<std::uint32_t>& r) {
                                  for (auto k = r.begin(); k != r.end(); ++k)
                                      fn(t.institution_memberships[k]);
                              });
            for (auto k = first; k < last; ++k)
                membership_in[t.membership_state[t.institution_memberships[k]]] = kNone;
        }
    };
    std::vector<std::uint32_t> peer_counts(m_count, 0);
    forEachMembership([&](std::uint32_t m) {
        const StateIndex i = t.membership_state[m];
        std::uint32_t n = 0;
        for (auto e = inf.begin(i); e < inf.end(i); ++e)
            n += membership_in[inf.targets[e]] != kNone;
        peer_counts[m] = n;
    });
    std::vector<std::uint32_t> peer_offsets(std::size_t(m_count) + 1, 0);
    std::uint64_t peer_total = 0;
    for (std::uint32_t m = 0; m < m_count; ++m) {
        peer_total += peer_counts[m];
        if (peer_total > std::numeric_limits<std::uint32_t>::max())
            throw std::length_error("more than 2^32 - 1 peer entries: too large a world");
        peer_offsets[m + 1] = std::uint32_t(peer_total);
    }
    std::vector<std::uint32_t>().swap(peer_counts);
    // Peer weights are influence weights: none to store when the influence graph has none.
    const bool unit_influence = inf.unitWeight();
    std::vector<std::uint32_t> peer_targets(peer_offsets.back());
    std::vector<EdgeWeight> peer_weights(unit_influence ? 0 : peer_offsets.back());
    forEachMembership([&](std::uint32_t m) {
        const StateIndex i = t.membership_state[m];
        auto at = peer_offsets[m];
        for (auto e = inf.begin(i); e < inf.end(i); ++e) {
            const auto mk = membership_in[inf.targets[e]];
            if (mk == kNone) continue;
            if (!unit_influence) peer_weights[at] = inf.weights[e];
            peer_targets[at++] = mk;
        }
    });
    // The weighted form drops the weights if they all turn out to be 1.
    return unit_influence
               ? WeightedCsr::fromSortedRows(m_count, std::move(peer_offsets),
                                             std::move(peer_targets))
               : WeightedCsr::fromSortedRows(m_count, std::move(peer_offsets),
                                             std::move(peer_targets), std::move(peer_weights));
}

}  // namespace

std::uint32_t Topology::membershipIndex(StateIndex state, InstitutionIndex institution) const {
    const auto first = membership_institution.begin() + state_first_membership[state];
    const auto last = membership_institution.begin() + state_first_membership[state + 1];
    const auto it = std::lower_bound(first, last, institution);
    if (it == last || *it != institution) return kNone;
    return static_cast<std::uint32_t>(it - membership_institution.begin());
}

namespace {

// Scenarios built in code (tests, benchmarks, the C++ API) are not checked by the loader: a
// per-axis vector that is neither empty (the default) nor one value per axis would be read past
// its end by the dynamics, and the run would depend on whatever memory lies there.
void checkAxisLengths(const Scenario& sc) {
    const std::size_t D = sc.axisCount();
    const auto check = [D](const std::vector<double>& v, const std::string& what) {
        if (!v.empty() && v.size() != D)
            throw std::invalid_argument(what + " has " + std::to_string(v.size()) +
                                        " values; the scenario has " + std::to_string(D) + " axes");
    };
    const auto rows = sc.states.listed().size() + (sc.states.generatedCount() != 0 ? 1 : 0);
    for (std::size_t r = 0; r < rows; ++r) {
        const auto& s = sc.states[StateIndex(r)];
        const auto who = "state " + sc.states.name(StateIndex(r));
        check(s.alignment, who + ": alignment");
        check(s.alignment_baseline, who + ": alignment_baseline");
    }
    for (const auto& inst : sc.institutions)
        check(inst.orientation, "institution " + inst.id + ": orientation");
    for (const auto& patron : sc.patrons)
        check(patron.orientation, "patron " + patron.id + ": orientation");
    check(sc.model.military_alignment_shift, "model.military_alignment_shift");
}

}  // namespace

Topology buildTopology(const Scenario& sc) {
    checkAxisLengths(sc);
    Topology t;
    t.state_count = static_cast<std::uint32_t>(sc.states.size());
    t.institution_count = static_cast<std::uint32_t>(sc.institutions.size());
    t.axis_count = static_cast<std::uint32_t>(sc.axisCount());
    t.patron_count = static_cast<std::uint32_t>(sc.patrons.size());

    bucketMemberships(sc, t);
    const auto m_count = static_cast<std::uint32_t>(t.membership_institution.size());
    t.membership_state.resize(m_count);
    t.institution_first_membership.assign(t.institution_count + 1, 0);
    for (StateIndex i = 0; i < t.state_count; ++i) {
        for (auto m = t.state_first_membership[i]; m < t.state_first_membership[i + 1]; ++m) {
            t.membership_state[m] = i;
            ++t.institution_first_membership[t.membership_institution[m] + 1];
        }
    }
    for (std::uint32_t j = 0; j < t.institution_count; ++j)
        t.institution_first_membership[j + 1] += t.institution_first_membership[j];
    t.institution_memberships.resize(m_count);
    {
        auto next = t.institution_first_membership;
        for (std::uint32_t m = 0; m < m_count; ++m)
            t.institution_memberships[next[t.membership_institution[m]]++] = m;
    }

    // Override arrays only when some membership overrides (160 MB at 1e7 memberships
    // otherwise): readers look at them only when the matching any_*_override is set.
    for (const auto& ms : sc.memberships) {
        t.any_benefit_override |= ms.benefit.has_value();
        t.any_cost_override |= ms.sovereignty_cost.has_value();
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (t.any_benefit_override) t.membership_benefit.assign(m_count, nan);
    if (t.any_cost_override) t.membership_cost.assign(m_count, nan);
    for (const auto& ms : sc.memberships) {
        const auto m = t.membershipIndex(ms.state, ms.institution);
        if (ms.benefit) t.membership_benefit[m] = *ms.benefit;
        if (ms.sovereignty_cost) t.membership_cost[m] = *ms.sovereignty_cost;
    }

    // Scenarios built in code (tests, benchmarks) may leave vectors the loader always fills
    // empty: a missing baseline is the initial alignment (the loader's default), a missing
    // orientation zero.
    const std::uint32_t D = t.axis_count;
    const auto at = [](const std::vector<double>& v, std::uint32_t d, double fallback) {
        return d < v.size() ? v[d] : fallback;
    };
    const auto listed = static_cast<std::uint32_t>(sc.states.listed().size());
    const std::uint32_t generated = sc.states.generatedCount();
    const std::uint32_t rows = listed + (generated != 0 ? 1 : 0);
    t.last_state_row = rows > 0 ? rows - 1 : 0;
    t.state_weight.resize(rows);
    t.state_sovereignty_baseline.resize(rows);
    t.state_alignment_baseline.resize(std::size_t(rows) * D);
    double weight_sum = 0.0;
    for (StateIndex r = 0; r < rows; ++r) {
        const auto& s = sc.states[r];  // row `listed` is the first generated state
        const double copies = r < listed ? 1.0 : double(generated);
        t.state_weight[r] = s.weight;
        // Integral weights below 2^53 in total sum exactly, so `copies` of one add up to the
        // product; otherwise the flag is off whatever the sum.
        weight_sum += copies * s.weight;
        if (s.weight != std::floor(s.weight)) t.state_weights_integral = false;
        t.state_sovereignty_baseline[r] = s.sovereignty_baseline;
        for (std::uint32_t d = 0; d < D; ++d)
            t.state_alignment_baseline[std::size_t(r) * D + d] =
                at(s.alignment_baseline, d, at(s.alignment, d, 0.0));
    }
    if (!(weight_sum < 0x1p53)) t.state_weights_integral = false;
    t.institution_orientation.resize(std::size_t(t.institution_count) * D);
    for (InstitutionIndex j = 0; j < t.institution_count; ++j)
        for (std::uint32_t d = 0; d < D; ++d)
            t.institution_orientation[std::size_t(j) * D + d] =
                at(sc.institutions[j].orientation, d, 0.0);
    t.patron_orientation.resize(std::size_t(t.patron_count) * D);
    t.patron_institution_dot.resize(std::size_t(t.patron_count) * t.institution_count);
    for (PatronIndex q = 0; q < t.patron_count; ++q) {
        const double* op = &t.patron_orientation[std::size_t(q) * D];
        for (std::uint32_t d = 0; d < D; ++d)
            t.patron_orientation[std::size_t(q) * D + d] = at(sc.patrons[q].orientation, d, 0.0);
        for (InstitutionIndex j = 0; j < t.institution_count; ++j) {
            const double* oj = &t.institution_orientation[std::size_t(j) * D];
            double dot = 0.0;  // summed over d in the order the step used to: bit-identical
            for (std::uint32_t d = 0; d < D; ++d) dot += op[d] * oj[d];
            t.patron_institution_dot[std::size_t(q) * t.institution_count + j] = dot;
        }
    }

    // Influence: each undirected tie both ways, (a, b) then (b, a), self-ties skipped; a
    // repeated tie adds its weights. Streamed from the tie list into the CSR (no list of 2E
    // directed edges and weights beside it, 640 MB at N = 1e7), and with no weights at all
    // when every tie has weight 1.
    const bool unit_ties = std::all_of(sc.ties.begin(), sc.ties.end(), [](const TieSpec& tie) {
        return tie.a == tie.b || tie.weight == 1.0;
    });
    t.influence = WeightedCsr::fromEdges(t.state_count, unit_ties, [&](auto&& emit) {
        for (const auto& tie : sc.ties) {
            if (tie.a == tie.b) continue;
            emit(tie.a, tie.b, tie.weight);
            emit(tie.b, tie.a, tie.weight);
        }
    });

    t.peers = peerGraph(t);
    t.peers_unit_weight = t.peers.unitWeight();

    std::vector<Edge> link_edges;
    std::vector<double> link_weights;
    for (const auto& link : sc.links) {
        link_edges.emplace_back(link.to, link.from);
        link_weights.push_back(link.weight);
    }
    t.links_into = WeightedCsr(t.institution_count, link_edges, link_weights);

    std::vector<Edge> sub_edges;
    std::vector<double> sub_weights;
    for (const auto& s : sc.substitutions) {
        sub_edges.emplace_back(s.replaces, s.alternative);
        sub_weights.push_back(s.weight);
    }
    t.substitutes_for = WeightedCsr(t.institution_count, sub_edges, sub_weights);
    return t;
}

}  // namespace regsim
