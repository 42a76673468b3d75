#include "libs/store/store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/store/instrumented.h"
#include "libs/testing/databases.h"
#include "prometheus/registry.h"

namespace wmo::store {
namespace {

constexpr Migration kMigrations[] = {
    {1,
     "CREATE TABLE item (id TEXT PRIMARY KEY, n BIGINT NOT NULL,"
     " payload BYTEA)"},
    {2,
     "CREATE TABLE counter (id TEXT PRIMARY KEY, n BIGINT NOT NULL);"
     "INSERT INTO counter (id, n) VALUES ('c', 0);"
     "CREATE TABLE shared_locks (key TEXT PRIMARY KEY)"},
};

// Every test runs on SQLite and on PostgreSQL.
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    ASSERT_TRUE(Migrate(*db_, "test", kMigrations).ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

TEST_P(StoreTest, RoundTripsEveryValueType) {
  const std::string bytes("a\0b", 3);
  ASSERT_TRUE(db_->Execute("INSERT INTO item (id, n, payload) VALUES (?, ?, ?)",
                           {std::string("x"), int64_t{42}, Blob{bytes}})
                  .ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO item (id, n, payload) VALUES (?, ?, ?)",
                           {std::string("y"), int64_t{-1}, std::monostate{}})
                  .ok());
  auto rows = db_->Execute("SELECT id, n, payload FROM item ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(ResultSet::Text((*rows)[0], 0), "x");
  EXPECT_EQ(ResultSet::Int((*rows)[0], 1), 42);
  EXPECT_EQ(ResultSet::Text((*rows)[0], 2), bytes);
  EXPECT_TRUE(ResultSet::IsNull((*rows)[1], 2));
}

TEST_P(StoreTest, CopiedRowsKeepEveryValue) {
  // What delimits COPY's text format (tabs, newlines, backslashes) and what
  // it spells specially (NULL, "\\N" as text, bytea) all arrive as given.
  const std::string bytes("\0\\\t\n\xff", 5);
  const std::vector<std::vector<Value>> rows = {
      {std::string("a\tb\nc\\d\re"), int64_t{-7}, Blob{bytes}},
      {std::string("\\N"), int64_t{0}, std::monostate{}},
  };
  // And enough rows for several pieces on the wire.
  std::vector<std::vector<Value>> all = rows;
  for (int i = 0; i < 30000; ++i) {
    all.push_back(
        {absl::StrCat("k", i), int64_t{i}, Blob{std::string(16, 'x')}});
  }
  constexpr absl::string_view kColumns[] = {"id", "n", "payload"};
  ASSERT_TRUE(db_->Transaction([&](Connection& c) {
                   return c.CopyRows("item", kColumns, all);
                 })
                  .ok());
  auto read = db_->Execute("SELECT id, n, payload FROM item WHERE id = ?",
                           {std::string("a\tb\nc\\d\re")});
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ(ResultSet::Int((*read)[0], 1), -7);
  EXPECT_EQ(ResultSet::Text((*read)[0], 2), bytes);
  read = db_->Execute("SELECT n, payload FROM item WHERE id = ?",
                      {std::string("\\N")});
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_TRUE(ResultSet::IsNull((*read)[0], 1));
  read = db_->Execute("SELECT COUNT(*) FROM item");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(ResultSet::Int((*read)[0], 0), 30002);
}

TEST_P(StoreTest, CopiedRowsWithATakenKeyChangeNothing) {
  ASSERT_TRUE(
      db_->Execute("INSERT INTO item (id, n) VALUES ('taken', 1)").ok());
  constexpr absl::string_view kColumns[] = {"id", "n"};
  absl::Status s = db_->Transaction([&](Connection& c) {
    return c.CopyRows(
        "item", kColumns,
        {{std::string("new"), int64_t{2}}, {std::string("taken"), int64_t{3}}});
  });
  EXPECT_FALSE(s.ok());
  auto rows = db_->Execute("SELECT id, n FROM item ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(ResultSet::Int((*rows)[0], 1), 1);
  // The connection takes the next statement.
  EXPECT_TRUE(db_->Transaction([&](Connection& c) {
                   return c.CopyRows("item", kColumns,
                                     {{std::string("new"), int64_t{2}}});
                 })
                  .ok());
}

TEST_P(StoreTest, FailedTransactionChangesNothing) {
  absl::Status s = db_->Transaction([](Connection& c) -> absl::Status {
    auto r = c.Execute("INSERT INTO item (id, n) VALUES (?, ?)",
                       {std::string("x"), int64_t{1}});
    if (!r.ok()) return r.status();
    return absl::FailedPreconditionError("refused");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  auto rows = db_->Execute("SELECT COUNT(*) FROM item");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(ResultSet::Int((*rows)[0], 0), 0);
}

TEST_P(StoreTest, ReadTransactionsSeeCommittedDataAndCanRepeat) {
  ASSERT_TRUE(db_->Execute("INSERT INTO item (id, n) VALUES ('x', 7)").ok());
  for (int i = 0; i < 3; ++i) {
    int64_t n = 0;
    absl::Status s = db_->ReadTransaction([&](Connection& c) -> absl::Status {
      auto rows = c.Execute("SELECT n FROM item WHERE id = 'x'");
      if (!rows.ok()) return rows.status();
      n = ResultSet::Int((*rows)[0], 0);
      return absl::NotFoundError("a refusal inside a read changes nothing");
    });
    EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
    EXPECT_EQ(n, 7);
  }
}

TEST_P(StoreTest, AbortedFromTheBodyIsNotRerun) {
  int runs = 0;
  absl::Status s = db_->Transaction([&](Connection&) -> absl::Status {
    ++runs;
    return absl::AbortedError("stale etag");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(runs, 1);
}

TEST_P(StoreTest, DuplicateKeyIsAlreadyExists) {
  ASSERT_TRUE(db_->Execute("INSERT INTO item (id, n) VALUES ('x', 1)").ok());
  auto again = db_->Execute("INSERT INTO item (id, n) VALUES ('x', 2)");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(StoreTest, QueryInChunksFindsEveryKeyOnceAcrossChunks) {
  // 600 rows, 300 keys asked (more than one chunk), 100 of them absent.
  absl::Status filled = db_->Transaction([](Connection& c) -> absl::Status {
    for (int i = 0; i < 600; ++i) {
      auto row = c.Execute("INSERT INTO item (id, n) VALUES (?, ?)",
                           {absl::StrCat("k", i), int64_t{i}});
      if (!row.ok()) return row.status();
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(filled.ok()) << filled;
  std::set<std::string> keys;
  for (int i = 400; i < 700; ++i) keys.insert(absl::StrCat("k", i));
  std::multiset<int64_t> found;
  absl::Status s = db_->ReadTransaction([&](Connection& c) {
    return QueryInChunks(c, "SELECT n FROM item WHERE n >= ? AND id",
                         {int64_t{0}}, keys, [&](const ResultSet& rows) {
                           for (const auto& row : rows) {
                             found.insert(ResultSet::Int(row, 0));
                           }
                           return absl::OkStatus();
                         });
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(found.size(), 200u);
  EXPECT_EQ(std::set<int64_t>(found.begin(), found.end()).size(), 200u);
  EXPECT_EQ(*found.begin(), 400);
  EXPECT_EQ(*found.rbegin(), 599);
}

TEST_P(StoreTest, LookUpsByManyKeysUseTheIndexBeforeAnyAnalyze) {
  // A table filled moments ago has no statistics: the planner would read
  // all of it for each chunk of keys.
  if (GetParam() == "sqlite") GTEST_SKIP() << "SQLite plans by its indexes";
  std::vector<std::vector<Value>> rows;
  rows.reserve(50000);
  for (int i = 0; i < 50000; ++i) {
    rows.push_back({absl::StrCat("k", i), int64_t{i}});
  }
  constexpr absl::string_view kColumns[] = {"id", "n"};
  ASSERT_TRUE(db_->Transaction([&](Connection& c) {
                   return c.CopyRows("item", kColumns, rows);
                 })
                  .ok());
  std::set<std::string> keys;
  for (int i = 0; i < 256; ++i) keys.insert(absl::StrCat("k", i * 97));
  std::string plan;
  absl::Status s = db_->ReadTransaction([&](Connection& c) {
    return QueryInChunks(c, "EXPLAIN SELECT n FROM item WHERE n >= ? AND id",
                         {int64_t{0}}, keys, [&](const ResultSet& rows) {
                           for (const auto& row : rows) {
                             absl::StrAppend(&plan, ResultSet::Text(row, 0),
                                             "\n");
                           }
                           return absl::OkStatus();
                         });
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_THAT(plan, ::testing::HasSubstr("Index Scan using item_pkey"));
  EXPECT_THAT(plan, ::testing::Not(::testing::HasSubstr("Seq Scan")));
}

// Many rows in few statements: 250 inserted in five (100, 100, 32, 16, 2),
// then a row-value match deletes those given with their exact n.
TEST_P(StoreTest, ExecuteRowsWritesAndMatchesRowsInChunks) {
  std::vector<std::vector<Value>> rows;
  rows.reserve(250);
  for (int i = 0; i < 250; ++i) {
    rows.push_back({absl::StrCat("k", i), int64_t{i}});
  }
  absl::Status s = db_->Transaction([&](Connection& c) {
    return ExecuteRows(c, "INSERT INTO item (id, n) VALUES ", "(?, ?)", rows,
                       "");
  });
  ASSERT_TRUE(s.ok()) << s;
  // k0..k149 with their own n, k150..k199 with another: only the first go.
  std::vector<std::vector<Value>> gone;
  gone.reserve(200);
  for (int i = 0; i < 200; ++i) {
    gone.push_back({absl::StrCat("k", i), int64_t{i < 150 ? i : i + 1}});
  }
  s = db_->Transaction([&](Connection& c) {
    return ExecuteRows(c, "DELETE FROM item WHERE (id, n) IN (VALUES ",
                       "(?, CAST(? AS BIGINT))", gone, ")");
  });
  ASSERT_TRUE(s.ok()) << s;
  auto left = db_->Execute("SELECT COUNT(*), MIN(n) FROM item");
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(ResultSet::Int((*left)[0], 0), 100);
  EXPECT_EQ(ResultSet::Int((*left)[0], 1), 150);
}

// What each multi-row statement returns reaches the caller, on both
// stores.
TEST_P(StoreTest, ExecuteRowsHandsOnWhatEachStatementReturns) {
  std::vector<std::vector<Value>> rows;
  rows.reserve(150);
  for (int i = 0; i < 150; ++i) rows.push_back({absl::StrCat("r", i)});
  int64_t returned = 0, sum = 0;
  absl::Status s = db_->Transaction([&](Connection& c) {
    return ExecuteRows(c, "INSERT INTO item (id, n) VALUES ", "(?, 7)", rows,
                       " RETURNING n", [&](const ResultSet& result) {
                         for (const auto& row : result) {
                           ++returned;
                           sum += ResultSet::Int(row, 0);
                         }
                         return absl::OkStatus();
                       });
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(returned, 150);
  EXPECT_EQ(sum, 150 * 7);
}

// The statements a call of ExecuteRows sends, by their row counts.
class CountingConnection final : public Connection {
 public:
  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    absl::Span<const Value>) override {
    int tuples = 0;
    for (size_t at = sql.find("(?)"); at != absl::string_view::npos;
         at = sql.find("(?)", at + 1)) {
      ++tuples;
    }
    statement_rows.push_back(tuples);
    return ResultSet{};
  }
  absl::Status ExecuteScript(absl::string_view) override {
    return absl::OkStatus();
  }
  absl::string_view backend() const override { return "counting"; }
  std::vector<int> statement_rows;
};

// Full statements, then the rest in powers of two: few statement shapes,
// each prepared once, whatever the number of rows.
TEST(ExecuteRowsTest, SendsTheRestInPowersOfTwo) {
  CountingConnection c;
  std::vector<std::vector<Value>> rows(237, {Value{int64_t{1}}});
  ASSERT_TRUE(
      ExecuteRows(c, "INSERT INTO t (n) VALUES ", "(?)", rows, "").ok());
  EXPECT_THAT(c.statement_rows, ::testing::ElementsAre(100, 100, 32, 4, 1));
}

TEST_P(StoreTest, MigrationsApplyOnce) {
  ASSERT_TRUE(Migrate(*db_, "test", kMigrations).ok());
  auto rows = db_->Execute("SELECT COUNT(*) FROM counter");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(ResultSet::Int((*rows)[0], 0), 1);
}

TEST_P(StoreTest, BrokenMigrationNamesServiceAndVersion) {
  constexpr Migration kBroken[] = {{3, "CREATE TABLE oops ("}};
  absl::Status s = Migrate(*db_, "test", kBroken);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::HasSubstr("test v3"));
}

// A migration's code runs after its SQL, once; when it fails, nothing of
// the step stays and the step is not recorded.
absl::Status DoubleTheCounter(Connection& c) {
  return c.Execute("UPDATE counter SET n = n * 2").status();
}
absl::Status RefuseTheData(Connection& c) {
  if (absl::Status s = DoubleTheCounter(c); !s.ok()) return s;
  return absl::FailedPreconditionError("a stored row cannot be read");
}

TEST_P(StoreTest, MigrationCodeRunsOnceInTheStepsTransaction) {
  ASSERT_TRUE(Migrate(*db_, "test", kMigrations).ok());
  ASSERT_TRUE(db_->Execute("UPDATE counter SET n = 21").ok());
  constexpr Migration kRefused[] = {{7, "", RefuseTheData}};
  absl::Status refused = Migrate(*db_, "test", kRefused);
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("test v7"));
  constexpr Migration kCode[] = {{7, "", DoubleTheCounter}};
  ASSERT_TRUE(Migrate(*db_, "test", kCode).ok());
  ASSERT_TRUE(Migrate(*db_, "test", kCode).ok());
  auto rows = db_->Execute("SELECT n FROM counter");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(ResultSet::Int((*rows)[0], 0), 42);
}

TEST_P(StoreTest, ConcurrentTransactionsAreSerializable) {
  constexpr int kThreads = 8, kIncrements = 25;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        absl::Status s = db_->Transaction([](Connection& c) -> absl::Status {
          auto r = c.Execute("SELECT n FROM counter WHERE id = 'c'");
          if (!r.ok()) return r.status();
          return c
              .Execute("UPDATE counter SET n = ? WHERE id = 'c'",
                       {ResultSet::Int((*r)[0], 0) + 1})
              .status();
        });
        EXPECT_TRUE(s.ok()) << s;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto rows = db_->Execute("SELECT n FROM counter");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(ResultSet::Int((*rows)[0], 0), kThreads * kIncrements);
}

TEST_P(StoreTest, SerialTransactionsOfOneKeyTakeTurnsWithoutReruns) {
  std::atomic<int> reruns{0};
  db_->OnRerun([&reruns] { ++reruns; });
  constexpr int kThreads = 8, kIncrements = 10;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        absl::Status s = db_->SerialTransaction(
            "the counter", [](Connection& c) -> absl::Status {
              auto r = c.Execute("SELECT n FROM counter WHERE id = 'c'");
              if (!r.ok()) return r.status();
              return c
                  .Execute("UPDATE counter SET n = ? WHERE id = 'c'",
                           {ResultSet::Int((*r)[0], 0) + 1})
                  .status();
            });
        EXPECT_TRUE(s.ok()) << s;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto rows = db_->Execute("SELECT n FROM counter");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(ResultSet::Int((*rows)[0], 0), kThreads * kIncrements);
  EXPECT_EQ(reruns.load(), 0);
}

TEST_P(StoreTest, SerialTransactionsOfOtherKeysShareWhatTheyLock) {
  // Eight writers, each under a key of its own, all adding to one counter
  // they lock first, and to one of their own they do not: no update is
  // lost, and none of them is rerun.
  std::atomic<int> reruns{0};
  db_->OnRerun([&reruns] { ++reruns; });
  constexpr int kThreads = 8, kIncrements = 10;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string own = absl::StrCat("own ", t);
      for (int i = 0; i < kIncrements; ++i) {
        absl::Status s = db_->SerialTransaction(
            absl::StrCat("writer ", t), [&](Connection& c) -> absl::Status {
              // Keys the others lock too, besides the counter's.
              if (absl::Status s = c.LockKeys(
                      "shared_locks", {"a", "c", absl::StrCat("z", t % 3)});
                  !s.ok()) {
                return s;
              }
              auto r = c.Execute("SELECT n FROM counter WHERE id = 'c'");
              if (!r.ok()) return r.status();
              if (auto u = c.Execute("UPDATE counter SET n = ? WHERE id = 'c'",
                                     {ResultSet::Int((*r)[0], 0) + 1});
                  !u.ok()) {
                return u.status();
              }
              return c
                  .Execute(
                      "INSERT INTO item (id, n) VALUES (?, 1) ON CONFLICT (id)"
                      " DO UPDATE SET n = item.n + 1",
                      {own})
                  .status();
            });
        EXPECT_TRUE(s.ok()) << s;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto rows = db_->Execute("SELECT n FROM counter");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(ResultSet::Int((*rows)[0], 0), kThreads * kIncrements);
  rows = db_->Execute("SELECT COUNT(*), CAST(SUM(n) AS BIGINT) FROM item");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(ResultSet::Int((*rows)[0], 0), kThreads);
  EXPECT_EQ(ResultSet::Int((*rows)[0], 1), kThreads * kIncrements);
  EXPECT_EQ(reruns.load(), 0);
}

TEST_P(StoreTest, SerialTransactionsOfOtherKeysRunSideBySide) {
  // A writer holding its key and a locked row waits inside its transaction
  // until a writer under another key, locking another row, has committed:
  // were they serialized, the second would never finish.
  if (GetParam() == "sqlite") GTEST_SKIP() << "SQLite has one writer";
  std::promise<void> first_holds, second_done;
  std::future<void> held = first_holds.get_future();
  std::future<void> done = second_done.get_future();
  std::thread first([&] {
    absl::Status s =
        db_->SerialTransaction("first", [&](Connection& c) -> absl::Status {
          if (absl::Status s = c.LockKeys("shared_locks", {"x"}); !s.ok()) {
            return s;
          }
          first_holds.set_value();
          if (done.wait_for(std::chrono::seconds(20)) !=
              std::future_status::ready) {
            return absl::DeadlineExceededError("the second writer waited");
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
  });
  EXPECT_EQ(held.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  absl::Status s =
      db_->SerialTransaction("second", [&](Connection& c) -> absl::Status {
        if (absl::Status s = c.LockKeys("shared_locks", {"y"}); !s.ok()) {
          return s;
        }
        return c.Execute("UPDATE counter SET n = n + 1").status();
      });
  EXPECT_TRUE(s.ok()) << s;
  second_done.set_value();
  first.join();
}

TEST_P(StoreTest, MigrationRacesBetweenReplicasApplyOnce) {
  // Several "replicas" migrating the same fresh service at once.
  constexpr Migration kFresh[] = {
      {1, "CREATE TABLE fresh (id TEXT PRIMARY KEY)"},
      {2, "INSERT INTO fresh (id) VALUES ('only-once')"}};
  constexpr int kReplicas = 4;
  std::vector<std::thread> threads;
  threads.reserve(kReplicas);
  std::atomic<int> failures{0};
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&] {
      if (!Migrate(*db_, "fresh", kFresh).ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  auto rows = db_->Execute("SELECT COUNT(*) FROM fresh");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(ResultSet::Int((*rows)[0], 0), 1);
}

TEST_P(StoreTest, SyntaxErrorIsInternalNotACrash) {
  auto r = db_->Execute("SELEKT 1");
  EXPECT_FALSE(r.ok());
}

TEST_P(StoreTest, InstrumentedStoreCountsStoreErrorsOnly) {
  prometheus::Registry registry;
  auto db = Instrument(std::move(db_), registry, "test");
  EXPECT_FALSE(db->Execute("SELECT * FROM no_such_table").ok());
  absl::Status refused = db->Transaction([](Connection& c) -> absl::Status {
    return absl::FailedPreconditionError("a business refusal");
  });
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  const auto families = registry.Collect();
  auto errors = std::find_if(
      families.begin(), families.end(),
      [](const auto& f) { return f.name == "wmo_store_errors_total"; });
  ASSERT_NE(errors, families.end());
  EXPECT_EQ(errors->metric[0].counter.value, 1);
}

TEST(SqliteTest, UnusablePathIsUnavailable) {
  auto db = OpenSqlite("/nonexistent-dir/x/y.db");
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable);
}

TEST(PostgresTest, UnreachableServerIsUnavailable) {
  PostgresOptions options;
  options.url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2";
  options.schema = "x";
  EXPECT_EQ(OpenPostgres(options).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace wmo::store
