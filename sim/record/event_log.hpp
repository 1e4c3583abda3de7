#pragma once
// EventLog: a run's events in order, 16 bytes each. Almost every event names no patron and
// carries no value (announcements, exits, suspensions); the few that do (engagement changes,
// sanctions, parameter changes) keep the two in a side list. A cascade through 1e7 states logs
// 2e7 events: 0.31 GB this way, 0.63 GB as plain EventRecords (docs/performance.md).
// Reading gives EventRecords by value, exactly as they were pushed.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ids.hpp"
#include "core/index_iterator.hpp"
#include "core/scenario.hpp"  // EventKind

namespace regsim {

// Why an event happened: the mechanism that produced it (docs/model.md, "Observation").
enum class EventCause : std::uint8_t {
    scheduled = 0,          // a dated [[event]] of the scenario
    utility = 1,            // the state's own decision (phase 6) or rescind (phase 7)
    joint_declaration = 2,  // coordinated exit or rescind of an alliance's members
    democracy_clause = 3,   // suspension or reinstatement under the clause
    notice_elapsed = 4,     // the exit took effect after T_j months
    quorum = 5,             // dissolution below quorum
    dissolution = 6,        // a membership ended because its institution dissolved
    founding = 7,           // a latent bloc was founded / a founder joined
};
inline constexpr int kEventCauseCount = 8;
const char* eventCauseName(EventCause cause);

struct EventRecord {
    std::uint32_t step = 0;  // step at which the event takes effect (0..steps)
    EventKind kind = EventKind::announce;
    EventCause cause = EventCause::utility;
    StateIndex state = kNone;
    InstitutionIndex institution = kNone;
    PatronIndex patron = kNone;
    double value = 0.0;  // kind-specific: engagement, sanction strength, parameter value
};

class EventLog {
    struct Packed {
        std::uint32_t step;
        StateIndex state;
        InstitutionIndex institution;
        EventKind kind;
        EventCause cause;
        bool has_detail;  // patron or value is not the default: see details_
    };
    static_assert(sizeof(Packed) == 16);
    struct Detail {
        PatronIndex patron;
        double value;
    };

  public:
    using const_iterator = IndexIterator<EventLog, EventRecord>;

    void push_back(const EventRecord& e) {
        const bool detail = e.patron != kNone || std::bit_cast<std::uint64_t>(e.value) != 0;
        if (detail) {
            details_.push_back(Detail{e.patron, e.value});
            detail_event_.push_back(packed_.size());
        }
        packed_.push_back(Packed{e.step, e.state, e.institution, e.kind, e.cause, detail});
    }
    std::size_t size() const { return packed_.size(); }
    bool empty() const { return packed_.empty(); }
    void clear() {
        packed_.clear();
        details_.clear();
        detail_event_.clear();
    }
    void reserve(std::size_t events) { packed_.reserve(events); }

    // Event k: O(1), and O(log d) for one of the d events that carry a patron or a value.
    EventRecord operator[](std::size_t k) const;
    EventRecord front() const { return (*this)[0]; }
    EventRecord back() const { return (*this)[size() - 1]; }

    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, packed_.size()}; }

  private:
    std::vector<Packed> packed_;
    std::vector<Detail> details_;            // in event order
    std::vector<std::size_t> detail_event_;  // details_[x] belongs to event detail_event_[x]
};

}  // namespace regsim
