#include "libs/rules/declaration.h"

#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/iwmo/retour.h"

namespace wmo::rules {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr Date D(int y, int m, int d) { return Date(y, m, d); }

constexpr char kAgb[] = "12345678";
constexpr char kOtherAgb[] = "87654321";
constexpr char kBsn[] = "999993653";
constexpr char kOtherBsn[] = "123456782";
constexpr int64_t kTariff = 5000;
constexpr int kUnitHour = 4;
constexpr int kUnitEtmaal = 14;
constexpr char kMiddenLimburg[] = "midden-limburg-2024";
constexpr char kToekomst[] = "toekomst-sociaal-domein-2023";

Period MonthOf(int y, int m) { return CalendarMonthOf(D(y, m, 1)); }
// June 2026 runs from Monday the 1st to Tuesday the 30th: ISO weeks 23..27.
const Period kJune2026 = MonthOf(2026, 6);
const Period kYear2026{D(2026, 1, 1), D(2026, 12, 31)};

int Hm(int hour, int minute = 0) { return hour * 60 + minute; }

// ---------------------------------------------------------------------------
// Billing rules shaped like the seed catalogs.

// S3-09: at most 42 etmalen per calendar year, at most 3 per week unless one
// contiguous stay of at most 6 weeks.
ProductBilling Kdv() {
  ProductBilling b;
  b.catalog = kMiddenLimburg;
  b.product = "kdv";
  b.caps = {
      {.window = CapWindow::kCalendarYear,
       .max_quantity = 42,
       .rule_id = "S3-09"},
      {.window = CapWindow::kWeek,
       .max_quantity = 3,
       .waived_for_contiguous_stay = true,
       .rule_id = "S3-09"},
  };
  b.contiguous_max_days = 42;
  b.contiguous_rule_id = "S3-09";
  return b;
}

// S3-05, S3-07.
ProductBilling Bgi() {
  ProductBilling b;
  b.catalog = kMiddenLimburg;
  b.product = "bgi";
  b.no_show_rule_id = "S3-05";
  b.not_concurrent_with = {"bgg"};
  b.not_concurrent_rule_id = "S3-07";
  return b;
}

// S3-06, S3-07.
ProductBilling Bgg() {
  ProductBilling b;
  b.catalog = kMiddenLimburg;
  b.product = "bgg";
  b.no_show_rule_id = "S3-06";
  b.not_concurrent_with = {"bgi"};
  b.not_concurrent_rule_id = "S3-07";
  return b;
}

// S3-08: one per day, only on days with BGG.
ProductBilling Vervoer() {
  ProductBilling b;
  b.catalog = kMiddenLimburg;
  b.product = "vervoer";
  b.once_per_day_rule_id = "S3-08";
  b.only_on_attendance_of = {"bgg"};
  b.attendance_rule_id = "S3-08";
  return b;
}

// S2-04: evening 20:00-24:00, night 00:00-07:00, weekend Fri 20:00 to Mon
// 07:00.
ProductBilling Bereik() {
  ProductBilling b;
  b.catalog = kToekomst;
  b.product = "4";
  b.windows = {
      {.weekdays = {}, .start_minute = Hm(20), .end_minute = 1440},
      {.weekdays = {}, .start_minute = 0, .end_minute = Hm(7)},
      {.weekdays = {5}, .start_minute = Hm(20), .end_minute = 1440},
      {.weekdays = {6, 7}, .start_minute = 0, .end_minute = 1440},
      {.weekdays = {1}, .start_minute = 0, .end_minute = Hm(7)},
  };
  b.windows_rule_id = "S2-04";
  return b;
}

// S2-02: at most 25% digital contact.
ProductBilling Leren() {
  ProductBilling b;
  b.catalog = kToekomst;
  b.product = "2";
  b.max_digital_percent = 25;
  b.digital_rule_id = "S2-02";
  return b;
}

// S2-03: sessions of 2 hours.
ProductBilling Groepstraining() {
  ProductBilling b;
  b.catalog = kToekomst;
  b.product = "3";
  b.session_minutes = 120;
  b.session_rule_id = "S2-03";
  return b;
}

// S2-01: guideline of 100 hours per assignment.
ProductBilling Acuut() {
  ProductBilling b;
  b.catalog = kToekomst;
  b.product = "1";
  b.caps = {{.window = CapWindow::kAssignment,
             .max_quantity = 100,
             .advisory = true,
             .rule_id = "S2-01"}};
  return b;
}

// S2-05: at most 15 hours per assignment.
ProductBilling Waakvlam() {
  ProductBilling b;
  b.catalog = kToekomst;
  b.product = "6";
  b.caps = {{.window = CapWindow::kAssignment,
             .max_quantity = 15,
             .rule_id = "S2-05"}};
  return b;
}

// A product with one cap only.
ProductBilling Capped(CapWindow window, int64_t max, bool counts_days = false) {
  ProductBilling b;
  b.catalog = "test-catalog";
  b.product = "capped";
  b.caps = {{.window = window,
             .max_quantity = max,
             .counts_days = counts_days,
             .rule_id = "CAP"}};
  return b;
}

// ---------------------------------------------------------------------------
// Day detail.

DayDelivery Day(Date date, int64_t quantity = 1) {
  DayDelivery d;
  d.date = date;
  d.quantity = quantity;
  return d;
}

DayDelivery Timed(Date date, int start, int end, int64_t quantity = 1) {
  DayDelivery d = Day(date, quantity);
  d.start_minute = start;
  d.end_minute = end;
  return d;
}

DayDelivery NoShow(Date date) {
  DayDelivery d = Day(date);
  d.no_show = true;
  return d;
}

DayDelivery DigitalDay(Date date, int64_t quantity) {
  DayDelivery d = Day(date, quantity);
  d.digital = true;
  return d;
}

// One unit on every day of [from, to].
std::vector<DayDelivery> EveryDay(Date from, Date to) {
  std::vector<DayDelivery> days;
  for (Date d = from; d <= to; ++d) days.push_back(Day(d));
  return days;
}

std::vector<std::string> RuleIds(const std::vector<LineViolation>& list) {
  std::vector<std::string> ids;
  ids.reserve(list.size());
  for (const LineViolation& v : list) ids.push_back(v.rule_id);
  return ids;
}

const LineViolation* Find(const std::vector<LineViolation>& list,
                          const std::string& rule_id) {
  for (const LineViolation& v : list) {
    if (v.rule_id == rule_id) return &v;
  }
  return nullptr;
}

int CountWithText(const std::vector<LineViolation>& list,
                  const std::string& text) {
  int n = 0;
  for (const LineViolation& v : list) {
    if (v.message.find(text) != std::string::npos) ++n;
  }
  return n;
}

// One declaration of provider kAgb for June 2026 and what it runs against.
class Scenario {
 public:
  Scenario() {
    header.provider_agb = kAgb;
    header.municipality = "0988";
    header.month = kJune2026;
  }

  // An assignment of kBsn at kAgb over 2026: 7 hours of begeleiding per
  // week, with `billing` as its catalog rules.
  AssignmentFacts& Assign(const std::string& number,
                          std::optional<ProductBilling> billing = {}) {
    AssignmentFacts& a = assignments[number];
    a.number = number;
    a.client_bsn = kBsn;
    a.provider_agb = kAgb;
    a.product_category = "02";
    a.product_code = "02A01";
    a.unit = kUnitHour;
    a.period = kYear2026;
    a.volume = 7;
    a.frequency = Frequency::kPerWeek;
    if (billing) {
      billings.push_back(*std::move(billing));
      a.billing = &billings.back();
    }
    return a;
  }

  // A debit that matches its assignment over the declared month.
  DeclaredLine& Debit(const std::string& reference, const std::string& number,
                      int64_t volume) {
    const AssignmentFacts& a = assignments.at(number);
    DeclaredLine& line = lines.emplace_back();
    line.reference = reference;
    line.assignment_number = number;
    line.client_bsn = a.client_bsn;
    line.product_category = a.product_category;
    line.product_code = a.product_code;
    line.period = Intersect(header.month, a.period).value_or(header.month);
    line.unit = a.unit;
    line.volume = volume;
    line.tariff_cents = kTariff;
    line.amount_cents = volume * kTariff;
    line.catalog_tariff_cents = kTariff;
    return line;
  }

  // A debit whose volume is its day detail (no-shows left out).
  DeclaredLine& Debit(const std::string& reference, const std::string& number,
                      std::vector<DayDelivery> days) {
    int64_t volume = 0;
    for (const DayDelivery& d : days) {
      if (!d.no_show) volume += d.quantity;
    }
    DeclaredLine& line = Debit(reference, number, volume);
    line.deliveries = std::move(days);
    return line;
  }

  // A credit that cancels the stored debit `debit_reference`.
  DeclaredLine& Credit(const std::string& reference,
                       const std::string& debit_reference) {
    const StoredLine& debit = ledger.lines.at(debit_reference);
    DeclaredLine& line = Debit(reference, debit.assignment_number, 0);
    line.credit = true;
    line.credited_reference = debit_reference;
    line.period = debit.period;
    line.volume = debit.volume;
    line.amount_cents = debit.amount_cents;
    return line;
  }

  // An approved debit of an earlier declaration, with its totals.
  void StoredDebit(const std::string& reference, const std::string& number,
                   const Period& period, int64_t volume) {
    const AssignmentFacts& a = assignments.at(number);
    ledger.lines[reference] = {.assignment_number = number,
                               .client_bsn = a.client_bsn,
                               .product_category = a.product_category,
                               .product_code = a.product_code,
                               .unit = a.unit,
                               .tariff_cents = kTariff,
                               .period = period,
                               .volume = volume,
                               .amount_cents = volume * kTariff,
                               .approved = true};
    ledger.open_debits.insert({number, period.from});
    AssignmentTotal& total = ledger.assignment_totals[number];
    total.volume += volume;
    total.amount_cents += volume * kTariff;
    total.lines += 1;
  }

  // Approved deliveries of kBsn from an earlier line.
  void StoredDays(const std::string& reference, const std::string& catalog,
                  const std::string& product,
                  const std::vector<DayDelivery>& days) {
    for (const DayDelivery& d : days) {
      ledger.deliveries.push_back({kBsn, catalog, product, reference, d});
    }
  }

  std::vector<LineOutcome> Check() {
    return CheckDeclaration(header, {lines.begin(), lines.end()}, assignments,
                            ledger);
  }

  // Checks a declaration of exactly one line.
  LineOutcome CheckOne() {
    EXPECT_EQ(lines.size(), 1u);
    std::vector<LineOutcome> outcomes = Check();
    return outcomes.empty() ? LineOutcome{} : outcomes[0];
  }

  DeclarationHeader header;
  std::map<std::string, AssignmentFacts> assignments;
  Ledger ledger;
  std::deque<DeclaredLine> lines;
  std::deque<ProductBilling> billings;
};

// ===========================================================================
// ISO weeks, Sundays and the declarable volume.

TEST(IsoWeekTest, NumbersFollowIso8601) {
  struct Case {
    Date day;
    IsoWeek week;
  };
  const Case cases[] = {
      {D(2026, 12, 1), {2026, 49}},  {D(2026, 12, 28), {2026, 53}},
      {D(2026, 12, 31), {2026, 53}}, {D(2027, 1, 1), {2026, 53}},
      {D(2027, 1, 3), {2026, 53}},   {D(2027, 1, 4), {2027, 1}},
      {D(2027, 1, 31), {2027, 4}},   {D(2020, 12, 31), {2020, 53}},
      {D(2021, 1, 3), {2020, 53}},   {D(2021, 1, 4), {2021, 1}},
      {D(2019, 12, 30), {2020, 1}},  {D(2024, 12, 30), {2025, 1}},
      {D(2021, 2, 1), {2021, 5}},    {D(2021, 2, 28), {2021, 8}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsoWeekNumber(c.day), c.week) << FormatDate(c.day);
  }
}

TEST(IsoWeekTest, CountIsoWeeksCountsDistinctWeeksTouched) {
  struct Case {
    const char* name;
    Period period;
    int weeks;
  };
  const Case cases[] = {
      {"December 2026 touches W49..W53", MonthOf(2026, 12), 5},
      {"January 2027 touches 2026-W53 and W1..W4", MonthOf(2027, 1), 5},
      {"2026-12-28..2027-01-03 is all of 2026-W53",
       {D(2026, 12, 28), D(2027, 1, 3)},
       1},
      {"February 2021 is exactly W5..W8", MonthOf(2021, 2), 4},
      {"2020 has 53 weeks", {D(2020, 1, 1), D(2020, 12, 31)}, 53},
      {"2021 starts in 2020-W53", {D(2021, 1, 1), D(2021, 12, 31)}, 53},
      {"2020-W53 alone", {D(2020, 12, 28), D(2021, 1, 3)}, 1},
      {"one day", {D(2026, 6, 3), D(2026, 6, 3)}, 1},
      {"Sunday and Monday", {D(2026, 6, 7), D(2026, 6, 8)}, 2},
      {"seven days from a Wednesday", {D(2026, 6, 3), D(2026, 6, 9)}, 2},
      {"June 2026", kJune2026, 5},
      {"March 2026 starts on a Sunday", MonthOf(2026, 3), 6},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CountIsoWeeks(c.period), c.weeks) << c.name;
  }
}

TEST(IsoWeekTest, CountSundaysCountsSundaysInPeriod) {
  struct Case {
    const char* name;
    Period period;
    int sundays;
  };
  const Case cases[] = {
      {"June 2026", kJune2026, 4},
      {"March 2026", MonthOf(2026, 3), 5},
      {"February 2021", MonthOf(2021, 2), 4},
      {"a Monday", {D(2026, 6, 1), D(2026, 6, 1)}, 0},
      {"a Sunday", {D(2026, 6, 7), D(2026, 6, 7)}, 1},
      {"Monday to Saturday", {D(2026, 6, 1), D(2026, 6, 6)}, 0},
      {"2026", kYear2026, 52},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CountSundays(c.period), c.sundays) << c.name;
  }
}

TEST(DeclarableVolumeTest, FollowsIwmoCounting) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const Period open{D(2026, 1, 1), Period::OpenEnd()};
  struct Case {
    const char* name;
    int64_t volume;
    Frequency frequency;
    int unit;
    std::string category;
    Period assignment;
    Period period;
    int64_t expected;
  };
  const Case cases[] = {
      {"per week, December 2026: 5 ISO weeks",
       3,
       Frequency::kPerWeek,
       kUnitHour,
       "02",
       {D(2026, 1, 1), D(2027, 12, 31)},
       MonthOf(2026, 12),
       15},
      {"per week, January 2027: W53 and W1..W4",
       3,
       Frequency::kPerWeek,
       kUnitHour,
       "02",
       {D(2026, 1, 1), D(2027, 12, 31)},
       MonthOf(2027, 1),
       15},
      {"per week, 2026-12-28..2027-01-03: one week",
       3,
       Frequency::kPerWeek,
       kUnitHour,
       "02",
       {D(2026, 1, 1), D(2027, 12, 31)},
       {D(2026, 12, 28), D(2027, 1, 3)},
       3},
      {"per week, 2020-W53 on its own",
       3,
       Frequency::kPerWeek,
       kUnitHour,
       "02",
       {D(2020, 1, 1), D(2021, 12, 31)},
       {D(2020, 12, 28), D(2021, 1, 3)},
       3},
      {"per week, February 2021: exactly 4 weeks",
       3,
       Frequency::kPerWeek,
       kUnitHour,
       "02",
       {D(2021, 1, 1), D(2021, 12, 31)},
       MonthOf(2021, 2),
       12},
      {"per week, category 01: always 6 x", 3, Frequency::kPerWeek, kUnitHour,
       "01", kYear2026, MonthOf(2026, 12), 18},
      {"per week, category 01, one day: still 6 x",
       3,
       Frequency::kPerWeek,
       kUnitHour,
       "01",
       kYear2026,
       {D(2026, 6, 3), D(2026, 6, 3)},
       18},
      {"per week, output-based: Sundays of June 2026", 3, Frequency::kPerWeek,
       kUnitPiecesOutput, "02", kYear2026, kJune2026, 12},
      {"per week, output-based: Sundays of March 2026", 3, Frequency::kPerWeek,
       kUnitPiecesOutput, "02", kYear2026, MonthOf(2026, 3), 15},
      {"per week, clipped to an assignment from Wednesday 10 June",
       3,
       Frequency::kPerWeek,
       kUnitHour,
       "02",
       {D(2026, 6, 10), D(2026, 12, 31)},
       kJune2026,
       12},
      {"per month, one month", 10, Frequency::kPerMonth, kUnitHour, "02",
       kYear2026, kJune2026, 10},
      {"per month, months touched after clipping",
       10,
       Frequency::kPerMonth,
       kUnitHour,
       "02",
       {D(2026, 1, 15), D(2026, 12, 31)},
       {D(2026, 1, 1), D(2026, 3, 31)},
       30},
      {"per day, June 2026", 2, Frequency::kPerDay, kUnitHour, "02", kYear2026,
       kJune2026, 60},
      {"per day, clipped to an assignment ending 10 June",
       2,
       Frequency::kPerDay,
       kUnitHour,
       "02",
       {D(2026, 1, 1), D(2026, 6, 10)},
       kJune2026,
       20},
      {"total: the whole volume", 100, Frequency::kTotal, kUnitHour, "02",
       kYear2026, kJune2026, 100},
      {"total over the whole assignment", 100, Frequency::kTotal, kUnitHour,
       "02", kYear2026, kYear2026, 100},
      {"per week over the whole of 2026", 7, Frequency::kPerWeek, kUnitHour,
       "02", kYear2026, kYear2026, int64_t{7} * 53},
      {"nothing shared with the assignment",
       3,
       Frequency::kPerWeek,
       kUnitHour,
       "02",
       {D(2026, 7, 1), D(2026, 12, 31)},
       kJune2026,
       0},
      {"saturates per day over an open end", kMax / 2, Frequency::kPerDay,
       kUnitHour, "02", open, open, kMax},
      {"saturates per week", kMax, Frequency::kPerWeek, kUnitHour, "02",
       kYear2026, kJune2026, kMax},
      {"per week, category 01, whole year: 6 x per month", 3,
       Frequency::kPerWeek, kUnitHour, "01", kYear2026, kYear2026, 216},
      {"saturates for category 01", kMax / 3, Frequency::kPerWeek, kUnitHour,
       "01", kYear2026, kJune2026, kMax},
      {"unknown frequency allows nothing", 3, static_cast<Frequency>(3),
       kUnitHour, "02", kYear2026, kJune2026, 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DeclarableVolume(c.volume, c.frequency, c.unit, c.category,
                               c.assignment, c.period),
              c.expected)
        << c.name;
  }
}

// ===========================================================================
// The iWmo rules.

TEST(DeclarationRulesTest, MatchingLineIsApproved) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 35);
  LineOutcome out = s.CheckOne();
  EXPECT_TRUE(out.approved);
  EXPECT_THAT(out.violations, IsEmpty());
  EXPECT_THAT(out.notices, IsEmpty());
}

TEST(DeclarationRulesTest, SharedClientsAreThoseWithDetailOrAYearlyCap) {
  // Three clients: one under KDV's yearly cap (S3-09), one with day detail
  // of a product without one, one with neither (hours per week, no
  // detail): only the first two have facts other providers change.
  Scenario s;
  s.Assign("KDV", Kdv()).client_bsn = "100000009";
  s.Assign("DETAIL", Bgi()).client_bsn = "100000010";
  s.Assign("PLAIN", Bgi()).client_bsn = "100000011";
  s.Assign("NO-CATALOG").client_bsn = "100000012";
  s.Debit("R1", "KDV", 3);
  s.Debit("R2", "DETAIL", {Day(D(2026, 6, 2), 2)});
  s.Debit("R3", "PLAIN", 7);
  s.Debit("R4", "NO-CATALOG", 7);
  s.Debit("R5", "KDV", 3).assignment_number = "UNKNOWN";
  s.lines.back().client_bsn = "100000013";
  EXPECT_THAT(ClientsSharedWithOtherProviders({s.lines.begin(), s.lines.end()},
                                              s.assignments),
              ElementsAre("100000009", "100000010"));
}

TEST(DeclarationRulesTest, ReturnCodesFollowRetourcodes) {
  struct Case {
    const char* rule;
    const char* code;
  };
  // One line that breaks many rules at once.
  Scenario s;
  AssignmentFacts& a = s.Assign("A1");
  a.period = {D(2026, 6, 5), D(2026, 6, 30)};
  s.StoredDebit("R1", "A1", kJune2026, 1);
  s.ledger.open_debits.insert({"A1", D(2026, 6, 2)});
  DeclaredLine& line = s.Debit("R1", "A1", 40);
  line.client_bsn = kOtherBsn;
  line.product_category = "03";
  line.product_code = "03A01";
  line.unit = kUnitEtmaal;
  line.period = {D(2026, 6, 2), D(2026, 7, 2)};
  line.amount_cents = 1;
  line.catalog_tariff_cents = kTariff + 1;
  LineOutcome out = s.CheckOne();
  const Case cases[] = {
      {"TR314", "8021"}, {"TR304", "8187"}, {"TR339", "9339"},
      {"TR340", "9340"}, {"TR341", "9341"}, {"TR319", "9319"},
      {"TR307", "9307"}, {"TR308", "9308"}, {"TR387", "9387"},
      {"TR388", "9388"}, {"TR346", "9346"}, {"TR418", "0611"},
      {"TR321", "9321"}, {"TR389", "9389"},
  };
  for (const Case& c : cases) {
    const LineViolation* v = Find(out.violations, c.rule);
    ASSERT_NE(v, nullptr) << c.rule;
    EXPECT_EQ(v->return_code, c.code) << c.rule;
    EXPECT_THAT(v->message, Not(HasSubstr(kBsn))) << c.rule;
    EXPECT_THAT(v->message, Not(HasSubstr(kOtherBsn))) << c.rule;
  }
}

// A line on a deleted assignment: TR384 is the cause; what the deleted
// assignment's one-day period would make of the line's dates and volume
// (TR307, TR308, TR321) is not reported besides.
TEST(DeclarationRulesTest, Tr384IsTheRootCauseOnADeletedAssignment) {
  Scenario s;
  AssignmentFacts& a = s.Assign("A1");
  a.deleted = true;
  a.period = {D(2026, 6, 5), D(2026, 6, 5)};
  s.Debit("R1", "A1", 40).period = kJune2026;
  LineOutcome out = s.CheckOne();
  EXPECT_THAT(RuleIds(out.violations), ElementsAre("TR384"));
  ASSERT_EQ(out.violations.size(), 1u);
  EXPECT_EQ(out.violations[0].return_code, "9384");
}

// A dependent product (vervoer needs group support, S0-08) is billable only
// on days the client has a qualifying assignment, with or without detail.
TEST(DeclarationRulesTest, S0_08_DependentLinesNeedQualifyingCoverOnTheirDays) {
  Scenario s;
  AssignmentFacts& a = s.Assign("A1");
  a.qualifying = QualifyingCover{.rule_id = "S0-08",
                                 .products = {"groep", "dagbesteding"},
                                 .periods = {{D(2026, 1, 1), D(2026, 6, 15)},
                                             {D(2026, 6, 10), D(2026, 6, 20)}}};
  s.Debit("R1", "A1", 35);  // June without detail: no cover from the 21st
  s.Debit("R2", "A1",
          {Day(D(2026, 6, 19)), Day(D(2026, 6, 22)), Day(D(2026, 6, 22)),
           Day(D(2026, 6, 23))});
  std::vector<LineOutcome> out = s.Check();
  ASSERT_EQ(out.size(), 2u);
  ASSERT_THAT(RuleIds(out[0].violations), ElementsAre("S0-08"));
  EXPECT_EQ(out[0].violations[0].field, "end_date");
  EXPECT_THAT(out[0].violations[0].message,
              AllOf(HasSubstr("2026-06-21"), HasSubstr("groep, dagbesteding"),
                    HasSubstr("day detail")));
  // One violation per uncovered day, at its first delivery.
  ASSERT_THAT(RuleIds(out[1].violations), ElementsAre("S0-08", "S0-08"));
  EXPECT_EQ(out[1].violations[0].field, "deliveries[1].date");
  EXPECT_EQ(out[1].violations[1].field, "deliveries[3].date");
}

TEST(DeclarationRulesTest, S0_08_CoveredDependentLinesAreApproved) {
  Scenario s;
  const QualifyingCover cover{.rule_id = "S0-08",
                              .products = {"groep"},
                              .periods = {{D(2026, 6, 1), D(2026, 6, 10)},
                                          {D(2026, 6, 11), Date::max()}}};
  s.Assign("A1").qualifying = cover;
  s.Assign("A2").qualifying = cover;
  s.Debit("R1", "A1", 35);
  s.Debit("R2", "A2", {Day(D(2026, 6, 1)), Day(D(2026, 6, 30))});
  for (const LineOutcome& o : s.Check()) {
    EXPECT_TRUE(o.approved);
    EXPECT_THAT(o.violations, IsEmpty());
  }
}

TEST(DeclarationRulesTest, AllViolationsOfALineAreReported) {
  Scenario s;
  s.Assign("A1");
  DeclaredLine& line = s.Debit("R1", "A1", 36);
  line.product_category = "03";
  line.product_code = "03A01";
  line.unit = kUnitEtmaal;
  line.amount_cents += 1;
  LineOutcome out = s.CheckOne();
  EXPECT_FALSE(out.approved);
  EXPECT_THAT(RuleIds(out.violations),
              ElementsAre("TR339", "TR340", "TR341", "TR321", "TR346"));
}

TEST(DeclarationRulesTest, OutcomesFollowInputOrder) {
  Scenario s;
  s.Assign("A1");
  s.Assign("A2");
  s.Debit("R1", "A1", 36);
  s.Debit("R2", "A2", 35);
  std::vector<LineOutcome> out = s.Check();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].approved);
  EXPECT_TRUE(out[1].approved);
}

TEST(DeclarationRulesTest, Tr314RejectsReferenceUsedBefore) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("R1", "A1", MonthOf(2026, 5), 10);
  s.Debit("R1", "A1", 10);
  LineOutcome out = s.CheckOne();
  EXPECT_FALSE(out.approved);
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR314"));
  EXPECT_EQ(out.violations[0].field, "reference");
  EXPECT_THAT(out.violations[0].message, HasSubstr("new reference"));
  // The earlier line stays as it was.
  EXPECT_TRUE(s.ledger.lines.at("R1").approved);
  EXPECT_EQ(s.ledger.lines.at("R1").period.from, D(2026, 5, 1));
}

TEST(DeclarationRulesTest, Tr314AcceptsReferenceNotUsedBefore) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("R0", "A1", MonthOf(2026, 5), 10);
  s.Debit("R1", "A1", 10);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr314RejectsReferenceRepeatedInOneDeclaration) {
  Scenario s;
  s.Assign("A1");
  s.Assign("A2");
  s.Debit("R1", "A1", 10);
  s.Debit("R1", "A2", 10);
  std::vector<LineOutcome> out = s.Check();
  EXPECT_TRUE(out[0].approved);
  EXPECT_THAT(RuleIds(out[1].violations), ElementsAre("TR314"));
  EXPECT_EQ(s.ledger.lines.at("R1").assignment_number, "A1");
}

TEST(DeclarationRulesTest, Tr314RejectsRepeatOfARejectedLine) {
  Scenario s;
  s.Assign("A1");
  s.Assign("A2");
  s.Debit("R1", "A1", 36);  // TR321
  s.Debit("R1", "A2", 10);
  std::vector<LineOutcome> out = s.Check();
  EXPECT_FALSE(out[0].approved);
  EXPECT_THAT(RuleIds(out[1].violations), ElementsAre("TR314"));
  EXPECT_FALSE(s.ledger.lines.at("R1").approved);
}

TEST(DeclarationRulesTest, Tr338RejectsUnknownAssignment) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).assignment_number = "A9";
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR338"));
  EXPECT_EQ(out.violations[0].return_code, "9338");
  EXPECT_EQ(out.violations[0].field, "assignment_number");
}

TEST(DeclarationRulesTest, Tr338RejectsAssignmentOfAnotherProviderAlone) {
  Scenario s;
  s.Assign("A1").provider_agb = kOtherAgb;
  DeclaredLine& line = s.Debit("R1", "A1", 100);
  line.product_code = "02A99";  // not checked without the assignment
  LineOutcome out = s.CheckOne();
  EXPECT_THAT(RuleIds(out.violations), ElementsAre("TR338"));
}

TEST(DeclarationRulesTest, Tr338AcceptsOwnAssignment) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10);
  EXPECT_THAT(RuleIds(s.CheckOne().violations), Not(Contains("TR338")));
}

TEST(DeclarationRulesTest, Tr384RejectsDeletedAssignment) {
  Scenario s;
  s.Assign("A1").deleted = true;
  s.Debit("R1", "A1", 10);
  LineOutcome out = s.CheckOne();
  EXPECT_THAT(RuleIds(out.violations), ElementsAre("TR384"));
  EXPECT_EQ(out.violations[0].return_code, "9384");
}

TEST(DeclarationRulesTest, Tr384AcceptsCurrentAssignment) {
  Scenario s;
  s.Assign("A1").deleted = false;
  s.Debit("R1", "A1", 10);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr304RejectsOtherClientWithoutNamingBsn) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).client_bsn = kOtherBsn;
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR304"));
  EXPECT_EQ(out.violations[0].return_code, "8187");
  EXPECT_EQ(out.violations[0].field, "client_bsn");
  EXPECT_THAT(out.violations[0].message, Not(HasSubstr(kBsn)));
  EXPECT_THAT(out.violations[0].message, Not(HasSubstr(kOtherBsn)));
}

TEST(DeclarationRulesTest, Tr304AcceptsClientOfAssignment) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).client_bsn = kBsn;
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr339RejectsOtherCategory) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).product_category = "07";
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR339"));
  EXPECT_EQ(out.violations[0].field, "product_category");
  EXPECT_THAT(out.violations[0].message, HasSubstr("use 02"));
}

TEST(DeclarationRulesTest, Tr339AcceptsCategoryOfAssignment) {
  Scenario s;
  s.Assign("A1").product_category = "07";
  s.Debit("R1", "A1", 10);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr340RejectsOtherProductCode) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).product_code = "02A02";
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR340"));
  EXPECT_EQ(out.violations[0].field, "product_code");
}

TEST(DeclarationRulesTest, Tr340AcceptsProductCodeOfAssignment) {
  Scenario s;
  s.Assign("A1").product_code = "02A02";
  s.Debit("R1", "A1", 10);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr341RejectsOtherUnit) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).unit = 1;  // minutes against hours
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR341"));
  EXPECT_EQ(out.violations[0].field, "unit");
}

TEST(DeclarationRulesTest, Tr341AcceptsUnitOfAssignment) {
  Scenario s;
  s.Assign("A1").unit = 1;
  s.Debit("R1", "A1", 10);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr319RejectsPeriodOfALaterMonth) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).period = {D(2026, 7, 1), D(2026, 7, 31)};
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR319"));
  EXPECT_EQ(out.violations[0].field, "start_date");
}

TEST(DeclarationRulesTest, Tr319AcceptsAnEarlierMonth) {
  // A late line: May's care in the June declaration.
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).period = {D(2026, 5, 1), D(2026, 5, 31)};
  LineOutcome out = s.CheckOne();
  EXPECT_TRUE(out.approved)
      << ::testing::PrintToString(RuleIds(out.violations));
}

TEST(DeclarationRulesTest, Cs337RejectsPeriodSpanningTwoMonths) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).period = {D(2026, 5, 1), D(2026, 6, 30)};
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("CS337"));
  EXPECT_EQ(out.violations[0].return_code, "0001");
}

TEST(DeclarationRulesTest, Tr137RejectsCareNotYetGiven) {
  Scenario s;
  s.header.today = D(2026, 6, 29);
  s.Assign("A1");
  s.Debit("R1", "A1", 10);  // June, to the 30th
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR137"));
  EXPECT_EQ(out.violations[0].return_code, "0001");
  EXPECT_EQ(out.violations[0].field, "end_date");
}

// Care is declared within 60 months of its end: June 2026 until 30 June
// 2031, not a day later.
TEST(DeclarationRulesTest, Tr335RejectsCareOlderThanSixtyMonths) {
  Scenario s;
  s.header.today = D(2031, 6, 30);
  s.Assign("A1");
  s.Debit("R1", "A1", 35);
  EXPECT_THAT(s.CheckOne().violations, IsEmpty());

  Scenario late;
  late.header.today = D(2031, 7, 1);
  late.Assign("A1");
  late.Debit("R1", "A1", 35);
  LineOutcome out = late.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR335"));
  EXPECT_EQ(out.violations[0].return_code, "0001");
  EXPECT_EQ(out.violations[0].field, "end_date");
  EXPECT_THAT(out.violations[0].message, HasSubstr("60 months"));
}

// S4-06: an assignment that predates the rule may run past the bound; its
// lines for days past it are refused, those before it approved.
TEST(DeclarationRulesTest, S4_06_AgeBoundHoldsOnEveryDeclaredDay) {
  ProductBilling billing;
  billing.catalog = "perspectief-2024";
  billing.product = "arbeidsmatige-dagbesteding";
  billing.age_limits = {{0, 67, "", "S4-06"}};
  for (const auto& [birth, approved] : std::vector<std::pair<Date, bool>>{
           {D(1959, 6, 15), false}, {D(1959, 7, 1), true}}) {
    Scenario s;
    AssignmentFacts& a = s.Assign("A1", billing);
    a.birth = birth;
    s.Debit("R1", "A1", 10);  // June 2026
    LineOutcome out = s.CheckOne();
    EXPECT_EQ(out.approved, approved) << FormatDate(birth);
    if (!approved) {
      ASSERT_THAT(RuleIds(out.violations), ElementsAre("S4-06"));
      EXPECT_THAT(out.violations[0].message,
                  ::testing::HasSubstr("end it on or before 2026-06-14"));
    }
  }
}

TEST(DeclarationRulesTest, Tr137AcceptsPeriodEndingToday) {
  Scenario s;
  s.header.today = D(2026, 6, 30);
  s.Assign("A1");
  s.Debit("R1", "A1", 10);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr319AcceptsPeriodWithinDeclaredMonth) {
  Scenario s;
  s.Assign("A1").period = {D(2026, 6, 10), D(2026, 6, 20)};
  s.Debit("R1", "A1", 10);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr307RejectsStartBeforeAssignment) {
  Scenario s;
  s.Assign("A1").period = {D(2026, 6, 10), D(2026, 12, 31)};
  s.Debit("R1", "A1", 10).period = kJune2026;
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR307"));
  EXPECT_EQ(out.violations[0].return_code, "9307");
  EXPECT_EQ(out.violations[0].field, "start_date");
}

TEST(DeclarationRulesTest, Tr307AcceptsStartOnAssignmentStart) {
  Scenario s;
  s.Assign("A1").period = {D(2026, 6, 10), D(2026, 12, 31)};
  s.Debit("R1", "A1", 10).period = {D(2026, 6, 10), D(2026, 6, 30)};
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr308RejectsEndAfterAssignment) {
  Scenario s;
  s.Assign("A1").period = {D(2026, 1, 1), D(2026, 6, 20)};
  s.Debit("R1", "A1", 10).period = kJune2026;
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR308"));
  EXPECT_EQ(out.violations[0].return_code, "9308");
  EXPECT_EQ(out.violations[0].field, "end_date");
}

TEST(DeclarationRulesTest, Tr308AcceptsEndOnAssignmentEnd) {
  Scenario s;
  s.Assign("A1").period = {D(2026, 1, 1), D(2026, 6, 20)};
  s.Debit("R1", "A1", 10).period = {D(2026, 6, 1), D(2026, 6, 20)};
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr387RejectsStartInsideMonth) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).period = {D(2026, 6, 2), D(2026, 6, 30)};
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR387"));
  EXPECT_EQ(out.violations[0].field, "start_date");
}

TEST(DeclarationRulesTest, Tr387AcceptsFirstOfMonth) {
  Scenario s;
  s.Assign("A1").period = {D(2026, 5, 20), D(2026, 12, 31)};
  s.Debit("R1", "A1", 10).period = kJune2026;
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr388RejectsEndInsideMonth) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).period = {D(2026, 6, 1), D(2026, 6, 29)};
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR388"));
  EXPECT_EQ(out.violations[0].field, "end_date");
}

TEST(DeclarationRulesTest, Tr388AcceptsLastDayOfMonth) {
  Scenario s;
  s.Assign("A1").period = {D(2026, 1, 1), D(2026, 7, 10)};
  s.Debit("R1", "A1", 10).period = kJune2026;
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr346RejectsAmountOtherThanVolumeTimesTariff) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).amount_cents = 10 * kTariff - 1;
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR346"));
  EXPECT_EQ(out.violations[0].field, "amount_cents");
  EXPECT_THAT(out.violations[0].message, HasSubstr("declare 50000 cents"));
}

TEST(DeclarationRulesTest, Tr346DoesNotWrapAroundOnOverflow) {
  Scenario s;
  s.Assign("A1").frequency = Frequency::kTotal;
  s.assignments.at("A1").volume = std::numeric_limits<int64_t>::max();
  DeclaredLine& line = s.Debit("R1", "A1", 0);
  line.volume = int64_t{1} << 33;
  line.tariff_cents = int64_t{1} << 31;
  line.catalog_tariff_cents = line.tariff_cents;
  line.amount_cents = 0;  // 2^64 wraps to 0 in 64 bits
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("TR346"));
}

TEST(DeclarationRulesTest, Tr346AcceptsVolumeTimesTariff) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 35).amount_cents = 35 * kTariff;
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr418RejectsTariffOtherThanContract) {
  Scenario s;
  s.Assign("A1");
  DeclaredLine& line = s.Debit("R1", "A1", 10);
  line.catalog_tariff_cents = 5125;
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR418"));
  EXPECT_EQ(out.violations[0].return_code, "0611");
  EXPECT_EQ(out.violations[0].field, "tariff_cents");
  EXPECT_THAT(out.violations[0].message, HasSubstr("declare at 5125 cents"));
}

TEST(DeclarationRulesTest, Tr418RejectsWhenCatalogHasNoTariff) {
  Scenario s;
  s.Assign("A1");
  DeclaredLine& line = s.Debit("R1", "A1", 10);
  line.catalog_tariff_cents.reset();
  line.tariff_problem = "no tariff for basis psychisch";
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR418"));
  EXPECT_THAT(out.violations[0].message,
              HasSubstr("no tariff for basis psychisch"));
}

TEST(DeclarationRulesTest, Tr418AcceptsContractTariff) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10).catalog_tariff_cents = kTariff;
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr418DoesNotApplyToBudgetAssignment) {
  Scenario s;
  AssignmentFacts& a = s.Assign("A1");
  a.budget_cents = 1000000;
  a.volume = 0;
  a.frequency = static_cast<Frequency>(0);
  a.unit = kUnitEuro;
  DeclaredLine& line = s.Debit("R1", "A1", 100);
  line.catalog_tariff_cents.reset();
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr321RejectsVolumeAboveWeeklyExtent) {
  Scenario s;
  s.Assign("A1");  // 7 per week; June 2026 touches 5 ISO weeks
  s.Debit("R1", "A1", 36);
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR321"));
  EXPECT_EQ(out.violations[0].return_code, "9321");
  EXPECT_EQ(out.violations[0].field, "volume");
  EXPECT_THAT(out.violations[0].message, HasSubstr("at most 35"));
}

TEST(DeclarationRulesTest, Tr321AcceptsVolumeAtWeeklyExtent) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 35);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr321CountsWeeksOfTheClippedPeriod) {
  Scenario s;
  s.Assign("A1").period = {D(2026, 6, 10), D(2026, 12, 31)};
  s.Debit("R1", "A1", 29).period = {D(2026, 6, 10), D(2026, 6, 30)};
  LineOutcome out = s.CheckOne();  // W24..W27: 4 x 7 = 28
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR321"));
  EXPECT_THAT(out.violations[0].message, HasSubstr("at most 28"));
}

TEST(DeclarationRulesTest, Tr322RejectsTotalAboveWholeAssignment) {
  Scenario s;
  AssignmentFacts& a = s.Assign("A1");
  a.frequency = Frequency::kTotal;
  a.volume = 50;
  s.StoredDebit("R0", "A1", MonthOf(2026, 5), 40);
  s.Debit("R1", "A1", 11);
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR322"));
  EXPECT_EQ(out.violations[0].return_code, "9322");
  EXPECT_THAT(out.violations[0].message, HasSubstr("at most 10"));
}

// Nothing left is said as such, with what used it, never as "at most 0".
TEST(DeclarationRulesTest, Tr322SaysNothingIsLeftWhenAllIsUsed) {
  Scenario s;
  AssignmentFacts& a = s.Assign("A1");
  a.frequency = Frequency::kTotal;
  a.volume = 50;
  s.StoredDebit("R0", "A1", MonthOf(2026, 5), 50);
  s.Debit("R1", "A1", 1);
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR322"));
  EXPECT_THAT(out.violations[0].message, HasSubstr("nothing is left"));
  EXPECT_THAT(out.violations[0].message, HasSubstr("50 approved before"));
  EXPECT_THAT(out.violations[0].message, Not(HasSubstr("at most 0")));
}

TEST(DeclarationRulesTest, Tr322AcceptsTotalAtWholeAssignment) {
  Scenario s;
  AssignmentFacts& a = s.Assign("A1");
  a.frequency = Frequency::kTotal;
  a.volume = 50;
  s.StoredDebit("R0", "A1", MonthOf(2026, 5), 40);
  s.Debit("R1", "A1", 10);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr322CountsLinesEarlierInTheDeclaration) {
  Scenario s;
  AssignmentFacts& a = s.Assign("A1");
  a.frequency = Frequency::kTotal;
  a.volume = 50;
  s.StoredDebit("R0", "A1", MonthOf(2026, 5), 40);
  s.Debit("R1", "A1", 6);
  s.Debit("R2", "A1", 6).period = kJune2026;
  std::vector<LineOutcome> out = s.Check();
  EXPECT_TRUE(out[0].approved);
  EXPECT_THAT(RuleIds(out[1].violations), Contains("TR322"));
}

AssignmentFacts& AssignBudget(Scenario& s, const std::string& number) {
  AssignmentFacts& a = s.Assign(number);
  a.budget_cents = 100000;
  a.volume = 0;
  a.frequency = static_cast<Frequency>(0);
  a.unit = kUnitEuro;
  return a;
}

TEST(DeclarationRulesTest, Tr369RejectsAmountAboveBudget) {
  Scenario s;
  AssignBudget(s, "A1");
  s.ledger.assignment_totals["A1"] = {
      .volume = 10, .amount_cents = 50000, .lines = 1};
  s.Debit("R1", "A1", 11);  // 55000 cents
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR369"));
  EXPECT_EQ(out.violations[0].return_code, "9369");
  EXPECT_EQ(out.violations[0].field, "amount_cents");
  EXPECT_THAT(out.violations[0].message, HasSubstr("at most 50000 cents"));
}

TEST(DeclarationRulesTest, Tr369AcceptsAmountUpToBudget) {
  Scenario s;
  AssignBudget(s, "A1");
  s.ledger.assignment_totals["A1"] = {
      .volume = 10, .amount_cents = 50000, .lines = 1};
  s.Debit("R1", "A1", 10);  // 50000 cents: exactly the budget
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr389RejectsSecondOpenDebitForPeriod) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("R0", "A1", kJune2026, 10);
  s.Debit("R1", "A1", 10);
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR389"));
  EXPECT_EQ(out.violations[0].return_code, "9389");
  EXPECT_THAT(out.violations[0].message,
              HasSubstr("credit the earlier debit line first"));
}

TEST(DeclarationRulesTest, Tr389AcceptsDebitWhenEarlierOneIsForAnotherMonth) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("R0", "A1", MonthOf(2026, 5), 10);
  s.Debit("R1", "A1", 10);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, Tr389RejectsSecondDebitInSameDeclaration) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", 10);
  s.Debit("R2", "A1", 10);
  std::vector<LineOutcome> out = s.Check();
  EXPECT_TRUE(out[0].approved);
  EXPECT_THAT(RuleIds(out[1].violations), ElementsAre("TR389"));
}

// ---------------------------------------------------------------------------
// Credits.

TEST(DeclarationRulesTest, Tr323AcceptsCreditOfApprovedDebit) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.Credit("C1", "D1");
  LineOutcome out = s.CheckOne();
  EXPECT_TRUE(out.approved);
  EXPECT_THAT(out.violations, IsEmpty());
}

TEST(DeclarationRulesTest, Tr323RejectsCreditWithoutCreditedReference) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.Credit("C1", "D1").credited_reference.clear();
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR323"));
  EXPECT_EQ(out.violations[0].return_code, "8017");
  EXPECT_EQ(out.violations[0].field, "credited_reference");
}

TEST(DeclarationRulesTest, Tr323RejectsCreditOfUnknownLine) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.Credit("C1", "D1").credited_reference = "D9";
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR323"));
  EXPECT_THAT(out.violations[0].message, HasSubstr("D9"));
}

TEST(DeclarationRulesTest, Tr323RejectsCreditOfRejectedDebit) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.ledger.lines.at("D1").approved = false;
  s.Credit("C1", "D1");
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("TR323"));
}

TEST(DeclarationRulesTest, Tr323RejectsCreditOfACredit) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.ledger.lines.at("D1").credit = true;
  s.Credit("C1", "D1");
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("TR323"));
}

TEST(DeclarationRulesTest, Tr323NamesEachFieldThatDiffersFromTheDebit) {
  Scenario s;
  s.Assign("A1");
  s.Assign("A2");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  DeclaredLine& credit = s.Credit("C1", "D1");
  credit.assignment_number = "A2";
  credit.period = {D(2026, 6, 2), D(2026, 6, 29)};
  credit.volume = 9;
  credit.amount_cents = 9 * kTariff;
  LineOutcome out = s.CheckOne();
  EXPECT_THAT(RuleIds(out.violations),
              ElementsAre("TR323", "TR323", "TR323", "TR323", "TR323"));
  std::vector<std::string> fields;
  for (const LineViolation& v : out.violations) fields.push_back(v.field);
  EXPECT_THAT(fields, ElementsAre("assignment_number", "start_date", "end_date",
                                  "volume", "amount_cents"));
}

TEST(DeclarationRulesTest, Tr323RefusesACreditOfAnotherProductOrTariff) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  DeclaredLine& credit = s.Credit("C1", "D1");
  credit.product_code = "02A02";
  credit.tariff_cents = kTariff + 1;
  LineOutcome out = s.CheckOne();
  std::vector<std::string> fields;
  for (const LineViolation& v : out.violations) fields.push_back(v.field);
  EXPECT_THAT(RuleIds(out.violations), ElementsAre("TR323", "TR323"));
  EXPECT_THAT(fields, ElementsAre("product_code", "tariff_cents"));
}

TEST(DeclarationRulesTest, BudgetLinesInEurosAreNeitherCappedNorCounted) {
  // A product capped at 42 etmalen a year, assigned as a budget: a line of
  // 1,500 euros is not 1,500 etmalen.
  ProductBilling kdv;
  kdv.catalog = "midden-limburg-2024";
  kdv.product = "kdv";
  kdv.unit = kUnitEtmaal;
  kdv.caps.push_back({.window = CapWindow::kCalendarYear,
                      .max_quantity = 42,
                      .rule_id = "S3-09"});
  Scenario s;
  AssignmentFacts& a = s.Assign("A1", kdv);
  a.unit = kUnitEuro;
  a.volume = 0;
  a.budget_cents = 250000;
  DeclaredLine& line = s.Debit("R1", "A1", 1500);
  line.tariff_cents = 100;
  line.amount_cents = 150000;
  LineOutcome out = s.CheckOne();
  EXPECT_TRUE(out.approved) << RuleIds(out.violations).size();
  EXPECT_TRUE(s.ledger.client_year_quantity.empty());
}

TEST(DeclarationRulesTest, Tr390RejectsCreditOfCreditedDebit) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.ledger.lines.at("D1").credited = true;
  s.Credit("C1", "D1");
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("TR390"));
  EXPECT_EQ(out.violations[0].return_code, "9390");
}

TEST(DeclarationRulesTest, Tr390RejectsSecondCreditInSameDeclaration) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.Credit("C1", "D1");
  s.Credit("C2", "D1");
  std::vector<LineOutcome> out = s.Check();
  EXPECT_TRUE(out[0].approved);
  EXPECT_THAT(RuleIds(out[1].violations), ElementsAre("TR390"));
}

TEST(DeclarationRulesTest, CreditRejectsReferenceUsedBefore) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.Credit("D1", "D1");
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("TR314"));
}

TEST(DeclarationRulesTest, CreditIsCheckedBeforeDebitsWhateverTheOrder) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.Debit("D2", "A1", 12);
  s.Credit("C1", "D1");
  std::vector<LineOutcome> out = s.Check();
  EXPECT_TRUE(out[0].approved);
  EXPECT_TRUE(out[1].approved);
  EXPECT_EQ(s.ledger.assignment_totals.at("A1"),
            (AssignmentTotal{
                .volume = 12, .amount_cents = 12 * kTariff, .lines = 1}));
  EXPECT_TRUE(s.ledger.open_debits.contains({"A1", D(2026, 6, 1)}));
}

TEST(DeclarationRulesTest, CreditUndoesTheDebitInTheLedger) {
  Scenario s;
  s.Assign("A1", Kdv());
  s.StoredDebit("D1", "A1", kJune2026, 3);
  s.ledger.lines.at("D1").digital_volume = 1;
  s.ledger.assignment_totals.at("A1").digital_volume = 1;
  s.ledger.client_year_quantity[{kBsn, kMiddenLimburg, "kdv", 2026}] = 10;
  s.StoredDays("D1", kMiddenLimburg, "kdv",
               EveryDay(D(2026, 6, 1), D(2026, 6, 3)));
  s.StoredDays("D0", kMiddenLimburg, "kdv", {Day(D(2026, 5, 30))});
  s.Credit("C1", "D1");
  ASSERT_TRUE(s.CheckOne().approved);

  EXPECT_TRUE(s.ledger.lines.at("D1").credited);
  const StoredLine& credit = s.ledger.lines.at("C1");
  EXPECT_TRUE(credit.credit);
  EXPECT_TRUE(credit.approved);
  EXPECT_FALSE(s.ledger.open_debits.contains({"A1", D(2026, 6, 1)}));
  EXPECT_EQ(s.ledger.assignment_totals.at("A1"), AssignmentTotal{});
  EXPECT_EQ(
      (s.ledger.client_year_quantity[{kBsn, kMiddenLimburg, "kdv", 2026}]), 7);
  ASSERT_EQ(s.ledger.deliveries.size(), 1u);
  EXPECT_EQ(s.ledger.deliveries[0].reference, "D0");
  EXPECT_THAT(s.ledger.removed_delivery_references, ElementsAre("D1"));
}

TEST(DeclarationRulesTest, RejectedCreditChangesNothingButItsOwnRecord) {
  Scenario s;
  s.Assign("A1");
  s.StoredDebit("D1", "A1", kJune2026, 10);
  s.Credit("C1", "D1").volume = 9;
  ASSERT_FALSE(s.CheckOne().approved);
  EXPECT_FALSE(s.ledger.lines.at("D1").credited);
  EXPECT_FALSE(s.ledger.lines.at("C1").approved);
  EXPECT_TRUE(s.ledger.lines.at("C1").credit);
  EXPECT_EQ(s.ledger.assignment_totals.at("A1").volume, 10);
  EXPECT_TRUE(s.ledger.open_debits.contains({"A1", D(2026, 6, 1)}));
}

TEST(DeclarationRulesTest, CreditedDeliveriesNoLongerCount) {
  Scenario s;
  s.Assign("A1", Vervoer());
  s.StoredDebit("D1", "A1", kJune2026, 1);
  s.StoredDays("D1", kMiddenLimburg, "vervoer", {Day(D(2026, 6, 2))});
  s.StoredDays("G1", kMiddenLimburg, "bgg", {Day(D(2026, 6, 2))});
  s.Credit("C1", "D1");
  s.Debit("D2", "A1", {Day(D(2026, 6, 2))});
  std::vector<LineOutcome> out = s.Check();
  EXPECT_TRUE(out[0].approved);
  EXPECT_TRUE(out[1].approved)
      << ::testing::PrintToString(RuleIds(out[1].violations));
}

TEST(DeclarationRulesTest, DeliveriesOfRemovedReferencesAreIgnored) {
  Scenario s;
  s.Assign("A1", Vervoer());
  s.StoredDays("D1", kMiddenLimburg, "vervoer", {Day(D(2026, 6, 2))});
  s.ledger.removed_delivery_references.insert("D1");
  s.StoredDays("G1", kMiddenLimburg, "bgg", {Day(D(2026, 6, 2))});
  s.Debit("D2", "A1", {Day(D(2026, 6, 2))});
  EXPECT_TRUE(s.CheckOne().approved);
}

// ---------------------------------------------------------------------------
// The ledger after approval.

TEST(DeclarationRulesTest, ApprovedDebitIsAddedToTheLedger) {
  Scenario s;
  s.Assign("A1", Leren());
  s.ledger.assignment_totals["A1"] = {.volume = 30,
                                      .amount_cents = 30 * kTariff,
                                      .digital_volume = 2,
                                      .lines = 3};
  s.ledger.client_year_quantity[{kBsn, kToekomst, "2", 2026}] = 30;
  s.Debit("R1", "A1", {Day(D(2026, 6, 1), 3), DigitalDay(D(2026, 6, 2), 1)});
  ASSERT_TRUE(s.CheckOne().approved);

  const StoredLine& line = s.ledger.lines.at("R1");
  EXPECT_TRUE(line.approved);
  EXPECT_FALSE(line.credit);
  EXPECT_FALSE(line.credited);
  EXPECT_EQ(line.assignment_number, "A1");
  EXPECT_EQ(line.volume, 4);
  EXPECT_EQ(line.amount_cents, 4 * kTariff);
  EXPECT_EQ(line.digital_volume, 1);
  EXPECT_TRUE(s.ledger.open_debits.contains({"A1", D(2026, 6, 1)}));
  EXPECT_EQ(s.ledger.assignment_totals.at("A1"),
            (AssignmentTotal{.volume = 34,
                             .amount_cents = 34 * kTariff,
                             .digital_volume = 3,
                             .lines = 4}));
  EXPECT_EQ((s.ledger.client_year_quantity[{kBsn, kToekomst, "2", 2026}]), 34);
  ASSERT_EQ(s.ledger.deliveries.size(), 2u);
  EXPECT_EQ(s.ledger.deliveries[0].reference, "R1");
  EXPECT_EQ(s.ledger.deliveries[0].client_bsn, kBsn);
  EXPECT_EQ(s.ledger.deliveries[0].catalog, kToekomst);
  EXPECT_EQ(s.ledger.deliveries[0].product, "2");
  EXPECT_EQ(s.ledger.deliveries[1].delivery.date, D(2026, 6, 2));
}

TEST(DeclarationRulesTest, RejectedDebitIsRecordedButNotCounted) {
  Scenario s;
  s.Assign("A1", Kdv());
  s.Debit("R1", "A1", {Day(D(2026, 6, 1))}).amount_cents = 1;
  ASSERT_FALSE(s.CheckOne().approved);
  EXPECT_FALSE(s.ledger.lines.at("R1").approved);
  EXPECT_TRUE(s.ledger.open_debits.empty());
  EXPECT_FALSE(s.ledger.assignment_totals.contains("A1"));
  EXPECT_TRUE(s.ledger.client_year_quantity.empty());
  EXPECT_TRUE(s.ledger.deliveries.empty());
}

// ---------------------------------------------------------------------------
// Day detail (DC-DETAIL).

TEST(DeclarationRulesTest, DetailAcceptsDaysAddingUpToVolume) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", {Day(D(2026, 6, 1), 2), Day(D(2026, 6, 30), 3)});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, DetailRejectsDaysNotAddingUpToVolume) {
  Scenario s;
  s.Assign("A1");
  DeclaredLine& line = s.Debit("R1", "A1", 10);
  line.deliveries = {Day(D(2026, 6, 1), 2), Day(D(2026, 6, 2), 3)};
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("DC-DETAIL"));
  EXPECT_EQ(out.violations[0].return_code, "0001");
  EXPECT_EQ(out.violations[0].field, "deliveries");
  EXPECT_THAT(out.violations[0].message, HasSubstr("add up to 5"));
}

TEST(DeclarationRulesTest, DetailRejectsDayOutsideProductPeriod) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", {Day(D(2026, 6, 1)), Day(D(2026, 7, 1))});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("DC-DETAIL"));
  EXPECT_EQ(out.violations[0].field, "deliveries[1].date");
}

TEST(DeclarationRulesTest, DetailRejectsQuantityOfZero) {
  Scenario s;
  s.Assign("A1");
  s.Debit("R1", "A1", {Day(D(2026, 6, 1), 2), Day(D(2026, 6, 2), 0)});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("DC-DETAIL"));
  EXPECT_EQ(out.violations[0].field, "deliveries[1].quantity");
}

// ---------------------------------------------------------------------------
// Quantity caps.

TEST(DeclarationRulesTest, YearCapAcceptsUpToTheMaximum) {
  Scenario s;
  s.Assign("K1", Kdv());
  s.ledger.client_year_quantity[{kBsn, kMiddenLimburg, "kdv", 2026}] = 39;
  s.Debit("R1", "K1", 3);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, YearCapRejectsAboveTheMaximum) {
  Scenario s;
  s.Assign("K1", Kdv());
  s.ledger.client_year_quantity[{kBsn, kMiddenLimburg, "kdv", 2026}] = 40;
  s.Debit("R1", "K1", 3);
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-09"));
  EXPECT_EQ(out.violations[0].return_code, "9321");
  EXPECT_EQ(out.violations[0].field, "volume");
  EXPECT_THAT(out.violations[0].message, HasSubstr("at most 2"));
}

TEST(DeclarationRulesTest, YearCapCountsTheClientAcrossAssignments) {
  Scenario s;
  s.Assign("K1", Kdv());
  s.Assign("K2", Kdv());
  s.ledger.client_year_quantity[{kBsn, kMiddenLimburg, "kdv", 2026}] = 38;
  s.Debit("R1", "K1", 3);
  s.Debit("R2", "K2", 2);
  std::vector<LineOutcome> out = s.Check();
  EXPECT_TRUE(out[0].approved);
  EXPECT_THAT(RuleIds(out[1].violations), ElementsAre("S3-09"));
}

TEST(DeclarationRulesTest, WeekCapRejectsFourDaysInTwoStays) {
  Scenario s;
  s.Assign("K1", Kdv());
  // Mon, Tue, Thu, Fri of 2026-W23.
  s.Debit("R1", "K1",
          {Day(D(2026, 6, 1)), Day(D(2026, 6, 2)), Day(D(2026, 6, 4)),
           Day(D(2026, 6, 5))});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-09"));
  EXPECT_EQ(out.violations[0].field, "deliveries[0]");
  EXPECT_THAT(out.violations[0].message, HasSubstr("2026-W23"));
}

// A catalog rule has no iWmo code of its own: its violation keeps the
// catalog's rule id and carries the code of the closest technical rule, so
// that the WMO325 answer has a code for the rejected line.
TEST(DeclarationRulesTest, CatalogRuleViolationCarriesItsIdAndAReturnCode) {
  Scenario s;
  s.Assign("K1", Kdv());
  // Four etmalen in 2026-W23, over S3-09's three a week.
  s.Debit("R1", "K1",
          {Day(D(2026, 6, 1)), Day(D(2026, 6, 2)), Day(D(2026, 6, 4)),
           Day(D(2026, 6, 5))});
  LineOutcome out = s.CheckOne();
  ASSERT_EQ(out.violations.size(), 1u);
  EXPECT_EQ(out.violations[0].rule_id, "S3-09");
  EXPECT_THAT(out.violations[0].return_code, Not(IsEmpty()));
  // A code a WMO325 may answer with (the schema's LDT_RetourCode).
  EXPECT_TRUE(iwmo::IsReturnCode(out.violations[0].return_code))
      << out.violations[0].return_code;
}

TEST(DeclarationRulesTest, WeekCapAcceptsThreeDays) {
  Scenario s;
  s.Assign("K1", Kdv());
  s.Debit("R1", "K1",
          {Day(D(2026, 6, 1)), Day(D(2026, 6, 3)), Day(D(2026, 6, 5))});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, WeekCapCountsStoredDaysOfTheSameWeek) {
  Scenario s;
  s.Assign("K1", Kdv());
  s.StoredDays("R0", kMiddenLimburg, "kdv",
               {Day(D(2026, 6, 1)), Day(D(2026, 6, 2))});
  s.Debit("R1", "K1", {Day(D(2026, 6, 4)), Day(D(2026, 6, 5))});
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("S3-09"));
}

TEST(DeclarationRulesTest, WeekCapIsSkippedWithoutDayDetail) {
  Scenario s;
  s.Assign("K1", Kdv());
  s.Debit("R1", "K1", 20);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, WeekCapWaivedWithinContiguousStay) {
  Scenario s;
  s.Assign("K1", Kdv());
  s.Debit("R1", "K1", EveryDay(D(2026, 6, 1), D(2026, 6, 10)));
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, WeekCapWaivedForStayOfExactlyMaxDays) {
  Scenario s;
  s.Assign("K1", Kdv());
  // 12 days in May and 30 in June: one stay of 42 days.
  s.StoredDays("R0", kMiddenLimburg, "kdv",
               EveryDay(D(2026, 5, 20), D(2026, 5, 31)));
  s.Debit("R1", "K1", EveryDay(D(2026, 6, 1), D(2026, 6, 30)));
  LineOutcome out = s.CheckOne();
  EXPECT_TRUE(out.approved)
      << ::testing::PrintToString(RuleIds(out.violations));
}

TEST(DeclarationRulesTest, WeekCapNotWaivedBeyondMaxDays) {
  Scenario s;
  s.Assign("K1", Kdv());
  // 13 days in May and 30 in June: one stay of 43 days.
  s.StoredDays("R0", kMiddenLimburg, "kdv",
               EveryDay(D(2026, 5, 19), D(2026, 5, 31)));
  s.Debit("R1", "K1", EveryDay(D(2026, 6, 1), D(2026, 6, 30)));
  LineOutcome out = s.CheckOne();
  EXPECT_FALSE(out.approved);
  // W23..W26 hold 7 days each; W27 (29 and 30 June) keeps to the cap.
  EXPECT_EQ(CountWithText(out.violations, "ISO week"), 4);
  EXPECT_EQ(CountWithText(out.violations, "consecutive days"), 1);
}

TEST(DeclarationRulesTest, WeekCapNotWaivedForTwoStaysInOneWeek) {
  Scenario s;
  ProductBilling b = Kdv();
  b.caps[1].max_quantity = 2;
  s.Assign("K1", b);
  s.Debit("R1", "K1",
          {Day(D(2026, 6, 1)), Day(D(2026, 6, 2)), Day(D(2026, 6, 5))});
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("S3-09"));
}

TEST(DeclarationRulesTest, WeekCapNamesIsoWeek53Of2026) {
  Scenario s;
  s.header.month = MonthOf(2026, 12);
  ProductBilling b = Kdv();
  b.caps[1].waived_for_contiguous_stay = false;
  s.Assign("K1", b);
  s.Debit("R1", "K1", EveryDay(D(2026, 12, 28), D(2026, 12, 31))).period =
      MonthOf(2026, 12);
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-09"));
  EXPECT_THAT(out.violations[0].message, HasSubstr("2026-W53"));
}

TEST(DeclarationRulesTest, WeekCapCountsJanuaryDaysInto2026Week53) {
  Scenario s;
  s.header.month = MonthOf(2027, 1);
  ProductBilling b = Kdv();
  b.caps[1].waived_for_contiguous_stay = false;
  s.Assign("K1", b).period = {D(2026, 1, 1), D(2027, 12, 31)};
  s.StoredDays("R0", kMiddenLimburg, "kdv",
               {Day(D(2026, 12, 28)), Day(D(2026, 12, 29))});
  s.Debit("R1", "K1", {Day(D(2027, 1, 1)), Day(D(2027, 1, 2))});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-09"));
  EXPECT_THAT(out.violations[0].message, HasSubstr("2026-W53"));
}

TEST(DeclarationRulesTest, WeekCapNamesIsoWeek53Of2020) {
  Scenario s;
  s.header.month = MonthOf(2020, 12);
  ProductBilling b = Kdv();
  b.caps[1].waived_for_contiguous_stay = false;
  s.Assign("K1", b).period = {D(2020, 1, 1), D(2020, 12, 31)};
  s.Debit("R1", "K1", EveryDay(D(2020, 12, 28), D(2020, 12, 31)));
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-09"));
  EXPECT_THAT(out.violations[0].message, HasSubstr("2020-W53"));
}

TEST(DeclarationRulesTest, WeekCapCountingDaysRejectsSixDays) {
  Scenario s;
  s.Assign("A1", Capped(CapWindow::kWeek, 5, /*counts_days=*/true));
  s.Debit("R1", "A1", EveryDay(D(2026, 6, 1), D(2026, 6, 6)));
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("CAP"));
  EXPECT_THAT(out.violations[0].message, HasSubstr("6 days"));
}

TEST(DeclarationRulesTest, WeekCapCountingDaysAcceptsFiveDaysOfMoreHours) {
  Scenario s;
  s.Assign("A1", Capped(CapWindow::kWeek, 5, /*counts_days=*/true));
  std::vector<DayDelivery> days;
  for (Date d = D(2026, 6, 1); d <= D(2026, 6, 5); ++d)
    days.push_back(Day(d, 3));
  s.Debit("R1", "A1", days);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, DayCapRejectsAboveTheMaximum) {
  Scenario s;
  s.Assign("A1", Capped(CapWindow::kDay, 8));
  s.StoredDays("R0", "test-catalog", "capped", {Day(D(2026, 6, 3), 5)});
  s.Debit("R1", "A1", {Day(D(2026, 6, 2), 8), Day(D(2026, 6, 3), 4)});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("CAP"));
  EXPECT_EQ(out.violations[0].field, "deliveries[1]");
  EXPECT_THAT(out.violations[0].message, HasSubstr("at most 3"));
}

TEST(DeclarationRulesTest, DayCapAcceptsUpToTheMaximum) {
  Scenario s;
  s.Assign("A1", Capped(CapWindow::kDay, 8));
  s.StoredDays("R0", "test-catalog", "capped", {Day(D(2026, 6, 3), 5)});
  s.Debit("R1", "A1", {Day(D(2026, 6, 3), 3)});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, MonthCapRejectsDetailAboveTheMaximum) {
  Scenario s;
  s.Assign("A1", Capped(CapWindow::kMonth, 10));
  s.Debit("R1", "A1", {Day(D(2026, 6, 2), 6), Day(D(2026, 6, 9), 5)});
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("CAP"));
}

TEST(DeclarationRulesTest, MonthCapRejectsVolumeAboveTheMaximum) {
  Scenario s;
  s.Assign("A1", Capped(CapWindow::kMonth, 10));
  s.Debit("R1", "A1", 11);
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("CAP"));
  EXPECT_EQ(out.violations[0].field, "volume");
}

TEST(DeclarationRulesTest, MonthCapAcceptsUpToTheMaximum) {
  Scenario s;
  s.Assign("A1", Capped(CapWindow::kMonth, 10));
  s.Debit("R1", "A1", {Day(D(2026, 6, 2), 5), Day(D(2026, 6, 9), 5)});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, AssignmentCapRejectsAboveTheMaximum) {
  Scenario s;
  s.Assign("W1", Waakvlam());
  s.StoredDebit("R0", "W1", MonthOf(2026, 5), 12);
  s.Debit("R1", "W1", 4);
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S2-05"));
  EXPECT_EQ(out.violations[0].return_code, "9322");
  EXPECT_THAT(out.violations[0].message, HasSubstr("at most 3"));
}

TEST(DeclarationRulesTest, AssignmentCapAcceptsUpToTheMaximum) {
  Scenario s;
  s.Assign("W1", Waakvlam());
  s.StoredDebit("R0", "W1", MonthOf(2026, 5), 12);
  s.Debit("R1", "W1", 3);
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, AdvisoryCapGivesNoticeAndApproval) {
  Scenario s;
  s.Assign("X1", Acuut());
  s.StoredDebit("R0", "X1", MonthOf(2026, 5), 30);
  s.ledger.assignment_totals.at("X1").volume = 98;
  s.Debit("R1", "X1", 5);
  LineOutcome out = s.CheckOne();
  EXPECT_TRUE(out.approved);
  EXPECT_THAT(out.violations, IsEmpty());
  ASSERT_THAT(RuleIds(out.notices), ElementsAre("S2-01"));
  EXPECT_EQ(out.notices[0].return_code, "9322");
  EXPECT_THAT(out.notices[0].message, HasSubstr("guideline"));
}

TEST(DeclarationRulesTest, AdvisoryCapIsQuietWithinTheGuideline) {
  Scenario s;
  s.Assign("X1", Acuut());
  s.ledger.assignment_totals["X1"].volume = 98;
  s.Debit("R1", "X1", 2);
  LineOutcome out = s.CheckOne();
  EXPECT_TRUE(out.approved);
  EXPECT_THAT(out.notices, IsEmpty());
}

// ---------------------------------------------------------------------------
// Contiguous stays.

TEST(DeclarationRulesTest, ContiguousStayRejectsLongerThanMax) {
  Scenario s;
  ProductBilling b = Kdv();
  b.caps.clear();
  b.contiguous_max_days = 5;
  s.Assign("K1", b);
  s.Debit("R1", "K1", EveryDay(D(2026, 6, 8), D(2026, 6, 13)));
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-09"));
  EXPECT_EQ(out.violations[0].field, "deliveries[0]");
  EXPECT_THAT(out.violations[0].message, HasSubstr("6 consecutive days"));
}

TEST(DeclarationRulesTest, ContiguousStayAcceptsMaxDays) {
  Scenario s;
  ProductBilling b = Kdv();
  b.caps.clear();
  b.contiguous_max_days = 5;
  s.Assign("K1", b);
  s.Debit("R1", "K1",
          {Day(D(2026, 6, 1)), Day(D(2026, 6, 2)), Day(D(2026, 6, 3)),
           Day(D(2026, 6, 4)), Day(D(2026, 6, 5)), Day(D(2026, 6, 7))});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, ContiguousStayJoinsStoredDays) {
  Scenario s;
  ProductBilling b = Kdv();
  b.caps.clear();
  b.contiguous_max_days = 5;
  s.Assign("K1", b);
  s.StoredDays("R0", kMiddenLimburg, "kdv",
               EveryDay(D(2026, 5, 29), D(2026, 5, 31)));
  s.Debit("R1", "K1", EveryDay(D(2026, 6, 1), D(2026, 6, 3)));
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("S3-09"));
}

// ---------------------------------------------------------------------------
// No-shows, one per day, attendance days, concurrency.

TEST(DeclarationRulesTest, NoShowIsRejected) {
  Scenario s;
  s.Assign("B1", Bgi());
  s.Debit("R1", "B1", {Day(D(2026, 6, 1), 2), NoShow(D(2026, 6, 2))});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-05"));
  EXPECT_EQ(out.violations[0].field, "deliveries[1].no_show");
  EXPECT_THAT(out.violations[0].message, HasSubstr("not billable"));
}

TEST(DeclarationRulesTest, NoShowRuleAcceptsAttendedDays) {
  Scenario s;
  s.Assign("B1", Bgi());
  s.Debit("R1", "B1", {Day(D(2026, 6, 1), 2), Day(D(2026, 6, 2), 1)});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, OncePerDayRejectsTwoTripsOnOneDay) {
  Scenario s;
  s.Assign("V1", Vervoer());
  s.StoredDays("G1", kMiddenLimburg, "bgg", {Day(D(2026, 6, 2))});
  s.Debit("R1", "V1", {Day(D(2026, 6, 2), 2)});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-08"));
  EXPECT_EQ(out.violations[0].field, "deliveries[0]");
}

TEST(DeclarationRulesTest, OncePerDayCountsStoredTrips) {
  Scenario s;
  s.Assign("V1", Vervoer());
  s.StoredDays("G1", kMiddenLimburg, "bgg", {Day(D(2026, 6, 2))});
  s.StoredDays("V0", kMiddenLimburg, "vervoer", {Day(D(2026, 6, 2))});
  s.Debit("R1", "V1", {Day(D(2026, 6, 2))});
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("S3-08"));
}

TEST(DeclarationRulesTest, OncePerDayAcceptsOneTripPerDay) {
  Scenario s;
  s.Assign("V1", Vervoer());
  s.StoredDays("G1", kMiddenLimburg, "bgg",
               {Day(D(2026, 6, 2)), Day(D(2026, 6, 4))});
  s.Debit("R1", "V1", {Day(D(2026, 6, 2)), Day(D(2026, 6, 4))});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, AttendanceRejectsTripOnDayWithoutAttendance) {
  Scenario s;
  s.Assign("V1", Vervoer());
  s.StoredDays("G1", kMiddenLimburg, "bgg", {Day(D(2026, 6, 2))});
  s.Debit("R1", "V1", {Day(D(2026, 6, 2)), Day(D(2026, 6, 3))});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-08"));
  EXPECT_EQ(out.violations[0].field, "deliveries[1]");
  EXPECT_THAT(out.violations[0].message, HasSubstr("bgg"));
}

TEST(DeclarationRulesTest, AttendanceDoesNotCountNoShows) {
  Scenario s;
  s.Assign("V1", Vervoer());
  s.StoredDays("G1", kMiddenLimburg, "bgg", {NoShow(D(2026, 6, 3))});
  s.Debit("R1", "V1", {Day(D(2026, 6, 3))});
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("S3-08"));
}

TEST(DeclarationRulesTest, AttendanceDoesNotCountOtherCatalogs) {
  Scenario s;
  s.Assign("V1", Vervoer());
  s.StoredDays("G1", kToekomst, "bgg", {Day(D(2026, 6, 3))});
  s.Debit("R1", "V1", {Day(D(2026, 6, 3))});
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("S3-08"));
}

TEST(DeclarationRulesTest, AttendanceAcceptsTripOnDayOfStoredAttendance) {
  Scenario s;
  s.Assign("V1", Vervoer());
  s.StoredDays("G1", kMiddenLimburg, "bgg", {Day(D(2026, 6, 3))});
  s.Debit("R1", "V1", {Day(D(2026, 6, 3))});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, TransportBeforeItsAttendanceLineIsApproved) {
  Scenario s;
  s.Assign("V1", Vervoer());
  s.Assign("G1", Bgg());
  s.Debit("R1", "V1", {Day(D(2026, 6, 2)), Day(D(2026, 6, 4))});
  s.Debit("R2", "G1", {Day(D(2026, 6, 2)), Day(D(2026, 6, 4))});
  std::vector<LineOutcome> out = s.Check();
  EXPECT_TRUE(out[0].approved)
      << ::testing::PrintToString(RuleIds(out[0].violations));
  EXPECT_TRUE(out[1].approved);
}

TEST(DeclarationRulesTest, TransportIsRejectedWhenItsAttendanceLineIs) {
  Scenario s;
  s.Assign("V1", Vervoer());
  s.Assign("G1", Bgg());
  s.Debit("R1", "V1", {Day(D(2026, 6, 2))});
  s.Debit("R2", "G1", {Day(D(2026, 6, 2))}).amount_cents = 1;
  std::vector<LineOutcome> out = s.Check();
  EXPECT_THAT(RuleIds(out[0].violations), ElementsAre("S3-08"));
  EXPECT_FALSE(out[1].approved);
}

TEST(DeclarationRulesTest, NotConcurrentRejectsOverlappingTimes) {
  Scenario s;
  s.Assign("B1", Bgi());
  s.StoredDays("G1", kMiddenLimburg, "bgg",
               {Timed(D(2026, 6, 2), Hm(9), Hm(12))});
  s.Debit("R1", "B1", {Timed(D(2026, 6, 2), Hm(11), Hm(12))});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S3-07"));
  EXPECT_EQ(out.violations[0].field, "deliveries[0].start_time");
  EXPECT_THAT(out.violations[0].message, HasSubstr("11:00"));
}

TEST(DeclarationRulesTest, NotConcurrentAcceptsAdjoiningTimes) {
  Scenario s;
  s.Assign("B1", Bgi());
  s.StoredDays("G1", kMiddenLimburg, "bgg",
               {Timed(D(2026, 6, 2), Hm(9), Hm(12))});
  s.Debit("R1", "B1", {Timed(D(2026, 6, 2), Hm(12), Hm(13))});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, NotConcurrentSeesDeliveryPastMidnight) {
  Scenario s;
  s.Assign("B1", Bgi());
  s.StoredDays("G1", kMiddenLimburg, "bgg",
               {Timed(D(2026, 6, 1), Hm(22), Hm(2))});
  s.Debit("R1", "B1", {Timed(D(2026, 6, 2), Hm(1), Hm(3))});
  EXPECT_THAT(RuleIds(s.CheckOne().violations), ElementsAre("S3-07"));
}

TEST(DeclarationRulesTest, NotConcurrentSeesEarlierLineOfTheDeclaration) {
  Scenario s;
  s.Assign("G1", Bgg());
  s.Assign("B1", Bgi());
  s.Debit("R1", "G1", {Timed(D(2026, 6, 2), Hm(9), Hm(12))});
  s.Debit("R2", "B1", {Timed(D(2026, 6, 2), Hm(10), Hm(11))});
  std::vector<LineOutcome> out = s.Check();
  EXPECT_TRUE(out[0].approved);
  EXPECT_THAT(RuleIds(out[1].violations), ElementsAre("S3-07"));
}

TEST(DeclarationRulesTest, BillingViolationsAreAllReported) {
  Scenario s;
  s.Assign("B1", Bgi());
  s.StoredDays("G1", kMiddenLimburg, "bgg",
               {Timed(D(2026, 6, 2), Hm(9), Hm(12))});
  DeclaredLine& line =
      s.Debit("R1", "B1",
              {Timed(D(2026, 6, 2), Hm(10), Hm(11)), NoShow(D(2026, 6, 3))});
  line.amount_cents += 1;
  LineOutcome out = s.CheckOne();
  EXPECT_THAT(RuleIds(out.violations), ElementsAre("TR346", "S3-05", "S3-07"));
}

// ---------------------------------------------------------------------------
// Digital share, delivery windows, session length.

TEST(DeclarationRulesTest, DigitalShareRejectsAboveMaximum) {
  Scenario s;
  s.Assign("L1", Leren());
  s.ledger.assignment_totals["L1"] = {.volume = 30,
                                      .amount_cents = 30 * kTariff,
                                      .digital_volume = 7,
                                      .lines = 3};
  // (7 + 4) of (30 + 10) is 27.5%.
  s.Debit("R1", "L1", {Day(D(2026, 6, 1), 6), DigitalDay(D(2026, 6, 2), 4)});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S2-02"));
  EXPECT_EQ(out.violations[0].field, "deliveries[1].digital");
  EXPECT_THAT(out.violations[0].message, HasSubstr("11 of 40"));
}

TEST(DeclarationRulesTest, DigitalShareAcceptsExactlyTheMaximum) {
  Scenario s;
  s.Assign("L1", Leren());
  s.ledger.assignment_totals["L1"] = {.volume = 30,
                                      .amount_cents = 30 * kTariff,
                                      .digital_volume = 7,
                                      .lines = 3};
  // (7 + 3) of (30 + 10) is 25%.
  s.Debit("R1", "L1", {Day(D(2026, 6, 1), 7), DigitalDay(D(2026, 6, 2), 3)});
  EXPECT_TRUE(s.CheckOne().approved);
}

TEST(DeclarationRulesTest, WindowsDecideWhereDeliveriesFit) {
  // June 2026: Mon 1, Tue 2, Wed 3, Thu 4, Fri 5, Sat 6, Sun 7, Mon 8.
  struct Case {
    const char* name;
    DayDelivery delivery;
    bool inside;
  };
  const Case cases[] = {
      {"Tuesday evening", Timed(D(2026, 6, 2), Hm(20), Hm(22)), true},
      {"Tuesday before the evening", Timed(D(2026, 6, 2), Hm(19), Hm(21)),
       false},
      {"evening into the night", Timed(D(2026, 6, 3), Hm(23), Hm(1)), true},
      {"evening to midnight", Timed(D(2026, 6, 5), Hm(21), 0), true},
      {"early morning", Timed(D(2026, 6, 3), Hm(5), Hm(7)), true},
      {"night into the morning", Timed(D(2026, 6, 3), Hm(6), Hm(8)), false},
      {"Friday daytime", Timed(D(2026, 6, 5), Hm(10), Hm(11)), false},
      {"Saturday daytime", Timed(D(2026, 6, 6), Hm(10), Hm(14)), true},
      {"Sunday into Monday night", Timed(D(2026, 6, 7), Hm(23), Hm(3)), true},
      {"Monday daytime", Timed(D(2026, 6, 8), Hm(10), Hm(11)), false},
      {"Thursday night into Friday morning",
       Timed(D(2026, 6, 4), Hm(22), Hm(8)), false},
      {"Friday night into Saturday", Timed(D(2026, 6, 5), Hm(22), Hm(9)), true},
  };
  for (const Case& c : cases) {
    Scenario s;
    s.Assign("E1", Bereik());
    s.Debit("R1", "E1", {c.delivery});
    LineOutcome out = s.CheckOne();
    EXPECT_EQ(out.approved, c.inside) << c.name;
    if (!c.inside) {
      EXPECT_THAT(RuleIds(out.violations), ElementsAre("S2-04")) << c.name;
    }
  }
}

TEST(DeclarationRulesTest, WindowsRejectDeliveryWithoutTimes) {
  Scenario s;
  s.Assign("E1", Bereik());
  s.Debit("R1", "E1",
          {Timed(D(2026, 6, 2), Hm(20), Hm(22)), Day(D(2026, 6, 3))});
  LineOutcome out = s.CheckOne();
  ASSERT_THAT(RuleIds(out.violations), ElementsAre("S2-04"));
  EXPECT_EQ(out.violations[0].field, "deliveries[1].start_time");
  EXPECT_THAT(out.violations[0].message, HasSubstr("give the start and end"));
}

TEST(DeclarationRulesTest, SessionShorterThanSessionsGivesNotice) {
  Scenario s;
  s.Assign("T1", Groepstraining());
  s.Debit("R1", "T1", {Timed(D(2026, 6, 2), Hm(10), Hm(13), 2)});
  LineOutcome out = s.CheckOne();
  EXPECT_TRUE(out.approved);
  ASSERT_THAT(RuleIds(out.notices), ElementsAre("S2-03"));
  EXPECT_EQ(out.notices[0].return_code, "9321");
  EXPECT_EQ(out.notices[0].field, "deliveries[0].end_time");
  EXPECT_THAT(out.notices[0].message, HasSubstr("180 minutes"));
}

TEST(DeclarationRulesTest, SessionOfFullLengthGivesNoNotice) {
  Scenario s;
  s.Assign("T1", Groepstraining());
  s.Debit("R1", "T1", {Timed(D(2026, 6, 2), Hm(10), Hm(14), 2)});
  LineOutcome out = s.CheckOne();
  EXPECT_TRUE(out.approved);
  EXPECT_THAT(out.notices, IsEmpty());
}

TEST(DeclarationRulesTest, MessagesNeverHoldTheBsn) {
  Scenario s;
  s.Assign("K1", Kdv());
  s.Assign("V1", Vervoer());
  s.Assign("B1", Bgi());
  s.StoredDays("G1", kMiddenLimburg, "bgg",
               {Timed(D(2026, 6, 2), Hm(9), Hm(12))});
  s.ledger.client_year_quantity[{kBsn, kMiddenLimburg, "kdv", 2026}] = 42;
  s.Debit("R1", "K1", EveryDay(D(2026, 6, 1), D(2026, 6, 30))).client_bsn =
      kOtherBsn;
  s.Debit("R2", "V1", {Day(D(2026, 6, 3), 2)});
  s.Debit("R3", "B1",
          {Timed(D(2026, 6, 2), Hm(10), Hm(11)), NoShow(D(2026, 6, 3))});
  s.Debit("R4", "B1", 1).credit = true;
  for (const LineOutcome& out : s.Check()) {
    EXPECT_FALSE(out.approved);
    for (const LineViolation& v : out.violations) {
      EXPECT_THAT(v.message, Not(HasSubstr(kBsn))) << v.rule_id;
      EXPECT_THAT(v.message, Not(HasSubstr(kOtherBsn))) << v.rule_id;
    }
  }
}

}  // namespace
}  // namespace wmo::rules

namespace wmo::rules {
namespace {

// 30,000 lines of 10,000 clients in one call, each client with group
// support, transport on its days and short stays, plus last month's detail.
TEST(DeclarationRulesTest, ChecksThirtyThousandLinesInOneCall) {
  constexpr int kClients = 10000;
  Scenario s;
  s.billings.push_back(Bgg());
  const ProductBilling* bgg = &s.billings.back();
  s.billings.push_back(Vervoer());
  const ProductBilling* vervoer = &s.billings.back();
  s.billings.push_back(Kdv());
  const ProductBilling* kdv = &s.billings.back();
  const std::vector<Date> group_days = {
      D(2026, 6, 1),  D(2026, 6, 3),  D(2026, 6, 8),  D(2026, 6, 10),
      D(2026, 6, 15), D(2026, 6, 17), D(2026, 6, 22), D(2026, 6, 24)};
  for (int c = 0; c < kClients; ++c) {
    const std::string bsn = std::to_string(100000000 + c);
    const std::string id = std::to_string(c);
    for (const auto& [prefix, billing] :
         {std::pair{"G", bgg}, std::pair{"V", vervoer}, std::pair{"K", kdv}}) {
      AssignmentFacts& a = s.Assign(prefix + id);
      a.client_bsn = bsn;
      a.billing = billing;
    }
    std::vector<DayDelivery> group;
    std::vector<DayDelivery> trips;
    for (Date d : group_days) {
      group.push_back(Timed(d, Hm(9), Hm(12)));
      trips.push_back(Day(d));
    }
    // Trips first: they are checked after the group lines anyway.
    s.Debit("V" + id, "V" + id, trips).client_bsn = bsn;
    s.Debit("G" + id, "G" + id, group).client_bsn = bsn;
    s.Debit("K" + id, "K" + id,
            {Day(D(2026, 6, 26)), Day(D(2026, 6, 27)), Day(D(2026, 6, 28))})
        .client_bsn = bsn;
    for (Date d = D(2026, 5, 25); d <= D(2026, 5, 31); d += 2) {
      s.ledger.deliveries.push_back(
          {bsn, kMiddenLimburg, "kdv", "M" + id, Day(d)});
    }
  }
  const size_t stored = s.ledger.deliveries.size();
  std::vector<LineOutcome> out = s.Check();
  ASSERT_EQ(out.size(), 3u * kClients);
  int approved = 0;
  for (const LineOutcome& o : out) approved += o.approved ? 1 : 0;
  EXPECT_EQ(approved, 3 * kClients);
  EXPECT_EQ(s.ledger.deliveries.size(),
            stored + size_t{kClients} * (8 + 8 + 3));
}

}  // namespace
}  // namespace wmo::rules
