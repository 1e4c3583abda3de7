#include "core/scenario.hpp"

#include <cstdio>

namespace regsim {

const char* eventKindName(EventKind kind) {
    static constexpr const char* names[kEventKindCount] = {
        "announce",
        "rescind",
        "exit",
        "suspend",
        "reinstate",
        "sanction",
        "lift_sanction",
        "dissolve",
        "found",
        "join",
        "coup",
        "transition",
        "patron_engagement",
        "institution_param",
        "force_exit",
        "force_join",
    };
    const auto k = static_cast<int>(kind);
    return k < kEventKindCount ? names[k] : "unknown";
}

std::string Scenario::calendarMonth(std::uint32_t step) const {
    const int months = (start_month - 1) + static_cast<int>(step);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", start_year + months / 12, months % 12 + 1);
    return buf;
}

}  // namespace regsim
