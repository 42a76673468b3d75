#include "services/declaration/declaration_repository.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "libs/audit/audit.h"
#include "libs/server/api.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "libs/server/stored_protos.h"

namespace wmo::declaration {
namespace {

using store::Blob;
using store::ResultSet;
using store::Value;

// Migration 4: times as google.protobuf.Timestamp (the field that was RFC
// 3339 text is reserved in the proto).
absl::Status UpgradeTimes(store::Connection& c) {
  static constexpr server::LegacyTime kLegacy[] = {
      {"wmo.declaration.v1.Declaration", 8, "create_time"}};
  absl::Status s = server::UpgradeTimesIn<v1::Declaration>(
      c, {"declarations", "provider_agb, number"}, kLegacy);
  if (s.ok()) {
    s = server::UpgradeTimesIn<v1::Declaration>(
        c, {"declarations", "provider_agb, number", "summary"}, kLegacy);
  }
  if (s.ok()) s = audit::UpgradeStoredTimes(c);
  return s;
}

// The partition of the lines declared for `period` ("YYYY-MM", as the
// declaration header checks), made and attached unless it is: made apart
// and attached rather than made as a partition, which would lock the
// lines of every month against writes meanwhile.
absl::Status AttachPartition(store::Connection& c, const std::string& period) {
  auto month = rules::ParseMonth(period, "period");
  if (!month.ok()) return month.status();
  const std::string name = absl::StrCat(
      "declaration_lines_", absl::StrReplaceAll(period, {{"-", "_"}}));
  auto attached = c.Execute(
      "SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid"
      " WHERE i.inhparent = CAST('declaration_lines' AS regclass)"
      " AND p.relname = ?",
      {name});
  if (!attached.ok()) return attached.status();
  if (!attached->empty()) return absl::OkStatus();
  return c.ExecuteScript(absl::StrCat(
      "CREATE TABLE IF NOT EXISTS ", name,
      " (LIKE declaration_lines INCLUDING DEFAULTS);"
      "ALTER TABLE declaration_lines ATTACH PARTITION ",
      name, " FOR VALUES FROM ('", period, "') TO ('",
      absl::FormatCivilTime(absl::CivilMonth(month->to + 1)), "')"));
}

// Migration 8: lines partitioned by declared month (on PostgreSQL), keyed
// by (provider, month, reference) as a partition key must be part of a
// unique one; a reference's uniqueness per provider (TR314) moves to table
// line_references, which also tells in which month its line is.
absl::Status PartitionLinesByPeriod(store::Connection& c) {
  const bool postgres = c.backend() == "postgres";
  std::string sql =
      "DROP INDEX open_debits;"
      "DROP INDEX lines_by_period;"
      "ALTER TABLE declaration_lines RENAME TO lines_before_partitions;";
  if (postgres) {
    absl::StrAppend(&sql,
                    "ALTER INDEX declaration_lines_pkey"
                    " RENAME TO lines_before_partitions_pkey;");
  }
  absl::StrAppend(
      &sql,
      "CREATE TABLE declaration_lines ("
      " provider_agb TEXT NOT NULL,"
      " reference TEXT NOT NULL,"
      " declaration_number TEXT NOT NULL,"
      " municipality TEXT NOT NULL,"
      " period TEXT NOT NULL,"
      " assignment_number TEXT NOT NULL,"
      " product_category TEXT NOT NULL,"
      " product_code TEXT NOT NULL,"
      " client_bsn TEXT NOT NULL,"
      " unit BIGINT NOT NULL,"
      " tariff_cents BIGINT NOT NULL,"
      " start_date TEXT NOT NULL,"
      " end_date TEXT NOT NULL,"
      " volume BIGINT NOT NULL,"
      " amount_cents BIGINT NOT NULL,"
      " digital_volume BIGINT NOT NULL,"
      " credit BIGINT NOT NULL,"
      " approved BIGINT NOT NULL,"
      " credited BIGINT NOT NULL,"
      " PRIMARY KEY (provider_agb, period, reference))",
      // SQLite keeps the rows in their key's B-tree rather than
      // in one of their own beside it: a write fewer a line.
      postgres ? " PARTITION BY RANGE (period);" : " WITHOUT ROWID;",
      "CREATE INDEX open_debits ON declaration_lines"
      " (municipality, start_date, assignment_number)"
      " WHERE credit = 0 AND approved = 1 AND credited = 0;"
      "CREATE TABLE line_references ("
      " provider_agb TEXT NOT NULL,"
      " reference TEXT NOT NULL,"
      " period TEXT NOT NULL,"
      " PRIMARY KEY (provider_agb, reference))",
      postgres ? ";" : " WITHOUT ROWID;");
  if (absl::Status s = c.ExecuteScript(sql); !s.ok()) return s;
  if (postgres) {
    auto periods =
        c.Execute("SELECT DISTINCT period FROM lines_before_partitions");
    if (!periods.ok()) return periods.status();
    for (const auto& row : *periods) {
      if (absl::Status s = AttachPartition(c, ResultSet::Text(row, 0));
          !s.ok()) {
        return s;
      }
    }
  }
  return c.ExecuteScript(
      "INSERT INTO declaration_lines SELECT * FROM lines_before_partitions;"
      "INSERT INTO line_references (provider_agb, reference, period)"
      " SELECT provider_agb, reference, period FROM lines_before_partitions;"
      "DROP TABLE lines_before_partitions");
}

// The declared months of the provider's `references` that are stored.
absl::StatusOr<std::map<std::string, std::set<std::string>>> PeriodsOf(
    store::Connection& c, const std::string& provider_agb,
    const std::set<std::string>& references) {
  std::map<std::string, std::set<std::string>> by_period;
  absl::Status s = store::QueryInChunks(
      c,
      "SELECT reference, period FROM line_references WHERE provider_agb = ?"
      " AND reference",
      {provider_agb}, references, [&](const ResultSet& rows) {
        for (const auto& row : rows) {
          by_period[ResultSet::Text(row, 1)].insert(ResultSet::Text(row, 0));
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return by_period;
}

constexpr store::Migration kMigrations[] = {
    {1,
     // A declaration whole, and without lines for lists (`summary`).
     "CREATE TABLE declarations ("
     " provider_agb TEXT NOT NULL,"
     " number TEXT NOT NULL,"
     " municipality TEXT NOT NULL,"
     " period TEXT NOT NULL,"
     " content_sha256 TEXT NOT NULL,"
     " summary BYTEA NOT NULL,"
     " body BYTEA NOT NULL,"
     // TR333: the number is unique per provider.
     " PRIMARY KEY (provider_agb, number));"
     "CREATE INDEX declarations_by_period ON declarations"
     " (provider_agb, period, number);"
     // Every line received; `period` is the declared month (YYYY-MM).
     "CREATE TABLE declaration_lines ("
     " provider_agb TEXT NOT NULL,"
     " reference TEXT NOT NULL,"
     " declaration_number TEXT NOT NULL,"
     " municipality TEXT NOT NULL,"
     " period TEXT NOT NULL,"
     " assignment_number TEXT NOT NULL,"
     " product_category TEXT NOT NULL,"
     " product_code TEXT NOT NULL,"
     " client_bsn TEXT NOT NULL,"
     " unit BIGINT NOT NULL,"
     " tariff_cents BIGINT NOT NULL,"
     " start_date TEXT NOT NULL,"
     " end_date TEXT NOT NULL,"
     " volume BIGINT NOT NULL,"
     " amount_cents BIGINT NOT NULL,"
     " digital_volume BIGINT NOT NULL,"
     " credit BIGINT NOT NULL,"
     " approved BIGINT NOT NULL,"
     " credited BIGINT NOT NULL,"
     // TR314: the reference is unique per provider, also when two
     // declarations race.
     " PRIMARY KEY (provider_agb, reference));"
     "CREATE INDEX lines_by_assignment ON declaration_lines"
     " (municipality, assignment_number);"
     "CREATE INDEX lines_by_period ON declaration_lines"
     " (provider_agb, period);"
     // Running totals of approved lines, credits subtracted.
     "CREATE TABLE assignment_totals ("
     " municipality TEXT NOT NULL,"
     " assignment_number TEXT NOT NULL,"
     " volume BIGINT NOT NULL,"
     " amount_cents BIGINT NOT NULL,"
     " digital_volume BIGINT NOT NULL,"
     " lines BIGINT NOT NULL,"
     " PRIMARY KEY (municipality, assignment_number));"
     "CREATE TABLE client_year_totals ("
     " client_bsn TEXT NOT NULL,"
     " catalog TEXT NOT NULL,"
     " product TEXT NOT NULL,"
     " year BIGINT NOT NULL,"
     " quantity BIGINT NOT NULL,"
     " PRIMARY KEY (client_bsn, catalog, product, year));"
     // Approved deliveries per day, from lines with day detail.
     "CREATE TABLE deliveries ("
     " client_bsn TEXT NOT NULL,"
     " catalog TEXT NOT NULL,"
     " product TEXT NOT NULL,"
     " provider_agb TEXT NOT NULL,"
     " reference TEXT NOT NULL,"
     " date TEXT NOT NULL,"
     " start_minute BIGINT NOT NULL,"
     " end_minute BIGINT NOT NULL,"
     " quantity BIGINT NOT NULL,"
     " digital BIGINT NOT NULL,"
     " no_show BIGINT NOT NULL);"
     "CREATE INDEX deliveries_by_client ON deliveries (client_bsn, date);"
     "CREATE INDEX deliveries_by_line ON deliveries (provider_agb, reference)"},
    {2, audit::kAuditTable},
    // What the assignment service must learn of approved usage (TR385): the
    // assignments whose totals changed since it last heard, each with the
    // revision of its totals then; filled in the commit that changed them.
    // Existing totals are reported once.
    {3,
     "ALTER TABLE assignment_totals ADD COLUMN revision BIGINT NOT NULL"
     " DEFAULT 1;"
     "CREATE TABLE usage_outbox ("
     " municipality TEXT NOT NULL,"
     " assignment_number TEXT NOT NULL,"
     " revision BIGINT NOT NULL,"
     " PRIMARY KEY (municipality, assignment_number));"
     "INSERT INTO usage_outbox (municipality, assignment_number, revision)"
     " SELECT municipality, assignment_number, revision FROM "
     "assignment_totals"},
    {4, "", UpgradeTimes},
    // Open debits are looked up by the product periods a declaration's
    // lines start, not by all of an assignment's months: an index of just
    // them, holding what the look-up reads, rather than one of every line
    // of every assignment, whose reads grew with each month declared.
    {5,
     "CREATE INDEX open_debits ON declaration_lines"
     " (municipality, start_date, assignment_number)"
     " WHERE credit = 0 AND approved = 1 AND credited = 0;"
     "DROP INDEX lines_by_assignment"},
    // Declarations of different providers run side by side (each provider's
    // take turns): a row per client whose facts they share, locked by
    // each while it reads and writes them (LockSharedClients), by
    // server::ClientLockKey.
    {6, "CREATE TABLE client_locks (key TEXT PRIMARY KEY)"},
    // The outbox carries the totals it reports, written with them: the
    // reporter reads a page of it alone instead of joining the totals.
    {7,
     "ALTER TABLE usage_outbox ADD COLUMN lines BIGINT NOT NULL DEFAULT 0;"
     "ALTER TABLE usage_outbox ADD COLUMN volume BIGINT NOT NULL DEFAULT 0;"
     "ALTER TABLE usage_outbox ADD COLUMN amount_cents BIGINT NOT NULL"
     " DEFAULT 0;"
     "UPDATE usage_outbox SET"
     " lines = (SELECT t.lines FROM assignment_totals t"
     " WHERE t.municipality = usage_outbox.municipality"
     " AND t.assignment_number = usage_outbox.assignment_number),"
     " volume = (SELECT t.volume FROM assignment_totals t"
     " WHERE t.municipality = usage_outbox.municipality"
     " AND t.assignment_number = usage_outbox.assignment_number),"
     " amount_cents = (SELECT t.amount_cents FROM assignment_totals t"
     " WHERE t.municipality = usage_outbox.municipality"
     " AND t.assignment_number = usage_outbox.assignment_number)"},
    {8, "", PartitionLinesByPeriod},
};

absl::StatusOr<rules::Date> DateColumn(const ResultSet::Row& row, size_t col) {
  return rules::ParseDate(ResultSet::Text(row, col), "stored date");
}

int64_t DigitalVolume(const v1::Line& line) {
  int64_t digital = 0;
  for (const auto& d : line.deliveries()) {
    if (d.digital()) digital += d.quantity();
  }
  return digital;
}

bool Approved(const v1::Line& line) {
  return line.verdict().outcome() == v1::Verdict::APPROVED;
}

template <typename T>
absl::StatusOr<T> ParseBody(const ResultSet::Row& row, size_t column) {
  T message;
  if (!message.ParseFromString(ResultSet::Text(row, column))) {
    return absl::DataLossError("stored declaration is unreadable");
  }
  return message;
}

}  // namespace

absl::Span<const store::Migration> DeclarationRepository::Migrations() {
  return kMigrations;
}

absl::Status DeclarationRepository::LockSharedClients(
    store::Connection& c, const std::set<std::string>& clients) {
  std::set<std::string> keys;
  for (const std::string& bsn : clients) {
    keys.insert(server::ClientLockKey(bsn));
  }
  return c.LockKeys("client_locks", keys);
}

absl::Status DeclarationRepository::LinePartitions::Ensure(
    store::Database& db, const std::string& period) {
  {
    absl::MutexLock lock(&mu_);
    if (ready_.contains(period)) return absl::OkStatus();
  }
  if (db.backend() == "postgres") {
    // Under the lock of a migration of its own: replicas meeting a new
    // month at once make its partition once.
    if (absl::Status s = db.MigrationTransaction(
            "declaration line partitions",
            [&](store::Connection& c) { return AttachPartition(c, period); });
        !s.ok()) {
      return s;
    }
  }
  absl::MutexLock lock(&mu_);
  ready_.insert(period);
  return absl::OkStatus();
}

bool DeclarationRepository::LinePartitions::Lost(const absl::Status& status,
                                                 const std::string& period) {
  // 23514: no partition of the table holds the row. The schema has no
  // CHECK constraint that would raise it otherwise.
  if (!absl::StrContains(store::ErrorDetail(status), "[23514]")) return false;
  absl::MutexLock lock(&mu_);
  ready_.erase(period);
  return true;
}

absl::StatusOr<std::optional<DeclarationRepository::Stored>>
DeclarationRepository::Find(store::Connection& c,
                            const std::string& provider_agb,
                            const std::string& number) {
  auto rows = c.Execute(
      "SELECT content_sha256, body FROM declarations"
      " WHERE provider_agb = ? AND number = ?",
      {provider_agb, number});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  auto body = ParseBody<v1::Declaration>((*rows)[0], 1);
  if (!body.ok()) return body.status();
  return Stored{ResultSet::Text((*rows)[0], 0), *std::move(body)};
}

absl::Status DeclarationRepository::LoadLedger(
    store::Connection& c, const rules::DeclarationHeader& header,
    const std::vector<rules::DeclaredLine>& lines,
    const std::set<std::string>& unparsed_references,
    const std::vector<std::string>& clients_with_detail,
    rules::Ledger& ledger) {
  std::set<std::string> references = unparsed_references;
  std::set<std::string> assignments, clients;
  // The assignments of the lines of each product period (TR389 asks for an
  // open debit of the same assignment and period).
  std::map<rules::Date, std::set<std::string>> assignments_by_start;
  // Late lines reach back before the declared month (TR319).
  rules::Date earliest = header.month.from;
  for (const auto& line : lines) {
    earliest = std::min(earliest, line.period.from);
    references.insert(line.reference);
    if (!line.credited_reference.empty()) {
      references.insert(line.credited_reference);
    }
    assignments.insert(line.assignment_number);
    assignments_by_start[line.period.from].insert(line.assignment_number);
    clients.insert(line.client_bsn);
  }
  WMO_ASSIGN_OR_RETURN(stored, PeriodsOf(c, header.provider_agb, references));
  absl::Status s;
  for (const auto& [period, in_period] : stored) {
    s = store::QueryInChunks(
        c,
        "SELECT reference, assignment_number, start_date, end_date, volume,"
        " amount_cents, digital_volume, credit, approved, credited, client_bsn,"
        " product_category, product_code, unit, tariff_cents"
        " FROM declaration_lines WHERE provider_agb = ? AND period = ?"
        " AND reference",
        {header.provider_agb, period}, in_period, [&](const ResultSet& rows) {
          for (const auto& row : rows) {
            auto period = rules::ParsePeriod(ResultSet::Text(row, 2),
                                             ResultSet::Text(row, 3), "period");
            rules::StoredLine& line = ledger.lines[ResultSet::Text(row, 0)];
            line.assignment_number = ResultSet::Text(row, 1);
            // Lines refused for malformed dates keep them as given.
            if (period.ok()) line.period = *period;
            line.volume = ResultSet::Int(row, 4);
            line.amount_cents = ResultSet::Int(row, 5);
            line.digital_volume = ResultSet::Int(row, 6);
            line.credit = ResultSet::Int(row, 7) != 0;
            line.approved = ResultSet::Int(row, 8) != 0;
            line.credited = ResultSet::Int(row, 9) != 0;
            line.client_bsn = ResultSet::Text(row, 10);
            line.product_category = ResultSet::Text(row, 11);
            line.product_code = ResultSet::Text(row, 12);
            line.unit = static_cast<int>(ResultSet::Int(row, 13));
            line.tariff_cents = ResultSet::Int(row, 14);
          }
          return absl::OkStatus();
        });
    if (!s.ok()) return s;
    for (const std::string& reference : in_period) {
      ledger.lines.try_emplace(reference);
    }
  }
  for (const auto& [period_start, numbers] : assignments_by_start) {
    const rules::Date start = period_start;  // A lambda cannot take a binding.
    s = store::QueryInChunks(
        c,
        // Declared in the month the period starts or later (TR319): the
        // partitions of earlier months need not be read.
        "SELECT assignment_number FROM declaration_lines"
        " WHERE municipality = ? AND start_date = ? AND period >= ?"
        " AND credit = 0 AND approved = 1 AND credited = 0"
        " AND assignment_number",
        {header.municipality, rules::FormatDate(start),
         rules::FormatDate(start).substr(0, 7)},
        numbers, [&](const ResultSet& rows) {
          for (const auto& row : rows) {
            ledger.open_debits.insert({ResultSet::Text(row, 0), start});
          }
          return absl::OkStatus();
        });
    if (!s.ok()) return s;
  }
  s = store::QueryInChunks(
      c,
      "SELECT assignment_number, volume, amount_cents, digital_volume, lines"
      " FROM assignment_totals WHERE municipality = ? AND assignment_number",
      {header.municipality}, assignments, [&](const ResultSet& rows) {
        for (const auto& row : rows) {
          ledger.assignment_totals[ResultSet::Text(row, 0)] = {
              ResultSet::Int(row, 1), ResultSet::Int(row, 2),
              ResultSet::Int(row, 3), ResultSet::Int(row, 4)};
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  s = store::QueryInChunks(
      c,
      "SELECT client_bsn, catalog, product, year, quantity"
      " FROM client_year_totals WHERE year >= ? AND year <= ? AND client_bsn",
      {int64_t{earliest.year()}, int64_t{header.month.from.year()}}, clients,
      [&](const ResultSet& rows) {
        for (const auto& row : rows) {
          ledger.client_year_quantity[{
              ResultSet::Text(row, 0), ResultSet::Text(row, 1),
              ResultSet::Text(row, 2),
              static_cast<int>(ResultSet::Int(row, 3))}] =
              ResultSet::Int(row, 4);
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  // Weekly caps and stays reach six weeks beyond the lines' months either
  // way.
  const std::string from = rules::FormatDate(earliest - 42);
  const std::string to = rules::FormatDate(header.month.to + 42);
  return store::QueryInChunks(
      c,
      "SELECT client_bsn, catalog, product, provider_agb, reference, date,"
      " start_minute, end_minute, quantity, digital, no_show FROM deliveries"
      " WHERE date >= ? AND date <= ? AND client_bsn",
      {from, to},
      std::set<std::string>(clients_with_detail.begin(),
                            clients_with_detail.end()),
      [&](const ResultSet& rows) -> absl::Status {
        for (const auto& row : rows) {
          auto date = DateColumn(row, 5);
          if (!date.ok()) return date.status();
          rules::DeliveryRecord record;
          record.client_bsn = ResultSet::Text(row, 0);
          record.catalog = ResultSet::Text(row, 1);
          record.product = ResultSet::Text(row, 2);
          // Only this provider's lines can be credited here; another
          // provider's reference must not match one of them.
          if (ResultSet::Text(row, 3) == header.provider_agb) {
            record.reference = ResultSet::Text(row, 4);
          }
          record.delivery.date = *date;
          record.delivery.start_minute =
              static_cast<int>(ResultSet::Int(row, 6));
          record.delivery.end_minute = static_cast<int>(ResultSet::Int(row, 7));
          record.delivery.quantity = ResultSet::Int(row, 8);
          record.delivery.digital = ResultSet::Int(row, 9) != 0;
          record.delivery.no_show = ResultSet::Int(row, 10) != 0;
          ledger.deliveries.push_back(std::move(record));
        }
        return absl::OkStatus();
      });
}

absl::Status DeclarationRepository::Save(store::Connection& c,
                                         const v1::Declaration& declaration,
                                         const std::string& content_sha256,
                                         const rules::Ledger& before,
                                         const rules::Ledger& after) {
  const std::string& agb = declaration.provider_agb();
  const std::string& m = declaration.municipality();
  // The header and totals only: copying the lines to drop them would cost
  // as much as the declaration itself.
  v1::Declaration summary;
  summary.set_name(declaration.name());
  summary.set_provider_agb(agb);
  summary.set_number(declaration.number());
  summary.set_municipality(m);
  summary.set_period(declaration.period());
  *summary.mutable_totals() = declaration.totals();
  *summary.mutable_create_time() = declaration.create_time();
  auto inserted = c.Execute(
      "INSERT INTO declarations (provider_agb, number, municipality, period,"
      " content_sha256, summary, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {agb, declaration.number(), m, declaration.period(), content_sha256,
       Blob{summary.SerializeAsString()},
       Blob{declaration.SerializeAsString()}});
  if (!inserted.ok()) return inserted.status();

  // Every write below goes in statements of many rows: one round trip per
  // row would cost more than the checks of the whole declaration.
  std::set<std::string> approved_debits;
  std::set<std::string> credited;
  std::vector<std::vector<store::Value>> lines;
  lines.reserve(declaration.lines_size());
  // A reference used twice in the declaration is stored with its approved
  // line, if any (the checks take credits first, and malformed lines not
  // at all, so it need not be the first); else with its first.
  std::map<std::string, std::pair<size_t, bool>> row_of_reference;
  for (const v1::Line& line : declaration.lines()) {
    if (line.reference().empty()) continue;
    const bool stored = before.lines.contains(line.reference());
    const bool credit = line.direction() == v1::Line::CREDIT;
    std::vector<store::Value> row = {agb,
                                     line.reference(),
                                     declaration.number(),
                                     m,
                                     declaration.period(),
                                     line.assignment_number(),
                                     line.product_category(),
                                     line.product_code(),
                                     line.client_bsn(),
                                     int64_t{line.unit()},
                                     line.tariff_cents(),
                                     line.start_date(),
                                     line.end_date(),
                                     line.volume(),
                                     line.amount_cents(),
                                     DigitalVolume(line),
                                     int64_t{credit},
                                     int64_t{Approved(line)},
                                     int64_t{0}};
    if (!stored) {
      auto [it, first] = row_of_reference.try_emplace(
          line.reference(), lines.size(), Approved(line));
      if (first) {
        lines.push_back(std::move(row));
      } else if (Approved(line) && !it->second.second) {
        lines[it->second.first] = std::move(row);
        it->second.second = true;
      }
    }
    if (!Approved(line)) continue;
    if (credit) {
      credited.insert(line.credited_reference());
    } else {
      approved_debits.insert(line.reference());
    }
  }
  // A reference stored before keeps its first line (TR314): only new ones
  // are left, appended as they are.
  static constexpr absl::string_view kLineColumns[] = {"provider_agb",
                                                       "reference",
                                                       "declaration_number",
                                                       "municipality",
                                                       "period",
                                                       "assignment_number",
                                                       "product_category",
                                                       "product_code",
                                                       "client_bsn",
                                                       "unit",
                                                       "tariff_cents",
                                                       "start_date",
                                                       "end_date",
                                                       "volume",
                                                       "amount_cents",
                                                       "digital_volume",
                                                       "credit",
                                                       "approved",
                                                       "credited"};
  std::vector<std::vector<store::Value>> references;
  references.reserve(lines.size());
  for (const auto& row : lines) {
    references.push_back({agb, row[1], declaration.period()});
  }
  static constexpr absl::string_view kReferenceColumns[] = {
      "provider_agb", "reference", "period"};
  if (absl::Status s =
          c.CopyRows("line_references", kReferenceColumns, references);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = c.CopyRows("declaration_lines", kLineColumns, lines);
      !s.ok()) {
    return s;
  }
  // Credited debits are in their own months' partitions.
  WMO_ASSIGN_OR_RETURN(debits, PeriodsOf(c, agb, credited));
  for (const auto& [period, in_period] : debits) {
    if (absl::Status s = store::QueryInChunks(
            c,
            "UPDATE declaration_lines SET credited = 1 WHERE provider_agb = ?"
            " AND period = ? AND reference",
            {agb, period}, in_period,
            [](const ResultSet&) { return absl::OkStatus(); });
        !s.ok()) {
      return s;
    }
  }

  // Totals change by what this declaration added: a credit may concern a
  // year or an assignment whose total was not loaded, and adding keeps the
  // stored rest.
  std::vector<std::vector<store::Value>> totals;
  for (const auto& [number, total] : after.assignment_totals) {
    rules::AssignmentTotal was;
    if (auto it = before.assignment_totals.find(number);
        it != before.assignment_totals.end()) {
      was = it->second;
    }
    if (was == total) continue;
    totals.push_back({m, number, total.volume - was.volume,
                      total.amount_cents - was.amount_cents,
                      total.digital_volume - was.digital_volume,
                      total.lines - was.lines});
  }
  // The assignment service hears of each change (UsageReporter): the
  // revisions the upserts return go to the outbox as they are.
  std::vector<std::vector<store::Value>> usage;
  if (absl::Status s = store::ExecuteRows(
          c,
          "INSERT INTO assignment_totals (municipality, assignment_number,"
          " volume, amount_cents, digital_volume, lines) VALUES ",
          "(?, ?, ?, ?, ?, ?)", totals,
          " ON CONFLICT (municipality, assignment_number) DO UPDATE SET"
          " volume = assignment_totals.volume + excluded.volume,"
          " amount_cents = assignment_totals.amount_cents + "
          "excluded.amount_cents,"
          " digital_volume = assignment_totals.digital_volume"
          " + excluded.digital_volume,"
          " lines = assignment_totals.lines + excluded.lines,"
          " revision = assignment_totals.revision + 1"
          " RETURNING assignment_number, revision, lines, volume,"
          " amount_cents",
          [&](const ResultSet& rows) {
            for (const auto& row : rows) {
              usage.push_back({m, ResultSet::Text(row, 0),
                               ResultSet::Int(row, 1), ResultSet::Int(row, 2),
                               ResultSet::Int(row, 3), ResultSet::Int(row, 4)});
            }
            return absl::OkStatus();
          });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = store::ExecuteRows(
          c,
          "INSERT INTO usage_outbox (municipality, assignment_number,"
          " revision, lines, volume, amount_cents) VALUES ",
          "(?, ?, ?, ?, ?, ?)", usage,
          " ON CONFLICT (municipality, assignment_number) DO UPDATE SET"
          " revision = excluded.revision, lines = excluded.lines,"
          " volume = excluded.volume, amount_cents = excluded.amount_cents");
      !s.ok()) {
    return s;
  }
  std::vector<std::vector<store::Value>> client_years;
  for (const auto& [key, quantity] : after.client_year_quantity) {
    int64_t was = 0;
    if (auto it = before.client_year_quantity.find(key);
        it != before.client_year_quantity.end()) {
      was = it->second;
    }
    if (was == quantity) continue;
    const auto& [bsn, catalog, product, year] = key;
    client_years.push_back(
        {bsn, catalog, product, int64_t{year}, quantity - was});
  }
  if (absl::Status s = store::ExecuteRows(
          c,
          "INSERT INTO client_year_totals (client_bsn, catalog, product, year,"
          " quantity) VALUES ",
          "(?, ?, ?, ?, ?)", client_years,
          " ON CONFLICT (client_bsn, catalog, product, year) DO UPDATE SET"
          " quantity = client_year_totals.quantity + excluded.quantity");
      !s.ok()) {
    return s;
  }
  std::set<std::string> removed;
  for (const std::string& reference : after.removed_delivery_references) {
    if (!before.removed_delivery_references.count(reference)) {
      removed.insert(reference);
    }
  }
  if (absl::Status s = store::QueryInChunks(
          c, "DELETE FROM deliveries WHERE provider_agb = ? AND reference",
          {agb}, removed, [](const ResultSet&) { return absl::OkStatus(); });
      !s.ok()) {
    return s;
  }
  std::vector<std::vector<store::Value>> days;
  for (const rules::DeliveryRecord& r : after.deliveries) {
    if (!approved_debits.count(r.reference)) continue;
    const rules::DayDelivery& d = r.delivery;
    days.push_back({r.client_bsn, r.catalog, r.product, agb, r.reference,
                    rules::FormatDate(d.date), int64_t{d.start_minute},
                    int64_t{d.end_minute}, d.quantity, int64_t{d.digital},
                    int64_t{d.no_show}});
  }
  static constexpr absl::string_view kDayColumns[] = {
      "client_bsn", "catalog", "product",      "provider_agb",
      "reference",  "date",    "start_minute", "end_minute",
      "quantity",   "digital", "no_show"};
  return c.CopyRows("deliveries", kDayColumns, days);
}

absl::StatusOr<std::vector<v1::Declaration>> DeclarationRepository::List(
    store::Connection& c, const std::string& provider_agb,
    const std::string& municipality, const std::string& period,
    const std::string& after, size_t limit) {
  // The key of the previous page's last declaration: "period/number".
  const auto [after_period, after_number] = server::SplitPageKey(after);
  auto rows = c.Execute(
      "SELECT summary FROM declarations WHERE provider_agb = ?"
      " AND (? = '' OR municipality = ?) AND (? = '' OR period = ?)"
      " AND (? = '' OR period < ? OR (period = ? AND number > ?))"
      " ORDER BY period DESC, number LIMIT ?",
      {provider_agb, municipality, municipality, period, period, after_period,
       after_period, after_period, after_number, static_cast<int64_t>(limit)});
  if (!rows.ok()) return rows.status();
  std::vector<v1::Declaration> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) {
    auto summary = ParseBody<v1::Declaration>(row, 0);
    if (!summary.ok()) return summary.status();
    out.push_back(*std::move(summary));
  }
  return out;
}

absl::StatusOr<v1::Settlement> DeclarationRepository::Settle(
    store::Connection& c, const std::string& provider_agb,
    const std::string& period) {
  auto rows = c.Execute(
      "SELECT municipality, product_category, product_code, credit,"
      " COUNT(*), CAST(SUM(amount_cents) AS BIGINT) FROM declaration_lines"
      " WHERE provider_agb = ? AND period = ? AND approved = 1"
      " GROUP BY municipality, product_category, product_code, credit"
      " ORDER BY municipality, product_category, product_code, credit",
      {provider_agb, period});
  if (!rows.ok()) return rows.status();
  v1::Settlement settlement;
  settlement.set_name(
      absl::StrCat("providers/", provider_agb, "/settlements/", period));
  settlement.set_provider_agb(provider_agb);
  settlement.set_period(period);
  v1::SettlementRow* current = nullptr;
  for (const auto& row : *rows) {
    if (current == nullptr ||
        current->municipality() != ResultSet::Text(row, 0) ||
        current->product_category() != ResultSet::Text(row, 1) ||
        current->product_code() != ResultSet::Text(row, 2)) {
      current = settlement.add_rows();
      current->set_municipality(ResultSet::Text(row, 0));
      current->set_product_category(ResultSet::Text(row, 1));
      current->set_product_code(ResultSet::Text(row, 2));
    }
    const auto lines = static_cast<int32_t>(ResultSet::Int(row, 4));
    const int64_t cents = ResultSet::Int(row, 5);
    if (ResultSet::Int(row, 3) != 0) {
      current->set_credit_lines(lines);
      current->set_credit_cents(cents);
    } else {
      current->set_debit_lines(lines);
      current->set_debit_cents(cents);
    }
    current->set_net_cents(current->debit_cents() - current->credit_cents());
  }
  for (const auto& r : settlement.rows()) {
    settlement.set_net_cents(settlement.net_cents() + r.net_cents());
  }
  return settlement;
}

absl::StatusOr<std::vector<assignment::v1::AssignmentUsage>>
DeclarationRepository::PendingUsage(
    store::Connection& c, const std::pair<std::string, std::string>& after,
    size_t limit) {
  // lines counts approved debits less the credits of them. A page starts
  // after the previous one rather than at the start of the outbox, whose
  // index holds the entries cleared until vacuum removes them: each page
  // would read all of them again.
  auto rows = c.Execute(
      "SELECT municipality, assignment_number, lines, volume, amount_cents,"
      " revision FROM usage_outbox"
      " WHERE (municipality, assignment_number) > (?, ?)"
      " ORDER BY municipality, assignment_number LIMIT ?",
      {after.first, after.second, static_cast<int64_t>(limit)});
  if (!rows.ok()) return rows.status();
  std::vector<assignment::v1::AssignmentUsage> pending;
  pending.reserve(rows->size());
  for (const auto& row : *rows) {
    assignment::v1::AssignmentUsage& usage = pending.emplace_back();
    usage.set_assignment(absl::StrCat("municipalities/",
                                      ResultSet::Text(row, 0), "/assignments/",
                                      ResultSet::Text(row, 1)));
    usage.set_approved_lines(static_cast<int32_t>(ResultSet::Int(row, 2)));
    usage.set_approved_volume(ResultSet::Int(row, 3));
    usage.set_approved_cents(ResultSet::Int(row, 4));
    usage.set_revision(ResultSet::Int(row, 5));
  }
  return pending;
}

absl::Status DeclarationRepository::ClearUsage(
    store::Connection& c,
    const std::vector<assignment::v1::AssignmentUsage>& delivered) {
  // Only entries still at the delivered revision: a commit since has
  // raised it and waits for its own report.
  std::vector<std::vector<Value>> rows;
  rows.reserve(delivered.size());
  for (const assignment::v1::AssignmentUsage& usage : delivered) {
    // "municipalities/{m}/assignments/{n}"
    const std::vector<std::string> parts =
        absl::StrSplit(usage.assignment(), '/');
    if (parts.size() != 4) continue;
    rows.push_back({parts[1], parts[3], usage.revision()});
  }
  return store::ExecuteRows(
      c,
      "DELETE FROM usage_outbox WHERE (municipality, assignment_number,"
      " revision) IN (VALUES ",
      "(?, ?, CAST(? AS BIGINT))", rows, ")");
}

}  // namespace wmo::declaration
