#include "libs/store/store.h"

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/store/deadline.h"

namespace wmo::store {
namespace {

const std::string& EmptyString() {
  static const std::string* const kEmpty = new std::string();
  return *kEmpty;
}

}  // namespace

int64_t ResultSet::Int(const Row& row, size_t column) {
  const Value& v = row.at(column);
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  return 0;
}

const std::string& ResultSet::Text(const Row& row, size_t column) {
  const Value& v = row.at(column);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  return EmptyString();
}

bool ResultSet::IsNull(const Row& row, size_t column) {
  return std::holds_alternative<std::monostate>(row.at(column));
}

namespace {
constexpr char kRetryable[] = "wmo.store/retryable";
constexpr char kDetail[] = "wmo.store/detail";
}  // namespace

absl::Status MarkRetryable(absl::Status status) {
  status.SetPayload(kRetryable, absl::Cord("1"));
  return status;
}

absl::Status StoreError(absl::StatusCode code, absl::string_view message,
                        absl::string_view detail) {
  absl::Status status(code, message);
  status.SetPayload(kDetail, absl::Cord(detail));
  return status;
}

std::string ErrorDetail(const absl::Status& status) {
  auto detail = status.GetPayload(kDetail);
  return detail ? std::string(*detail) : std::string();
}

bool IsRetryable(const absl::Status& status) {
  return status.GetPayload(kRetryable).has_value();
}

absl::Status RunGuarded(absl::FunctionRef<absl::Status(Connection&)> fn,
                        Connection& c) {
  try {
    return fn(c);
  } catch (const std::exception& e) {
    return StoreError(absl::StatusCode::kInternal, "the transaction failed",
                      absl::StrCat("exception in a transaction: ", e.what()));
  }
}

absl::Status CheckUsable(Database& db, absl::Duration within) {
  DeadlineScope scope(absl::Now() + within);
  absl::Status s = db.Execute("SELECT 1").status();
  if (s.code() == absl::StatusCode::kResourceExhausted) return absl::OkStatus();
  return s;
}

absl::Status Migrate(Database& db, absl::string_view service,
                     absl::Span<const Migration> migrations) {
  const std::string service_name(service);
  return db.MigrationTransaction(service, [&](Connection& c) -> absl::Status {
    if (absl::Status s =
            c.ExecuteScript("CREATE TABLE IF NOT EXISTS schema_migrations ("
                            " service TEXT NOT NULL, version BIGINT NOT NULL,"
                            " PRIMARY KEY (service, version))");
        !s.ok()) {
      return s;
    }
    for (const Migration& m : migrations) {
      auto done = c.Execute(
          "SELECT 1 FROM schema_migrations WHERE service = ? AND version = ?",
          {service_name, int64_t{m.version}});
      if (!done.ok()) return done.status();
      if (!done->empty()) continue;
      absl::Status s =
          m.sql.empty() ? absl::OkStatus() : c.ExecuteScript(m.sql);
      if (s.ok() && m.code != nullptr) s = m.code(c);
      if (!s.ok()) {
        return absl::Status(
            s.code(), absl::StrCat("migration ", service, " v", m.version, ": ",
                                   s.message()));
      }
      auto recorded = c.Execute(
          "INSERT INTO schema_migrations (service, version) VALUES (?, ?)",
          {service_name, int64_t{m.version}});
      if (!recorded.ok()) return recorded.status();
    }
    return absl::OkStatus();
  });
}

namespace {

// Keys per statement of QueryInChunks, at most.
constexpr size_t kChunk = 256;

// "(?, ?, …)" with `n` placeholders: an IN list, or a row of VALUES.
std::string InList(size_t n) {
  std::string list = "(?";
  for (size_t i = 1; i < n; ++i) list.append(", ?");
  list.append(")");
  return list;
}

}  // namespace

absl::Status ExecuteRows(Connection& c, absl::string_view sql_before,
                         absl::string_view tuple,
                         const std::vector<std::vector<Value>>& rows,
                         absl::string_view sql_after, size_t per_statement) {
  return ExecuteRows(
      c, sql_before, tuple, rows, sql_after,
      [](const ResultSet&) { return absl::OkStatus(); }, per_statement);
}

absl::Status ExecuteRows(Connection& c, absl::string_view sql_before,
                         absl::string_view tuple,
                         const std::vector<std::vector<Value>>& rows,
                         absl::string_view sql_after,
                         absl::FunctionRef<absl::Status(const ResultSet&)> each,
                         size_t per_statement) {
  const size_t width = std::count(tuple.begin(), tuple.end(), '?');
  // Full statements, then the rest in powers of two: each statement text
  // is prepared once per connection and kept, so a handful of shapes per
  // call site rather than one per row count.
  for (size_t from = 0, to = 0; from < rows.size(); from = to) {
    const size_t left = rows.size() - from;
    to = from + (left >= per_statement ? per_statement : std::bit_floor(left));
    std::string sql(sql_before);
    std::vector<Value> params;
    params.reserve((to - from) * width);
    for (size_t r = from; r < to; ++r) {
      if (rows[r].size() != width) {
        return absl::InternalError(
            "ExecuteRows: a row does not fill the tuple's placeholders");
      }
      if (r > from) sql.append(", ");
      absl::StrAppend(&sql, tuple);
      params.insert(params.end(), rows[r].begin(), rows[r].end());
    }
    absl::StrAppend(&sql, sql_after);
    auto done = c.Execute(sql, params);
    if (!done.ok()) return done.status();
    if (absl::Status s = each(*done); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Connection::CopyRows(absl::string_view table,
                                  absl::Span<const absl::string_view> columns,
                                  const std::vector<std::vector<Value>>& rows) {
  return ExecuteRows(*this,
                     absl::StrCat("INSERT INTO ", table, " (",
                                  absl::StrJoin(columns, ", "), ") VALUES "),
                     InList(columns.size()), rows, "");
}

absl::Status QueryInChunks(
    Connection& c, absl::string_view sql_before,
    const std::vector<Value>& leading, const std::set<std::string>& keys,
    absl::FunctionRef<absl::Status(const ResultSet&)> each,
    absl::string_view sql_after) {
  auto it = keys.begin();
  for (size_t left = keys.size(); left > 0;) {
    // A power of two of keys, the last repeated to fill it: a few statement
    // shapes, and one key asked as one (the common case) stays cheap.
    const size_t n = std::min(kChunk, std::bit_ceil(left));
    const std::string sql =
        absl::StrCat(sql_before, " IN ", InList(n), sql_after);
    std::vector<Value> params = leading;
    params.reserve(leading.size() + n);
    std::string last;
    for (size_t i = 0; i < n; ++i) {
      if (it != keys.end()) {
        last = *it++;
        --left;
      }
      params.push_back(last);
    }
    auto rows = c.Execute(sql, params);
    if (!rows.ok()) return rows.status();
    if (absl::Status s = each(*rows); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace wmo::store
