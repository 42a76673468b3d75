#include "libs/audit/audit.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/api.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"
#include "wmo/assignment/v1/assignment.pb.h"

namespace wmo::audit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using type::v1::AuditEntry;
using type::v1::ListAuditEntriesRequest;
using type::v1::ListAuditEntriesResponse;

auth::Principal Of(const char* kind, const char* tenant, const char* subject) {
  return *auth::MakePrincipal(kind, tenant, subject);
}

class AuditTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    const store::Migration migrations[] = {{1, kAuditTable}};
    ASSERT_TRUE(store::Migrate(*db_, "audit", migrations).ok());
  }

  void Add(const auth::Principal& who, const std::string& resource,
           absl::Time when) {
    ASSERT_TRUE(db_->Transaction([&](store::Connection& c) {
                     return Record(c, Entry(who, resource, "Op", when));
                   })
                    .ok());
  }

  absl::StatusOr<ListAuditEntriesResponse> ListAs(
      const auth::Principal& who, const std::string& parent,
      const std::string& start = "", const std::string& end = "",
      int page_size = 0, const std::string& token = "") {
    ListAuditEntriesRequest request;
    request.set_parent(parent);
    // Over REST a bound that is no RFC 3339 time is refused as the JSON
    // mapping reads it; here as the services read a column.
    if (!start.empty()) {
      auto time = server::ParseTimestamp(start, "start_time");
      if (!time.ok()) return time.status();
      *request.mutable_start_time() = *time;
    }
    if (!end.empty()) {
      auto time = server::ParseTimestamp(end, "end_time");
      if (!time.ok()) return time.status();
      *request.mutable_end_time() = *time;
    }
    request.set_page_size(page_size);
    request.set_page_token(token);
    ListAuditEntriesResponse response;
    absl::Status s = List(*db_, who, kPatterns, request, &response);
    if (!s.ok()) return s;
    return response;
  }

  static std::vector<std::string> Resources(const ListAuditEntriesResponse& r) {
    std::vector<std::string> out;
    for (const AuditEntry& e : r.entries()) out.push_back(e.resource());
    return out;
  }

  const std::vector<std::string> kPatterns = {"municipalities/*/assignments/*",
                                              "providers/*/declarations/*"};
  const auth::Principal x_ = Of("municipality", "0988", "consultant-1");
  const auth::Principal y_ = Of("municipality", "0363", "consultant-2");
  const auth::Principal p_ = Of("provider", "99990303", "portal");
  const auth::Principal operator_ = Of("operator", "", "ops");
  const absl::Time t0_ = absl::FromUnixSeconds(1709251200);  // 2024-03-01
  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
};

TEST_P(AuditTest, ATrailHoldsItsResourceAndWhatIsUnderItOldestFirst) {
  Add(x_, "municipalities/0988/assignments/2", t0_ + absl::Seconds(2));
  Add(x_, "municipalities/0988/assignments/1", t0_ + absl::Seconds(1));
  Add(x_, "municipalities/0988/assignments/10", t0_);
  Add(x_, "municipalities/0988/assignments/1/x", t0_ + absl::Seconds(3));
  Add(x_, "municipalities/0988/assignments", t0_ + absl::Seconds(4));
  auto one = ListAs(x_, "municipalities/0988/assignments/1");
  ASSERT_TRUE(one.ok()) << one.status();
  // Not "…/10": a trail is its resource and the names under it.
  EXPECT_THAT(Resources(*one),
              ElementsAre("municipalities/0988/assignments/1",
                          "municipalities/0988/assignments/1/x"));
  auto all = ListAs(x_, "municipalities/0988/assignments/-");
  ASSERT_TRUE(all.ok()) << all.status();
  // The collection's own entries (a search) too, and the reading of the
  // trail of assignment 1 just now.
  ASSERT_EQ(Resources(*all).size(), 6u);
  EXPECT_EQ(all->entries(4).resource(), "municipalities/0988/assignments");
  EXPECT_EQ(all->entries(5).resource(), "municipalities/0988/assignments/1");
  EXPECT_EQ(all->entries(5).operation(), "ListAuditEntries");
  EXPECT_EQ(all->entries(0).resource(), "municipalities/0988/assignments/10");
  EXPECT_EQ(all->entries(0).actor(),
            "municipality 0988 (subject consultant-1)");
  EXPECT_EQ(server::TimeText(all->entries(0).time()), "2024-03-01T00:00:00Z");
}

TEST_P(AuditTest, TenantsReadTheirOwnTrailOnly) {
  Add(x_, "municipalities/0988/assignments/1", t0_);
  Add(y_, "municipalities/0363/assignments/1", t0_);
  auto own = ListAs(y_, "municipalities/0363/assignments/-");
  ASSERT_TRUE(own.ok());
  EXPECT_THAT(Resources(*own),
              ElementsAre("municipalities/0363/assignments/1"));
  for (const auto& [who, parent] :
       std::vector<std::pair<auth::Principal, std::string>>{
           {y_, "municipalities/0988/assignments/1"},
           {y_, "municipalities/-/assignments/-"},
           {p_, "municipalities/0988/assignments/1"},
           {x_, "providers/99990303/declarations/-"}}) {
    auto refused = ListAs(who, parent);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied)
        << auth::Describe(who) << " " << parent;
  }
  // A name that is not a trail at all.
  EXPECT_EQ(ListAs(x_, "municipalities/0988").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(AuditTest, AnOperatorExportsAPeriodOfEveryTenantWithoutTheValues) {
  assignment::v1::Assignment before, after;
  after.mutable_client()->set_bsn("999993653");
  after.set_end_date("2024-12-31");
  ASSERT_TRUE(db_->Transaction([&](store::Connection& c) {
                   AuditEntry e =
                       Change(x_, "municipalities/0988/assignments/1",
                              "CreateAssignment", before, after);
                   e.mutable_time()->set_seconds(1709251200);
                   return Record(c, e);
                 })
                  .ok());
  Add(y_, "municipalities/0363/assignments/1", t0_ + absl::Hours(24));
  Add(y_, "municipalities/0363/assignments/2", t0_ + absl::Hours(48));
  auto own = ListAs(x_, "municipalities/0988/assignments/1");
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->entries(0).changes_size(), 2);
  EXPECT_EQ(own->entries(0).changes(0).field(), "client");
  EXPECT_THAT(own->entries(0).changes(0).new_value(), HasSubstr("999993653"));

  auto all = ListAs(operator_, "municipalities/-/assignments/-",
                    "2024-03-01T00:00:00Z", "2024-03-03T00:00:00Z");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Resources(*all),
              ElementsAre("municipalities/0988/assignments/1",
                          "municipalities/0363/assignments/1"));
  ASSERT_EQ(all->entries(0).changes_size(), 2);
  EXPECT_EQ(all->entries(0).changes(0).field(), "client");
  EXPECT_EQ(all->entries(0).changes(0).new_value(), "");
  EXPECT_EQ(all->entries(0).changes(1).old_value(), "");

  EXPECT_EQ(ListAs(operator_, "municipalities/-/assignments/-", "yesterday")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(AuditTest, PagesFollowEachOther) {
  for (int i = 0; i < 5; ++i) {
    Add(p_, absl::StrCat("providers/99990303/declarations/D", i),
        t0_ + absl::Seconds(i));
  }
  // As the operator, whose reading adds nothing to the trail.
  std::vector<std::string> seen;
  std::string token;
  do {
    auto page = ListAs(operator_, "providers/99990303/declarations/-", "", "",
                       2, token);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->entries_size(), 2);
    for (const auto& name : Resources(*page)) seen.push_back(name);
    token = page->next_page_token();
  } while (!token.empty());
  EXPECT_THAT(seen, ElementsAre("providers/99990303/declarations/D0",
                                "providers/99990303/declarations/D1",
                                "providers/99990303/declarations/D2",
                                "providers/99990303/declarations/D3",
                                "providers/99990303/declarations/D4"));
}

TEST_P(AuditTest, NamesAreMatchedLiterallyAndTenantsExactly) {
  // LIKE's own characters in an id match only themselves.
  Add(p_, "providers/99990303/declarations/A_1", t0_);
  Add(p_, "providers/99990303/declarations/AB1", t0_);
  Add(p_, "providers/99990303/declarations/A%1", t0_);
  Add(p_, "providers/99990303/declarations/A\\1", t0_);
  Add(p_, "providers/99990303/declarations/a_1", t0_);
  for (const std::string id : {"A_1", "A%1", "A\\1"}) {
    auto one = ListAs(operator_, "providers/99990303/declarations/" + id);
    ASSERT_TRUE(one.ok()) << one.status();
    EXPECT_THAT(Resources(*one),
                ElementsAre("providers/99990303/declarations/" + id));
  }
  // A tenant reads its own code exactly, no other provider's.
  Add(Of("provider", "99990304", "portal"),
      "providers/99990304/declarations/A_1", t0_);
  auto theirs = ListAs(operator_, "providers/99990304/declarations/-");
  ASSERT_TRUE(theirs.ok());
  EXPECT_THAT(Resources(*theirs),
              ElementsAre("providers/99990304/declarations/A_1"));
}

TEST_P(AuditTest, ReadingATenantsTrailIsInItOperatorsReadingIsNot) {
  Add(x_, "municipalities/0988/assignments/1", t0_);
  ASSERT_TRUE(ListAs(operator_, "municipalities/0988/assignments/1").ok());
  ASSERT_TRUE(ListAs(x_, "municipalities/0988/assignments/1").ok());
  auto again = ListAs(x_, "municipalities/0988/assignments/1");
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->entries_size(), 2);
  EXPECT_EQ(again->entries(1).operation(), "ListAuditEntries");
  EXPECT_EQ(again->entries(1).actor(),
            "municipality 0988 (subject consultant-1)");
}

TEST(AuditDiffTest, NamesTheChangedFieldsWithoutTheBookkeeping) {
  assignment::v1::Assignment before, after;
  before.set_end_date("2024-06-30");
  before.set_revision(1);
  after = before;
  after.set_end_date("2024-12-31");
  after.set_revision(2);
  auto changes = Diff(before, after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].field(), "end_date");
  EXPECT_EQ(changes[0].old_value(), "\"2024-06-30\"");
  EXPECT_EQ(changes[0].new_value(), "\"2024-12-31\"");
  // A create: what was unset is "", not the text of a default.
  auto created = Diff(assignment::v1::Assignment(), after);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].old_value(), "");
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wmo::audit
