#include "dynamics/frontier_cascade.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "core/rng.hpp"
#include "core/world.hpp"
#include "dynamics/simulation.hpp"

namespace regsim {

namespace {

constexpr std::uint32_t kNoStamp = 0xFFFFFFFFu;
// notifyRows: row entries copied per leaver without a loop, and gathered per pass.
constexpr std::uint32_t kRowLanes = 8;
constexpr std::size_t kGatherChunk = 2048;
// How far ahead decrementAll prefetches counters: 16 peers while the counters fit in a core's
// cache, 128 once they do not (1e7 one-byte counters: 0.26-0.28 -> 0.22-0.23 s; at 1e6 the
// longer reach was 5-10% slower).
constexpr std::size_t kCounterAheadNear = 16, kCounterAheadFar = 128;
constexpr std::size_t kFarCounterBytes = std::size_t(4) << 20;
// The gather buffer's room past a chunk: the last row's copied lanes and the prefetch's reach.
constexpr std::size_t kGatherSlack = kRowLanes + kCounterAheadFar + 8;

bool decides(double u) { return u < 0 && !std::isinf(u); }  // phase 6 with beta = inf

// A unit-weight membership that left: its counter can never reach 0 again.
template <typename T>
void markGone(T* counter, std::uint32_t m) {
    counter[m] = std::numeric_limits<T>::max();
}

}  // namespace

bool frontierApplies(const Scenario& sc) {
    const auto& p = sc.model;
    if (sc.axes.empty() || sc.axes.size() > 16) return false;  // Simulation rejects these
    if (!(std::isinf(p.decision_sharpness) && p.decision_sharpness > 0)) return false;
    if (!(p.hazard_cap > 0)) return false;
    // s_i and a_i constant.
    if (p.peer_alignment_rate != 0 || p.patron_pull != 0 || p.institution_pull != 0 ||
        p.alignment_reversion != 0 || p.alignment_noise != 0 || p.sovereignty_reversion != 0 ||
        p.rally != 0)
        return false;
    // U falls only when a peer leaves: no club term, no cross-institution terms, kappa >= 0.
    if (p.club_exponent != 0 || !(p.peer_weight >= 0)) return false;
    if (p.linkage_weight != 0 && !sc.links.empty()) return false;
    if (p.substitution_weight != 0 && !sc.substitutions.empty()) return false;
    if (p.patron_opposition_weight != 0 && !sc.patrons.empty()) return false;
    for (const auto& inst : sc.institutions) {
        if (inst.notice_months != 0 || inst.democracy_clause || inst.quorum != 0 ||
            inst.coordinated_exit || inst.latent)
            return false;
    }
    for (const auto& ms : sc.memberships) {
        if (ms.status != MembershipStatus::member && ms.status != MembershipStatus::suspended)
            return false;
    }
    for (const auto& ev : sc.events) {
        if (ev.kind != EventKind::force_exit) return false;
    }
    return true;
}

double cascadeUtility(double base, double kappa, double bias, double peer_gap) {
    double u = base;
    if (kappa != 0) u += kappa * peer_gap;  // phase 5 skips the term when kappa = 0
    return u + bias;
}

std::int32_t exitThreshold(double base, double kappa, double bias, std::uint32_t all) {
    const auto leaves = [&](std::uint32_t gone) {
        const double in = double(all - gone), total = double(all);
        const double gap = total > 0 ? in / total - 1.0 : 0.0;
        return decides(cascadeUtility(base, kappa, bias, gap));
    };
    // Monotone in `gone` (each floating-point step is), so bisect.
    if (!leaves(all)) return kNeverLeaves;
    std::uint32_t lo = 0, hi = all;
    while (lo < hi) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        if (leaves(mid)) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return std::int32_t(lo);
}

FrontierCascade::FrontierCascade(const Scenario& sc, const Topology& topo)
    : scenario_(&sc), topology_(&topo), count_(topo.membershipCount()) {
    if (!frontierApplies(sc))
        throw std::invalid_argument("the scenario is not a monotone threshold cascade");
    const auto peers = topo.peers.view();
    offsets_ = peers.offsets;
    targets_ = peers.targets;
    weights_ = peers.weights;
    unit_ = peers.unitWeight();  // stored weights are never all 1 (graph/csr.hpp)

    // The t = 0 world exactly as the general engine builds it; only its statuses are kept
    // (s_i, a_i and regimes never change here: trajectories read them from the scenario).
    // Scoped, so that it is freed before the per-run buffers are allocated.
    std::vector<std::int32_t> need;
    {
        WorldState w = initialWorld(sc, topo);
        initial_status_ = std::move(w.status);

        const auto& p = sc.model;
        kappa_ = p.peer_weight;
        bias_ = p.status_quo_bias;
        const std::uint32_t D = topo.axis_count;
        need.assign(unit_ ? count_ : 0, kNeverLeaves);
        if (!unit_) base_.assign(count_, 0.0);
        for (std::uint32_t m = 0; m < count_; ++m) {
            if (!belongs(static_cast<MembershipStatus>(initial_status_[m]))) continue;
            const auto i = topo.membership_state[m];
            const auto j = topo.membership_institution[m];
            // Phase 5 up to the peer term, in its order of operations (club = 1 as gamma = 0).
            const double bo = topo.benefitOverride(m);
            const double co = topo.costOverride(m);
            const double b = std::isnan(bo) ? w.benefit[j] : bo;
            const double c = std::isnan(co) ? w.sovereignty_cost[j] : co;
            double u = b * 1.0 * (1.0 - p.sanction_benefit_cut * w.sanction[m]);
            u -= w.sovereignty[i] * c;
            if (p.alignment_cost != 0) {
                const auto& o = sc.institutions[j].orientation;
                double d2 = 0.0;
                for (std::uint32_t d = 0; d < D; ++d) {
                    const double x = w.alignment[std::size_t(i) * D + d] - o[d];
                    d2 += x * x;
                }
                u -= p.alignment_cost * std::sqrt(d2);
            }
            if (unit_) {
                std::uint32_t all = 0;  // peers that ever belonged (none never changes here)
                for (auto e = offsets_[m]; e < offsets_[m + 1]; ++e)
                    all += initial_status_[targets_[e]] != std::uint8_t(MembershipStatus::none);
                need[m] = exitThreshold(u, kappa_, bias_, all);
                if (need[m] == 0) zero_need_.push_back(m);
            } else {
                base_[m] = u;
                if (decides(cascadeUtility(u, kappa_, bias_, 0.0))) zero_need_.push_back(m);
            }
        }
    }
    if (unit_) initCounters(need);
    std::vector<std::int32_t>().swap(need);
    exit_step_.assign(count_, -1);
    if (!unit_) stamp_.assign(count_, kNoStamp);
    pending_.assign(std::size_t(count_) + 1, 0);  // +1: the branch-free push writes one past
    frontier_.reserve(count_);
    gather_.assign(kGatherChunk + kGatherSlack, 0);
    marks_.assign((std::size_t(count_) + 63) / 64, 0);
}

FrontierCascade::FrontierCascade(std::vector<std::uint32_t> offsets,
                                 std::vector<std::uint32_t> targets, std::vector<std::int32_t> need)
    : count_(std::uint32_t(offsets.empty() ? 0 : offsets.size() - 1)),
      own_offsets_(std::move(offsets)),
      own_targets_(std::move(targets)) {
    if (need.size() != count_) throw std::invalid_argument("one need per node");
    offsets_ = own_offsets_.data();
    targets_ = own_targets_.data();
    initial_status_.assign(count_, std::uint8_t(MembershipStatus::member));
    for (std::uint32_t m = 0; m < count_; ++m)
        if (need[m] == 0) zero_need_.push_back(m);
    initCounters(need);
    exit_step_.assign(count_, -1);
    pending_.assign(std::size_t(count_) + 1, 0);  // +1: the branch-free push writes one past
    frontier_.reserve(count_);
    gather_.assign(kGatherChunk + kGatherSlack, 0);
    marks_.assign((std::size_t(count_) + 63) / 64, 0);
}

bool FrontierCascade::belongsNow(std::uint32_t m) const {
    return exit_step_[m] < 0 && belongs(static_cast<MembershipStatus>(initial_status_[m]));
}

bool FrontierCascade::leavesNow(std::uint32_t m) const {
    // weightedPeerShareGap of utility_kernel.hpp, over the same rows in the same order.
    double in = 0.0, all = 0.0;
    for (auto e = offsets_[m]; e < offsets_[m + 1]; ++e) {
        const auto k = targets_[e];
        if (initial_status_[k] == std::uint8_t(MembershipStatus::none)) continue;
        const double wt = weights_[e].weight;
        all += wt;
        if (exit_step_[k] < 0) in += wt;
    }
    const double gap = all > 0 ? in / all - 1.0 : 0.0;
    return decides(cascadeUtility(base_[m], kappa_, bias_, gap));
}

void FrontierCascade::initCounters(const std::vector<std::int32_t>& need) {
    std::uint64_t widest = 0;
    for (std::uint32_t m = 0; m < count_; ++m)
        widest = std::max<std::uint64_t>(widest, std::uint64_t(peerCount(m)) + 1);
    const auto fill = [&](auto& start, auto& now) {
        start.resize(count_);
        for (std::uint32_t m = 0; m < count_; ++m) {
            const std::uint64_t never = std::uint64_t(peerCount(m)) + 1;
            const std::uint64_t n = need[m] < 0 ? never : std::uint64_t(need[m]);
            start[m] = static_cast<std::remove_reference_t<decltype(start[0])>>(std::min(n, never));
        }
        now.resize(count_);
    };
    if (widest < 0xFF) {
        width_ = 1;
        fill(start8_, now8_);
    } else if (widest < 0xFFFF) {
        width_ = 2;
        fill(start16_, now16_);
    } else {
        width_ = 4;
        fill(start32_, now32_);
    }
    counter_ahead_ = std::size_t(count_) * std::size_t(width_) > kFarCounterBytes
                         ? kCounterAheadFar
                         : kCounterAheadNear;
}

template <typename Fn>
void FrontierCascade::withCounters(Fn&& fn) {
    if (width_ == 1) {
        fn(now8_.data());
    } else if (width_ == 2) {
        fn(now16_.data());
    } else {
        fn(now32_.data());
    }
}

void FrontierCascade::leave(std::uint32_t m, std::uint32_t step) {
    exit_step_[m] = std::int32_t(step);
    ++left_;
    if (unit_) withCounters([&](auto* counter) { markGone(counter, m); });
}

// Hands every peer k of every leaver to `one(k)` (rows longer than kRowLanes) or, a chunk at
// a time, to `chunk(buf, got)`. Rows of a sparse graph are short and of random length
// (Poisson, mean z), so a loop over each row would end in a mispredicted branch: instead this
// copies kRowLanes entries of each row into `buf` whatever its length (the next rows' entries:
// in bounds while begin + kRowLanes <= entries) and advances by the row's length; `chunk`
// then decrements the gathered peers' counters in one loop. The order of decrements does not
// matter: each counter reaches 0 once, and orderPending sorts what crossed.
template <typename One, typename Chunk>
[[gnu::always_inline]] inline void FrontierCascade::gatherRows(
    std::span<const std::uint32_t> leavers, std::uint32_t* buf, One&& one, Chunk&& chunk) const {
    const std::uint32_t* const offsets = offsets_;
    const std::uint32_t* const targets = targets_;
    const std::uint32_t entries = offsets[count_];
    const std::size_t count = leavers.size();
    std::size_t x = 0;
    while (x < count) {
        std::size_t got = 0;
        for (; x < count && got < kGatherChunk; ++x) {
            // The leaver's row start 32 leavers ahead, its row 16 ahead: each leaver costs a
            // fresh line of `targets`; without this the loop waits on it.
            if (x + 32 < count) __builtin_prefetch(offsets + leavers[x + 32]);
            if (x + 16 < count) __builtin_prefetch(targets + offsets[leavers[x + 16]]);
            const auto m = leavers[x];
            const auto begin = offsets[m], end = offsets[m + 1];
            if (end - begin <= kRowLanes && begin + kRowLanes <= entries) {
                std::memcpy(buf + got, targets + begin, kRowLanes * sizeof(std::uint32_t));
                got += end - begin;
            } else {
                for (auto e = begin; e < end; ++e) one(targets[e]);
            }
        }
        chunk(buf, got);
    }
}

// Decrements the counters of peers[0 .. n) and appends those that reach 0 to out[0 ..),
// returning their count (out has room for n + 1: the push is branch-free). peers has `ahead`
// readable entries past n (the prefetch's reach; stale ones are still membership indices).
template <typename T>
std::size_t FrontierCascade::decrementAll(T* counter, const std::uint32_t* peers, std::size_t n,
                                          std::uint32_t* out, std::size_t ahead) {
    std::size_t crossed = 0;
    for (std::size_t i = 0; i < n; ++i) {
        __builtin_prefetch(counter + peers[i + ahead], 1);
        const auto k = peers[i];
        out[crossed] = k;
        crossed += --counter[k] == 0;
    }
    return crossed;
}

template <typename T>
void FrontierCascade::notifyRows(T* counter, std::span<const std::uint32_t> leavers) {
    // Locals: stores through T* (a char type when T is uint8_t) would otherwise force the
    // members to be reloaded after every decrement.
    std::uint32_t* const out = pending_.data();
    std::size_t n = pending_count_;
    gatherRows(
        leavers, gather_.data(),
        [&](std::uint32_t k) {
            out[n] = k;
            n += --counter[k] == 0;
        },
        [&](const std::uint32_t* buf, std::size_t got) {
            n += decrementAll(counter, buf, got, out + n, counter_ahead_);
        });
    pending_count_ = n;
}

// Large frontiers on several threads, without atomics: each part owns the counters (and the
// bitmap words) of a range of memberships aligned to 64, reads every leaver's row, keeps its
// own peers (a branch-free compaction) and decrements them. Which memberships cross does not
// depend on the split, so any thread count gives the same result. (Atomic decrements were
// slower on 2 threads than 1 thread without them: a locked instruction waits for its cache
// miss before any later load may proceed.)
template <typename T>
void FrontierCascade::notifyRowsParallel(T* counter, std::size_t parts) {
    const std::size_t room = gather_.size();
    if (part_buffers_.size() < parts)
        part_buffers_.resize(parts, std::vector<std::uint32_t>(3 * room));
    const auto bound = [&](std::size_t t) {
        return t == parts ? count_ : std::uint32_t(std::size_t(count_) * t / parts) & ~63u;
    };
    std::uint64_t* const marks = marks_.data();
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, parts, 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
            for (auto t = r.begin(); t != r.end(); ++t) {
                const std::uint32_t lo = bound(t), len = bound(t + 1) - lo;
                std::uint32_t* const buf = part_buffers_[t].data();
                std::uint32_t* const own = buf + room;
                std::uint32_t* const out = own + room;
                const auto mark = [&](std::uint32_t k) {
                    marks[k >> 6] |= std::uint64_t(1) << (k & 63);
                };
                gatherRows(
                    frontier_, buf,
                    [&](std::uint32_t k) {
                        if (k - lo < len && --counter[k] == 0) mark(k);
                    },
                    [&](const std::uint32_t* peers, std::size_t got) {
                        std::size_t mine = 0;
                        for (std::size_t i = 0; i < got; ++i) {
                            own[mine] = peers[i];
                            mine += peers[i] - lo < len;
                        }
                        const auto crossed = decrementAll(counter, own, mine, out, counter_ahead_);
                        for (std::size_t i = 0; i < crossed; ++i) mark(out[i]);
                    });
            }
        },
        tbb::simple_partitioner());
    marks_used_ = true;
}

void FrontierCascade::notify(std::uint32_t m) {
    if (unit_) {
        withCounters([&](auto* counter) { notifyRows(counter, {&m, 1}); });
        return;
    }
    // Weighted: queue each still-active peer once per step for an exact re-evaluation.
    const auto step = stamp_step_;
    for (auto e = offsets_[m]; e < offsets_[m + 1]; ++e) {
        const auto k = targets_[e];
        if (stamp_[k] == step || !belongsNow(k)) continue;
        stamp_[k] = step;
        pending_[pending_count_++] = k;
    }
}

void FrontierCascade::notifyFrontier() {
    if (!unit_) {
        for (const auto m : frontier_) notify(m);
        return;
    }
    // Both limits: the arena's and a tbb::global_control's (how regsim sets --threads).
    const auto threads = std::min<std::size_t>(
        tbb::this_task_arena::max_concurrency(),
        tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
    const bool parallel =
        threads > 1 && frontier_.size() >= split_.min_leavers && count_ >= split_.min_memberships;
    withCounters([&](auto* counter) {
        if (parallel) {
            ++parallel_rounds_;
            notifyRowsParallel(counter, threads);
        } else {
            notifyRows(counter, frontier_);
        }
    });
}

template <typename Keep>
void FrontierCascade::orderPending(Keep&& keep) {
    frontier_.clear();
    // Small sets: sort. Large ones: mark and scan the bitmap (count/64 words), which is linear.
    const auto pending = std::span(pending_).first(pending_count_);
    if (marks_used_ || pending.size() > count_ / 1024 + 64) {
        for (const auto m : pending) marks_[m >> 6] |= std::uint64_t(1) << (m & 63);
        for (std::size_t wi = 0; wi < marks_.size(); ++wi) {
            auto bits = marks_[wi];
            if (bits == 0) continue;
            marks_[wi] = 0;
            while (bits != 0) {
                const auto m = std::uint32_t(wi * 64 + std::countr_zero(bits));
                bits &= bits - 1;
                if (keep(m)) frontier_.push_back(m);
            }
        }
    } else {
        std::sort(pending.begin(), pending.end());
        for (const auto m : pending)
            if (keep(m)) frontier_.push_back(m);
    }
    pending_count_ = 0;
    marks_used_ = false;
}

template <typename Forced>
void FrontierCascade::simulate(std::uint32_t steps, Forced&& forced, EventLog* events) {
    if (unit_) {
        std::copy(start8_.begin(), start8_.end(), now8_.begin());
        std::copy(start16_.begin(), start16_.end(), now16_.begin());
        std::copy(start32_.begin(), start32_.end(), now32_.begin());
    }
    std::fill(exit_step_.begin(), exit_step_.end(), -1);
    if (!unit_) {
        std::fill(stamp_.begin(), stamp_.end(), kNoStamp);
        for (const auto m : zero_need_) stamp_[m] = 0;
    }
    std::copy(zero_need_.begin(), zero_need_.end(), pending_.begin());
    pending_count_ = zero_need_.size();
    marks_used_ = false;
    active_rounds_ = 0;
    parallel_rounds_ = 0;
    left_ = 0;
    for (std::uint32_t t = 0; t < steps; ++t) {
        // Phase 1: forced exits act at once; their peers may leave in this same step.
        stamp_step_ = t;
        const bool more_events = forced(t);
        // Phases 5-7: every membership whose count crossed leaves now, in index order.
        if (unit_) {
            // They leave as they are ordered, while their lines are in cache (one pass fewer).
            withCounters([&](auto* counter) {
                orderPending([&](std::uint32_t m) {
                    if (exit_step_[m] >= 0) return false;  // forced out meanwhile
                    exit_step_[m] = std::int32_t(t);
                    markGone(counter, m);
                    return true;
                });
            });
            left_ += frontier_.size();
        } else {
            // Weighted: every candidate is judged before any of them leaves.
            orderPending([&](std::uint32_t m) { return exit_step_[m] < 0 && leavesNow(m); });
            for (const auto m : frontier_) leave(m, t);
        }
        if (!frontier_.empty()) {
            ++active_rounds_;
            if (events != nullptr) {
                const auto& topo = *topology_;
                for (const auto m : frontier_)
                    events->push_back(EventRecord{t, EventKind::announce, EventCause::utility,
                                                  topo.membership_state[m],
                                                  topo.membership_institution[m], kNone, 0.0});
                for (const auto m : frontier_)
                    events->push_back(EventRecord{t, EventKind::exit, EventCause::notice_elapsed,
                                                  topo.membership_state[m],
                                                  topo.membership_institution[m], kNone, 0.0});
            }
            stamp_step_ = t + 1;
            notifyFrontier();
        }
        if (pending_count_ == 0 && !marks_used_ && !more_events) break;  // nothing can move
    }
    // A bitmap filled by the last step must not leak into the next run.
    if (marks_used_) {
        std::fill(marks_.begin(), marks_.end(), 0);
        marks_used_ = false;
    }
    pending_count_ = 0;
}

std::uint64_t FrontierCascade::cascade(std::span<const std::uint32_t> seeds, std::uint32_t steps) {
    const auto forced = [&](std::uint32_t t) {
        if (t != 0) return false;
        for (const auto m : seeds) {
            if (!belongsNow(m)) continue;
            leave(m, 0);
            notify(m);
        }
        return false;
    };
    simulate(steps, forced, nullptr);
    return left_;
}

StateIndex FrontierCascade::pickRandomMember(std::uint64_t seed, std::uint32_t replicate,
                                             std::uint32_t step, InstitutionIndex j,
                                             std::size_t event_index) const {
    // scheduled_events.cpp, draw for draw.
    const auto& t = *topology_;
    const auto first = t.institution_first_membership[j];
    const auto count = t.institution_first_membership[j + 1] - first;
    if (count == 0) return kNone;
    RandomStream rng(RngKey{seed, replicate, step, event_index, Purpose::initial_exit});
    for (int attempt = 0; attempt < 64; ++attempt) {
        const auto m = t.institution_memberships[first + rng.below(count)];
        if (belongsNow(m)) return t.membership_state[m];
    }
    for (auto k = first; k < first + count; ++k) {
        const auto m = t.institution_memberships[k];
        if (belongsNow(m)) return t.membership_state[m];
    }
    return kNone;
}

void FrontierCascade::run(std::uint64_t seed, std::uint32_t replicate, std::uint32_t steps,
                          const RecordConfig& rc, RunResult& out) {
    if (scenario_ == nullptr) throw std::logic_error("run() needs a scenario engine");
    const auto& sc = *scenario_;
    const auto& topo = *topology_;
    const std::size_t N = topo.state_count, J = topo.institution_count, D = topo.axis_count;
    out.replicate = replicate;
    out.events.clear();
    out.events.reserve(sc.events.size() + 2 * std::size_t(count_));  // the most it can log

    std::size_t next_event = 0;
    const auto forced = [&](std::uint32_t t) {
        const auto& evs = sc.events;
        for (; next_event < evs.size() && evs[next_event].step == t; ++next_event) {
            const auto& ev = evs[next_event];  // force_exit only (frontierApplies)
            const StateIndex i =
                ev.random_state ? pickRandomMember(seed, replicate, t, ev.institution, next_event)
                                : ev.state;
            if (i == kNone) continue;
            const auto m = topo.membershipIndex(i, ev.institution);
            if (m == kNone || !belongsNow(m)) continue;
            leave(m, t);
            out.events.push_back(EventRecord{t, EventKind::force_exit, EventCause::scheduled, i,
                                             ev.institution, kNone, 0.0});
            notify(m);
        }
        return next_event < evs.size() && evs[next_event].step < steps;
    };
    simulate(steps, forced, &out.events);

    const auto statusAt = [&](std::uint32_t m, std::int64_t time) {
        const auto s = exit_step_[m];
        return s >= 0 && s < time ? std::uint8_t(MembershipStatus::withdrawn) : initial_status_[m];
    };
    if (rc.trajectories) {
        // s_i, a_i and regimes never change here; statuses follow from the exit steps.
        const auto recorded = recordedSteps(steps, rc.every);
        const auto T = recorded.size();
        out.sovereignty.resize(T * N);
        out.alignment.resize(T * N * D);
        out.regime.resize(T * N);
        out.status.assign(T * N * J, std::uint8_t(MembershipStatus::none));
        for (StateIndex i = 0; i < N; ++i) {  // slot 0, as initialWorld sets them
            const auto& s = sc.states[i];
            out.sovereignty[i] = s.sovereignty;
            for (std::size_t d = 0; d < D; ++d)
                out.alignment[i * D + d] = s.alignment.empty() ? 0.0 : s.alignment[d];
            out.regime[i] = std::uint8_t(s.regime);
        }
        for (std::size_t slot = 0; slot < T; ++slot) {
            if (slot > 0) {
                std::copy_n(out.sovereignty.begin(), N, out.sovereignty.begin() + slot * N);
                std::copy_n(out.alignment.begin(), N * D, out.alignment.begin() + slot * N * D);
                std::copy_n(out.regime.begin(), N, out.regime.begin() + slot * N);
            }
            auto* status = out.status.data() + slot * N * J;
            for (std::uint32_t m = 0; m < count_; ++m)
                status[topo.membership_state[m] * J + topo.membership_institution[m]] =
                    statusAt(m, recorded[slot]);
        }
    } else {
        out.sovereignty.clear();
        out.alignment.clear();
        out.regime.clear();
        out.status.clear();
    }

    // Summaries, as Simulation::run: an exit here is always announced at the same step.
    out.announce_step.assign(N * J, -1);
    out.exit_step.assign(N * J, -1);
    out.final_status.assign(N * J, std::uint8_t(MembershipStatus::none));
    out.dissolve_step.assign(J, -1);
    out.found_step.assign(J, 0);  // no latent institution
    out.cascade_size.assign(J, 0);
    for (std::uint32_t m = 0; m < count_; ++m) {
        const auto cell = topo.membership_state[m] * J + topo.membership_institution[m];
        out.announce_step[cell] = exit_step_[m];
        out.exit_step[cell] = exit_step_[m];
        out.final_status[cell] = statusAt(m, std::int64_t(steps) + 1);
        if (exit_step_[m] >= 0) ++out.cascade_size[topo.membership_institution[m]];
    }
}

}  // namespace regsim
