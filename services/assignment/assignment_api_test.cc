// The assignment service over gRPC against the whole app in-process (the
// real catalog service, real stores), on SQLite and on PostgreSQL: the
// lifecycle, idempotency, etags, delivery start/stop, provider requests,
// the audit trail, and the race of many creates against one yearly cap.
#include <algorithm>
#include <atomic>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/audit/audit.h"
#include "libs/rules/dates.h"
#include "libs/server/api.h"
#include "libs/testing/catalogs.h"
#include "libs/testing/databases.h"
#include "libs/testing/retry.h"
#include "libs/testing/temp_dir.h"
#include "services/assignment/assignment_repository.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"

namespace wmo::assignment {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RuleIds;

constexpr char kMunicipality[] = "0988";  // Weert, midden-limburg-2024
constexpr char kBsn[] = "111222333";
constexpr char kKdvProvider[] = "99990303";  // contracted for lot 5 (KDV)

class AssignmentServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_START_APP_OR_SKIP(app_, GetParam(), dir_);
    stub_ = v1::AssignmentService::NewStub(testing::ChannelTo(*app_));
  }

  // A KDV assignment (midden-limburg-2024, lot 5) of `volume` etmalen in
  // total over [start, end].
  static v1::Assignment Kdv(const std::string& start, const std::string& end,
                            int volume) {
    v1::Assignment a;
    a.mutable_client()->set_bsn(kBsn);
    a.mutable_client()->set_birth_date("1950-03-01");
    a.set_provider_agb(kKdvProvider);
    a.set_catalog("midden-limburg-2024");
    a.set_product("kdv");
    a.set_basis("1");
    a.mutable_extent()->set_volume(volume);
    a.mutable_extent()->set_unit(wmo::type::v1::UNIT_DAY_NIGHT);
    a.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_TOTAL);
    a.set_start_date(start);
    a.set_end_date(end);
    // midden-limburg-2024 records results per life domain (S3-10).
    auto* result = a.add_results();
    result->set_life_domain("Wonen");
    result->set_activity_type(v1::ACTIVITY_TYPE_HELP);
    return a;
  }

  // "Bearer <token>" for a consultant of kMunicipality.
  std::string Bearer(const std::string& subject) {
    return testing::BearerFor(
        *app_, {auth::PrincipalKind::kMunicipality, kMunicipality, subject});
  }

  grpc::Status Create(const v1::Assignment& a, v1::Assignment* out,
                      const std::string& request_id = "") {
    grpc::ClientContext context;
    context.AddMetadata("authorization", Bearer("consulent-17"));
    v1::CreateAssignmentRequest request;
    request.set_parent(std::string("municipalities/") + kMunicipality);
    *request.mutable_assignment() = a;
    request.set_request_id(request_id);
    return stub_->CreateAssignment(&context, request, out);
  }

  v1::Assignment MustCreate(const v1::Assignment& a) {
    v1::Assignment out;
    grpc::Status s = Create(a, &out);
    EXPECT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
    return out;
  }

  int CountForClient() {
    grpc::ClientContext context;
    v1::SearchAssignmentsRequest request;
    request.set_parent(std::string("municipalities/") + kMunicipality);
    request.set_client_bsn(kBsn);
    v1::ListAssignmentsResponse response;
    EXPECT_TRUE(stub_->SearchAssignments(&context, request, &response).ok());
    return response.assignments_size();
  }

  testing::TempDir dir_;
  std::unique_ptr<App> app_;
  std::unique_ptr<v1::AssignmentService::Stub> stub_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AssignmentServiceTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

TEST_P(AssignmentServiceTest, CreateFillsCatalogFactsAndCanBeRead) {
  v1::Assignment a = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  EXPECT_EQ(a.name(), "municipalities/0988/assignments/1");
  EXPECT_EQ(a.state(), v1::Assignment::ACTIVE);
  EXPECT_EQ(a.product_category(), "04");
  EXPECT_EQ(a.product_code(), "04KDV");
  EXPECT_EQ(a.lot(), "5");
  EXPECT_EQ(a.revision(), 1);
  grpc::ClientContext context;
  v1::GetAssignmentRequest get;
  get.set_name(a.name());
  v1::Assignment read;
  ASSERT_TRUE(stub_->GetAssignment(&context, get, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), a.SerializeAsString());
}

TEST_P(AssignmentServiceTest, ChosenNumbersAreSkippedByTheNumbering) {
  v1::Assignment chosen = Kdv("2024-01-01", "2024-01-31", 5);
  chosen.set_number("1");
  MustCreate(chosen);
  v1::Assignment next = MustCreate(Kdv("2024-03-01", "2024-03-31", 5));
  EXPECT_EQ(next.number(), "2");
  v1::Assignment out;
  chosen.set_start_date("2024-05-01");
  chosen.set_end_date("2024-05-31");
  EXPECT_THAT(RuleIds(Create(chosen, &out)), Contains("TR332"));
}

// Numbers within a block: one chosen by hand inside it is skipped, one a
// refused create took is given back, and a retry takes no new one.
TEST_P(AssignmentServiceTest, NumbersStayDenseAroundChosenAndRefusedOnes) {
  EXPECT_EQ(MustCreate(Kdv("2024-01-01", "2024-01-31", 5)).number(), "1");
  v1::Assignment chosen = Kdv("2024-02-01", "2024-02-29", 5);
  chosen.set_number("2");
  MustCreate(chosen);
  EXPECT_EQ(MustCreate(Kdv("2024-03-01", "2024-03-31", 5)).number(), "3");
  v1::Assignment out;
  // Overlapping the March assignment of the same product: refused.
  EXPECT_FALSE(Create(Kdv("2024-03-15", "2024-04-15", 5), &out).ok());
  v1::Assignment first, again;
  ASSERT_TRUE(Create(Kdv("2024-05-01", "2024-05-31", 5), &first, "r").ok());
  ASSERT_TRUE(Create(Kdv("2024-05-01", "2024-05-31", 5), &again, "r").ok());
  EXPECT_EQ(first.number(), "4");
  EXPECT_EQ(again.number(), "4");
  EXPECT_EQ(MustCreate(Kdv("2024-06-01", "2024-06-30", 5)).number(), "5");
}

// iWmo messages carry the number as an integer: "012" would come back as 12.
TEST_P(AssignmentServiceTest, ChosenNumberHasNoLeadingZero) {
  v1::Assignment chosen = Kdv("2024-01-01", "2024-01-31", 5);
  chosen.set_number("012");
  v1::Assignment out;
  grpc::Status s = Create(chosen, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("leading zero"));
  EXPECT_EQ(CountForClient(), 0);
}

TEST_P(AssignmentServiceTest, RetryWithSameRequestIdReturnsTheFirstResult) {
  v1::Assignment first, second;
  ASSERT_TRUE(
      Create(Kdv("2024-03-01", "2024-06-30", 10), &first, "req-1").ok());
  ASSERT_TRUE(
      Create(Kdv("2024-03-01", "2024-06-30", 10), &second, "req-1").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(CountForClient(), 1);
}

TEST_P(AssignmentServiceTest, SameRequestIdWithAnotherBodyIsAlreadyExists) {
  v1::Assignment first, other;
  ASSERT_TRUE(
      Create(Kdv("2024-03-01", "2024-06-30", 10), &first, "req-1").ok());
  grpc::Status s = Create(Kdv("2024-03-01", "2024-06-30", 12), &other, "req-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(), HasSubstr("request_id req-1"));
  EXPECT_EQ(CountForClient(), 1);
}

TEST_P(AssignmentServiceTest, RefusalListsEveryViolationAndStoresNothing) {
  v1::Assignment a = Kdv("2024-03-01", "2024-06-30", 10);
  a.set_provider_agb("99990302");  // contracted for lots 1-2 only
  a.mutable_extent()->set_unit(wmo::type::v1::UNIT_HOUR);
  v1::Assignment out;
  grpc::Status s = Create(a, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_GE(RuleIds(s).size(), 2u);
  EXPECT_EQ(CountForClient(), 0);
}

TEST_P(AssignmentServiceTest, MalformedBsnIsInvalidArgumentWithoutTheBsn) {
  v1::Assignment a = Kdv("2024-03-01", "2024-06-30", 10);
  a.mutable_client()->set_bsn("111222334");
  v1::Assignment out;
  grpc::Status s = Create(a, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), Not(HasSubstr("111222334")));
}

TEST_P(AssignmentServiceTest, SecondKdvBreakingTheYearCapIsRefused) {
  MustCreate(Kdv("2024-02-01", "2024-03-31", 30));
  v1::Assignment out;
  grpc::Status s = Create(Kdv("2024-09-01", "2024-10-31", 20), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(RuleIds(s), Contains("S3-09"));
}

TEST_P(AssignmentServiceTest, UpdateNeedsTheCurrentEtagAndKeepsVersions) {
  v1::Assignment a = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  v1::UpdateAssignmentRequest update;
  *update.mutable_assignment() = a;
  update.mutable_assignment()->set_end_date("2024-08-31");
  update.mutable_assignment()->set_change_reason("04");
  update.set_etag("r0");
  v1::Assignment updated;
  {
    grpc::ClientContext context;
    EXPECT_EQ(stub_->UpdateAssignment(&context, update, &updated).error_code(),
              grpc::StatusCode::ABORTED);
  }
  update.set_etag(a.etag());
  {
    grpc::ClientContext context;
    grpc::Status s = stub_->UpdateAssignment(&context, update, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(updated.revision(), 2);
  EXPECT_EQ(updated.end_date(), "2024-08-31");
  grpc::ClientContext context;
  v1::GetAssignmentRequest get;
  get.set_name(a.name());
  get.set_revision(1);
  v1::Assignment old;
  ASSERT_TRUE(stub_->GetAssignment(&context, get, &old).ok());
  EXPECT_EQ(old.end_date(), "2024-06-30");
}

TEST_P(AssignmentServiceTest, UpdateMaskTakesOnlyTheNamedFields) {
  v1::Assignment a = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  v1::UpdateAssignmentRequest update;
  update.mutable_assignment()->set_name(a.name());
  update.mutable_assignment()->set_change_reason("05");
  update.mutable_assignment()->set_end_date("2024-05-31");
  update.mutable_assignment()->mutable_extent()->set_volume(99);
  update.mutable_update_mask()->add_paths("end_date");
  v1::Assignment updated;
  {
    grpc::ClientContext context;
    grpc::Status s = stub_->UpdateAssignment(&context, update, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(updated.end_date(), "2024-05-31");
  EXPECT_EQ(updated.extent().volume(), 10) << "extent was not in the mask";
  update.mutable_update_mask()->add_paths("start_date");
  grpc::ClientContext context;
  grpc::Status s = stub_->UpdateAssignment(&context, update, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("start_date"));
}

// Who may do what with an assignment: its municipality everything, the
// provider it was given to reads it and records delivery, nobody else
// anything; a refusal is PERMISSION_DENIED and changes nothing.
TEST_P(AssignmentServiceTest,
       OnlyItsMunicipalityAndItsProviderSeeAnAssignment) {
  const v1::Assignment a = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  auto as = [&](const auth::Principal& caller) {
    return v1::AssignmentService::NewStub(testing::ChannelTo(*app_, caller));
  };
  const auth::Principal own_provider = testing::Provider(kKdvProvider);
  const auth::Principal other_provider = testing::Provider("99990301");
  const auth::Principal other_municipality = testing::Municipality("0363");
  const auth::Principal op = testing::Operator();

  auto get = [&](const auth::Principal& caller) {
    grpc::ClientContext context;
    v1::GetAssignmentRequest request;
    request.set_name(a.name());
    v1::Assignment out;
    return as(caller)->GetAssignment(&context, request, &out).error_code();
  };
  EXPECT_EQ(get(testing::Municipality(kMunicipality)), grpc::StatusCode::OK);
  EXPECT_EQ(get(own_provider), grpc::StatusCode::OK);
  for (const auto& stranger : {other_provider, other_municipality, op}) {
    EXPECT_EQ(get(stranger), grpc::StatusCode::PERMISSION_DENIED)
        << auth::Describe(stranger);
  }

  auto list = [&](const auth::Principal& caller, int* count) {
    grpc::ClientContext context;
    v1::ListAssignmentsRequest request;
    request.set_parent(std::string("municipalities/") + kMunicipality);
    v1::ListAssignmentsResponse out;
    const grpc::Status s = as(caller)->ListAssignments(&context, request, &out);
    *count = out.assignments_size();
    return s.error_code();
  };
  int count = 0;
  EXPECT_EQ(list(own_provider, &count), grpc::StatusCode::OK);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(list(other_provider, &count), grpc::StatusCode::OK);
  EXPECT_EQ(count, 0);  // Only what was given to it.
  EXPECT_EQ(list(other_municipality, &count),
            grpc::StatusCode::PERMISSION_DENIED);

  {  // Searching by the client: another provider finds nothing of it.
    grpc::ClientContext context;
    v1::SearchAssignmentsRequest request;
    request.set_parent(std::string("municipalities/") + kMunicipality);
    request.set_client_bsn(kBsn);
    v1::ListAssignmentsResponse out;
    ASSERT_TRUE(
        as(other_provider)->SearchAssignments(&context, request, &out).ok());
    EXPECT_EQ(out.assignments_size(), 0);
    grpc::ClientContext denied;
    EXPECT_EQ(as(other_municipality)
                  ->SearchAssignments(&denied, request, &out)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {  // Another provider's batch look-up finds nothing of it.
    grpc::ClientContext context;
    v1::BatchGetAssignmentsRequest request;
    request.set_parent(std::string("municipalities/") + kMunicipality);
    request.add_names(a.name());
    v1::BatchGetAssignmentsResponse out;
    EXPECT_EQ(as(other_provider)
                  ->BatchGetAssignments(&context, request, &out)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
  }

  for (const auto& caller : {own_provider, other_municipality, op}) {
    grpc::ClientContext context;
    v1::EndAssignmentRequest end;
    end.set_name(a.name());
    end.set_end_date("2024-05-31");
    end.set_end_reason("23");
    v1::Assignment out;
    const grpc::Status s = as(caller)->EndAssignment(&context, end, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << auth::Describe(caller);
    EXPECT_THAT(s.error_message(), HasSubstr("only municipality 0988 may"));
  }
  {  // A municipality creates only its own.
    grpc::ClientContext context;
    v1::CreateAssignmentRequest request;
    request.set_parent(std::string("municipalities/") + kMunicipality);
    *request.mutable_assignment() = Kdv("2024-03-01", "2024-06-30", 10);
    v1::Assignment out;
    EXPECT_EQ(as(other_municipality)
                  ->CreateAssignment(&context, request, &out)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(list(testing::Municipality(kMunicipality), &count),
            grpc::StatusCode::OK);
  EXPECT_EQ(count, 1);
  grpc::ClientContext context;
  v1::GetAssignmentRequest request;
  request.set_name(a.name());
  v1::Assignment now;
  ASSERT_TRUE(stub_->GetAssignment(&context, request, &now).ok());
  EXPECT_EQ(now.state(), v1::Assignment::ACTIVE);
  EXPECT_EQ(now.revision(), a.revision());
}

TEST_P(AssignmentServiceTest, AuditTrailRecordsWhoAndWhatChanged) {
  v1::Assignment a = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  v1::EndAssignmentRequest end;
  end.set_name(a.name());
  end.set_end_date("2024-05-31");
  end.set_end_reason("23");
  v1::Assignment ended;
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", Bearer("consulent-42"));
    // No longer trusted: the token says who acts.
    context.AddMetadata("x-actor", "mallory");
    ASSERT_TRUE(stub_->EndAssignment(&context, end, &ended).ok());
  }
  EXPECT_EQ(ended.state(), v1::Assignment::ENDED);
  grpc::ClientContext context;
  type::v1::ListAuditEntriesRequest request;
  request.set_parent(a.name());
  type::v1::ListAuditEntriesResponse audit;
  ASSERT_TRUE(stub_->ListAuditEntries(&context, request, &audit).ok());
  ASSERT_EQ(audit.entries_size(), 2);
  EXPECT_EQ(audit.entries(0).actor(),
            "municipality 0988 (subject consulent-17)");
  EXPECT_EQ(audit.entries(1).actor(),
            "municipality 0988 (subject consulent-42)");
  EXPECT_EQ(audit.entries(1).operation(), "EndAssignment");
  bool end_date_changed = false;
  for (const auto& c : audit.entries(1).changes()) {
    if (c.field() == "end_date") {
      end_date_changed = true;
      EXPECT_EQ(c.old_value(), "\"2024-06-30\"");
      EXPECT_EQ(c.new_value(), "\"2024-05-31\"");
    }
  }
  EXPECT_TRUE(end_date_changed);
}

TEST_P(AssignmentServiceTest, ASearchByBsnIsRecordedWithTheSearcherNotTheBsn) {
  const v1::Assignment a = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", Bearer("consulent-99"));
    v1::SearchAssignmentsRequest search;
    search.set_parent(std::string("municipalities/") + kMunicipality);
    search.set_client_bsn(kBsn);
    v1::ListAssignmentsResponse found;
    ASSERT_TRUE(stub_->SearchAssignments(&context, search, &found).ok());
    ASSERT_EQ(found.assignments_size(), 1);
  }
  grpc::ClientContext context;
  type::v1::ListAuditEntriesRequest request;
  request.set_parent(
      absl::StrCat("municipalities/", kMunicipality, "/assignments/-"));
  type::v1::ListAuditEntriesResponse trail;
  ASSERT_TRUE(stub_->ListAuditEntries(&context, request, &trail).ok());
  ASSERT_EQ(trail.entries_size(), 2);
  const type::v1::AuditEntry& search = trail.entries(1);
  EXPECT_EQ(search.operation(), "SearchAssignments");
  EXPECT_EQ(search.actor(), "municipality 0988 (subject consulent-99)");
  EXPECT_EQ(search.resource(),
            absl::StrCat("municipalities/", kMunicipality, "/assignments"));
  EXPECT_THAT(search.resources_read(), ::testing::ElementsAre(a.name()));
  EXPECT_FALSE(search.request_id().empty());
  EXPECT_THAT(search.DebugString(), Not(HasSubstr(kBsn)));
  // The other municipality of the region may not read it.
  grpc::ClientContext other;
  other.AddMetadata("authorization",
                    testing::BearerFor(*app_, testing::Municipality("0935")));
  EXPECT_EQ(stub_->ListAuditEntries(&other, request, &trail).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(AssignmentServiceTest, ARequestAndItsAnswerAreInTheirOwnersTrails) {
  v1::RequestAssignmentRequest ask;
  ask.set_parent(std::string("municipalities/") + kMunicipality);
  ask.mutable_request()->set_provider_reference("ref-audit");
  *ask.mutable_request()->mutable_requested() =
      Kdv("2024-03-01", "2024-06-30", 10);
  ask.mutable_request()->mutable_requested()->set_municipality(kMunicipality);
  v1::AssignmentRequest asked;
  {
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
    ASSERT_TRUE(stub_->RequestAssignment(&context, ask, &asked).ok());
  }
  const std::string id = asked.name().substr(asked.name().rfind('/') + 1);
  v1::AnswerAssignmentRequestRequest answer;
  answer.set_name(absl::StrCat("municipalities/", kMunicipality,
                               "/assignmentRequests/", id));
  answer.set_grant(false);
  answer.set_rejection_reason("6");
  {
    grpc::ClientContext context;
    v1::AssignmentRequest rejected;
    ASSERT_TRUE(
        stub_->AnswerAssignmentRequest(&context, answer, &rejected).ok());
  }
  // One name for the request, under the municipality asked: its trail
  // holds the request and the answer.
  EXPECT_EQ(asked.name(), answer.name());
  {
    grpc::ClientContext context;  // The municipality.
    type::v1::ListAuditEntriesRequest request;
    request.set_parent(asked.name());
    type::v1::ListAuditEntriesResponse trail;
    ASSERT_TRUE(stub_->ListAuditEntries(&context, request, &trail).ok());
    std::vector<std::string> seen;
    for (const auto& e : trail.entries()) seen.push_back(e.operation());
    EXPECT_EQ(seen, (std::vector<std::string>{"RequestAssignment",
                                              "AnswerAssignmentRequest"}));
  }
}

// Every request has one name, under the municipality asked; the
// municipality reads and lists its own, the provider that asked its own
// (across municipalities with "-"), nobody else any.
TEST_P(AssignmentServiceTest, RequestsAreReadAndListedByTheirTwoParties) {
  std::vector<v1::AssignmentRequest> made;
  for (int i = 0; i < 3; ++i) {
    v1::RequestAssignmentRequest ask;
    ask.set_parent(std::string("municipalities/") + kMunicipality);
    ask.mutable_request()->set_provider_reference(absl::StrCat("ref-", i));
    *ask.mutable_request()->mutable_requested() =
        Kdv("2024-03-01", "2024-06-30", 10);
    // Asked by the provider itself; the municipality comes from the parent.
    ask.mutable_request()->mutable_requested()->clear_provider_agb();
    ask.mutable_request()->mutable_requested()->mutable_client()->set_bsn(
        testing::TestBsn(200 + i));
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
    v1::AssignmentRequest asked;
    grpc::Status s = stub_->RequestAssignment(&context, ask, &asked);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(asked.requested().provider_agb(), kKdvProvider);
    EXPECT_EQ(asked.requested().municipality(), kMunicipality);
    EXPECT_THAT(asked.name(),
                ::testing::StartsWith(absl::StrCat(
                    "municipalities/", kMunicipality, "/assignmentRequests/")));
    made.push_back(asked);
  }
  auto get = [&](const auth::Principal& who, const std::string& name) {
    grpc::ClientContext context;
    testing::ActAs(context, *app_, who);
    v1::GetAssignmentRequestRequest request;
    request.set_name(name);
    v1::AssignmentRequest got;
    return stub_->GetAssignmentRequest(&context, request, &got).error_code();
  };
  EXPECT_EQ(get(testing::Municipality(kMunicipality), made[0].name()),
            grpc::StatusCode::OK);
  EXPECT_EQ(get(testing::Provider(kKdvProvider), made[0].name()),
            grpc::StatusCode::OK);
  EXPECT_EQ(get(testing::Provider("99990301"), made[0].name()),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(get(testing::Municipality("0363"), made[0].name()),
            grpc::StatusCode::PERMISSION_DENIED);
  // Pages of one walk the list oldest first, by key.
  auto list = [&](const auth::Principal& who, const std::string& parent,
                  std::vector<std::string>* names) {
    std::string token;
    do {
      grpc::ClientContext context;
      testing::ActAs(context, *app_, who);
      v1::ListAssignmentRequestsRequest request;
      request.set_parent(parent);
      request.set_state(v1::AssignmentRequest::OPEN);
      request.set_page_size(1);
      request.set_page_token(token);
      v1::ListAssignmentRequestsResponse page;
      grpc::Status s = stub_->ListAssignmentRequests(&context, request, &page);
      if (!s.ok()) return s.error_code();
      for (const auto& r : page.assignment_requests()) {
        names->push_back(r.name());
      }
      token = page.next_page_token();
    } while (!token.empty());
    return grpc::StatusCode::OK;
  };
  std::vector<std::string> expected;
  expected.reserve(made.size());
  for (const auto& r : made) expected.push_back(r.name());
  std::sort(expected.begin(), expected.end(),
            [&](const std::string& a, const std::string& b) {
              auto at = [&](const std::string& n) {
                for (const auto& r : made) {
                  if (r.name() == n) {
                    return std::make_pair(r.create_time().seconds(), n);
                  }
                }
                return std::make_pair(int64_t{0}, n);
              };
              return at(a) < at(b);
            });
  std::vector<std::string> seen;
  EXPECT_EQ(list(testing::Municipality(kMunicipality),
                 std::string("municipalities/") + kMunicipality, &seen),
            grpc::StatusCode::OK);
  EXPECT_EQ(seen, expected);
  seen.clear();
  EXPECT_EQ(list(testing::Provider(kKdvProvider), "municipalities/-", &seen),
            grpc::StatusCode::OK);
  EXPECT_EQ(seen, expected);
  seen.clear();
  EXPECT_EQ(list(testing::Provider("99990301"), "municipalities/-", &seen),
            grpc::StatusCode::OK);
  EXPECT_TRUE(seen.empty());
  EXPECT_EQ(list(testing::Municipality("0363"),
                 std::string("municipalities/") + kMunicipality, &seen),
            grpc::StatusCode::PERMISSION_DENIED);
}

// S4-06: arbeidsmatige dagbesteding below pension age on every day of the
// assignment, not only on its first: refused past the 67th birthday,
// naming the last day it may run to.
TEST_P(AssignmentServiceTest, S4_06_AgeBoundHoldsForTheWholePeriod) {
  v1::Assignment a;
  a.mutable_client()->set_bsn(kBsn);
  a.mutable_client()->set_birth_date("1957-06-15");  // 67 on 2024-06-15
  a.set_provider_agb(testing::kPerspectief.provider);
  a.set_catalog(testing::kPerspectief.catalog);
  a.set_product("arbeidsmatige-dagbesteding");
  a.mutable_extent()->set_volume(4);
  a.mutable_extent()->set_unit(wmo::type::v1::UNIT_DAY_PART);
  a.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_PER_WEEK);
  a.set_start_date("2024-01-01");
  a.set_end_date("2024-12-31");
  v1::CreateAssignmentRequest request;
  request.set_parent(
      absl::StrCat("municipalities/", testing::kPerspectief.municipality));
  *request.mutable_assignment() = a;
  v1::Assignment out;
  {
    grpc::ClientContext context;
    grpc::Status s = stub_->CreateAssignment(&context, request, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    ASSERT_THAT(RuleIds(s), ::testing::ElementsAre("S4-06"));
    EXPECT_EQ(testing::ViolationsOf(s)[0].field(), "end_date");
    EXPECT_THAT(testing::ViolationsOf(s)[0].message(),
                HasSubstr("end it on or before 2024-06-14"));
  }
  request.mutable_assignment()->set_end_date("2024-06-14");
  grpc::ClientContext context;
  grpc::Status s = stub_->CreateAssignment(&context, request, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

// The region, not the municipality, is the client's unit: what another
// municipality of midden-limburg-2024 granted counts for the yearly cap
// (S3-09) and for lot exclusivity (S3-02).
TEST_P(AssignmentServiceTest,
       S3_09_S3_02_TheRegionCountsTheClientsAssignments) {
  MustCreate(Kdv("2024-01-01", "2024-06-30", 42));  // in Weert (0988)
  auto create_in_echt = [&](v1::Assignment a) {
    a.set_municipality("1711");  // Echt-Susteren, the same region
    v1::CreateAssignmentRequest request;
    request.set_parent("municipalities/1711");
    *request.mutable_assignment() = std::move(a);
    grpc::ClientContext context;
    v1::Assignment out;
    return stub_->CreateAssignment(&context, request, &out);
  };
  // Weert's 42 etmalen leave nothing of 2024 to Echt-Susteren.
  grpc::Status s = create_in_echt(Kdv("2024-07-01", "2024-12-31", 1));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(RuleIds(s), ::testing::ElementsAre("S3-09"));
  EXPECT_TRUE(create_in_echt(Kdv("2025-01-01", "2025-06-30", 42)).ok());

  // Lot 1 in Weert, lot 2 in Echt-Susteren at the same time: refused.
  v1::Assignment bgi = Kdv("2024-01-01", "2024-12-31", 2);
  bgi.set_product("bgi");
  bgi.set_lot("1");
  bgi.set_provider_agb("99990301");
  bgi.mutable_extent()->set_unit(wmo::type::v1::UNIT_HOUR);
  bgi.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_PER_WEEK);
  MustCreate(bgi);
  v1::Assignment bgg = bgi;
  bgg.set_product("bgg");
  bgg.set_lot("2");
  bgg.set_start_date("2024-06-01");
  bgg.mutable_extent()->set_volume(4);
  bgg.mutable_extent()->set_unit(wmo::type::v1::UNIT_DAY_PART);
  s = create_in_echt(bgg);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();
  EXPECT_THAT(RuleIds(s), Contains("S3-02"));
}

// S3-08: vervoer goes only together with BGG, on every day. Ending or
// deleting the BGG while the vervoer needs it is refused naming the
// vervoer; once that has ended, the BGG may end too.
TEST_P(AssignmentServiceTest, S3_08_QualifyingAssignmentOutlivesItsDependent) {
  v1::Assignment bgg = Kdv("2024-01-01", "2024-12-31", 4);
  bgg.set_product("bgg");
  bgg.set_lot("1");
  bgg.set_provider_agb("99990301");
  bgg.mutable_extent()->set_unit(wmo::type::v1::UNIT_DAY_PART);
  bgg.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_PER_WEEK);
  bgg = MustCreate(bgg);
  v1::Assignment vervoer = Kdv("2024-01-01", "2024-06-30", 2);
  vervoer.set_product("vervoer");
  vervoer.set_lot("1");
  vervoer.clear_basis();
  vervoer.set_provider_agb("99990301");
  vervoer.mutable_extent()->set_unit(wmo::type::v1::UNIT_PIECES_OUTPUT);
  vervoer.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_PER_WEEK);
  vervoer = MustCreate(vervoer);
  ASSERT_FALSE(bgg.name().empty());
  ASSERT_FALSE(vervoer.name().empty());

  auto end = [&](const std::string& name, const std::string& date) {
    v1::EndAssignmentRequest request;
    request.set_name(name);
    request.set_end_date(date);
    request.set_end_reason("19");
    grpc::ClientContext context;
    v1::Assignment out;
    return stub_->EndAssignment(&context, request, &out);
  };
  grpc::Status s = end(bgg.name(), "2024-03-31");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_THAT(RuleIds(s), ::testing::ElementsAre("S3-08"));
  EXPECT_THAT(testing::ViolationsOf(s)[0].message(), HasSubstr(vervoer.name()));
  EXPECT_THAT(testing::ViolationsOf(s)[0].message(),
              HasSubstr("none from 2024-04-01"));
  {
    v1::DeleteAssignmentRequest request;
    request.set_name(bgg.name());
    grpc::ClientContext context;
    v1::Assignment out;
    s = stub_->DeleteAssignment(&context, request, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(RuleIds(s), ::testing::ElementsAre("S3-08"));
  }
  // With the vervoer ended on that day, the BGG may end with it.
  EXPECT_TRUE(end(vervoer.name(), "2024-03-31").ok());
  s = end(bgg.name(), "2024-03-31");
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_P(AssignmentServiceTest, EndOutsideThePeriodIsRefused) {
  v1::Assignment a = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  grpc::ClientContext context;
  v1::EndAssignmentRequest end;
  end.set_name(a.name());
  end.set_end_date("2024-07-31");
  end.set_end_reason("19");
  v1::Assignment out;
  EXPECT_EQ(stub_->EndAssignment(&context, end, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(AssignmentServiceTest, DeleteMakesEndEqualStartWithReason13) {
  v1::Assignment a = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  grpc::ClientContext context;
  v1::DeleteAssignmentRequest del;
  del.set_name(a.name());
  del.set_etag(a.etag());
  v1::Assignment deleted;
  ASSERT_TRUE(stub_->DeleteAssignment(&context, del, &deleted).ok());
  EXPECT_EQ(deleted.state(), v1::Assignment::DELETED);
  EXPECT_EQ(deleted.change_reason(), "13");
  EXPECT_EQ(deleted.end_date(), deleted.start_date());
  // A deleted assignment no longer counts against the client's caps.
  MustCreate(Kdv("2024-03-01", "2024-06-30", 42));
}

TEST_P(AssignmentServiceTest, DeliveryStartStopFollowIwmo305And307) {
  v1::Assignment a = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  // Each provider records delivery as itself.
  auto start = [&](const std::string& agb, const std::string& date) {
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(agb));
    v1::RecordDeliveryStartRequest r;
    r.set_name(a.name());
    r.set_provider_agb(agb);
    r.set_start_date(date);
    v1::Assignment out;
    return stub_->RecordDeliveryStart(&context, r, &out);
  };
  auto stop = [&](const std::string& date, const std::string& reason) {
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
    v1::RecordDeliveryStopRequest r;
    r.set_name(a.name());
    r.set_provider_agb(kKdvProvider);
    r.set_stop_date(date);
    r.set_stop_reason(reason);
    v1::Assignment out;
    return stub_->RecordDeliveryStop(&context, r, &out);
  };
  EXPECT_THAT(RuleIds(start("99990301", "2024-03-04")), Contains("TR019"));
  ASSERT_TRUE(start(kKdvProvider, "2024-03-04").ok());
  EXPECT_THAT(RuleIds(start(kKdvProvider, "2024-03-11")), Contains("TR326"));
  ASSERT_TRUE(stop("2024-03-20", "20").ok());
  EXPECT_TRUE(start(kKdvProvider, "2024-04-01").ok());
  // Delivered assignments are ended, not deleted.
  grpc::ClientContext context;
  v1::DeleteAssignmentRequest del;
  del.set_name(a.name());
  v1::Assignment out;
  EXPECT_EQ(stub_->DeleteAssignment(&context, del, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(AssignmentServiceTest, ProviderRequestIsGrantedIntoAnAssignment) {
  v1::RequestAssignmentRequest ask;
  ask.set_parent(std::string("municipalities/") + kMunicipality);
  ask.mutable_request()->set_provider_reference("ref-1");
  *ask.mutable_request()->mutable_requested() =
      Kdv("2024-03-01", "2024-06-30", 10);
  ask.mutable_request()->mutable_requested()->set_municipality(kMunicipality);
  v1::AssignmentRequest asked;
  {
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
    grpc::Status s = stub_->RequestAssignment(&context, ask, &asked);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(asked.state(), v1::AssignmentRequest::OPEN);
  {  // TR374: one open request per client per provider.
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
    ask.mutable_request()->set_provider_reference("ref-2");
    v1::AssignmentRequest again;
    EXPECT_THAT(RuleIds(stub_->RequestAssignment(&context, ask, &again)),
                Contains("TR374"));
  }
  v1::AnswerAssignmentRequestRequest answer;
  answer.set_name(
      absl::StrCat("municipalities/", kMunicipality, "/assignmentRequests/",
                   asked.name().substr(asked.name().rfind('/') + 1)));
  answer.set_grant(true);
  v1::AssignmentRequest granted;
  {
    grpc::ClientContext context;
    grpc::Status s = stub_->AnswerAssignmentRequest(&context, answer, &granted);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(granted.state(), v1::AssignmentRequest::GRANTED);
  EXPECT_EQ(granted.assignment(), "municipalities/0988/assignments/1");
  EXPECT_EQ(CountForClient(), 1);
}

TEST_P(AssignmentServiceTest,
       ProviderRequestRetryUnderItsRequestIdIsOneRequest) {
  v1::RequestAssignmentRequest ask;
  ask.set_parent(std::string("municipalities/") + kMunicipality);
  ask.set_request_id("ask-1");
  ask.mutable_request()->set_provider_reference("ref-1");
  *ask.mutable_request()->mutable_requested() =
      Kdv("2024-03-01", "2024-06-30", 10);
  ask.mutable_request()->mutable_requested()->set_municipality(kMunicipality);
  v1::AssignmentRequest first, again, other;
  {
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
    ASSERT_TRUE(stub_->RequestAssignment(&context, ask, &first).ok());
  }
  {  // Without the id this would be TR347 (reference used) and TR374.
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
    grpc::Status s = stub_->RequestAssignment(&context, ask, &again);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(again.name(), first.name());
  }
  {
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
    ask.mutable_request()->set_provider_reference("ref-2");
    grpc::Status s = stub_->RequestAssignment(&context, ask, &other);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
    EXPECT_THAT(s.error_message(), HasSubstr("request_id ask-1"));
  }
}

TEST_P(AssignmentServiceTest, RacingProviderRequestsWithOneReferenceGetTr347) {
  // Eight requests for eight clients under one reference at once: the
  // unique index lets one in, and each other one is told TR347 by its rerun.
  constexpr int kRacers = 8;
  std::vector<grpc::Status> results(kRacers);
  std::vector<std::thread> threads;
  threads.reserve(kRacers);
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      v1::RequestAssignmentRequest ask;
      ask.set_parent(std::string("municipalities/") + kMunicipality);
      ask.mutable_request()->set_provider_reference("ref-race");
      v1::Assignment wanted = Kdv("2024-03-01", "2024-06-30", 10);
      wanted.mutable_client()->set_bsn(testing::TestBsn(100 + i));
      wanted.set_municipality(kMunicipality);
      *ask.mutable_request()->mutable_requested() = wanted;
      grpc::ClientContext context;
      testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
      v1::AssignmentRequest asked;
      results[i] = stub_->RequestAssignment(&context, ask, &asked);
    });
  }
  for (auto& t : threads) t.join();
  int granted = 0;
  for (const grpc::Status& s : results) {
    if (s.ok()) {
      ++granted;
    } else {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
      EXPECT_THAT(RuleIds(s), ::testing::ElementsAre("TR347"))
          << s.error_message();
    }
  }
  EXPECT_EQ(granted, 1);
}

TEST_P(AssignmentServiceTest, RejectedRequestCarriesTheWj759Reason) {
  v1::RequestAssignmentRequest ask;
  ask.set_parent(std::string("municipalities/") + kMunicipality);
  ask.mutable_request()->set_provider_reference("ref-9");
  *ask.mutable_request()->mutable_requested() =
      Kdv("2024-03-01", "2024-06-30", 10);
  ask.mutable_request()->mutable_requested()->set_municipality(kMunicipality);
  v1::AssignmentRequest asked;
  {
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Provider(kKdvProvider));
    ASSERT_TRUE(stub_->RequestAssignment(&context, ask, &asked).ok());
  }
  v1::AnswerAssignmentRequestRequest answer;
  answer.set_name(
      absl::StrCat("municipalities/", kMunicipality, "/assignmentRequests/",
                   asked.name().substr(asked.name().rfind('/') + 1)));
  answer.set_grant(false);
  answer.set_rejection_reason("6");
  v1::AssignmentRequest rejected;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->AnswerAssignmentRequest(&context, answer, &rejected).ok());
  EXPECT_EQ(rejected.state(), v1::AssignmentRequest::REJECTED);
  EXPECT_EQ(rejected.rejection_reason(), "6");
  EXPECT_EQ(CountForClient(), 0);
}

// 50 creates at once, one day-night each on 50 different days of 2024: the
// yearly cap of 42 (S3-09) lets exactly 42 through, whatever the order. Of
// two providers in turn: one provider's creates take turns, the other's
// run beside them, and only the client's lock keeps them within the cap.
TEST_P(AssignmentServiceTest, ParallelCreatesNeverBreakTheYearlyCap) {
  constexpr char kOtherKdvProvider[] = "99990301";  // every lot
  constexpr int kCreates = 50;
  std::atomic<int> created{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  threads.reserve(kCreates);
  for (int i = 0; i < kCreates; ++i) {
    threads.emplace_back([&, i] {
      const std::string day =
          rules::FormatDate(rules::Date(2024, 1, 1) + int64_t{2} * i);
      v1::Assignment out;
      v1::Assignment a = Kdv(day, day, 1);
      if (i % 2 == 1) a.set_provider_agb(kOtherKdvProvider);
      const grpc::Status s =
          testing::RetryWhileBusy([&] { return Create(a, &out); });
      if (s.ok()) {
        ++created;
      } else if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
        ++refused;
      } else {
        ++other;
        ADD_FAILURE() << s.error_code() << " " << s.error_message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created, 42);
  EXPECT_EQ(refused, 8);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(CountForClient(), 42);
}

TEST_P(AssignmentServiceTest, BatchGetKeepsRequestOrderAndNamesTheMissing) {
  v1::Assignment first = MustCreate(Kdv("2024-03-01", "2024-06-30", 10));
  v1::Assignment second = MustCreate(Kdv("2024-07-01", "2024-12-31", 10));
  v1::BatchGetAssignmentsRequest request;
  request.set_parent(std::string("municipalities/") + kMunicipality);
  request.add_names(second.name());
  request.add_names("999");
  request.add_names(first.number());
  {
    grpc::ClientContext context;
    v1::BatchGetAssignmentsResponse response;
    grpc::Status s = stub_->BatchGetAssignments(&context, request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_THAT(s.error_message(), HasSubstr("999"));
  }
  request.set_allow_missing(true);
  grpc::ClientContext context;
  v1::BatchGetAssignmentsResponse response;
  ASSERT_TRUE(stub_->BatchGetAssignments(&context, request, &response).ok());
  ASSERT_EQ(response.assignments_size(), 2);
  EXPECT_EQ(response.assignments(0).name(), second.name());
  EXPECT_EQ(response.assignments(1).name(), first.name());
}

}  // namespace
}  // namespace wmo::assignment

namespace wmo::assignment {
namespace {

// The audit entries earlier versions kept per assignment (table
// audit_entries, numbered per assignment) move into the shared trail, in
// order, whatever the backend.
TEST(AssignmentMigrationTest, EarlierAuditEntriesAreCarriedOver) {
  for (const std::string& backend : testing::Backends()) {
    testing::TempDir dir;
    auto db = testing::OpenTestDatabase(backend, dir);
    if (db.status().code() == absl::StatusCode::kFailedPrecondition) continue;
    ASSERT_TRUE(db.ok()) << db.status();
    const auto migrations = AssignmentRepository::Migrations();
    ASSERT_TRUE(store::Migrate(**db, "assignment", migrations.first(4)).ok());
    // Two assignments of one municipality, each with its own entry 1.
    for (const auto& [number, seq, actor] :
         std::vector<std::tuple<std::string, int64_t, std::string>>{
             {"1", 1, "consultant-1"},
             {"1", 2, "consultant-2"},
             {"2", 1, "consultant-3"}}) {
      type::v1::AuditEntry entry;
      entry.set_resource("municipalities/0988/assignments/" + number);
      entry.set_actor(actor);
      // Its time as the text it was then (field 4, now reserved).
      entry.GetReflection()->MutableUnknownFields(&entry)->AddLengthDelimited(
          4, "2024-03-01T00:00:00Z");
      entry.set_operation(seq == 1 ? "CreateAssignment" : "EndAssignment");
      ASSERT_TRUE((*db)
                      ->Execute("INSERT INTO audit_entries (municipality,"
                                " number, seq, body) VALUES (?, ?, ?, ?)",
                                {std::string("0988"), number, seq,
                                 store::Blob{entry.SerializeAsString()}})
                      .ok());
    }
    absl::Status migrated = store::Migrate(**db, "assignment", migrations);
    ASSERT_TRUE(migrated.ok()) << backend << ": " << migrated;
    type::v1::ListAuditEntriesRequest request;
    request.set_parent("municipalities/0988/assignments/1");
    type::v1::ListAuditEntriesResponse trail;
    ASSERT_TRUE(audit::List(**db, testing::Municipality("0988"),
                            {"municipalities/*/assignments/*"}, request, &trail)
                    .ok());
    ASSERT_EQ(trail.entries_size(), 2) << backend;
    EXPECT_EQ(trail.entries(0).actor(), "consultant-1");
    EXPECT_EQ(trail.entries(1).operation(), "EndAssignment");
    // The time kept as text then is a timestamp now (migration 9).
    EXPECT_EQ(server::TimeText(trail.entries(0).time()),
              "2024-03-01T00:00:00Z");
  }
}

}  // namespace
}  // namespace wmo::assignment
