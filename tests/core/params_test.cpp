#include "core/params.hpp"

#include <gtest/gtest.h>

namespace regsim {
namespace {

TEST(ParamsTest, DefaultsAreValid) { EXPECT_EQ(ModelParams{}.validate(1), ""); }

TEST(ParamsTest, OutOfRangeNamesTheKey) {
    ModelParams p;
    p.hazard_cap = 1.5;
    EXPECT_NE(p.validate(1).find("hazard_cap"), std::string::npos);
    p = ModelParams{};
    p.peer_alignment_rate = -0.1;
    EXPECT_NE(p.validate(1).find("peer_alignment_rate"), std::string::npos);
}

TEST(ParamsTest, NanNamesTheRange) {
    ModelParams p;
    p.rally = kNaN;
    EXPECT_EQ(p.validate(1), "rally: nan is outside [0, 1]");
    p = ModelParams{};
    p.decision_sharpness = 0;
    EXPECT_EQ(p.validate(1), "decision_sharpness: 0 is outside (0, inf]");
}

TEST(ParamsTest, AxisCountOfMilitaryShiftIsChecked) {
    ModelParams p;
    p.military_alignment_shift = {0.1, 0.2};
    EXPECT_NE(p.validate(1).find("military_alignment_shift"), std::string::npos);
    EXPECT_EQ(p.validate(2), "");
}

}  // namespace
}  // namespace regsim
