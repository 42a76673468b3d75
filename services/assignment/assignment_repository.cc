#include "services/assignment/assignment_repository.h"

#include <algorithm>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/audit/audit.h"
#include "libs/server/api.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "libs/server/stored_protos.h"
#include "libs/store/request_ids.h"

namespace wmo::assignment {
namespace {

using store::Blob;
using store::ResultSet;

absl::Status UpdateRequestRow(store::Connection& c, const std::string& id,
                              const v1::AssignmentRequest& r) {
  return c
      .Execute(
          "UPDATE assignment_requests SET state = ?, municipality = ?,"
          " create_time = ?, body = ? WHERE id = ?",
          {int64_t{r.state()}, r.requested().municipality(),
           server::TimeText(r.create_time()),
           store::Blob{r.SerializeAsString()}, id})
      .status();
}

// The *_time fields that were RFC 3339 text (see the protos' reserved
// numbers).
constexpr server::LegacyTime kLegacyTimes[] = {
    {"wmo.assignment.v1.Assignment", 24, "create_time"},
    {"wmo.assignment.v1.Assignment", 25, "update_time"},
    {"wmo.assignment.v1.AssignmentRequest", 8, "create_time"},
    {"wmo.assignment.v1.AssignmentRequest", 9, "update_time"},
};

// Migration 9: times as google.protobuf.Timestamp.
absl::Status UpgradeTimes(store::Connection& c) {
  using server::UpgradeTimesIn;
  absl::Status s = UpgradeTimesIn<v1::Assignment>(
      c, {"assignments", "municipality, number"}, kLegacyTimes);
  if (s.ok()) {
    s = UpgradeTimesIn<v1::Assignment>(
        c, {"assignment_versions", "municipality, number, revision"},
        kLegacyTimes);
  }
  if (s.ok()) {
    s = UpgradeTimesIn<v1::AssignmentRequest>(c, {"assignment_requests", "id"},
                                              kLegacyTimes);
  }
  if (s.ok()) s = audit::UpgradeStoredTimes(c);
  return s;
}

// The trail of request `id` kept under the provider's name, now under the
// request's (municipality's) name. The answer was recorded under both: the
// municipality's copy stays and the provider's goes.
absl::Status MoveRequestTrail(store::Connection& c,
                              const v1::AssignmentRequest& r,
                              const std::string& id) {
  const std::string owner =
      absl::StrCat("providers/", r.requested().provider_agb());
  auto entries = c.Execute(
      "SELECT owner, time, id, body FROM audit_log"
      " WHERE owner = ? AND resource = ?",
      {owner, absl::StrCat(owner, "/assignmentRequests/", id)});
  if (!entries.ok()) return entries.status();
  for (const auto& row : *entries) {
    std::vector<store::Value> key(row.begin(), row.begin() + 3);
    type::v1::AuditEntry entry;
    if (!entry.ParseFromString(ResultSet::Text(row, 3))) {
      return absl::DataLossError("an audit entry cannot be read");
    }
    absl::Status s;
    if (entry.operation() == "AnswerAssignmentRequest") {
      s = c.Execute(
               "DELETE FROM audit_log WHERE owner = ? AND time = ? AND id = ?",
               key)
              .status();
    } else {
      entry.set_resource(r.name());
      std::vector<store::Value> params = {
          absl::StrCat("municipalities/", r.requested().municipality()),
          r.name(), Blob{entry.SerializeAsString()}};
      params.insert(params.end(), key.begin(), key.end());
      s = c.Execute(
               "UPDATE audit_log SET owner = ?, resource = ?, body = ?"
               " WHERE owner = ? AND time = ? AND id = ?",
               params)
              .status();
    }
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// Migration 10: every stored request named under its municipality.
absl::Status RenameRequests(store::Connection& c) {
  auto rows = c.Execute("SELECT id, body FROM assignment_requests");
  if (!rows.ok()) return rows.status();
  for (const auto& row : *rows) {
    const std::string id(ResultSet::Text(row, 0));
    v1::AssignmentRequest r;
    if (!r.ParseFromString(ResultSet::Text(row, 1))) {
      return absl::DataLossError(
          absl::StrCat("assignment request ", id, " is unreadable"));
    }
    r.set_name(
        AssignmentRepository::RequestName(r.requested().municipality(), id));
    if (absl::Status s = UpdateRequestRow(c, id, r); !s.ok()) return s;
    if (absl::Status s = MoveRequestTrail(c, r, id); !s.ok()) return s;
  }
  return absl::OkStatus();
}

constexpr store::Migration kMigrations[] = {
    {1,
     // The current version of each assignment; end_date '9999-12-31' for
     // open-ended so that period look-ups are plain comparisons.
     "CREATE TABLE assignments ("
     " municipality TEXT NOT NULL,"
     " number TEXT NOT NULL,"
     " client_bsn TEXT NOT NULL,"
     " provider_agb TEXT NOT NULL,"
     " product TEXT NOT NULL,"
     " state BIGINT NOT NULL,"
     " start_date TEXT NOT NULL,"
     " end_date TEXT NOT NULL,"
     " revision BIGINT NOT NULL,"
     " body BYTEA NOT NULL,"
     " PRIMARY KEY (municipality, number));"
     "CREATE INDEX assignments_by_client ON assignments"
     " (municipality, client_bsn);"
     "CREATE TABLE assignment_versions ("
     " municipality TEXT NOT NULL,"
     " number TEXT NOT NULL,"
     " revision BIGINT NOT NULL,"
     " body BYTEA NOT NULL,"
     " PRIMARY KEY (municipality, number, revision));"
     "CREATE TABLE audit_entries ("
     " municipality TEXT NOT NULL,"
     " number TEXT NOT NULL,"
     " seq BIGINT NOT NULL,"
     " body BYTEA NOT NULL,"
     " PRIMARY KEY (municipality, number, seq));"
     "CREATE TABLE number_sequences ("
     " municipality TEXT PRIMARY KEY,"
     " next_number BIGINT NOT NULL);"
     "CREATE TABLE request_ids ("
     " municipality TEXT NOT NULL,"
     " request_id TEXT NOT NULL,"
     " number TEXT NOT NULL,"
     " PRIMARY KEY (municipality, request_id));"
     "CREATE TABLE assignment_requests ("
     " id TEXT PRIMARY KEY,"
     " provider_agb TEXT NOT NULL,"
     " provider_reference TEXT NOT NULL,"
     " client_bsn TEXT NOT NULL,"
     " state BIGINT NOT NULL,"
     " body BYTEA NOT NULL);"
     // TR347: the provider's reference is unique per provider.
     "CREATE UNIQUE INDEX requests_by_reference ON assignment_requests"
     " (provider_agb, provider_reference);"
     // TR374: one open request per client per provider (state 1 = OPEN).
     "CREATE UNIQUE INDEX open_request_per_client ON assignment_requests"
     " (provider_agb, client_bsn) WHERE state = 1"},
    {2,
     // A client's assignments in number order straight from the index:
     // with (municipality, client_bsn) alone SQLite preferred the primary
     // key to skip the sort and scanned the whole municipality per create.
     "CREATE INDEX assignments_by_client_number ON assignments"
     " (municipality, client_bsn, number);"
     "DROP INDEX assignments_by_client"},
    // Request ids in the table every service shares (store::CreateOnce),
    // which also keeps a digest of the request; ids kept before have none.
    {3, store::kRequestIdsTable},
    {4,
     "INSERT INTO create_requests (scope, request_id, body_sha256, resource)"
     " SELECT 'municipalities/' || municipality || '/assignments', request_id,"
     " '', 'municipalities/' || municipality || '/assignments/' || number"
     " FROM request_ids;"
     "DROP TABLE request_ids"},
    // The audit trail every service keeps (libs/audit). The entries kept
    // before read as its entries (the message kept its field numbers); their
    // time is inside the entry only, so they sort first and a list bounded
    // by start_time leaves them out.
    {5, audit::kAuditTable},
    {6,
     "INSERT INTO audit_log (owner, resource, time, id, body)"
     " SELECT 'municipalities/' || municipality,"
     " 'municipalities/' || municipality || '/assignments/' || number, '',"
     " number || '/' || CAST(1000000000 + seq AS TEXT), body"
     " FROM audit_entries;"
     "DROP TABLE audit_entries"},
    // A client's assignments in every municipality of the region.
    {7, "CREATE INDEX assignments_by_bsn ON assignments (client_bsn)"},
    // What the declaration service reports as billed (TR385).
    {8,
     "CREATE TABLE assignment_usage ("
     " municipality TEXT NOT NULL,"
     " number TEXT NOT NULL,"
     " approved_lines BIGINT NOT NULL,"
     " approved_volume BIGINT NOT NULL,"
     " approved_cents BIGINT NOT NULL,"
     " revision BIGINT NOT NULL,"
     " PRIMARY KEY (municipality, number))"},
    {9, "", UpgradeTimes},
    // Requests are named under the municipality asked (they were under the
    // provider), with their trails, and listed per municipality or per
    // provider, oldest first.
    {10,
     "ALTER TABLE assignment_requests"
     " ADD COLUMN municipality TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE assignment_requests"
     " ADD COLUMN create_time TEXT NOT NULL DEFAULT '';"
     "CREATE INDEX requests_by_municipality ON assignment_requests"
     " (municipality, create_time, id);"
     "CREATE INDEX requests_by_provider ON assignment_requests"
     " (provider_agb, create_time, id)",
     RenameRequests},
    // TR374 per batch: the requests of one iWmo 315 are open together, so
    // the unique index holds the first request of each batch only. And the
    // changes a provider is told of, numbered per provider.
    {11,
     "ALTER TABLE assignment_requests"
     " ADD COLUMN batch TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE assignment_requests"
     " ADD COLUMN first_in_batch BIGINT NOT NULL DEFAULT 1;"
     "DROP INDEX open_request_per_client;"
     "CREATE UNIQUE INDEX open_batch_per_client ON assignment_requests"
     " (provider_agb, client_bsn) WHERE state = 1 AND first_in_batch = 1;"
     "CREATE INDEX requests_by_batch ON assignment_requests"
     " (provider_agb, batch);"
     "CREATE TABLE assignment_changes ("
     " provider_agb TEXT NOT NULL,"
     " sequence BIGINT NOT NULL,"
     " change_time TEXT NOT NULL,"
     " body BYTEA NOT NULL,"
     " PRIMARY KEY (provider_agb, sequence))"},
    // Creates run side by side, each provider's in turn (the change feed's
    // order): a row per client, locked by every change of the client's
    // assignments while it checks them against the others (LockClient).
    {12, "CREATE TABLE client_locks (key TEXT PRIMARY KEY)"},
};

constexpr char kOpenEnd[] = "9999-12-31";

template <typename T>
absl::StatusOr<T> Parse(const ResultSet::Row& row, size_t column) {
  T message;
  if (!message.ParseFromString(ResultSet::Text(row, column))) {
    return absl::DataLossError("stored record is unreadable");
  }
  return message;
}

template <typename T>
absl::StatusOr<std::vector<T>> ParseAll(const ResultSet& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    auto parsed = Parse<T>(row, 0);
    if (!parsed.ok()) return parsed.status();
    out.push_back(*std::move(parsed));
  }
  return out;
}

std::string EndOrOpen(const v1::Assignment& a) {
  return a.end_date().empty() ? kOpenEnd : a.end_date();
}

}  // namespace

absl::Span<const store::Migration> AssignmentRepository::Migrations() {
  return kMigrations;
}

absl::StatusOr<v1::Assignment> AssignmentRepository::Get(
    store::Connection& c, const std::string& municipality,
    const std::string& number) {
  auto rows = c.Execute(
      "SELECT body FROM assignments WHERE municipality = ? AND number = ?",
      {municipality, number});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return absl::NotFoundError(absl::StrCat("municipality ", municipality,
                                            " has no assignment ", number));
  }
  return Parse<v1::Assignment>((*rows)[0], 0);
}

absl::StatusOr<v1::Assignment> AssignmentRepository::GetRevision(
    store::Connection& c, const std::string& municipality,
    const std::string& number, int64_t revision) {
  auto rows = c.Execute(
      "SELECT body FROM assignment_versions"
      " WHERE municipality = ? AND number = ? AND revision = ?",
      {municipality, number, revision});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return absl::NotFoundError(
        absl::StrCat("assignment ", number, " has no revision ", revision));
  }
  return Parse<v1::Assignment>((*rows)[0], 0);
}

absl::StatusOr<std::map<std::string, v1::Assignment>>
AssignmentRepository::GetMany(store::Connection& c,
                              const std::string& municipality,
                              const std::set<std::string>& numbers) {
  std::map<std::string, v1::Assignment> found;
  absl::Status s = store::QueryInChunks(
      c, "SELECT body FROM assignments WHERE municipality = ? AND number",
      {municipality}, numbers, [&](const ResultSet& rows) -> absl::Status {
        for (const auto& row : rows) {
          auto a = Parse<v1::Assignment>(row, 0);
          if (!a.ok()) return a.status();
          std::string number = a->number();
          found.emplace(std::move(number), *std::move(a));
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return found;
}

absl::Status AssignmentRepository::LockClient(store::Connection& c,
                                              const std::string& bsn) {
  return c.LockKeys("client_locks", {server::ClientLockKey(bsn)});
}

absl::StatusOr<std::vector<v1::Assignment>> AssignmentRepository::ListForClient(
    store::Connection& c, const std::string& catalog, const std::string& bsn) {
  WMO_ASSIGN_OR_RETURN(by_client, ListForClients(c, {bsn}));
  std::vector<v1::Assignment> all = std::move(by_client[bsn]);
  // The catalog is in the body only; a client has few assignments.
  std::erase_if(
      all, [&](const v1::Assignment& a) { return a.catalog() != catalog; });
  return all;
}

absl::StatusOr<std::map<std::string, std::vector<v1::Assignment>>>
AssignmentRepository::ListForClients(store::Connection& c,
                                     const std::set<std::string>& bsns) {
  std::map<std::string, std::vector<v1::Assignment>> found;
  absl::Status s = store::QueryInChunks(
      c, "SELECT body FROM assignments WHERE state <> ? AND client_bsn",
      {int64_t{v1::Assignment::DELETED}}, bsns,
      [&](const ResultSet& rows) -> absl::Status {
        for (const auto& row : rows) {
          auto a = Parse<v1::Assignment>(row, 0);
          if (!a.ok()) return a.status();
          std::string bsn = a->client().bsn();
          found[std::move(bsn)].push_back(*std::move(a));
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  for (auto& [bsn, list] : found) {
    std::sort(list.begin(), list.end(),
              [](const v1::Assignment& x, const v1::Assignment& y) {
                return std::tie(x.municipality(), x.number()) <
                       std::tie(y.municipality(), y.number());
              });
  }
  return found;
}

absl::StatusOr<std::vector<v1::Assignment>> AssignmentRepository::List(
    store::Connection& c, const Filter& f, const std::string& after,
    size_t limit) {
  // Empty filter values match everything: "? = ''" short-circuits. Pages
  // follow the primary key (municipality, number).
  auto rows = c.Execute(
      "SELECT body FROM assignments WHERE municipality = ? AND number > ?"
      " AND (? = '' OR client_bsn = ?) AND (? = '' OR provider_agb = ?)"
      " AND (? = '' OR product = ?) AND (? = 0 OR state = ?)"
      " AND (? = '' OR (start_date <= ? AND end_date >= ?))"
      " ORDER BY number LIMIT ?",
      {f.municipality, after, f.client_bsn, f.client_bsn, f.provider_agb,
       f.provider_agb, f.product, f.product, int64_t{f.state}, int64_t{f.state},
       f.active_on, f.active_on, f.active_on, static_cast<int64_t>(limit)});
  if (!rows.ok()) return rows.status();
  return ParseAll<v1::Assignment>(*rows);
}

absl::StatusOr<v1::AssignmentUsage> AssignmentRepository::GetUsage(
    store::Connection& c, const std::string& municipality,
    const std::string& number) {
  auto rows = c.Execute(
      "SELECT approved_lines, approved_volume, approved_cents, revision"
      " FROM assignment_usage WHERE municipality = ? AND number = ?",
      {municipality, number});
  if (!rows.ok()) return rows.status();
  v1::AssignmentUsage usage;
  usage.set_assignment(
      absl::StrCat("municipalities/", municipality, "/assignments/", number));
  if (!rows->empty()) {
    const auto& row = (*rows)[0];
    usage.set_approved_lines(static_cast<int32_t>(ResultSet::Int(row, 0)));
    usage.set_approved_volume(ResultSet::Int(row, 1));
    usage.set_approved_cents(ResultSet::Int(row, 2));
    usage.set_revision(ResultSet::Int(row, 3));
  }
  return usage;
}

absl::Status AssignmentRepository::RecordUsage(
    store::Connection& c, const std::vector<UsageOf>& usages) {
  std::vector<std::vector<store::Value>> rows;
  rows.reserve(usages.size());
  for (const UsageOf& u : usages) {
    rows.push_back({u.municipality, u.number,
                    int64_t{u.usage->approved_lines()},
                    u.usage->approved_volume(), u.usage->approved_cents(),
                    u.usage->revision()});
  }
  return store::ExecuteRows(
      c,
      "INSERT INTO assignment_usage (municipality, number, approved_lines,"
      " approved_volume, approved_cents, revision) VALUES ",
      "(?, ?, ?, ?, ?, ?)", rows,
      " ON CONFLICT (municipality, number) DO UPDATE SET"
      " approved_lines = excluded.approved_lines,"
      " approved_volume = excluded.approved_volume,"
      " approved_cents = excluded.approved_cents,"
      " revision = excluded.revision"
      " WHERE excluded.revision > assignment_usage.revision");
}

absl::StatusOr<std::map<std::string, int64_t>> AssignmentRepository::States(
    store::Connection& c, const std::string& municipality,
    const std::set<std::string>& numbers) {
  std::map<std::string, int64_t> states;
  absl::Status s = store::QueryInChunks(
      c,
      "SELECT number, state FROM assignments WHERE municipality = ? AND number",
      {municipality}, numbers, [&](const ResultSet& rows) {
        for (const auto& row : rows) {
          states[ResultSet::Text(row, 0)] = ResultSet::Int(row, 1);
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return states;
}

absl::StatusOr<int64_t> AssignmentRepository::ReserveNumbers(
    store::Connection& c, const std::string& municipality, int64_t count) {
  auto rows = c.Execute(
      "SELECT next_number FROM number_sequences WHERE municipality = ?",
      {municipality});
  if (!rows.ok()) return rows.status();
  const bool first_block = rows->empty();
  int64_t next = first_block ? 1 : ResultSet::Int((*rows)[0], 0);
  // Numbers chosen by hand (imports) may already hold the next ones.
  while (true) {
    auto used = c.Execute(
        "SELECT 1 FROM assignments WHERE municipality = ? AND number = ?",
        {municipality, absl::StrCat(next)});
    if (!used.ok()) return used.status();
    if (used->empty()) break;
    ++next;
  }
  auto written =
      first_block
          ? c.Execute(
                "INSERT INTO number_sequences (municipality, next_number)"
                " VALUES (?, ?)",
                {municipality, next + count})
          : c.Execute(
                "UPDATE number_sequences SET next_number = ?"
                " WHERE municipality = ?",
                {next + count, municipality});
  if (!written.ok()) return written.status();
  return next;
}

absl::Status AssignmentRepository::Insert(store::Connection& c,
                                          const v1::Assignment& a) {
  const std::string body = a.SerializeAsString();
  auto inserted = c.Execute(
      "INSERT INTO assignments (municipality, number, client_bsn,"
      " provider_agb, product, state, start_date, end_date, revision, body)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {a.municipality(), a.number(), a.client().bsn(), a.provider_agb(),
       a.product(), int64_t{a.state()}, a.start_date(), EndOrOpen(a),
       a.revision(), Blob{body}});
  if (!inserted.ok()) return inserted.status();
  return c
      .Execute(
          "INSERT INTO assignment_versions (municipality, number, revision,"
          " body) VALUES (?, ?, ?, ?)",
          {a.municipality(), a.number(), a.revision(), Blob{body}})
      .status();
}

absl::Status AssignmentRepository::Update(store::Connection& c,
                                          const v1::Assignment& a) {
  const std::string body = a.SerializeAsString();
  auto updated = c.Execute(
      "UPDATE assignments SET state = ?, start_date = ?, end_date = ?,"
      " revision = ?, body = ? WHERE municipality = ? AND number = ?",
      {int64_t{a.state()}, a.start_date(), EndOrOpen(a), a.revision(),
       Blob{body}, a.municipality(), a.number()});
  if (!updated.ok()) return updated.status();
  return c
      .Execute(
          "INSERT INTO assignment_versions (municipality, number, revision,"
          " body) VALUES (?, ?, ?, ?)",
          {a.municipality(), a.number(), a.revision(), Blob{body}})
      .status();
}

absl::Status AssignmentRepository::InsertRequest(
    store::Connection& c, const std::string& id,
    const v1::AssignmentRequest& r) {
  // The first request of a batch holds the batch's place in the unique
  // index of open requests; a request without a batch is a batch of its own.
  int64_t first_in_batch = 1;
  if (!r.batch().empty()) {
    auto rows = c.Execute(
        "SELECT 1 FROM assignment_requests WHERE provider_agb = ? AND"
        " client_bsn = ? AND batch = ?",
        {r.requested().provider_agb(), r.requested().client().bsn(),
         r.batch()});
    if (!rows.ok()) return rows.status();
    first_in_batch = rows->empty() ? 1 : 0;
  }
  return c
      .Execute(
          "INSERT INTO assignment_requests (id, provider_agb,"
          " provider_reference, client_bsn, state, municipality, create_time,"
          " batch, first_in_batch, body)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {id, r.requested().provider_agb(), r.provider_reference(),
           r.requested().client().bsn(), int64_t{r.state()},
           r.requested().municipality(), server::TimeText(r.create_time()),
           r.batch(), first_in_batch, Blob{r.SerializeAsString()}})
      .status();
}

absl::Status AssignmentRepository::UpdateRequest(
    store::Connection& c, const std::string& id,
    const v1::AssignmentRequest& r) {
  return UpdateRequestRow(c, id, r);
}

std::string AssignmentRepository::RequestName(absl::string_view municipality,
                                              absl::string_view id) {
  return absl::StrCat("municipalities/", municipality, "/assignmentRequests/",
                      id);
}

absl::StatusOr<std::vector<v1::AssignmentRequest>>
AssignmentRepository::ListRequests(store::Connection& c, const RequestFilter& f,
                                   const std::string& after, size_t limit) {
  // The key of the previous page's last request: "create_time/id".
  const auto [after_time, after_id] = server::SplitPageKey(after);
  // Empty filter values match everything: "? = ''" short-circuits; each
  // index serves the column a caller always gives.
  auto rows = c.Execute(
      f.municipality.empty()
          ? "SELECT body FROM assignment_requests WHERE provider_agb = ?"
            " AND (? = '' OR municipality = ?) AND (? = 0 OR state = ?)"
            " AND (create_time > ? OR (create_time = ? AND id > ?))"
            " ORDER BY create_time, id LIMIT ?"
          : "SELECT body FROM assignment_requests WHERE municipality = ?"
            " AND (? = '' OR provider_agb = ?) AND (? = 0 OR state = ?)"
            " AND (create_time > ? OR (create_time = ? AND id > ?))"
            " ORDER BY create_time, id LIMIT ?",
      {f.municipality.empty() ? f.provider_agb : f.municipality,
       f.municipality.empty() ? f.municipality : f.provider_agb,
       f.municipality.empty() ? f.municipality : f.provider_agb,
       int64_t{f.state}, int64_t{f.state}, after_time, after_time, after_id,
       static_cast<int64_t>(limit)});
  if (!rows.ok()) return rows.status();
  return ParseAll<v1::AssignmentRequest>(*rows);
}

std::string AssignmentRepository::RequestKey(const v1::AssignmentRequest& r) {
  return absl::StrCat(server::TimeText(r.create_time()), "/",
                      r.name().substr(r.name().rfind('/') + 1));
}

absl::StatusOr<v1::AssignmentRequest> AssignmentRepository::GetRequest(
    store::Connection& c, const std::string& id) {
  auto rows =
      c.Execute("SELECT body FROM assignment_requests WHERE id = ?", {id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return absl::NotFoundError(absl::StrCat("no assignment request ", id));
  }
  return Parse<v1::AssignmentRequest>((*rows)[0], 0);
}

absl::StatusOr<bool> AssignmentRepository::HasOpenRequest(
    store::Connection& c, const std::string& provider,
    const std::string& client_bsn, const std::string& batch) {
  auto rows = c.Execute(
      "SELECT 1 FROM assignment_requests WHERE provider_agb = ? AND"
      " client_bsn = ? AND state = ? AND (? = '' OR batch <> ?)",
      {provider, client_bsn, int64_t{v1::AssignmentRequest::OPEN}, batch,
       batch});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

absl::StatusOr<bool> AssignmentRepository::ReferenceUsed(
    store::Connection& c, const std::string& provider,
    const std::string& reference) {
  auto rows = c.Execute(
      "SELECT 1 FROM assignment_requests WHERE provider_agb = ? AND"
      " provider_reference = ?",
      {provider, reference});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

absl::Status AssignmentRepository::RecordChange(store::Connection& c,
                                                const std::string& provider,
                                                v1::AssignmentChange change) {
  auto rows = c.Execute(
      "SELECT COALESCE(MAX(sequence), 0) + 1 FROM assignment_changes"
      " WHERE provider_agb = ?",
      {provider});
  if (!rows.ok()) return rows.status();
  change.set_sequence(ResultSet::Int((*rows)[0], 0));
  absl::Status inserted =
      c.Execute(
           "INSERT INTO assignment_changes (provider_agb, sequence,"
           " change_time, body) VALUES (?, ?, ?, ?)",
           {provider, change.sequence(), server::TimeText(change.change_time()),
            Blob{change.SerializeAsString()}})
          .status();
  return absl::IsAlreadyExists(inserted) ? store::MarkRetryable(inserted)
                                         : inserted;
}

absl::StatusOr<std::vector<v1::AssignmentChange>>
AssignmentRepository::ListChanges(store::Connection& c,
                                  const std::string& provider, int64_t after,
                                  size_t limit) {
  auto rows = c.Execute(
      "SELECT body FROM assignment_changes WHERE provider_agb = ? AND"
      " sequence > ? ORDER BY sequence LIMIT ?",
      {provider, after, static_cast<int64_t>(limit)});
  if (!rows.ok()) return rows.status();
  return ParseAll<v1::AssignmentChange>(*rows);
}

}  // namespace wmo::assignment
