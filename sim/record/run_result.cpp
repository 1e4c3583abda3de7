#include "record/run_result.hpp"

namespace regsim {

const char* eventCauseName(EventCause cause) {
    static constexpr const char* names[kEventCauseCount] = {
        "scheduled",      "utility", "joint_declaration", "democracy_clause",
        "notice_elapsed", "quorum",  "dissolution",       "founding",
    };
    const auto k = static_cast<int>(cause);
    return k < kEventCauseCount ? names[k] : "unknown";
}

std::vector<std::uint32_t> recordedSteps(std::uint32_t steps, std::uint32_t every) {
    if (every == 0) every = 1;
    std::vector<std::uint32_t> out;
    for (std::uint32_t t = 0; t <= steps; t += every) out.push_back(t);
    if (out.back() != steps) out.push_back(steps);
    return out;
}

}  // namespace regsim
