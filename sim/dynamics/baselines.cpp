// Regime-dependent baselines (amendment 6 of the brief): sovereignty and alignment revert to
// the state's civilian baseline, shifted while it is under military rule.

#include <algorithm>

#include "dynamics/phases.hpp"

namespace regsim {

double sovereigntyBaseline(const Scenario& sc, const WorldState& w, StateIndex i) {
    const double base = sc.states[i].sovereignty_baseline;
    if (w.regime[i] != std::uint8_t(Regime::military)) return base;
    return std::clamp(base + sc.model.military_sovereignty_shift, 0.0, 1.0);
}

double alignmentBaseline(const Scenario& sc, const WorldState& w, StateIndex i, AxisIndex d) {
    const double base = sc.states[i].alignment_baseline[d];
    if (w.regime[i] != std::uint8_t(Regime::military) || sc.model.military_alignment_shift.empty())
        return base;
    return std::clamp(base + sc.model.military_alignment_shift[d], -1.0, 1.0);
}

}  // namespace regsim
