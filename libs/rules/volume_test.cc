#include "libs/rules/volume.h"

#include <limits>

#include "gtest/gtest.h"

namespace wmo::rules {
namespace {

constexpr Date D(int y, int m, int d) { return Date(y, m, d); }

const Period kYear2024{D(2024, 1, 1), D(2024, 12, 31)};

TEST(VolumeTest, KnownFrequenciesAreTheFourWmo757Codes) {
  for (int code : {1, 2, 4, 6}) EXPECT_TRUE(IsKnownFrequency(code)) << code;
  for (int code : {0, 3, 5, 7}) EXPECT_FALSE(IsKnownFrequency(code)) << code;
}

TEST(VolumeTest, DaysInCountsBothEnds) {
  EXPECT_EQ(DaysIn({D(2024, 3, 1), D(2024, 3, 1)}), 1);
  EXPECT_EQ(DaysIn(kYear2024), 366);
}

TEST(VolumeTest, IntersectKeepsSharedDaysOnly) {
  auto shared = Intersect({D(2024, 1, 10), D(2024, 2, 10)},
                          {D(2024, 2, 1), D(2024, 2, 29)});
  ASSERT_TRUE(shared.has_value());
  EXPECT_EQ(shared->from, D(2024, 2, 1));
  EXPECT_EQ(shared->to, D(2024, 2, 10));
  EXPECT_FALSE(Intersect({D(2024, 1, 1), D(2024, 1, 31)},
                         {D(2024, 2, 1), D(2024, 2, 29)})
                   .has_value());
}

TEST(VolumeTest, IsoWeekRunsMondayToSunday) {
  // 2024-03-06 is a Wednesday.
  Period week = IsoWeekOf(D(2024, 3, 6));
  EXPECT_EQ(week.from, D(2024, 3, 4));
  EXPECT_EQ(week.to, D(2024, 3, 10));
  EXPECT_EQ(IsoWeekOf(D(2024, 3, 10)).from, D(2024, 3, 4));
  EXPECT_EQ(IsoWeekOf(D(2024, 3, 4)).from, D(2024, 3, 4));
}

TEST(VolumeTest, CalendarMonthAndYearWindows) {
  Period february = CalendarMonthOf(D(2024, 2, 14));
  EXPECT_EQ(february.from, D(2024, 2, 1));
  EXPECT_EQ(february.to, D(2024, 2, 29));
  Period year = CalendarYearOf(D(2025, 7, 1));
  EXPECT_EQ(year.from, D(2025, 1, 1));
  EXPECT_EQ(year.to, D(2025, 12, 31));
}

TEST(VolumeTest, PerDayCountsSharedDays) {
  Period assignment{D(2024, 12, 20), D(2025, 1, 10)};
  EXPECT_EQ(VolumeInWindow(2, Frequency::kPerDay, assignment, kYear2024), 24);
}

TEST(VolumeTest, PerWeekIsProportionalToSevenDayWeeksRoundedDown) {
  Period assignment{D(2024, 1, 1), D(2024, 12, 31)};
  // A whole week, wherever it starts, gets the weekly volume.
  EXPECT_EQ(VolumeInWindow(3, Frequency::kPerWeek, assignment,
                           {D(2024, 3, 6), D(2024, 3, 12)}),
            3);
  // 10 days of 3 per week = 4.28..., rounded down.
  EXPECT_EQ(VolumeInWindow(3, Frequency::kPerWeek, assignment,
                           {D(2024, 3, 1), D(2024, 3, 10)}),
            4);
  // 366 days of 1 per week = 52.28...
  EXPECT_EQ(VolumeInWindow(1, Frequency::kPerWeek, assignment, kYear2024), 52);
}

TEST(VolumeTest, PerMonthCountsWholeMonthsWhole) {
  Period assignment{D(2024, 1, 1), D(2024, 6, 30)};
  EXPECT_EQ(VolumeInWindow(5, Frequency::kPerMonth, assignment,
                           CalendarMonthOf(D(2024, 2, 1))),
            5);
  EXPECT_EQ(VolumeInWindow(5, Frequency::kPerMonth, assignment, kYear2024), 30);
}

TEST(VolumeTest, PerMonthCountsPartialMonthsByTheirShareOfDays) {
  // 2024-01-22..2024-03-10: 10/31 of January, all of February, 10/31 of
  // March: 31 x (10/31 + 1 + 10/31) = 51.
  Period assignment{D(2024, 1, 22), D(2024, 3, 10)};
  EXPECT_EQ(VolumeInWindow(31, Frequency::kPerMonth, assignment, kYear2024),
            51);
  // 15 of 29 February days of 10 per month = 5.17..., rounded down once.
  EXPECT_EQ(VolumeInWindow(10, Frequency::kPerMonth,
                           {D(2024, 2, 15), D(2024, 2, 29)}, kYear2024),
            5);
}

TEST(VolumeTest, TotalInsideTheWindowCountsWhole) {
  Period assignment{D(2024, 2, 1), D(2024, 3, 31)};
  EXPECT_EQ(VolumeInWindow(30, Frequency::kTotal, assignment, kYear2024), 30);
}

TEST(VolumeTest, TotalIsSpreadOverTheAssignmentByDays) {
  // 2024-07-01..2025-06-30 is 365 days, 184 of them in 2024: 60 x 184/365
  // = 30.2 to 2024 and 60 x 181/365 = 29.7 to 2025, both rounded down.
  Period assignment{D(2024, 7, 1), D(2025, 6, 30)};
  EXPECT_EQ(VolumeInWindow(60, Frequency::kTotal, assignment, kYear2024), 30);
  EXPECT_EQ(VolumeInWindow(60, Frequency::kTotal, assignment,
                           CalendarYearOf(D(2025, 1, 1))),
            29);
}

TEST(VolumeTest, OpenEndedTotalLeavesNextToNothingForAWindow) {
  Period open{D(2024, 1, 1)};
  EXPECT_EQ(VolumeInWindow(60, Frequency::kTotal, open, kYear2024), 0);
  EXPECT_EQ(VolumeInPeriod(60, Frequency::kTotal, open), 60);
}

TEST(VolumeTest, WindowOutsideTheAssignmentGetsNothing) {
  Period assignment{D(2024, 1, 1), D(2024, 1, 31)};
  for (Frequency f : {Frequency::kPerDay, Frequency::kPerWeek,
                      Frequency::kPerMonth, Frequency::kTotal}) {
    EXPECT_EQ(VolumeInWindow(5, f, assignment, CalendarYearOf(D(2025, 1, 1))),
              0);
  }
}

TEST(VolumeTest, UnknownFrequencyGivesNothing) {
  EXPECT_EQ(VolumeInWindow(5, static_cast<Frequency>(3), kYear2024, kYear2024),
            0);
}

TEST(VolumeTest, VolumeInPeriodIsUnboundedOnlyForOpenEndedRates) {
  EXPECT_FALSE(VolumeInPeriod(1, Frequency::kPerWeek, Period{D(2024, 1, 1)})
                   .has_value());
  EXPECT_EQ(
      VolumeInPeriod(1, Frequency::kPerWeek, {D(2024, 1, 1), D(2024, 1, 14)}),
      2);
  EXPECT_EQ(
      VolumeInPeriod(2, Frequency::kPerDay, {D(2024, 1, 1), D(2024, 1, 14)}),
      28);
}

TEST(VolumeTest, HugeVolumesSaturateInsteadOfWrapping) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(VolumeInWindow(kMax, Frequency::kPerDay, kYear2024, kYear2024),
            kMax);
  EXPECT_EQ(VolumeInWindow(kMax, Frequency::kPerMonth, kYear2024, kYear2024),
            kMax);
}

}  // namespace
}  // namespace wmo::rules
