// What the assignment service knows of billed usage, without a server:
// AssignmentApi on a store of its own (SQLite and PostgreSQL) with the
// catalogs faked and the clock fixed.
#include <memory>
#include <string>

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
const auth::Principal kDeclarations{auth::PrincipalKind::kService, "",
                                    "in-process"};

class AssignmentUsageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    ASSERT_TRUE(
        store::Migrate(*db_, "assignment", AssignmentRepository::Migrations())
            .ok());
    api_ = std::make_unique<AssignmentApi>(*db_, catalogs_, [] {
      return absl::FromCivil(absl::CivilDay(2024, 4, 2), absl::UTCTimeZone());
    });
    v1::CreateAssignmentRequest request;
    request.set_parent("municipalities/0988");
    *request.mutable_assignment() = testing::WeertKdv();
    absl::Status s = api_->CreateAssignment(kWeert, request, &created_);
    ASSERT_TRUE(s.ok()) << s;
  }

  absl::StatusOr<v1::RecordAssignmentUsageResponse> Report(
      const auth::Principal& caller, const std::string& name, int lines,
      int64_t revision) {
    v1::RecordAssignmentUsageRequest request;
    v1::AssignmentUsage& usage = *request.add_usages();
    usage.set_assignment(name);
    usage.set_approved_lines(lines);
    usage.set_approved_volume(int64_t{lines} * 5);
    usage.set_approved_cents(int64_t{lines} * 5 * 16400);
    usage.set_revision(revision);
    v1::RecordAssignmentUsageResponse response;
    // As the declaration service's call arrives: from another role of this
    // system, which the server notes for the call.
    grpc::CallbackServerContext context;
    server::CallScope scope(context, caller,
                            caller.kind == auth::PrincipalKind::kService);
    absl::Status s = api_->RecordAssignmentUsage(caller, request, &response);
    if (!s.ok()) return s;
    return response;
  }

  v1::AssignmentUsage Usage() {
    v1::GetAssignmentUsageRequest request;
    request.set_name(created_.name());
    v1::AssignmentUsage usage;
    absl::Status s = api_->GetAssignmentUsage(kWeert, request, &usage);
    EXPECT_TRUE(s.ok()) << s;
    return usage;
  }

  absl::Status Delete() {
    v1::DeleteAssignmentRequest request;
    request.set_name(created_.name());
    v1::Assignment out;
    return api_->DeleteAssignment(kWeert, request, &out);
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  testing::FakeCatalogs catalogs_;
  std::unique_ptr<AssignmentApi> api_;
  v1::Assignment created_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AssignmentUsageTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

// Only the declaration service reports; the newest report counts, however
// late an older one arrives.
TEST_P(AssignmentUsageTest, TheNewestReportOfTheDeclarationServiceCounts) {
  EXPECT_EQ(Report(kWeert, created_.name(), 1, 1).status().code(),
            absl::StatusCode::kPermissionDenied);
  // A service token from outside is no service of this system.
  {
    v1::RecordAssignmentUsageRequest request;
    request.add_usages()->set_assignment(created_.name());
    request.mutable_usages(0)->set_revision(1);
    v1::RecordAssignmentUsageResponse response;
    EXPECT_EQ(
        api_->RecordAssignmentUsage(kDeclarations, request, &response).code(),
        absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(Report(kDeclarations, created_.name(), -1, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Usage().revision(), 0);
  ASSERT_TRUE(Report(kDeclarations, created_.name(), 2, 5).ok());
  ASSERT_TRUE(Report(kDeclarations, created_.name(), 1, 4).ok());  // late
  EXPECT_EQ(Usage().approved_lines(), 2);
  EXPECT_EQ(Usage().approved_cents(), 2 * 5 * 16400);
  EXPECT_EQ(Usage().revision(), 5);
}

// TR385 in the delete's own transaction, from the reported figures.
TEST_P(AssignmentUsageTest, TR385_ABilledAssignmentIsNotDeleted) {
  ASSERT_TRUE(Report(kDeclarations, created_.name(), 1, 1).ok());
  absl::Status refused = Delete();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_EQ(server::Violations(refused).size(), 1u);
  EXPECT_EQ(server::Violations(refused)[0].rule_id(), "TR385");
  ASSERT_TRUE(Report(kDeclarations, created_.name(), 0, 2).ok());  // credited
  EXPECT_TRUE(Delete().ok());
  // Lines approved while it was being deleted are kept, and named.
  auto late = Report(kDeclarations, created_.name(), 1, 3);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_THAT(late->unexpected(), ElementsAre(created_.name()));
  EXPECT_EQ(Usage().approved_lines(), 1);
  auto unknown =
      Report(kDeclarations, "municipalities/0988/assignments/99", 1, 1);
  ASSERT_TRUE(unknown.ok());
  EXPECT_THAT(unknown->unexpected(),
              ElementsAre("municipalities/0988/assignments/99"));
}

}  // namespace
}  // namespace wmo::assignment
