// IwmoApi on a real SQLite store with fakes behind its seams (the
// declaration and assignment services, the catalogs) and an injected
// clock: what a message's answer depends on besides its rules.

#include "services/iwmo/iwmo_api.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/iwmo/test_messages.h"
#include "libs/server/api.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "libs/store/store.h"
#include "libs/testing/fakes.h"
#include "libs/testing/temp_dir.h"
#include "services/iwmo/iwmo_repository.h"

namespace wmo::iwmo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

namespace dv1 = ::wmo::declaration::v1;

// Approves every line, unless a test makes it do otherwise.
class FakeDeclarations : public declaration::DeclarationSink {
 public:
  absl::StatusOr<dv1::Declaration> Submit(
      const dv1::SubmitDeclarationRequest& request) override {
    ++calls;
    // Once: taken out before it runs, as it may submit again.
    if (std::function<void()> hook = std::exchange(during_submit, nullptr)) {
      hook();
    }
    if (!fail_with.ok()) return fail_with;
    dv1::Declaration d = request.declaration();
    int64_t cents = 0;
    for (dv1::Line& line : *d.mutable_lines()) {
      line.mutable_verdict()->set_outcome(dv1::Verdict::APPROVED);
      cents += line.direction() == dv1::Line::CREDIT ? -line.amount_cents()
                                                     : line.amount_cents();
    }
    d.mutable_totals()->set_submitted_cents(cents);
    d.mutable_totals()->set_approved_cents(cents);
    return d;
  }

  int calls = 0;
  absl::Status fail_with;
  // Runs during the next submission.
  std::function<void()> during_submit;
};

class FakeDeliveries : public assignment::DeliveryRecorder {
 public:
  absl::Status RecordStart(
      const assignment::v1::RecordDeliveryStartRequest&) override {
    ++calls;
    return absl::OkStatus();
  }
  absl::Status RecordStop(
      const assignment::v1::RecordDeliveryStopRequest&) override {
    ++calls;
    return absl::OkStatus();
  }
  int calls = 0;
};

class FakeRequests : public assignment::RequestDesk {
 public:
  absl::StatusOr<assignment::v1::AssignmentRequest> Request(
      const assignment::v1::RequestAssignmentRequest& request) override {
    requests.push_back(request);
    return request.request();
  }
  absl::StatusOr<std::vector<assignment::v1::AssignmentChange>> Changes(
      const assignment::v1::ListAssignmentChangesRequest&) override {
    return std::vector<assignment::v1::AssignmentChange>();
  }
  absl::StatusOr<std::vector<assignment::v1::Assignment>> Search(
      assignment::v1::SearchAssignmentsRequest) override {
    return std::vector<assignment::v1::Assignment>();
  }
  absl::StatusOr<assignment::v1::Assignment> Create(
      const assignment::v1::CreateAssignmentRequest& request) override {
    return request.assignment();
  }
  std::vector<assignment::v1::RequestAssignmentRequest> requests;
};

class IwmoApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::OpenSqlite(dir_.File("iwmo.db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(
        store::Migrate(*db_, "iwmo", IwmoRepository::Migrations()).ok());
    api_ =
        std::make_unique<IwmoApi>(*db_, declarations_, deliveries_, requests_,
                                  catalogs_, [this] { return now_; });
  }

  // The provider of the test messages.
  static auth::Principal Sender() {
    return {auth::PrincipalKind::kProvider, "12345678", "test"};
  }

  absl::Status Submit(const std::string& xml, std::string* retour) {
    v1::SubmitMessageRequest request;
    request.mutable_message()->set_content_type("application/xml");
    request.mutable_message()->set_data(xml);
    google::api::HttpBody body;
    absl::Status s = api_->SubmitMessage(Sender(), request, &body);
    *retour = body.data();
    return s;
  }

  wmo::testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  FakeDeclarations declarations_;
  FakeDeliveries deliveries_;
  FakeRequests requests_;
  wmo::testing::FakeCatalogs catalogs_;
  // The test messages are dated 2026-10-02.
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 10, 5, 12, 0, 0),
                                    absl::UTCTimeZone());
  std::unique_ptr<IwmoApi> api_;
};

// TR135: a message is not dated after the day it arrives.
TEST_F(IwmoApiTest, AMessageDatedAfterTodayIsRefused) {
  testing::TestWmo323 m;
  m.date = "2026-10-06";
  std::string retour;
  ASSERT_TRUE(Submit(m.Render(), &retour).ok());
  EXPECT_THAT(retour, HasSubstr("<RetourCode>8848</RetourCode>"));
  EXPECT_EQ(declarations_.calls, 0);
}

// The same message arriving while the first is processed waits for its
// answer instead of being processed twice.
TEST_F(IwmoApiTest, TheSameMessageWhileItIsProcessedIsInProgress) {
  const std::string xml = testing::TestWmo323().Render();
  absl::Status second;
  declarations_.during_submit = [&] {
    std::string ignored;
    second = Submit(xml, &ignored);
  };
  std::string retour;
  ASSERT_TRUE(Submit(xml, &retour).ok());
  EXPECT_THAT(retour, HasSubstr("<RetourCode>8001</RetourCode>"));
  EXPECT_EQ(second.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(server::ReasonOf(second), "IWMO_IN_PROGRESS");
  EXPECT_EQ(declarations_.calls, 1);
}

// A claim without an answer (a crash) holds the identification for its
// lease; after it, the message is processed again when it comes.
TEST_F(IwmoApiTest, AClaimACrashLeftIsTakenOverAfterItsLease) {
  const std::string xml = testing::TestWmo323().Render();
  std::string retour;
  ASSERT_TRUE(Submit(xml, &retour).ok());  // answered: kept
  // Another identification, claimed by a process that then died.
  testing::TestWmo323 m;
  m.id = "M2";
  m.number = "D2";
  const std::string crashed = m.Render();
  const IwmoRepository::Key key{"12345678", "WMO323", "M2"};
  ASSERT_TRUE(db_->Transaction([&](store::Connection& c) {
                   return IwmoRepository::Claim(
                              c, key, server::Sha256Hex(crashed),
                              server::TimeText(server::Timestamp(now_)))
                       .status();
                 })
                  .ok());
  absl::Status held = Submit(crashed, &retour);
  EXPECT_EQ(server::ReasonOf(held), "IWMO_IN_PROGRESS");
  EXPECT_EQ(declarations_.calls, 1);

  now_ += absl::Minutes(3);
  ASSERT_TRUE(Submit(crashed, &retour).ok());
  EXPECT_THAT(retour, HasSubstr("<RetourCode>8001</RetourCode>"));
  EXPECT_EQ(declarations_.calls, 2);
}

// A service that is down decides nothing: the claim goes, and the same
// message sent again is processed and answered.
TEST_F(IwmoApiTest, AFailureDownstreamLetsTheSameMessageComeAgain) {
  const std::string xml = testing::TestWmo323().Render();
  declarations_.fail_with = absl::UnavailableError("declaration service down");
  std::string retour;
  EXPECT_EQ(Submit(xml, &retour).code(), absl::StatusCode::kUnavailable);
  declarations_.fail_with = absl::OkStatus();
  ASSERT_TRUE(Submit(xml, &retour).ok());
  EXPECT_THAT(retour, HasSubstr("<RetourCode>8001</RetourCode>"));
  EXPECT_THAT(retour, Not(HasSubstr("9056")));
}

// A client has a handful of products; a 305 of more is refused whole
// before any is recorded.
TEST_F(IwmoApiTest, ADeliveryMessageHoldsAtMostAHundredProducts) {
  testing::TestDelivery m;
  m.products.clear();
  for (int i = 0; i < 101; ++i) {
    testing::TestDeliveryProduct p;
    p.assignment_number = absl::StrCat(1000 + i);
    m.products.push_back(p);
  }
  std::string retour;
  ASSERT_TRUE(Submit(m.Render(), &retour).ok());
  EXPECT_THAT(retour, HasSubstr("<RetourCode>0001</RetourCode>"));
  EXPECT_THAT(retour, HasSubstr("IWMO-SIZE"));
  EXPECT_EQ(deliveries_.calls, 0);

  m.products.resize(100);
  ASSERT_TRUE(Submit(m.Render(), &retour).ok());
  EXPECT_EQ(deliveries_.calls, 100);
}

}  // namespace
}  // namespace wmo::iwmo
