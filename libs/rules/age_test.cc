#include "libs/rules/age.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wmo::rules {
namespace {

using ::testing::HasSubstr;

TEST(AgeTest, BirthdaysOn29FebruaryCountFromTheFirstOfMarch) {
  EXPECT_EQ(DayAged(Date(2008, 2, 29), 16), Date(2024, 2, 29));
  EXPECT_EQ(DayAged(Date(2008, 2, 29), 17), Date(2025, 3, 1));
  EXPECT_EQ(AgeOn(Date(2008, 2, 29), Date(2025, 2, 28)), 16);
  EXPECT_EQ(AgeOn(Date(2008, 2, 29), Date(2025, 3, 1)), 17);
}

// S4-06: younger than 67 on every day of the care.
TEST(AgeTest, S4_06_BelowTheBoundOnEveryDay) {
  const AgeLimit below67{0, 67, "", "S4-06"};
  const Date birth(1957, 6, 15);  // turns 67 on 2024-06-15
  EXPECT_FALSE(
      AgeProblem(below67, birth, {Date(2024, 1, 1), Date(2024, 6, 14)}));
  auto past = AgeProblem(below67, birth, {Date(2024, 1, 1), Date(2024, 6, 15)});
  ASSERT_TRUE(past);
  EXPECT_THAT(*past, HasSubstr("end it on or before 2024-06-14"));
  auto open = AgeProblem(below67, birth, {Date(2024, 1, 1), Period::OpenEnd()});
  ASSERT_TRUE(open);
  EXPECT_THAT(*open, HasSubstr("runs to no end"));
  auto after =
      AgeProblem(below67, birth, {Date(2024, 7, 1), Date(2024, 7, 31)});
  ASSERT_TRUE(after);
  EXPECT_THAT(*after, HasSubstr("before the care starts"));
}

// S0-03: 16 or older from the first day.
TEST(AgeTest, S0_03_AtLeastTheBoundFromTheFirstDay) {
  const AgeLimit from16{16, 0, "arbeidsmatige activering", "S0-03"};
  const Date birth(2008, 3, 10);
  EXPECT_FALSE(
      AgeProblem(from16, birth, {Date(2024, 3, 10), Date(2024, 12, 31)}));
  auto early =
      AgeProblem(from16, birth, {Date(2024, 3, 9), Date(2024, 12, 31)});
  ASSERT_TRUE(early);
  EXPECT_THAT(*early, HasSubstr("start on or after 2024-03-10"));
  EXPECT_TRUE(AgeLimitApplies(from16, {"Arbeidsmatige Activering"}));
  EXPECT_FALSE(AgeLimitApplies(from16, {"dagbesteding"}));
}

}  // namespace
}  // namespace wmo::rules
