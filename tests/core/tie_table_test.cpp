// TieTable keeps weights only once one is not 1: whichever tie that is (the first, a later
// one, or one changed afterwards), every tie must read back as it was added.

#include "core/tie_table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace regsim {
namespace {

void expectTies(const TieTable& table, const std::vector<TieSpec>& want) {
    ASSERT_EQ(table.size(), want.size());
    std::size_t k = 0;
    for (const TieSpec t : table) {
        SCOPED_TRACE(k);
        EXPECT_EQ(t.a, want[k].a);
        EXPECT_EQ(t.b, want[k].b);
        EXPECT_EQ(t.weight, want[k].weight);
        EXPECT_EQ(table[k].weight, want[k].weight);
        ++k;
    }
}

TEST(TieTable, ReadsBackUnitAndWeightedTiesWhereverTheFirstWeightFalls) {
    const std::vector<std::vector<TieSpec>> cases = {
        {{0, 1, 1.0}, {1, 2, 1.0}},                // never weighted
        {{0, 1, 2.5}, {1, 2, 1.0}, {2, 3, 1.0}},   // the first tie
        {{0, 1, 1.0}, {1, 2, 1.0}, {2, 3, 0.25}},  // the last one
        {{0, 1, 1.0}, {1, 2, 3.0}, {2, 3, 1.0}},   // one in the middle
        {},
    };
    for (const auto& ties : cases) {
        TieTable pushed;
        for (const auto& t : ties) pushed.push_back(t);
        expectTies(pushed, ties);
        expectTies(TieTable(ties), ties);
    }
}

TEST(TieTable, SetWeightStoresWeightsFromThenOn) {
    std::vector<TieSpec> ties = {{0, 1, 1.0}, {1, 2, 1.0}, {2, 3, 1.0}};
    TieTable table(ties);
    table.setWeight(1, 1.0);  // still every weight 1
    expectTies(table, ties);
    table.setWeight(2, 4.0);
    ties[2].weight = 4.0;
    expectTies(table, ties);
    table.push_back({3, 4, 1.0});
    ties.push_back({3, 4, 1.0});
    expectTies(table, ties);
    table.clear();
    EXPECT_TRUE(table.empty());
    table.push_back({5, 6, 1.0});
    expectTies(table, {{5, 6, 1.0}});
}

TEST(TieTable, AReleasedTableCountsItsTiesButRefusesToReadThem) {
    TieTable table(std::vector<TieSpec>{{0, 1, 2.0}, {1, 2, 1.0}});
    table.release();
    EXPECT_TRUE(table.released());
    EXPECT_EQ(table.size(), 2u);
    EXPECT_FALSE(table.empty());
    EXPECT_THROW(table[0], std::logic_error);
    EXPECT_THROW(table.begin(), std::logic_error);
    EXPECT_THROW(table.push_back({2, 3, 1.0}), std::logic_error);
    table.clear();
    EXPECT_FALSE(table.released());
    table.push_back({2, 3, 1.0});
    expectTies(table, {{2, 3, 1.0}});
}

}  // namespace
}  // namespace regsim
