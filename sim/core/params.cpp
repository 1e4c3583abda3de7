#include "core/params.hpp"

#include <cmath>

#include "core/format_number.hpp"

namespace regsim {

namespace {

// In the order of docs/scenarios.md's [model] table, which lists these ranges.
const ModelFloatKey kModelFloatKeys[] = {
    {"peer_alignment_rate", &ModelParams::peer_alignment_rate, {0, 1}},
    {"confidence_bound", &ModelParams::confidence_bound, {0, kInfinity, true}},
    {"patron_pull", &ModelParams::patron_pull, {0, 1}},
    {"institution_pull", &ModelParams::institution_pull, {0, 1}},
    {"alignment_reversion", &ModelParams::alignment_reversion, {0, 1}},
    {"alignment_noise", &ModelParams::alignment_noise, {0, 10}},
    {"sovereignty_reversion", &ModelParams::sovereignty_reversion, {0, 1}},
    {"rally", &ModelParams::rally, {0, 1}},
    {"military_sovereignty_shift", &ModelParams::military_sovereignty_shift, {-1, 1}},
    {"club_exponent", &ModelParams::club_exponent, {0, 100}},
    {"sanction_benefit_cut", &ModelParams::sanction_benefit_cut, {0, 1}},
    {"alignment_cost", &ModelParams::alignment_cost, {0, 1e6}},
    {"peer_weight", &ModelParams::peer_weight, {0, 1e6}},
    {"linkage_weight", &ModelParams::linkage_weight, {0, 1e6}},
    {"patron_opposition_weight", &ModelParams::patron_opposition_weight, {0, 1e6}},
    {"substitution_weight", &ModelParams::substitution_weight, {0, 1e6}},
    {"status_quo_bias", &ModelParams::status_quo_bias, {-1e6, 1e6}},
    // inf = deterministic "leave iff U < 0"
    {"decision_sharpness", &ModelParams::decision_sharpness, {0, kInfinity, true}},
    {"hazard_cap", &ModelParams::hazard_cap, {0, 1}},
    {"rescind_margin", &ModelParams::rescind_margin, {0, 1e6}},
};

std::string checkRange(const char* key, double v, const ParamRange& range) {
    if (range.holds(v)) return "";
    return std::string(key) + ": " + formatDouble(v) + " is outside " + range.str();
}

}  // namespace

bool ParamRange::holds(double v) const {
    if (std::isnan(v)) return false;
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
}

std::string ParamRange::str() const {
    return std::string(lo_open ? "(" : "[") + formatDouble(lo) + ", " + formatDouble(hi) +
           (hi_open ? ")" : "]");
}

std::span<const ModelFloatKey> modelFloatKeys() { return kModelFloatKeys; }

std::string ModelParams::validate(std::size_t axis_count) const {
    for (const auto& f : kModelFloatKeys) {
        auto msg = checkRange(f.key, this->*f.field, f.range);
        if (!msg.empty()) return msg;
    }
    if (!military_alignment_shift.empty() && military_alignment_shift.size() != axis_count) {
        return "military_alignment_shift: needs one value per axis (" + std::to_string(axis_count) +
               ")";
    }
    for (double v : military_alignment_shift) {
        auto msg = checkRange("military_alignment_shift", v, kMilitaryAlignmentShiftRange);
        if (!msg.empty()) return msg;
    }
    return "";
}

}  // namespace regsim
