#include "libs/rules/dates.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wmo::rules {
namespace {

TEST(DatesTest, ParsesIsoDate) {
  auto d = ParseDate("2024-02-29", "date");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, Date(2024, 2, 29));
  EXPECT_EQ(FormatDate(*d), "2024-02-29");
}

TEST(DatesTest, RefusesImpossibleDateNamingTheField) {
  auto d = ParseDate("2023-02-29", "start_date");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), testing::HasSubstr("start_date"));
  EXPECT_THAT(d.status().message(), testing::HasSubstr("YYYY-MM-DD"));
}

TEST(DatesTest, RefusesLooseFormats) {
  for (const char* text : {"2024-1-01", "20240101", "2024/01/01", "",
                           "2024-01-01T00", "abcd-ef-gh", "2024-13-01"}) {
    EXPECT_FALSE(ParseDate(text, "d").ok()) << text;
  }
}

TEST(DatesTest, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(AddMonths(Date(2024, 1, 31), 1), Date(2024, 2, 29));
  EXPECT_EQ(AddMonths(Date(2024, 3, 15), 24), Date(2026, 3, 15));
  EXPECT_EQ(AddMonths(Date(2024, 12, 31), -1), Date(2024, 11, 30));
}

TEST(DatesTest, PeriodEmptyEndIsOpen) {
  auto p = ParsePeriod("2024-01-01", "", "tariff");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Contains(Date(2999, 1, 1)));
  EXPECT_FALSE(p->Contains(Date(2023, 12, 31)));
}

TEST(DatesTest, PeriodEndBeforeStartIsRefused) {
  auto p = ParsePeriod("2024-02-01", "2024-01-31", "tariff");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), testing::HasSubstr("before"));
}

TEST(DatesTest, PeriodsOverlapInclusive) {
  Period a{Date(2024, 1, 1), Date(2024, 1, 31)};
  Period b{Date(2024, 1, 31), Date(2024, 2, 28)};
  Period c{Date(2024, 2, 1)};
  EXPECT_TRUE(a.Overlaps(b));
  EXPECT_FALSE(a.Overlaps(c));
  EXPECT_TRUE(b.Overlaps(c));
}

TEST(DatesTest, ClockReadsMinutesSinceMidnight) {
  EXPECT_EQ(ParseClock("00:00"), 0);
  EXPECT_EQ(ParseClock("07:30"), 450);
  EXPECT_EQ(ParseClock("24:00"), 1440);
  for (const char* bad : {"24:01", "7:30", "07:60", "07-30", "ab:cd", ""}) {
    EXPECT_EQ(ParseClock(bad), -1) << bad;
  }
}

}  // namespace
TEST(DatesTest, MonthRunsFromFirstToLastDay) {
  auto m = ParseMonth("2024-02", "period");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->from, Date(2024, 2, 1));
  EXPECT_EQ(m->to, Date(2024, 2, 29));
}

TEST(DatesTest, MalformedMonthIsRefusedNamingTheField) {
  for (const char* text : {"2024-13", "2024-2", "2024-02-01", "", "abcd-ef"}) {
    auto m = ParseMonth(text, "period");
    EXPECT_FALSE(m.ok()) << text;
    EXPECT_THAT(std::string(m.status().message()),
                ::testing::HasSubstr("period"))
        << text;
  }
}

}  // namespace wmo::rules
