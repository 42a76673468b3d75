// DeclarationApi and UsageReporter without a server: a store of their own
// (SQLite and PostgreSQL), the other services faked (libs/testing/fakes.h)
// and the clock fixed.
#include "services/declaration/declaration_api.h"

#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "libs/testing/catalogs.h"
#include "libs/testing/databases.h"
#include "libs/testing/fakes.h"
#include "libs/testing/temp_dir.h"
#include "services/declaration/declaration_repository.h"
#include "services/declaration/usage_reporter.h"

namespace wmo::declaration {
namespace {

using ::testing::ElementsAre;

constexpr char kMunicipality[] = "0988";  // Weert, midden-limburg-2024
constexpr char kProvider[] = "99990303";  // contracted for lot 5 (KDV)
constexpr char kBsn[] = "111222333";
constexpr int64_t kKdvTariff = 16400;  // cents per etmaal
constexpr char kAssignment[] = "municipalities/0988/assignments/1";

std::vector<std::string> RuleIds(const v1::Line& line) {
  std::vector<std::string> ids;
  for (const auto& v : line.verdict().violations()) ids.push_back(v.rule_id());
  return ids;
}

class DeclarationApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    ASSERT_TRUE(
        store::Migrate(*db_, "declaration", DeclarationRepository::Migrations())
            .ok());
    // KDV, 10 etmalen from March to June 2024, as the assignment service
    // would answer it.
    assignment::v1::Assignment a = testing::WeertKdv();
    a.set_name(kAssignment);
    a.set_municipality(kMunicipality);
    a.set_number("1");
    a.set_product_category("04");
    a.set_product_code("04KDV");
    a.set_state(assignment::v1::Assignment::ACTIVE);
    assignments_.Put(a);
    reporter_ = std::make_unique<UsageReporter>(*db_, assignments_);
    api_ = std::make_unique<DeclarationApi>(
        *db_, assignments_, catalogs_, nullptr, [this] { return now_; },
        reporter_.get());
  }

  // A line of `etmalen` on the assignment over the whole `month`.
  static v1::Line Line(const std::string& reference, int64_t etmalen,
                       const std::string& month = "2024-03") {
    const rules::Period days = *rules::ParseMonth(month, "month");
    v1::Line line;
    line.set_reference(reference);
    line.set_assignment_number("1");
    line.set_client_bsn(kBsn);
    line.set_product_category("04");
    line.set_product_code("04KDV");
    line.set_start_date(rules::FormatDate(days.from));
    line.set_end_date(rules::FormatDate(days.to));
    line.set_volume(etmalen);
    line.set_unit(type::v1::UNIT_DAY_NIGHT);
    line.set_tariff_cents(kKdvTariff);
    line.set_amount_cents(etmalen * kKdvTariff);
    line.set_direction(v1::Line::DEBIT);
    return line;
  }

  v1::Declaration Submit(const std::string& number, const std::string& period,
                         std::vector<v1::Line> lines) {
    v1::Declaration d;
    d.set_number(number);
    d.set_municipality(kMunicipality);
    d.set_period(period);
    for (auto& line : lines) *d.add_lines() = std::move(line);
    v1::Declaration out;
    absl::Status s = api_->SubmitDeclaration(
        {auth::PrincipalKind::kProvider, kProvider, "portal"},
        absl::StrCat("providers/", kProvider), d, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  testing::FakeAssignments assignments_;
  testing::FakeCatalogs catalogs_;
  absl::Time now_ =
      absl::FromCivil(absl::CivilDay(2024, 4, 2), absl::UTCTimeZone());
  std::unique_ptr<UsageReporter> reporter_;
  std::unique_ptr<DeclarationApi> api_;
};

INSTANTIATE_TEST_SUITE_P(Backends, DeclarationApiTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

// What a commit approved reaches the assignment service with a revision
// that grows; a credit brings it back to nothing.
TEST_P(DeclarationApiTest, ApprovedUsageIsReportedAfterTheCommit) {
  v1::Line debit = Line("R1", 5);
  v1::Declaration out = Submit("D1", "2024-03", {debit});
  ASSERT_EQ(out.lines(0).verdict().outcome(), v1::Verdict::APPROVED);
  EXPECT_EQ(assignments_.Usage(kAssignment).revision(), 0);  // not yet

  ASSERT_TRUE(reporter_->Flush().ok());
  const auto billed = assignments_.Usage(kAssignment);
  EXPECT_EQ(billed.approved_lines(), 1);
  EXPECT_EQ(billed.approved_volume(), 5);
  EXPECT_EQ(billed.approved_cents(), 5 * kKdvTariff);

  v1::Line credit = debit;
  credit.set_reference("C1");
  credit.set_direction(v1::Line::CREDIT);
  credit.set_credited_reference("R1");
  Submit("D2", "2024-03", {credit});
  ASSERT_TRUE(reporter_->Flush().ok());
  const auto credited = assignments_.Usage(kAssignment);
  EXPECT_EQ(credited.approved_lines(), 0);
  EXPECT_EQ(credited.approved_cents(), 0);
  EXPECT_GT(credited.revision(), billed.revision());
}

// While the assignment service cannot be reached the report waits in the
// outbox; it goes once, when it can.
TEST_P(DeclarationApiTest, AnUndeliveredReportWaitsAndGoesOnce) {
  Submit("D1", "2024-03", {Line("R1", 5)});
  assignments_.SetStatus(absl::UnavailableError("assignment service down"));
  EXPECT_EQ(reporter_->Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(assignments_.usage_calls(), 1);
  assignments_.SetStatus(absl::OkStatus());
  ASSERT_TRUE(reporter_->Flush().ok());
  EXPECT_EQ(assignments_.Usage(kAssignment).approved_lines(), 1);
  ASSERT_TRUE(reporter_->Flush().ok());
  EXPECT_EQ(assignments_.usage_calls(), 2) << "nothing left to send";
}

// Rules that depend on the day run at the clock's day: on 2 April 2024,
// April's care has not all been given (TR137).
TEST_P(DeclarationApiTest, TR137_TheDayIsTheClocks) {
  v1::Declaration out = Submit(
      "D1", "2024-04", {Line("R1", 2, "2024-03"), Line("R2", 2, "2024-04")});
  EXPECT_EQ(out.lines(0).verdict().outcome(), v1::Verdict::APPROVED);
  EXPECT_THAT(RuleIds(out.lines(1)), ElementsAre("TR137"));
  now_ = absl::FromCivil(absl::CivilDay(2024, 5, 1), absl::UTCTimeZone());
  out = Submit("D2", "2024-04", {Line("R3", 2, "2024-04")});
  EXPECT_EQ(out.lines(0).verdict().outcome(), v1::Verdict::APPROVED);
}

}  // namespace
}  // namespace wmo::declaration
