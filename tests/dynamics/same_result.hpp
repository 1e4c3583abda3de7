#pragma once
// Bit-for-bit comparison of two runs: every recorded array and the event log in order. Used
// wherever two code paths must agree exactly (frontier vs general engine, counted vs summed
// peer shares).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "record/run_result.hpp"

namespace regsim::testing {

inline void expectSameEvents(const EventLog& a, const EventLog& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
        SCOPED_TRACE("event " + std::to_string(k));
        EXPECT_EQ(a[k].step, b[k].step);
        EXPECT_EQ(a[k].kind, b[k].kind);
        EXPECT_EQ(a[k].cause, b[k].cause);
        EXPECT_EQ(a[k].state, b[k].state);
        EXPECT_EQ(a[k].institution, b[k].institution);
        EXPECT_EQ(a[k].patron, b[k].patron);
        EXPECT_EQ(a[k].value, b[k].value);
    }
}

inline void expectSameResult(const RunResult& a, const RunResult& b) {
    EXPECT_EQ(a.replicate, b.replicate);
    EXPECT_EQ(a.sovereignty, b.sovereignty);
    EXPECT_EQ(a.alignment, b.alignment);
    EXPECT_EQ(a.regime, b.regime);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.announce_step, b.announce_step);
    EXPECT_EQ(a.exit_step, b.exit_step);
    EXPECT_EQ(a.final_status, b.final_status);
    EXPECT_EQ(a.dissolve_step, b.dissolve_step);
    EXPECT_EQ(a.found_step, b.found_step);
    EXPECT_EQ(a.cascade_size, b.cascade_size);
    expectSameEvents(a.events, b.events);
}

}  // namespace regsim::testing
