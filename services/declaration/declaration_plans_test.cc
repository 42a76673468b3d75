// On PostgreSQL, every look-up and change a declaration's checks and
// writes send uses an index at the size of a national month: a plan that
// scans a table makes each declaration cost as much as the table. EXPLAIN
// of each statement, after ANALYZE of tables holding 200,000 lines.
#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "libs/rules/declaration.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"
#include "services/declaration/declaration_repository.h"

namespace wmo::declaration {
namespace {

using store::ResultSet;

// Runs each statement that reads a table after asking for its plan.
class ExplainingConnection final : public store::Connection {
 public:
  explicit ExplainingConnection(store::Connection& c) : c_(c) {}

  absl::StatusOr<ResultSet> Execute(
      absl::string_view sql, absl::Span<const store::Value> params) override {
    if (absl::StartsWith(sql, "SELECT") || absl::StartsWith(sql, "UPDATE") ||
        absl::StartsWith(sql, "DELETE")) {
      auto plan = c_.Execute(absl::StrCat("EXPLAIN ", sql), params);
      if (!plan.ok()) return plan.status();
      std::string text;
      for (const auto& row : *plan) {
        absl::StrAppend(&text, ResultSet::Text(row, 0), "\n");
      }
      plans.emplace_back(std::string(sql.substr(0, 120)), std::move(text));
    }
    return c_.Execute(sql, params);
  }
  absl::Status ExecuteScript(absl::string_view sql) override {
    return c_.ExecuteScript(sql);
  }
  absl::string_view backend() const override { return c_.backend(); }
  absl::Status CopyRows(
      absl::string_view table, absl::Span<const absl::string_view> columns,
      const std::vector<std::vector<store::Value>>& rows) override {
    return c_.CopyRows(table, columns, rows);
  }
  absl::Status LockKeys(absl::string_view table,
                        const std::set<std::string>& keys) override {
    return c_.LockKeys(table, keys);
  }

  std::vector<std::pair<std::string, std::string>> plans;  // (SQL, plan)

 private:
  store::Connection& c_;
};

// Whether `plan` seeks its rows in indexes: no table read whole, and each
// index entered at an equality of its first column. The store steers the
// planner away from sequential scans in look-ups, so a missing index shows
// as another index read from end to end (its condition a range, or none)
// rather than as a Seq Scan.
bool SeeksKeys(const std::string& plan) {
  if (absl::StrContains(plan, "Seq Scan")) return false;
  const std::regex sought(R"(Index Cond: \(+[a-z_]+ = )");
  int scans = 0, seeks = 0;
  for (absl::string_view line : absl::StrSplit(plan, '\n')) {
    if (absl::StrContains(line, "Index Scan") ||
        absl::StrContains(line, "Index Only Scan")) {
      ++scans;
    }
    if (std::regex_search(line.begin(), line.end(), sought)) ++seeks;
  }
  return scans > 0 && seeks == scans;
}

TEST(DeclarationPlansTest, ChecksAndWritesUseIndexesAtNationalSize) {
  testing::TempDir dir;
  std::unique_ptr<store::Database> db;
  WMO_OPEN_TEST_DATABASE_OR_SKIP(db, "postgres", dir);
  ASSERT_TRUE(
      store::Migrate(*db, "declaration", DeclarationRepository::Migrations())
          .ok());
  // 200,000 lines of 100 providers in 50 municipalities over 9 months, with
  // their references, totals and a day record per line.
  DeclarationRepository::LinePartitions partitions;
  for (int month = 1; month <= 10; ++month) {
    ASSERT_TRUE(
        partitions.Ensure(*db, absl::StrFormat("2026-%02d", month)).ok());
  }
  ASSERT_TRUE(
      db->Execute(
            "INSERT INTO declaration_lines SELECT"
            " '9999' || lpad((i % 100)::text, 4, '0'), 'r' || i, 'd' || (i % "
            "100), lpad((i % 50)::text, 4, '0'), '2026-0' || (1 + i % 9),"
            " i::text, '04', '04KDV', 'c' || (i / 2), 14, 16400,"
            " '2026-01-01', '2026-01-31', 1, 16400, 0, 0, 1, 0"
            " FROM generate_series(1, 200000) i")
          .ok());
  ASSERT_TRUE(db->Execute("INSERT INTO line_references SELECT provider_agb,"
                          " reference, period FROM declaration_lines")
                  .ok());
  ASSERT_TRUE(
      db->Execute("INSERT INTO assignment_totals SELECT"
                  " lpad((i % 50)::text, 4, '0'), i::text, 1, 1, 0, 1, 1"
                  " FROM generate_series(1, 200000) i")
          .ok());
  ASSERT_TRUE(db->Execute("INSERT INTO client_year_totals SELECT"
                          " 'c' || i, 'midden-limburg-2024', 'kdv', 2026, 3"
                          " FROM generate_series(1, 100000) i")
                  .ok());
  ASSERT_TRUE(db->Execute("INSERT INTO deliveries SELECT"
                          " 'c' || (i / 2), 'midden-limburg-2024', 'kdv',"
                          " '9999' || lpad((i % 100)::text, 4, '0'), 'r' || i,"
                          " '2026-0' || (1 + i % 9) || '-15', 0, 0, 1, 0, 0"
                          " FROM generate_series(1, 200000) i")
                  .ok());
  ASSERT_TRUE(db->Execute("ANALYZE").ok());

  // A declaration of 300 lines of provider 99990007 in municipality 0007,
  // one of them a credit of an earlier line, with day detail.
  rules::DeclarationHeader header;
  header.provider_agb = "99990007";
  header.municipality = "0007";
  header.month = *rules::ParsePeriod("2026-10-01", "2026-10-31", "period");
  std::vector<rules::DeclaredLine> lines;
  std::vector<std::string> clients;
  v1::Declaration declaration;
  declaration.set_provider_agb(header.provider_agb);
  declaration.set_municipality(header.municipality);
  declaration.set_number("d-new");
  declaration.set_period("2026-10");
  for (int i = 0; i < 300; ++i) {
    rules::DeclaredLine line;
    line.reference = absl::StrCat("new-", i);
    line.assignment_number = absl::StrCat(7 + 50 * i);
    line.client_bsn = absl::StrCat("c", 3 + 50 * i);
    line.period = header.month;
    lines.push_back(line);
    clients.push_back(line.client_bsn);
    v1::Line& stored = *declaration.add_lines();
    stored.set_reference(line.reference);
    stored.set_assignment_number(line.assignment_number);
    stored.set_client_bsn(line.client_bsn);
    stored.set_start_date("2026-10-01");
    stored.set_end_date("2026-10-31");
    stored.mutable_verdict()->set_outcome(v1::Verdict::APPROVED);
  }
  lines[0].credit = true;
  lines[0].credited_reference = "r107";
  declaration.mutable_lines(0)->set_direction(v1::Line::CREDIT);
  declaration.mutable_lines(0)->set_credited_reference("r107");

  absl::Status s = db->Transaction([&](store::Connection& c) -> absl::Status {
    ExplainingConnection explaining(c);
    rules::Ledger before;
    if (absl::Status loaded = DeclarationRepository::LoadLedger(
            explaining, header, lines, {}, clients, before);
        !loaded.ok()) {
      return loaded;
    }
    rules::Ledger after = before;
    after.removed_delivery_references.insert("r107");
    if (absl::Status saved = DeclarationRepository::Save(
            explaining, declaration, "sha", before, after);
        !saved.ok()) {
      return saved;
    }
    // Reads of the five kinds (lines by reference, open debits, totals,
    // yearly quantities, deliveries), the credit and the removed days.
    EXPECT_GE(explaining.plans.size(), 7u);
    for (const auto& [sql, plan] : explaining.plans) {
      EXPECT_TRUE(SeeksKeys(plan)) << sql << "\n" << plan;
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;

  // Without the index of the open debits' look-up, the check sees the
  // lines read whole.
  ASSERT_TRUE(db->Execute("DROP INDEX open_debits").ok());
  s = db->Transaction([&](store::Connection& c) -> absl::Status {
    ExplainingConnection explaining(c);
    rules::Ledger ledger;
    if (absl::Status loaded = DeclarationRepository::LoadLedger(
            explaining, header, lines, {}, clients, ledger);
        !loaded.ok()) {
      return loaded;
    }
    EXPECT_TRUE(std::any_of(
        explaining.plans.begin(), explaining.plans.end(), [](const auto& p) {
          return absl::StrContains(p.first, "FROM declaration_lines") &&
                 !SeeksKeys(p.second);
        }));
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
}

}  // namespace
}  // namespace wmo::declaration
