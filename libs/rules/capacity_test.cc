#include "libs/rules/capacity.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wmo::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Date D(int y, int m, int d) { return Date(y, m, d); }

std::vector<std::string> Ids(const std::vector<LineViolation>& v) {
  std::vector<std::string> ids;
  ids.reserve(v.size());
  for (const auto& x : v) ids.push_back(x.rule_id);
  return ids;
}

// KDV of midden-limburg-2024 (S3-09): 42 a year, 3 a week unless one stay
// of at most 42 days.
ProductBilling Kdv() {
  ProductBilling b;
  b.catalog = "midden-limburg-2024";
  b.product = "kdv";
  b.caps.push_back({.window = CapWindow::kWeek,
                    .max_quantity = 3,
                    .waived_for_contiguous_stay = true,
                    .rule_id = "S3-09"});
  b.caps.push_back({.window = CapWindow::kCalendarYear,
                    .max_quantity = 42,
                    .rule_id = "S3-09"});
  b.contiguous_max_days = 42;
  b.contiguous_rule_id = "S3-09";
  return b;
}

const Period kYear{D(2024, 1, 1), D(2024, 12, 31)};

std::set<Date> Nights(Date from, int n) {
  std::set<Date> nights;
  for (int i = 0; i < n; ++i) nights.insert(from + i);
  return nights;
}

TEST(Pc4Test, ReadsTheFourDigitsOfDutchPostcodes) {
  EXPECT_EQ(Pc4("6001 AB"), 6001);
  EXPECT_EQ(Pc4("6001AB"), 6001);
  EXPECT_EQ(Pc4(" 6001 "), 6001);
  EXPECT_EQ(Pc4("0123 AB"), std::nullopt);
  EXPECT_EQ(Pc4("60A1"), std::nullopt);
  EXPECT_EQ(Pc4("6001 A"), std::nullopt);
  EXPECT_EQ(Pc4(""), std::nullopt);
}

TEST(NightsOfTest, RunFromArrivalToTheNightBeforeDeparture) {
  auto nights = NightsOf(D(2024, 3, 1), D(2024, 3, 4));
  ASSERT_TRUE(nights.has_value());
  EXPECT_EQ(nights->from, D(2024, 3, 1));
  EXPECT_EQ(nights->to, D(2024, 3, 3));
  EXPECT_FALSE(NightsOf(D(2024, 3, 1), D(2024, 3, 1)).has_value());
}

TEST(FreeBedTest, TakesTheLowestBedFreeOnEveryNight) {
  std::map<int, std::set<Date>> taken;
  taken[1] = {D(2024, 3, 2)};
  taken[2] = {D(2024, 3, 5)};
  EXPECT_EQ(FreeBed(3, {D(2024, 3, 1), D(2024, 3, 3)}, taken), 2);
  EXPECT_EQ(FreeBed(3, {D(2024, 3, 3), D(2024, 3, 4)}, taken), 1);
  EXPECT_EQ(FreeBed(2, {D(2024, 3, 1), D(2024, 3, 6)}, taken), 0);
}

TEST(CheckStayTest, ThreeNightsAWeekAreAllowed) {
  EXPECT_THAT(CheckStay(Kdv(), {}, {D(2024, 3, 4), D(2024, 3, 6)}, kYear),
              IsEmpty());
}

TEST(CheckStayTest, FourNightsAWeekInTwoStaysAreRefused) {
  // Monday 4 March booked before; Wednesday to Friday now: two stays.
  auto v =
      CheckStay(Kdv(), {D(2024, 3, 4)}, {D(2024, 3, 6), D(2024, 3, 8)}, kYear);
  EXPECT_THAT(Ids(v), ElementsAre("S3-09"));
  EXPECT_THAT(v[0].message, ::testing::HasSubstr("ISO week"));
}

TEST(CheckStayTest, OneContiguousStayOfSixWeeksWaivesTheWeeklyCap) {
  EXPECT_THAT(CheckStay(Kdv(), {}, {D(2024, 3, 4), D(2024, 4, 14)}, kYear),
              IsEmpty());
}

// 43 nights in one year: the yearly cap leads, then the stay's length; the
// weeks inside the stay, over 3 only because the stay is too long, are not
// reported besides, and no advice suggests a split (the weeks around a free
// night would count against the weekly cap, the nights against the year).
TEST(CheckStayTest, S3_09_FortyThreeNightsLeadWithTheCapTheyBreak) {
  auto v = CheckStay(Kdv(), {}, {D(2024, 3, 4), D(2024, 4, 15)}, kYear);
  ASSERT_THAT(Ids(v), ElementsAre("S3-09", "S3-09"));
  EXPECT_THAT(v[0].message, HasSubstr("calendar year 2024"));
  EXPECT_THAT(v[0].message, HasSubstr("book at most 42 nights there"));
  EXPECT_THAT(v[1].message, HasSubstr("43 consecutive nights"));
  EXPECT_THAT(v[1].message, HasSubstr("shorten it to at most 42 nights"));
  for (const LineViolation& x : v) {
    EXPECT_THAT(x.message, Not(HasSubstr("free in between")));
    EXPECT_THAT(x.message, Not(HasSubstr("ISO week")));
  }
}

// Over New Year each year keeps its 42: only the stay is too long. A
// product without a weekly cap may split it.
TEST(CheckStayTest, AStayTooLongIsSplitOnlyWhereNothingRefusesTheSplit) {
  const Period years{D(2024, 1, 1), D(2025, 12, 31)};
  auto v = CheckStay(Kdv(), {}, {D(2024, 12, 10), D(2025, 1, 21)}, years);
  ASSERT_THAT(Ids(v), ElementsAre("S3-09"));
  EXPECT_THAT(v[0].message, HasSubstr("shorten it to at most 42 nights"));
  ProductBilling no_weekly_cap = Kdv();
  no_weekly_cap.caps.erase(no_weekly_cap.caps.begin());
  v = CheckStay(no_weekly_cap, {}, {D(2024, 12, 10), D(2025, 1, 21)}, years);
  ASSERT_THAT(Ids(v), ElementsAre("S3-09"));
  EXPECT_THAT(v[0].message, HasSubstr("leave a night free in between"));
}

// With nothing left in the year the message says so and what used it.
TEST(CheckStayTest, NothingLeftIsSaidSo) {
  auto v = CheckStay(Kdv(), Nights(D(2024, 3, 1), 42),
                     {D(2024, 6, 3), D(2024, 6, 3)}, kYear);
  ASSERT_THAT(Ids(v), ElementsAre("S3-09"));
  EXPECT_THAT(v[0].message,
              HasSubstr("nothing is left: the 42 nights booked before"));
  EXPECT_THAT(v[0].message, Not(HasSubstr("at most 0")));
}

TEST(CheckStayTest, ExtendingAnEarlierStayCountsItsNights) {
  // 40 nights booked before, 3 more right after: one stay of 43.
  auto v = CheckStay(Kdv(), Nights(D(2024, 3, 1), 40),
                     {D(2024, 4, 10), D(2024, 4, 12)}, kYear);
  EXPECT_THAT(Ids(v), ::testing::Contains("S3-09"));
}

TEST(CheckStayTest, YearlyCapCountsEveryBookingOfTheYear) {
  // 40 nights in January and February (three nights a week), then 3 in
  // December: 43 > 42.
  std::set<Date> booked;
  for (Date week = D(2024, 1, 1); booked.size() < 40; week += 7) {
    for (int i = 0; i < 3 && booked.size() < 40; ++i) booked.insert(week + i);
  }
  EXPECT_THAT(CheckStay(Kdv(), booked, {D(2024, 12, 2), D(2024, 12, 3)}, kYear),
              IsEmpty());
  auto v = CheckStay(Kdv(), booked, {D(2024, 12, 2), D(2024, 12, 4)}, kYear);
  EXPECT_THAT(Ids(v), ElementsAre("S3-09"));
  EXPECT_THAT(v[0].message, ::testing::HasSubstr("calendar year 2024"));
}

TEST(CheckStayTest, YearlyCapCountsPerCalendarYear) {
  ProductBilling logeerzorg;  // perspectief-2024 S4-05: 15 a year
  logeerzorg.product = "logeerzorg";
  logeerzorg.caps.push_back({.window = CapWindow::kCalendarYear,
                             .max_quantity = 15,
                             .rule_id = "S4-05"});
  const Period two_years{D(2024, 1, 1), D(2025, 12, 31)};
  // 14 nights in November, then 30 and 31 December: 16 in 2024; the
  // nights of 2025 count for 2025.
  auto v = CheckStay(logeerzorg, Nights(D(2024, 11, 1), 14),
                     {D(2024, 12, 30), D(2025, 1, 5)}, two_years);
  EXPECT_THAT(Ids(v), ElementsAre("S4-05"));
  EXPECT_THAT(CheckStay(logeerzorg, Nights(D(2024, 11, 1), 13),
                        {D(2024, 12, 30), D(2025, 1, 5)}, two_years),
              IsEmpty());
}

TEST(CheckStayTest, AdvisoryCapsAreNotRefusals) {
  ProductBilling b;
  b.caps.push_back({.window = CapWindow::kCalendarYear,
                    .max_quantity = 1,
                    .advisory = true,
                    .rule_id = "S2-01"});
  EXPECT_THAT(CheckStay(b, {}, {D(2024, 3, 1), D(2024, 3, 5)}, kYear),
              IsEmpty());
}

TEST(PeakPerSessionTest, CountsOnlyOverlappingEnrolmentsOfTheSession) {
  const std::vector<EnrolmentSpan> existing = {
      {{D(2024, 1, 1), D(2024, 3, 31)}, {0, 1}},
      {{D(2024, 4, 1), D(2024, 6, 30)}, {0}},  // follows the first: not both
      {{D(2024, 2, 1), D(2024, 2, 29)}, {1}},
      {{D(2025, 1, 1), D(2025, 1, 31)}, {0}},  // after the new one
  };
  const EnrolmentSpan added{{D(2024, 1, 15), D(2024, 5, 15)}, {0, 1}};
  EXPECT_THAT(PeakPerSession(existing, added), ElementsAre(2, 3));
  EXPECT_THAT(LowPerSession(existing, added), ElementsAre(2, 1));
}

TEST(PeakPerSessionTest, AloneInAnEmptyGroup) {
  const EnrolmentSpan added{{D(2024, 1, 1), D(2024, 1, 31)}, {2}};
  EXPECT_THAT(PeakPerSession({}, added), ElementsAre(1));
  EXPECT_THAT(LowPerSession({}, added), ElementsAre(1));
}

}  // namespace
}  // namespace wmo::rules
