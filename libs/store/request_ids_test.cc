#include "libs/store/request_ids.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/databases.h"

namespace wmo::store {
namespace {

using ::testing::HasSubstr;

constexpr Migration kMigrations[] = {
    {1, kRequestIdsTable},
    {2, "CREATE TABLE made (id TEXT PRIMARY KEY)"},
};

// CreateOnce on SQLite and on PostgreSQL: a create that inserts one row into
// `made` and names it.
class CreateOnceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    ASSERT_TRUE(Migrate(*db_, "test", kMigrations).ok());
  }

  // Runs one create of a new row under `request`; the name made or
  // replayed lands in `name`.
  absl::Status Create(const CreateRequest& request, std::string* name) {
    return db_->Transaction([&](Connection& c) {
      return CreateOnce(
          c, request,
          [&](Connection& c) -> absl::StatusOr<std::string> {
            const std::string id = absl::StrCat("r", next_.fetch_add(1));
            absl::Status s =
                c.Execute("INSERT INTO made (id) VALUES (?)", {id}).status();
            if (!s.ok()) return s;
            *name = "things/" + id;
            return *name;
          },
          [&](Connection&, const std::string& first) {
            *name = first;
            return absl::OkStatus();
          });
    });
  }

  int64_t Made() {
    auto rows = db_->Execute("SELECT COUNT(*) FROM made");
    return rows.ok() ? ResultSet::Int((*rows)[0], 0) : -1;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  std::atomic<int> next_{1};
};

INSTANTIATE_TEST_SUITE_P(Backends, CreateOnceTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

TEST_P(CreateOnceTest, RetryWithTheSameRequestReturnsTheFirstResult) {
  std::string first, again;
  ASSERT_TRUE(Create({"things", "req-1", "digest-a"}, &first).ok());
  ASSERT_TRUE(Create({"things", "req-1", "digest-a"}, &again).ok());
  EXPECT_EQ(again, first);
  EXPECT_EQ(Made(), 1);
}

TEST_P(CreateOnceTest, SameIdWithAnotherRequestIsAlreadyExistsNamingTheId) {
  std::string first, other;
  ASSERT_TRUE(Create({"things", "req-1", "digest-a"}, &first).ok());
  absl::Status s = Create({"things", "req-1", "digest-b"}, &other);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(s.message(), HasSubstr("request_id req-1"));
  EXPECT_EQ(Made(), 1);
}

TEST_P(CreateOnceTest, IdsAreScopedToTheirCollection) {
  std::string a, b;
  ASSERT_TRUE(Create({"things", "req-1", "digest-a"}, &a).ok());
  ASSERT_TRUE(Create({"others", "req-1", "digest-b"}, &b).ok());
  EXPECT_NE(a, b);
  EXPECT_EQ(Made(), 2);
}

TEST_P(CreateOnceTest, WithoutAnIdEveryCallCreates) {
  std::string a, b;
  ASSERT_TRUE(Create({"things", "", "digest-a"}, &a).ok());
  ASSERT_TRUE(Create({"things", "", "digest-a"}, &b).ok());
  EXPECT_NE(a, b);
  EXPECT_EQ(Made(), 2);
}

TEST_P(CreateOnceTest, IdRecordedWithoutDigestMatchesAnyRequest) {
  // What migrations carry over from before digests were kept.
  ASSERT_TRUE(db_->Execute("INSERT INTO create_requests (scope, request_id,"
                           " body_sha256, resource) VALUES (?, ?, ?, ?)",
                           {std::string("things"), std::string("old"),
                            std::string(""), std::string("things/r0")})
                  .ok());
  std::string name;
  ASSERT_TRUE(Create({"things", "old", "digest-a"}, &name).ok());
  EXPECT_EQ(name, "things/r0");
  EXPECT_EQ(Made(), 0);
}

TEST_P(CreateOnceTest, RacingRetriesCreateOnce) {
  constexpr int kThreads = 8;
  std::vector<std::string> names(kThreads);
  std::vector<absl::Status> results(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      results[t] = Create({"things", "req-race", "digest-a"}, &names[t]);
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_TRUE(results[t].ok()) << results[t];
    EXPECT_EQ(names[t], names[0]);
  }
  EXPECT_EQ(Made(), 1);
}

}  // namespace
}  // namespace wmo::store
