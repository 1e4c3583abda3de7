#include "record/event_log.hpp"

#include <algorithm>

namespace regsim {

const char* eventCauseName(EventCause cause) {
    static constexpr const char* names[kEventCauseCount] = {
        "scheduled",      "utility", "joint_declaration", "democracy_clause",
        "notice_elapsed", "quorum",  "dissolution",       "founding",
    };
    const auto k = static_cast<int>(cause);
    return k < kEventCauseCount ? names[k] : "unknown";
}

EventRecord EventLog::operator[](std::size_t k) const {
    const Packed& p = packed_[k];
    Detail d{kNone, 0.0};
    if (p.has_detail) {
        const auto at = std::lower_bound(detail_event_.begin(), detail_event_.end(), k);
        d = details_[static_cast<std::size_t>(at - detail_event_.begin())];
    }
    return EventRecord{p.step, p.kind, p.cause, p.state, p.institution, d.patron, d.value};
}

}  // namespace regsim
