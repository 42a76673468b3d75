// The assignment store's migrations on data kept before them, on SQLite and
// PostgreSQL.
#include "services/assignment/assignment_repository.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"
#include "services/assignment/number_blocks.h"
#include "wmo/type/v1/audit.pb.h"

namespace wmo::assignment {
namespace {

using Repo = AssignmentRepository;

class AssignmentRepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
};

// A request kept under the provider's name, its times as text, before
// migrations 9 and 10 is named (and so is its trail)
// under its municipality after it, found by the lists and still the
// same request.
TEST_P(AssignmentRepositoryTest, OldRequestsAreNamedUnderTheirMunicipality) {
  const auto all = Repo::Migrations();
  ASSERT_EQ(all[8].version, 9);
  ASSERT_TRUE(store::Migrate(*db_, "assignment", all.subspan(0, 8)).ok());
  v1::AssignmentRequest old;
  old.set_name("providers/99990303/assignmentRequests/00000000000000aa");
  old.set_provider_reference("ref-1");
  old.mutable_requested()->set_municipality("0988");
  old.mutable_requested()->set_provider_agb("99990303");
  old.mutable_requested()->mutable_client()->set_bsn("999993653");
  old.set_state(v1::AssignmentRequest::OPEN);
  // Its create_time as the text it was (field 8, now reserved).
  old.GetReflection()->MutableUnknownFields(&old)->AddLengthDelimited(
      8, "2024-03-01T09:00:00Z");
  ASSERT_TRUE(
      db_->Execute("INSERT INTO assignment_requests (id, provider_agb,"
                   " provider_reference, client_bsn, state, body)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   {std::string("00000000000000aa"), std::string("99990303"),
                    std::string("ref-1"), std::string("999993653"), int64_t{1},
                    store::Blob{old.SerializeAsString()}})
          .ok());
  // Its trail: the request under the provider's name, the answer under
  // both names.
  auto audit = [&](const std::string& owner, const std::string& resource,
                   const std::string& id, const std::string& operation) {
    type::v1::AuditEntry e;
    e.set_resource(resource);
    e.set_operation(operation);
    return db_->Execute(
        "INSERT INTO audit_log (owner, resource, time, id, body)"
        " VALUES (?, ?, '2024-03-01T09:00:00.000000Z', ?, ?)",
        {owner, resource, id, store::Blob{e.SerializeAsString()}});
  };
  ASSERT_TRUE(
      audit("providers/99990303", old.name(), "a1", "RequestAssignment").ok());
  ASSERT_TRUE(
      audit("providers/99990303", old.name(), "a2", "AnswerAssignmentRequest")
          .ok());
  ASSERT_TRUE(audit("municipalities/0988",
                    "municipalities/0988/assignmentRequests/00000000000000aa",
                    "a3", "AnswerAssignmentRequest")
                  .ok());
  ASSERT_TRUE(store::Migrate(*db_, "assignment", all).ok());
  auto trail =
      db_->Execute("SELECT owner, resource, body FROM audit_log ORDER BY id");
  ASSERT_TRUE(trail.ok());
  std::vector<std::string> operations;
  for (const auto& row : *trail) {
    type::v1::AuditEntry e;
    ASSERT_TRUE(e.ParseFromString(store::ResultSet::Text(row, 2)));
    EXPECT_EQ(store::ResultSet::Text(row, 0), "municipalities/0988");
    EXPECT_EQ(store::ResultSet::Text(row, 1),
              "municipalities/0988/assignmentRequests/00000000000000aa");
    EXPECT_EQ(e.resource(), store::ResultSet::Text(row, 1));
    operations.push_back(e.operation());
  }
  EXPECT_EQ(operations, (std::vector<std::string>{"RequestAssignment",
                                                  "AnswerAssignmentRequest"}));

  v1::AssignmentRequest renamed;
  std::vector<v1::AssignmentRequest> by_municipality, by_provider;
  ASSERT_TRUE(db_->Transaction([&](store::Connection& c) -> absl::Status {
                   auto got = Repo::GetRequest(c, "00000000000000aa");
                   if (!got.ok()) return got.status();
                   renamed = *got;
                   auto m = Repo::ListRequests(c, {"0988", "", 1}, "", 10);
                   auto p = Repo::ListRequests(c, {"", "99990303", 0}, "", 10);
                   if (!m.ok()) return m.status();
                   if (!p.ok()) return p.status();
                   by_municipality = *m;
                   by_provider = *p;
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(renamed.name(),
            "municipalities/0988/assignmentRequests/00000000000000aa");
  EXPECT_EQ(renamed.provider_reference(), "ref-1");
  EXPECT_EQ(renamed.create_time().seconds(), 1709283600);
  EXPECT_TRUE(renamed.GetReflection()->GetUnknownFields(renamed).empty());
  ASSERT_EQ(by_municipality.size(), 1u);
  EXPECT_EQ(by_municipality[0].name(), renamed.name());
  ASSERT_EQ(by_provider.size(), 1u);
  EXPECT_EQ(Repo::RequestKey(renamed), "2024-03-01T09:00:00Z/00000000000000aa");
}

// New assignments' numbers: dense within a process, disjoint between
// processes (each reserves blocks), a number given back comes first, and a
// number taken by hand is not reserved again.
TEST_P(AssignmentRepositoryTest, NumberBlocksAreDenseDisjointAndSkipTakenOnes) {
  ASSERT_TRUE(store::Migrate(*db_, "assignment", Repo::Migrations()).ok());
  NumberBlocks one(*db_, 4), other(*db_, 4);
  EXPECT_EQ(*one.Take("0988"), 1);
  EXPECT_EQ(*one.Take("0988"), 2);
  EXPECT_EQ(*other.Take("0988"), 5);  // The next block.
  EXPECT_EQ(*one.Take("0935"), 1);    // Each municipality counts its own.
  one.GiveBack("0988", 2);
  EXPECT_EQ(*one.Take("0988"), 2);
  EXPECT_EQ(*one.Take("0988"), 3);
  EXPECT_EQ(*one.Take("0988"), 4);
  // An import took 9, the first of the next block: it starts after it.
  v1::Assignment imported;
  imported.set_municipality("0988");
  imported.set_number("9");
  imported.mutable_client()->set_bsn("999993653");
  imported.set_provider_agb("99990303");
  imported.set_product("kdv");
  imported.set_start_date("2026-01-01");
  imported.set_revision(1);
  ASSERT_TRUE(db_->Transaction([&](store::Connection& c) {
                   return Repo::Insert(c, imported);
                 })
                  .ok());
  EXPECT_EQ(*one.Take("0988"), 10);
}

INSTANTIATE_TEST_SUITE_P(Backends, AssignmentRepositoryTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wmo::assignment
