#include "sample_run.hpp"

namespace regsim::sample {

Scenario makeScenario() {
    Scenario sc;
    sc.name = "sample_sahel";
    sc.description = "output layer test";
    sc.start_year = 2022;
    sc.start_month = 11;  // so recorded months cross a year: 2022-11 .. 2023-05
    sc.steps = kSteps;
    sc.replicates = kReplicates;
    sc.seed = 42;
    sc.axes = {"west", "russia"};
    for (const auto& [id, name] :
         {std::pair{"MLI", "Mali"}, std::pair{"BFA", "Burkina Faso"}, std::pair{"NER", "Niger"}}) {
        StateSpec s;
        s.id = id;
        s.name = name;
        s.alignment = {0.0, 0.0};
        sc.states.push_back(s);
    }
    for (const auto& [id, name] : {std::pair{"ECOWAS", "Economic Community of West African States"},
                                   std::pair{"AES", "Alliance des États du Sahel"}}) {
        InstitutionSpec i;
        i.id = id;
        i.name = name;
        i.orientation = {0.5, -0.5};
        sc.institutions.push_back(i);
    }
    PatronSpec p;
    p.id = "RUS";
    p.name = "Russia";
    p.orientation = {-1.0, 1.0};
    p.engagement = {0.1, 0.2, 0.3};
    sc.patrons.push_back(p);
    sc.source.path = "scenarios/sample_sahel.toml";
    sc.source.text =
        "name = \"sample_sahel\"\n"
        "# a scenario text long enough that `regsim info` shortens it\n"
        "start = \"2022-11\"\nsteps = 6\n[[state]]\nid = \"MLI\"\nname = \"Mali\"\n";
    return sc;
}

RunMetadata makeMetadata(const Scenario& scenario, bool trajectories) {
    RunMetadata m;
    m.flush_interval_seconds = 0;  // the kill test reads every replicate back
    m.scenario = &scenario;
    m.record.trajectories = trajectories;
    m.record.every = kEvery;
    m.replicates = kReplicates;
    m.steps = kSteps;
    m.seed = 18446744073709551557ull;  // needs all 64 bits
    m.parameters_json = R"({"model": {"peer_weight": 0.5}, "seed": 18446744073709551557})";
    m.command_line = "regsim run scenarios/sample_sahel.toml -o out.h5";
    m.version = "0.1.0";
    m.git_commit = "abcdef123456";
    m.started_at = "2024-01-02T03:04:05Z";
    return m;
}

double sovereignty(std::uint32_t r, std::size_t t, std::size_t s) {
    return 0.5 + 0.1 * r + 0.01 * static_cast<double>(t) + 0.001 * static_cast<double>(s);
}
double alignment(std::uint32_t r, std::size_t t, std::size_t s, std::size_t a) {
    return -sovereignty(r, t, s) + 0.0001 * static_cast<double>(a);
}
std::uint8_t regime(std::uint32_t r, std::size_t t, std::size_t s) {
    return static_cast<std::uint8_t>((r + t + s) % 2);
}
std::uint8_t status(std::uint32_t r, std::size_t t, std::size_t s, std::size_t i) {
    return static_cast<std::uint8_t>((r + t + 2 * s + i) % 5);
}
std::int32_t announceStep(std::uint32_t r, std::size_t s, std::size_t i) {
    return (s + i) % 3 == 0 ? -1 : static_cast<std::int32_t>(r * 10 + s * 2 + i);
}
std::int32_t exitStep(std::uint32_t r, std::size_t s, std::size_t i) {
    const std::int32_t a = announceStep(r, s, i);
    return a < 0 ? -1 : a + 3;
}
std::uint8_t finalStatus(std::uint32_t r, std::size_t s, std::size_t i) {
    return static_cast<std::uint8_t>((r + s + i) % 5);
}
std::int32_t dissolveStep(std::uint32_t r, std::size_t i) {
    return i == 0 ? -1 : static_cast<std::int32_t>(r);
}
std::int32_t foundStep(std::uint32_t r, std::size_t i) {
    return i == 0 ? 0 : static_cast<std::int32_t>(r + 1);
}
std::int32_t cascadeSize(std::uint32_t r, std::size_t i) {
    return static_cast<std::int32_t>(r + i);
}

RunResult makeResult(const Scenario& scenario, std::uint32_t r, bool trajectories) {
    const std::size_t T = recordedSteps(kSteps, kEvery).size();
    const std::size_t S = scenario.states.size();
    const std::size_t I = scenario.institutions.size();
    const std::size_t A = scenario.axes.size();
    RunResult out;
    out.replicate = r;
    if (trajectories) {
        for (std::size_t t = 0; t < T; ++t) {
            for (std::size_t s = 0; s < S; ++s) {
                out.sovereignty.push_back(sovereignty(r, t, s));
                out.regime.push_back(regime(r, t, s));
                for (std::size_t a = 0; a < A; ++a) out.alignment.push_back(alignment(r, t, s, a));
                for (std::size_t i = 0; i < I; ++i) out.status.push_back(status(r, t, s, i));
            }
        }
    }
    for (std::size_t s = 0; s < S; ++s) {
        for (std::size_t i = 0; i < I; ++i) {
            out.announce_step.push_back(announceStep(r, s, i));
            out.exit_step.push_back(exitStep(r, s, i));
            out.final_status.push_back(finalStatus(r, s, i));
        }
    }
    for (std::size_t i = 0; i < I; ++i) {
        out.dissolve_step.push_back(dissolveStep(r, i));
        out.found_step.push_back(foundStep(r, i));
        out.cascade_size.push_back(cascadeSize(r, i));
    }
    for (std::uint32_t k = 0; k <= r; ++k) {
        EventRecord e;
        e.step = k;
        e.kind = static_cast<EventKind>(k % kEventKindCount);
        e.cause = static_cast<EventCause>(k % kEventCauseCount);
        e.state = k % 2 == 0 ? static_cast<StateIndex>(k % S) : kNone;
        e.institution = I == 0 ? kNone : static_cast<InstitutionIndex>(k % I);
        e.patron = k % 3 == 1 ? 0 : kNone;
        e.value = 1000.0 * r + k;
        out.events.push_back(e);
    }
    return out;
}

}  // namespace regsim::sample
