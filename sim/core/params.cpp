#include "core/params.hpp"

#include <cmath>

#include "core/format_number.hpp"

namespace regsim {

namespace {

std::string checkRange(const char* key, double v, double lo, double hi) {
    if (std::isnan(v) || v < lo || v > hi) {  // both bounds included, inf too
        return std::string(key) + ": " + formatDouble(v) + " is outside [" + formatDouble(lo) +
               ", " + formatDouble(hi) + "]";
    }
    return "";
}

}  // namespace

std::string ModelParams::validate(std::size_t axis_count) const {
    const struct {
        const char* key;
        double value, lo, hi;
    } checks[] = {
        {"peer_alignment_rate", peer_alignment_rate, 0, 1},
        {"confidence_bound", confidence_bound, 0, kInfinity},
        {"patron_pull", patron_pull, 0, 1},
        {"institution_pull", institution_pull, 0, 1},
        {"alignment_reversion", alignment_reversion, 0, 1},
        {"alignment_noise", alignment_noise, 0, 10},
        {"sovereignty_reversion", sovereignty_reversion, 0, 1},
        {"rally", rally, 0, 1},
        {"military_sovereignty_shift", military_sovereignty_shift, -1, 1},
        {"club_exponent", club_exponent, 0, 100},
        {"sanction_benefit_cut", sanction_benefit_cut, 0, 1},
        {"alignment_cost", alignment_cost, 0, 1e6},
        {"peer_weight", peer_weight, 0, 1e6},
        {"linkage_weight", linkage_weight, 0, 1e6},
        {"patron_opposition_weight", patron_opposition_weight, 0, 1e6},
        {"substitution_weight", substitution_weight, 0, 1e6},
        {"status_quo_bias", status_quo_bias, -1e6, 1e6},
        {"decision_sharpness", decision_sharpness, 0, kInfinity},
        {"hazard_cap", hazard_cap, 0, 1},
        {"rescind_margin", rescind_margin, 0, 1e6},
    };
    for (const auto& c : checks) {
        auto msg = checkRange(c.key, c.value, c.lo, c.hi);
        if (!msg.empty()) return msg;
    }
    if (decision_sharpness <= 0) return "decision_sharpness: must be > 0 (inf = deterministic)";
    if (confidence_bound <= 0) return "confidence_bound: must be > 0";
    if (!military_alignment_shift.empty() && military_alignment_shift.size() != axis_count) {
        return "military_alignment_shift: needs one value per axis (" + std::to_string(axis_count) +
               ")";
    }
    for (double v : military_alignment_shift) {
        auto msg = checkRange("military_alignment_shift", v, -2, 2);
        if (!msg.empty()) return msg;
    }
    return "";
}

}  // namespace regsim
