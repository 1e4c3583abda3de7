#pragma once
// ModelParams: every coefficient of the model (docs/model.md, "Parameters"), one documented
// default per field. TOML key = field name under [model]. All defaults give a quiet world:
// nothing leaves unless a scenario says why.

#include <limits>
#include <span>
#include <string>
#include <vector>

namespace regsim {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct ModelParams {
    // Phase 3, alignment.
    double peer_alignment_rate = 0.0;     // mu: pull toward influence neighbours' alignment, [0,1]
    double confidence_bound = kInfinity;  // epsilon: neighbours further than this are ignored, >0
    double patron_pull = 0.0;             // nu: pull toward engaged patrons' orientation, [0,1]
    double institution_pull = 0.0;     // eta: pull toward active institutions' orientation, [0,1]
    double alignment_reversion = 0.0;  // pull back to the regime baseline per step, [0,1]
    double alignment_noise = 0.0;      // sd of the Gaussian alignment shock per step, >=0
    // Phase 4, sovereignty.
    double sovereignty_reversion = 0.0;  // rho: mean reversion to the regime baseline, [0,1]
    double rally = 0.0;  // sovereignty bump toward 1 per step while sanctioned/suspended, [0,1]
    double military_sovereignty_shift = 0.0;       // baseline shift under military rule, [-1,1]
    std::vector<double> military_alignment_shift;  // per axis, [-2,2]; empty = zeros
    // Phase 5, utility U_ij.
    double club_exponent = 0.0;                 // gamma, >=0
    double sanction_benefit_cut = 0.0;          // share of the sanction that cuts b_j, [0,1]
    double alignment_cost = 0.0;                // lambda, >=0
    double peer_weight = 0.0;                   // kappa, >=0
    double linkage_weight = 0.0;                // chi, >=0
    double patron_opposition_weight = 0.0;      // psi, >=0
    double substitution_weight = 0.0;           // omega, >=0
    double status_quo_bias = 0.0;               // zeta
    bool linkage_counts_announcements = false;  // count withdrawing (not only withdrawn) in chi
    // Phase 6, decision.
    double decision_sharpness = kInfinity;  // beta, >0; inf = deterministic "leave iff U<0"
    double hazard_cap = 1.0;                // h: monthly probability cap, [0,1]
    // Phase 7, notice.
    double rescind_margin = 0.0;  // rescind while withdrawing when U > margin, >=0

    // Returns "" or the first violated constraint as "key: message".
    std::string validate(std::size_t axis_count) const;
};

// The valid values of a number (every [model] key, and the scenario loader's ranges): from lo
// to hi, each included unless marked open; never NaN.
struct ParamRange {
    double lo, hi;
    bool lo_open = false;
    bool hi_open = false;

    bool holds(double v) const;
    std::string str() const;  // as the messages print it: "[0, 1]", "(0, inf]", "(0, inf)"
};

// A float key of [model] with its field and range: the one table the scenario loader reads and
// checks by and validate() checks, so that every message names the range that holds.
struct ModelFloatKey {
    const char* key;
    double ModelParams::*field;
    ParamRange range;
};
std::span<const ModelFloatKey> modelFloatKeys();

// Each value of military_alignment_shift.
inline constexpr ParamRange kMilitaryAlignmentShiftRange{-2, 2};

}  // namespace regsim
