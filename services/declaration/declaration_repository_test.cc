// The declaration store's schema on SQLite and PostgreSQL: lines kept by
// declared month (a partition each on PostgreSQL, made when a month first
// comes), references unique per provider across months, and the lines
// stored before the months were kept apart moved along.
#include "services/declaration/declaration_repository.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"

namespace wmo::declaration {
namespace {

using store::ResultSet;

class DeclarationRepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
  }

  // A line of provider 99990001, as migration 7 and later store them.
  static std::string Line(const std::string& reference,
                          const std::string& period) {
    return absl::StrCat("('99990001', '", reference, "', 'd1', '0988', '",
                        period, "', '7', '04', '04KDV', '100000009', 14, 100,",
                        " '", period, "-01', '", period,
                        "-28', 1, 100, 0, 0, 1, 0)");
  }

  // The months whose lines have a table of their own (PostgreSQL).
  std::vector<std::string> Partitions() {
    std::vector<std::string> names;
    auto rows = db_->Execute(
        "SELECT p.relname FROM pg_inherits i JOIN pg_class p"
        " ON p.oid = i.inhrelid"
        " WHERE i.inhparent = CAST('declaration_lines' AS regclass)"
        " ORDER BY p.relname");
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (rows.ok()) {
      for (const auto& row : *rows) names.push_back(ResultSet::Text(row, 0));
    }
    return names;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, DeclarationRepositoryTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

TEST_P(DeclarationRepositoryTest,
       LinesStoredBeforeMonthsWereKeptApartMoveAlong) {
  const auto all = DeclarationRepository::Migrations();
  // The schema before migration 8, with lines of two months.
  ASSERT_TRUE(store::Migrate(*db_, "declaration", all.first(7)).ok());
  ASSERT_TRUE(db_->Execute(absl::StrCat("INSERT INTO declaration_lines VALUES ",
                                        Line("r1", "2024-03"), ", ",
                                        Line("r2", "2024-04")))
                  .ok());
  ASSERT_TRUE(store::Migrate(*db_, "declaration", all).ok());
  auto rows = db_->Execute(
      "SELECT l.reference, l.period, r.period FROM declaration_lines l"
      " JOIN line_references r ON r.provider_agb = l.provider_agb"
      " AND r.reference = l.reference ORDER BY l.reference");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(ResultSet::Text((*rows)[0], 1), "2024-03");
  EXPECT_EQ(ResultSet::Text((*rows)[0], 2), "2024-03");
  EXPECT_EQ(ResultSet::Text((*rows)[1], 2), "2024-04");
  if (GetParam() == "postgres") {
    EXPECT_THAT(Partitions(),
                ::testing::ElementsAre("declaration_lines_2024_03",
                                       "declaration_lines_2024_04"));
  }
}

TEST_P(DeclarationRepositoryTest,
       EachMonthGetsItsPartitionOnceAndKeepsItsLines) {
  ASSERT_TRUE(
      store::Migrate(*db_, "declaration", DeclarationRepository::Migrations())
          .ok());
  DeclarationRepository::LinePartitions partitions, another_replica;
  ASSERT_TRUE(partitions.Ensure(*db_, "2024-05").ok());
  ASSERT_TRUE(partitions.Ensure(*db_, "2024-05").ok());
  ASSERT_TRUE(another_replica.Ensure(*db_, "2024-05").ok());
  ASSERT_TRUE(another_replica.Ensure(*db_, "2024-12").ok());
  ASSERT_TRUE(db_->Execute(absl::StrCat("INSERT INTO declaration_lines VALUES ",
                                        Line("r1", "2024-05"), ", ",
                                        Line("r2", "2024-12")))
                  .ok());
  if (GetParam() == "postgres") {
    EXPECT_THAT(Partitions(),
                ::testing::ElementsAre("declaration_lines_2024_05",
                                       "declaration_lines_2024_12"));
    // Each month's lines in its own table.
    auto rows = db_->Execute("SELECT reference FROM declaration_lines_2024_12");
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(ResultSet::Text((*rows)[0], 0), "r2");
    // A month without its partition takes no lines.
    EXPECT_FALSE(
        db_->Execute(absl::StrCat("INSERT INTO declaration_lines VALUES ",
                                  Line("r3", "2024-06")))
            .ok());
  }
  // A reference is the provider's once, whatever the month (TR314).
  ASSERT_TRUE(db_->Execute("INSERT INTO line_references VALUES"
                           " ('99990001', 'r1', '2024-05')")
                  .ok());
  EXPECT_FALSE(db_->Execute("INSERT INTO line_references VALUES"
                            " ('99990001', 'r1', '2024-12')")
                   .ok());
}

}  // namespace
}  // namespace wmo::declaration
