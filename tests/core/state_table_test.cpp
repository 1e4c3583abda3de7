#include "core/state_table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace regsim {
namespace {

StateSpec listedState(const char* id, double sovereignty) {
    StateSpec s;
    s.id = id;
    s.name = std::string("name of ") + id;
    s.sovereignty = sovereignty;
    return s;
}

StateTable twoListedThreeGenerated() {
    StateTable t;
    t.push_back(listedState("MLI", 0.7));
    t.push_back(listedState("S1", 0.2));  // a listed id that looks generated
    StateAttributes generated;
    generated.sovereignty = 0.9;
    generated.alignment = {0.5};
    t.addGenerated(3, generated);
    return t;
}

TEST(StateTableTest, ListedStatesComeFirstThenGeneratedOnesWithImpliedIds) {
    const auto t = twoListedThreeGenerated();
    ASSERT_EQ(t.size(), 5u);
    EXPECT_EQ(t.listed().size(), 2u);
    EXPECT_EQ(t.generatedCount(), 3u);
    EXPECT_EQ(t.id(0), "MLI");
    EXPECT_EQ(t.name(0), "name of MLI");
    EXPECT_EQ(t.id(2), "S0");
    EXPECT_EQ(t.id(4), "S2");
    EXPECT_EQ(t.name(4), "S2");
    EXPECT_THROW(t.id(5), std::out_of_range);
    EXPECT_DOUBLE_EQ(t[0].sovereignty, 0.7);
    EXPECT_DOUBLE_EQ(t[1].sovereignty, 0.2);
    for (StateIndex i = 2; i < 5; ++i) {
        EXPECT_EQ(&t[i], &t.generatedAttributes());  // shared, not copied
        EXPECT_DOUBLE_EQ(t[i].sovereignty, 0.9);
    }
    EXPECT_EQ(&t.back(), &t.generatedAttributes());
}

TEST(StateTableTest, FindsGeneratedIdsInCanonicalDecimalOnly) {
    const auto t = twoListedThreeGenerated();
    EXPECT_EQ(t.findGenerated("S0"), 2u);
    EXPECT_EQ(t.findGenerated("S2"), 4u);
    for (const char* id : {"S3", "S", "S01", "S00", "S-1", "S+1", "s1", "T1", "S1x", "",
                           "S99999999999999999999", "MLI"}) {
        EXPECT_EQ(t.findGenerated(id), kNone) << id;
    }
    EXPECT_EQ(StateTable{}.findGenerated("S0"), kNone);
}

TEST(StateTableTest, RefusesListedStatesAfterGeneratedOnesAndASecondBlock) {
    auto t = twoListedThreeGenerated();
    EXPECT_THROW(t.push_back(listedState("SEN", 0.5)), std::logic_error);
    EXPECT_THROW(t.addGenerated(2, {}), std::logic_error);
    StateTable huge;
    huge.push_back(listedState("MLI", 0.5));
    EXPECT_THROW(huge.addGenerated(kNone - 1, {}), std::length_error);
}

TEST(StateTableTest, IntegerStateIdSpellsTheCanonicalForm) {
    EXPECT_EQ(integerStateId(0), "S0");
    EXPECT_EQ(integerStateId(4294967294u), "S4294967294");
    for (const std::uint64_t k : {0ull, 7ull, 65536ull, 4294967296ull, 18446744073709551615ull})
        EXPECT_EQ(parseIntegerStateId(integerStateId(k)), k);
    for (const char* id : {"S", "S01", "S-1", "S+1", "s1", "S1 ", "S18446744073709551616"})
        EXPECT_EQ(parseIntegerStateId(id), std::nullopt) << id;
}

}  // namespace
}  // namespace regsim
