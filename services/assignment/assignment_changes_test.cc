// What a provider is told of, and its requests in batches, without a
// server: AssignmentApi on a store of its own (SQLite and PostgreSQL) with
// the catalogs faked and the clock fixed.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "grpcpp/server_context.h"
#include "gtest/gtest.h"
#include "libs/server/call_scope.h"
#include "libs/server/status.h"
#include "libs/testing/catalogs.h"
#include "libs/testing/databases.h"
#include "libs/testing/fakes.h"
#include "libs/testing/temp_dir.h"
#include "services/assignment/assignment_api.h"
#include "services/assignment/assignment_repository.h"

namespace wmo::assignment {
namespace {

using ::testing::ElementsAre;

const auth::Principal kWeert{auth::PrincipalKind::kMunicipality, "0988",
                             "consultant"};
const auth::Principal kProvider{auth::PrincipalKind::kProvider, "99990303",
                                "planner"};
const auth::Principal kOtherProvider{auth::PrincipalKind::kProvider, "99990404",
                                     "planner"};

class AssignmentChangesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    ASSERT_TRUE(
        store::Migrate(*db_, "assignment", AssignmentRepository::Migrations())
            .ok());
    api_ = std::make_unique<AssignmentApi>(*db_, catalogs_, [] {
      return absl::FromCivil(absl::CivilDay(2024, 4, 2), absl::UTCTimeZone());
    });
  }

  // The changes as the iWmo service reads them: from another role, acting
  // for `caller`.
  absl::StatusOr<std::vector<v1::AssignmentChange>> Changes(
      const auth::Principal& caller, int64_t after = 0,
      bool from_another_role = true) {
    v1::ListAssignmentChangesRequest request;
    request.set_parent("providers/99990303");
    request.set_after_sequence(after);
    v1::ListAssignmentChangesResponse response;
    grpc::CallbackServerContext context;
    server::CallScope scope(context, caller, from_another_role);
    absl::Status s = api_->ListAssignmentChanges(caller, request, &response);
    if (!s.ok()) return s;
    return std::vector<v1::AssignmentChange>(response.changes().begin(),
                                             response.changes().end());
  }

  absl::StatusOr<v1::AssignmentRequest> Ask(const std::string& reference,
                                            const std::string& batch) {
    v1::RequestAssignmentRequest request;
    request.set_parent("municipalities/0988");
    request.mutable_request()->set_provider_reference(reference);
    request.mutable_request()->set_batch(batch);
    *request.mutable_request()->mutable_requested() = testing::WeertKdv();
    v1::AssignmentRequest asked;
    // As the iWmo service asks, for the provider: only it sets a batch.
    grpc::CallbackServerContext context;
    server::CallScope scope(context, kProvider, /*from_another_role=*/true);
    absl::Status s = api_->RequestAssignment(kProvider, request, &asked);
    if (!s.ok()) return s;
    return asked;
  }

  absl::StatusOr<v1::AssignmentRequest> Answer(
      const v1::AssignmentRequest& asked,
      const std::function<void(v1::AnswerAssignmentRequestRequest&)>& how) {
    v1::AnswerAssignmentRequestRequest request;
    request.set_name(asked.name());
    how(request);
    v1::AssignmentRequest answered;
    absl::Status s = api_->AnswerAssignmentRequest(kWeert, request, &answered);
    if (!s.ok()) return s;
    return answered;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  testing::FakeCatalogs catalogs_;
  std::unique_ptr<AssignmentApi> api_;
  int asked_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, AssignmentChangesTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

// Created, ended, a request rejected and one investigated: four changes in
// order, each as it was then; the delivery the provider reported itself is
// none.
TEST_P(AssignmentChangesTest, TellsTheProviderOfEveryChangeButItsOwnDelivery) {
  v1::CreateAssignmentRequest create;
  create.set_parent("municipalities/0988");
  *create.mutable_assignment() = testing::WeertKdv();
  v1::Assignment created;
  ASSERT_TRUE(api_->CreateAssignment(kWeert, create, &created).ok());

  v1::RecordDeliveryStartRequest start;
  start.set_name(created.name());
  start.set_provider_agb("99990303");
  start.set_start_date("2024-03-04");
  v1::Assignment started;
  ASSERT_TRUE(api_->RecordDeliveryStart(kProvider, start, &started).ok());

  v1::EndAssignmentRequest end;
  end.set_name(created.name());
  end.set_end_date("2024-04-30");
  end.set_end_reason("02");
  v1::Assignment ended;
  absl::Status s = api_->EndAssignment(kWeert, end, &ended);
  ASSERT_TRUE(s.ok()) << s;

  absl::StatusOr<v1::AssignmentRequest> rejected = Ask("ref-1", "");
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  ASSERT_TRUE(
      Answer(*rejected, [](auto& r) { r.set_rejection_reason("3"); }).ok());
  absl::StatusOr<v1::AssignmentRequest> investigated = Ask("ref-2", "");
  ASSERT_TRUE(investigated.ok()) << investigated.status();
  ASSERT_TRUE(
      Answer(*investigated, [](auto& r) { r.set_investigate(true); }).ok());

  absl::StatusOr<std::vector<v1::AssignmentChange>> changes =
      Changes(kProvider);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 4u);
  EXPECT_EQ((*changes)[0].sequence(), 1);
  EXPECT_EQ((*changes)[0].assignment().state(), v1::Assignment::ACTIVE);
  EXPECT_EQ((*changes)[1].assignment().state(), v1::Assignment::ENDED);
  EXPECT_EQ((*changes)[2].assignment_request().state(),
            v1::AssignmentRequest::REJECTED);
  EXPECT_EQ((*changes)[2].assignment_request().rejection_reason(), "3");
  EXPECT_TRUE((*changes)[3].assignment_request().under_investigation());
  EXPECT_EQ((*changes)[3].assignment_request().state(),
            v1::AssignmentRequest::OPEN);
  EXPECT_EQ((*changes)[3].sequence(), 4);

  absl::StatusOr<std::vector<v1::AssignmentChange>> later =
      Changes(kProvider, 2);
  ASSERT_TRUE(later.ok());
  ASSERT_EQ(later->size(), 2u);
  EXPECT_EQ((*later)[0].sequence(), 3);

  // Only the iWmo service, for the provider itself (or on its own account).
  EXPECT_EQ(Changes(kOtherProvider).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Changes(kWeert).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Changes(kProvider, 0, /*from_another_role=*/false).status().code(),
            absl::StatusCode::kPermissionDenied);
}

// The products of one 315 are requested together; another request for the
// client waits until they are answered (TR374).
TEST_P(AssignmentChangesTest, ABatchOfRequestsIsOpenTogether) {
  absl::StatusOr<v1::AssignmentRequest> first = Ask("ref-1", "m-1");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(Ask("ref-2", "m-1").ok());
  absl::StatusOr<v1::AssignmentRequest> other = Ask("ref-3", "m-2");
  EXPECT_THAT(server::Violations(other.status()),
              ElementsAre(::testing::Property(&type::v1::RuleViolation::rule_id,
                                              "TR374")));
  EXPECT_EQ(Ask("ref-4", "").status().code(), absl::StatusCode::kAlreadyExists);
  // The first of the batch answered, the second still open: still TR374.
  ASSERT_TRUE(
      Answer(*first, [](auto& r) { r.set_rejection_reason("3"); }).ok());
  EXPECT_EQ(Ask("ref-5", "m-3").status().code(),
            absl::StatusCode::kAlreadyExists);
  // A caller from outside cannot name a batch.
  v1::RequestAssignmentRequest outside;
  outside.set_parent("municipalities/0988");
  outside.mutable_request()->set_provider_reference("ref-6");
  outside.mutable_request()->set_batch("m-1");
  *outside.mutable_request()->mutable_requested() = testing::WeertKdv();
  v1::AssignmentRequest refused;
  EXPECT_THAT(
      server::Violations(api_->RequestAssignment(kProvider, outside, &refused)),
      ElementsAre(
          ::testing::Property(&type::v1::RuleViolation::rule_id, "AS-BATCH")));
}

// A change request naming another provider's assignment learns nothing of
// it: it is no assignment of this provider (TR351), whoever's client.
TEST_P(AssignmentChangesTest, AnotherProvidersAssignmentStaysUnsaid) {
  v1::CreateAssignmentRequest create;
  create.set_parent("municipalities/0988");
  *create.mutable_assignment() = testing::WeertKdv();
  v1::Assignment theirs;
  ASSERT_TRUE(api_->CreateAssignment(kWeert, create, &theirs).ok());
  v1::RequestAssignmentRequest request;
  request.set_parent("municipalities/0988");
  request.mutable_request()->set_provider_reference("probe");
  request.mutable_request()->mutable_requested()->mutable_client()->set_bsn(
      "999993653");  // not the assignment's client
  v1::Alteration& alteration =
      *request.mutable_request()->mutable_change()->add_alterations();
  alteration.set_assignment(theirs.name());
  alteration.set_start_date("2024-05-01");
  alteration.set_end_date("2024-06-30");
  alteration.mutable_extent()->set_volume(5);
  alteration.mutable_extent()->set_unit(type::v1::UNIT_DAY_NIGHT);
  alteration.mutable_extent()->set_frequency(type::v1::FREQUENCY_TOTAL);
  v1::AssignmentRequest asked;
  std::vector<std::string> rules;
  for (const auto& v : server::Violations(
           api_->RequestAssignment(kOtherProvider, request, &asked))) {
    rules.push_back(v.rule_id());
  }
  EXPECT_THAT(rules, ElementsAre("TR351"));
}

// A request is investigated once, then granted: the assignment names the
// provider's reference, which its WMO301 carries back.
TEST_P(AssignmentChangesTest, AnInvestigatedRequestIsGrantedWithItsReference) {
  absl::StatusOr<v1::AssignmentRequest> asked = Ask("ref-1", "");
  ASSERT_TRUE(asked.ok()) << asked.status();
  auto investigate = [](auto& r) { r.set_investigate(true); };
  ASSERT_TRUE(Answer(*asked, investigate).ok());
  EXPECT_EQ(Answer(*asked, investigate).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Answer(*asked,
                   [](auto& r) {
                     r.set_investigate(true);
                     r.set_grant(true);
                   })
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<v1::AssignmentRequest> granted =
      Answer(*asked, [](auto& r) { r.set_grant(true); });
  ASSERT_TRUE(granted.ok()) << granted.status();
  EXPECT_EQ(granted->state(), v1::AssignmentRequest::GRANTED);
  v1::GetAssignmentRequest get;
  get.set_name(granted->assignment());
  v1::Assignment assignment;
  ASSERT_TRUE(api_->GetAssignment(kWeert, get, &assignment).ok());
  EXPECT_EQ(assignment.provider_reference(), "ref-1");
}

// A change request (iWmo 317) names every current assignment of the
// client at the provider, each its own and current; a change from a past
// day applies from the assignment's start. Granted, it creates nothing:
// the municipality makes the changes.
TEST_P(AssignmentChangesTest, AChangeRequestFitsTheClientsAssignments) {
  v1::CreateAssignmentRequest create;
  create.set_parent("municipalities/0988");
  *create.mutable_assignment() = testing::WeertKdv();
  v1::Assignment first, second;
  ASSERT_TRUE(api_->CreateAssignment(kWeert, create, &first).ok());
  create.mutable_assignment()->set_start_date("2024-07-01");
  create.mutable_assignment()->set_end_date("2024-12-31");
  ASSERT_TRUE(api_->CreateAssignment(kWeert, create, &second).ok());

  auto ask = [&](const std::function<void(v1::ChangeRequest&)>& edit) {
    v1::RequestAssignmentRequest request;
    request.set_parent("municipalities/0988");
    request.mutable_request()->set_provider_reference(
        absl::StrCat("chg-", ++asked_));
    request.mutable_request()->mutable_requested()->mutable_client()->set_bsn(
        "111222333");
    v1::ChangeRequest& change = *request.mutable_request()->mutable_change();
    change.add_unchanged(first.name());
    v1::Alteration& alteration = *change.add_alterations();
    alteration.set_assignment(second.name());
    alteration.set_start_date("2024-08-01");
    alteration.set_end_date("2024-12-31");
    alteration.mutable_extent()->set_volume(12);
    alteration.mutable_extent()->set_unit(type::v1::UNIT_DAY_NIGHT);
    alteration.mutable_extent()->set_frequency(type::v1::FREQUENCY_TOTAL);
    edit(change);
    v1::AssignmentRequest asked;
    absl::Status s = api_->RequestAssignment(kProvider, request, &asked);
    std::vector<std::string> rules;
    for (const auto& v : server::Violations(s)) rules.push_back(v.rule_id());
    return std::make_pair(s.ok() ? asked : v1::AssignmentRequest(), rules);
  };
  EXPECT_THAT(ask([](auto& c) { c.clear_unchanged(); }).second,
              ElementsAre("TR349"));
  EXPECT_THAT(ask([](auto& c) {
                c.set_unchanged(0,
                                "municipalities/0988/"
                                "assignments/999");
              }).second,
              ::testing::UnorderedElementsAre("TR350", "TR349"));
  EXPECT_THAT(ask([](auto& c) {
                c.mutable_alterations(0)->set_start_date("2024-04-01");
              }).second,
              ElementsAre("TR357"));
  EXPECT_THAT(
      ask([](auto& c) { c.mutable_alterations(0)->clear_extent(); }).second,
      ElementsAre("TR411"));
  EXPECT_THAT(ask([](auto& c) {
                c.clear_alterations();
                c.clear_unchanged();
              }).second,
              ::testing::IsSupersetOf({"TR352", "TR353"}));

  auto [asked, rules] = ask([](auto&) {});
  ASSERT_TRUE(rules.empty());
  EXPECT_TRUE(asked.has_change());
  // Another request for the client waits for this one (TR374).
  EXPECT_THAT(ask([](auto&) {}).second, ElementsAre("TR374"));
  absl::StatusOr<v1::AssignmentRequest> granted =
      Answer(asked, [](auto& r) { r.set_grant(true); });
  ASSERT_TRUE(granted.ok()) << granted.status();
  EXPECT_EQ(granted->state(), v1::AssignmentRequest::GRANTED);
  EXPECT_TRUE(granted->assignment().empty());
  // The provider is told: the client's WMO301 follows from this change.
  absl::StatusOr<std::vector<v1::AssignmentChange>> changes =
      Changes(kProvider);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_FALSE(changes->empty());
  EXPECT_EQ(changes->back().assignment_request().state(),
            v1::AssignmentRequest::GRANTED);
  EXPECT_TRUE(changes->back().assignment_request().has_change());
}

// CS336: change reason 01 is no longer used; a change gives another.
TEST_P(AssignmentChangesTest, ChangeReason01IsRefused) {
  v1::CreateAssignmentRequest create;
  create.set_parent("municipalities/0988");
  *create.mutable_assignment() = testing::WeertKdv();
  v1::Assignment created;
  ASSERT_TRUE(api_->CreateAssignment(kWeert, create, &created).ok());
  v1::UpdateAssignmentRequest update;
  update.mutable_assignment()->set_name(created.name());
  update.mutable_assignment()->set_change_reason("01");
  update.mutable_assignment()->set_end_date("2024-05-31");
  v1::Assignment updated;
  const absl::Status s = api_->UpdateAssignment(kWeert, update, &updated);
  std::vector<std::string> fields;
  for (const auto& v : server::Violations(s)) {
    fields.push_back(absl::StrCat(v.rule_id(), " ", v.field()));
  }
  EXPECT_THAT(fields, ElementsAre("AS-REASON assignment.change_reason"));
  update.mutable_assignment()->set_change_reason("05");
  EXPECT_TRUE(api_->UpdateAssignment(kWeert, update, &updated).ok());
}

// Name, gender and address as the WMO301 will carry them.
TEST_P(AssignmentChangesTest, ClientDetailsHaveTheFormsOfTheWmo301) {
  v1::CreateAssignmentRequest create;
  create.set_parent("municipalities/0988");
  *create.mutable_assignment() = testing::WeertKdv();
  v1::Client& client = *create.mutable_assignment()->mutable_client();
  client.mutable_name()->set_surname("Jansen");
  client.mutable_name()->set_initials("J.P.");
  client.set_gender("3");
  client.mutable_contact()->set_postcode("6041 AB");
  client.mutable_contact()->set_house_number(12);
  v1::Assignment out;
  absl::Status s = api_->CreateAssignment(kWeert, create, &out);
  std::vector<std::string> fields;
  for (const auto& v : server::Violations(s)) fields.push_back(v.field());
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre(
                          "client.name.initials", "client.gender",
                          "client.contact.postcode"));

  client.mutable_name()->set_initials("ÉJ");  // accented letters are letters
  client.set_gender("2");
  client.mutable_contact()->set_postcode("6041AB");
  s = api_->CreateAssignment(kWeert, create, &out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.client().name().surname(), "Jansen");
  EXPECT_EQ(out.client().contact().house_number(), 12);
}

}  // namespace
}  // namespace wmo::assignment
