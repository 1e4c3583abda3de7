// describeScenario: the human summary printed by `regsim check`.

#include <map>
#include <sstream>

#include "scenario/scenario_loader.hpp"

namespace regsim {

namespace {

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

}  // namespace

std::string describeScenario(const Scenario& sc) {
    std::ostringstream out;
    out << "Scenario " << sc.name;
    if (!sc.description.empty()) out << ": " << sc.description;
    out << "\n";
    out << "  " << sc.calendarMonth(0) << " to " << sc.calendarMonth(sc.steps - 1) << " ("
        << sc.steps << " monthly steps), " << sc.replicates << " replicate"
        << (sc.replicates == 1 ? "" : "s") << ", seed " << sc.seed << "\n";
    out << "  axes: ";
    for (std::size_t i = 0; i < sc.axes.size(); ++i) out << (i ? ", " : "") << sc.axes[i];
    out << "\n";

    std::size_t military = 0;
    for (StateIndex i = 0; i < sc.states.size(); ++i)
        military += sc.states[i].regime == Regime::military;
    out << "States: " << sc.states.size() << " (" << military << " under military rule)\n";
    if (sc.network) {
        const auto& n = *sc.network;
        out << "  network: " << networkKindName(n.kind);
        if (n.kind == NetworkKind::edge_list || n.kind == NetworkKind::graphml) {
            out << " " << n.path << " (its states included above; content hash "
                << sc.source.network_hash << ")";
        } else {
            out << ", " << n.states << " generated states, mean degree " << n.mean_degree
                << ", graph seed " << n.graph_seed;
        }
        out << "\n";
    }
    out << "Influence ties: " << sc.ties.size() << "\n";

    out << "Institutions: " << sc.institutions.size() << "\n";
    for (const auto& in : sc.institutions) {
        out << "  " << in.id;
        if (in.name != in.id) out << " (" << in.name << ")";
        out << " [" << in.kind << "]: ";
        if (in.latent) {
            out << "latent, founded by >= " << in.founding.min_founders << " of "
                << (in.founding.candidates.empty() ? std::string("all")
                                                   : std::to_string(in.founding.candidates.size()))
                << " candidates";
        } else {
            out << in.members.size() << " member" << (in.members.size() == 1 ? "" : "s");
        }
        out << ", benefit " << number(in.benefit) << ", sovereignty cost "
            << number(in.sovereignty_cost) << ", notice " << in.notice_months << " months";
        if (in.quorum) out << ", quorum " << in.quorum;
        if (in.democracy_clause) out << ", democracy clause";
        if (in.coordinated_exit) out << ", coordinated exit";
        out << "\n";
    }
    if (!sc.memberships.empty()) out << "Membership overrides: " << sc.memberships.size() << "\n";
    if (!sc.links.empty()) out << "Links: " << sc.links.size() << "\n";
    if (!sc.substitutions.empty()) out << "Substitutions: " << sc.substitutions.size() << "\n";
    out << "Patrons: " << sc.patrons.size();
    for (std::size_t i = 0; i < sc.patrons.size(); ++i) {
        out << (i ? ", " : " (") << sc.patrons[i].id << (i + 1 == sc.patrons.size() ? ")" : "");
    }
    out << "\n";

    out << "Events: " << sc.events.size();
    if (sc.events_after_horizon > 0)
        out << " (" << sc.events_after_horizon << " more dated after the last step, left out)";
    out << "\n";
    std::map<std::uint32_t, std::vector<const ScheduledEvent*>> by_step;
    for (const auto& e : sc.events) by_step[e.step].push_back(&e);
    for (const auto& [step, events] : by_step) {
        out << "  " << sc.calendarMonth(step) << " (step " << step << "):";
        for (const auto* e : events) {
            out << " " << eventKindName(e->kind);
            if (e->random_state) out << " random";
            if (e->state != kNone) out << " " << sc.states.id(e->state);
            if (e->patron != kNone) out << " by " << sc.patrons[e->patron].id;
            if (e->institution != kNone) out << " " << sc.institutions[e->institution].id;
            if (e->kind == EventKind::sanction || e->kind == EventKind::patron_engagement ||
                e->kind == EventKind::institution_param) {
                out << " = " << number(e->value);
            }
            out << ";";
        }
        out << "\n";
    }
    return out.str();
}

}  // namespace regsim
