#pragma once
// Scenario: the immutable description of one world (docs/scenarios.md). Built once by
// scenario/scenario_loader from a TOML file, validated, then only read. Ids are resolved to
// dense 0-based indices here, so the model never compares strings.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/network_spec.hpp"
#include "core/params.hpp"
#include "core/state_table.hpp"
#include "core/tie_table.hpp"

namespace regsim {

// Status of a state in an institution. Stored as uint8 (HDF5 flag_values).
enum class MembershipStatus : std::uint8_t {
    none = 0,         // never a member (or not yet joined)
    member = 1,       // active
    suspended = 2,    // active but suspended (democracy clause); still decides
    withdrawing = 3,  // announced, notice running; still counted as belonging
    withdrawn = 4,    // exit took effect
};

struct FoundingCondition {
    std::vector<StateIndex> candidates;  // empty = every state
    std::uint32_t min_founders = 3;      // k
    bool require_military = true;
    bool require_suspended = true;   // suspended by at least one institution
    bool require_connected = true;   // founders connected in the influence graph
    std::uint32_t delay_months = 0;  // the condition must hold this many months more first
};

struct InstitutionSpec {
    std::string id;
    std::string name;
    std::string kind = "regional";
    std::vector<double> orientation;  // o_j, per axis, [-1,1]
    double benefit = 0.0;             // b_j
    double sovereignty_cost = 0.0;    // c_j, >=0
    std::uint32_t notice_months = 0;  // T_j
    bool democracy_clause = false;
    double sanction = 0.0;            // strength in [0,1] applied with a suspension
    std::uint32_t quorum = 0;         // dissolves when fewer active members remain; 0 = never
    bool coordinated_exit = false;    // an alliance whose members leave others together
    double coordination_share = 0.5;  // q in (0,1]
    bool latent = false;
    FoundingCondition founding;       // used when latent
    std::vector<StateIndex> members;  // founding members (empty when latent)
};

// Per-membership overrides and initial status ([[membership]] in TOML).
struct MembershipSpec {
    StateIndex state = 0;
    InstitutionIndex institution = 0;
    std::optional<double> benefit;
    std::optional<double> sovereignty_cost;
    MembershipStatus status = MembershipStatus::member;  // member or suspended
    double sanction = 0.0;                               // initial sanction strength
};

struct LinkSpec {  // leaving `from` makes leaving `to` easier (chi term)
    InstitutionIndex from = 0, to = 0;
    double weight = 1.0;
};

struct SubstitutionSpec {  // belonging to `alternative` makes leaving `replaces` easier (omega)
    InstitutionIndex alternative = 0, replaces = 0;
    double weight = 1.0;
};

struct PatronSpec {
    std::string id;
    std::string name;
    std::vector<double> orientation;  // o_p
    std::vector<double> engagement;   // e_pi(0) per state, >=0
};

enum class EventKind : std::uint8_t {
    // Logged by the dynamics.
    announce = 0,
    rescind = 1,
    exit = 2,
    suspend = 3,
    reinstate = 4,
    sanction = 5,
    lift_sanction = 6,
    dissolve = 7,
    found = 8,
    join = 9,
    // Scheduled (and logged when applied).
    coup = 10,
    transition = 11,
    patron_engagement = 12,
    institution_param = 13,
    force_exit = 14,
    force_join = 15,
};
inline constexpr int kEventKindCount = 16;
const char* eventKindName(EventKind kind);

enum class InstitutionParam : std::uint8_t {
    benefit,
    sovereignty_cost,
    sanction,
    notice_months,
    quorum,
    democracy_clause,
};

// A dated event from the scenario ([[event]]). Unused indices are kNone.
struct ScheduledEvent {
    std::uint32_t step = 0;  // month index from scenario start
    EventKind kind = EventKind::coup;
    StateIndex state = kNone;
    InstitutionIndex institution = kNone;
    PatronIndex patron = kNone;
    bool random_state = false;  // state = "random": one uniform draw per replicate
    InstitutionParam param = InstitutionParam::benefit;
    double value = 0.0;
};

// Where the scenario text came from: error messages and provenance.
struct ScenarioSource {
    std::string path;
    std::string text;
    // A network read from a file ([network] kind edge_list or graphml): its resolved path and
    // the hash of its contents (core/text_hash.hpp), since the text alone cannot re-run it.
    std::string network_path;
    std::string network_hash;
};

// Alignment axes a scenario may have: phase 3 keeps a state's per-axis sums in fixed buffers.
inline constexpr std::size_t kMaxAxes = 16;

struct Scenario {
    std::string name;
    std::string description;
    int start_year = 2000;
    int start_month = 1;  // 1..12; step t is month (start + t)
    std::uint32_t steps = 12;
    std::uint32_t replicates = 1;
    std::uint64_t seed = 1;
    std::vector<std::string> axes{"west"};  // 1 to kMaxAxes names
    ModelParams model;
    StateTable states;
    std::vector<InstitutionSpec> institutions;
    std::vector<MembershipSpec> memberships;
    TieTable ties;
    std::vector<LinkSpec> links;
    std::vector<SubstitutionSpec> substitutions;
    std::vector<PatronSpec> patrons;
    std::vector<ScheduledEvent> events;      // sorted by step, then file order
    std::uint32_t events_after_horizon = 0;  // dated after the last step: validated, not run
    std::optional<NetworkSpec> network;      // synthetic or file influence graph, if any
    ScenarioSource source;

    std::size_t axisCount() const { return axes.size(); }
    std::string calendarMonth(std::uint32_t step) const;  // "YYYY-MM"
};

}  // namespace regsim
