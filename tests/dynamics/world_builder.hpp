#pragma once
// Small scenarios built in code for the dynamics tests (no TOML: the loader has its own tests).

#include <string>

#include "core/scenario.hpp"

namespace regsim::testing {

inline Scenario emptyScenario(std::uint32_t steps = 5) {
    Scenario sc;
    sc.name = "test";
    sc.start_year = 2022;
    sc.start_month = 1;
    sc.steps = steps;
    sc.seed = 7;
    return sc;
}

inline StateIndex addState(Scenario& sc, const std::string& id, double sovereignty = 0.5,
                           double alignment = 0.0, Regime regime = Regime::civilian) {
    StateSpec s;
    s.id = id;
    s.name = id;
    s.sovereignty = sovereignty;
    s.sovereignty_baseline = sovereignty;
    s.alignment.assign(sc.axisCount(), alignment);
    s.alignment_baseline = s.alignment;
    s.regime = regime;
    sc.states.push_back(s);
    return StateIndex(sc.states.size() - 1);
}

inline InstitutionIndex addInstitution(Scenario& sc, const std::string& id,
                                       std::vector<StateIndex> members, double benefit = 1.0) {
    InstitutionSpec inst;
    inst.id = id;
    inst.name = id;
    inst.orientation.assign(sc.axisCount(), 0.0);
    inst.benefit = benefit;
    inst.members = std::move(members);
    sc.institutions.push_back(inst);
    return InstitutionIndex(sc.institutions.size() - 1);
}

inline void tie(Scenario& sc, StateIndex a, StateIndex b, double w = 1.0) {
    sc.ties.push_back(TieSpec{a, b, w});
}

inline void schedule(Scenario& sc, std::uint32_t step, EventKind kind, StateIndex state,
                     InstitutionIndex institution = kNone, double value = 0.0) {
    ScheduledEvent ev;
    ev.step = step;
    ev.kind = kind;
    ev.state = state;
    ev.institution = institution;
    ev.value = value;
    sc.events.push_back(ev);
}

}  // namespace regsim::testing
