// EventLog stores events in 16 bytes with patrons and values aside: reading must give back
// every field exactly as pushed, by index and by iteration.

#include "record/event_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace regsim {
namespace {

void expectSame(const EventRecord& a, const EventRecord& b) {
    EXPECT_EQ(a.step, b.step);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.cause, b.cause);
    EXPECT_EQ(a.state, b.state);
    EXPECT_EQ(a.institution, b.institution);
    EXPECT_EQ(a.patron, b.patron);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.value), std::bit_cast<std::uint64_t>(b.value));
}

// Mostly plain events, some with a patron, a value or both; values include -0.0 and a NaN,
// which must come back with their bits.
std::vector<EventRecord> randomEvents(std::size_t n, std::uint32_t seed) {
    std::mt19937 gen(seed);
    const double values[] = {0.5, -0.0, std::numeric_limits<double>::quiet_NaN(), 1e-300, -2.0};
    std::vector<EventRecord> out;
    for (std::size_t k = 0; k < n; ++k) {
        EventRecord e;
        e.step = std::uint32_t(k / 7);
        e.kind = static_cast<EventKind>(gen() % 14);
        e.cause = static_cast<EventCause>(gen() % kEventCauseCount);
        e.state = gen() % 5 == 0 ? kNone : std::uint32_t(gen());
        e.institution = gen() % 5 == 0 ? kNone : std::uint32_t(gen() % 600);
        switch (gen() % 8) {
            case 0:
                e.patron = std::uint32_t(gen() % 4);
                break;
            case 1:
                e.value = values[gen() % 5];
                break;
            case 2:
                e.patron = 0;
                e.value = values[gen() % 5];
                break;
            default:
                break;
        }
        out.push_back(e);
    }
    return out;
}

TEST(EventLog, ReadsBackEveryFieldByIndexAndByIteration) {
    const auto events = randomEvents(5000, 7);
    EventLog log;
    for (const auto& e : events) log.push_back(e);
    ASSERT_EQ(log.size(), events.size());
    for (std::size_t k = 0; k < events.size(); ++k) {
        SCOPED_TRACE(k);
        expectSame(log[k], events[k]);
    }
    std::size_t k = 0;
    for (const EventRecord e : log) {
        SCOPED_TRACE(k);
        expectSame(e, events[k++]);
    }
    EXPECT_EQ(k, events.size());
    expectSame(log.front(), events.front());
    expectSame(log.back(), events.back());
}

TEST(EventLog, WorksWithStandardAlgorithms) {
    const auto events = randomEvents(1000, 11);
    EventLog log;
    for (const auto& e : events) log.push_back(e);
    const auto is_sanction = [](const EventRecord& e) { return e.kind == EventKind::sanction; };
    EXPECT_EQ(std::count_if(log.begin(), log.end(), is_sanction),
              std::count_if(events.begin(), events.end(), is_sanction));
    const auto first = std::find_if(log.begin(), log.end(), is_sanction);
    const auto expected = std::find_if(events.begin(), events.end(), is_sanction);
    ASSERT_NE(expected, events.end());
    expectSame(*first, *expected);
}

TEST(EventLog, ClearEmptiesBothLists) {
    EventLog log;
    for (const auto& e : randomEvents(100, 3)) log.push_back(e);
    log.clear();
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.begin(), log.end());
    const auto events = randomEvents(50, 4);
    for (const auto& e : events) log.push_back(e);
    for (std::size_t k = 0; k < events.size(); ++k) expectSame(log[k], events[k]);
}

}  // namespace
}  // namespace regsim
