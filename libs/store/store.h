#ifndef WMO_LIBS_STORE_STORE_H_
#define WMO_LIBS_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace wmo::store {

// Binary data, kept apart from text because PostgreSQL types them apart.
struct Blob {
  std::string bytes;
};

// A bound parameter or a result column.
using Value = std::variant<std::monostate, int64_t, std::string, Blob>;

// Rows of a statement's result, columns by position.
class ResultSet {
 public:
  using Row = std::vector<Value>;

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const Row& operator[](size_t i) const { return rows_[i]; }
  std::vector<Row>::const_iterator begin() const { return rows_.begin(); }
  std::vector<Row>::const_iterator end() const { return rows_.end(); }

  void AddRow(Row row) { rows_.push_back(std::move(row)); }

  // Typed column access: NULL reads as 0 or "".
  static int64_t Int(const Row& row, size_t column);
  static const std::string& Text(const Row& row, size_t column);
  static bool IsNull(const Row& row, size_t column);

 private:
  std::vector<Row> rows_;
};

// One session with the database. Statements use `?` placeholders and
// portable SQL; each distinct statement is prepared once per connection
// (on PostgreSQL, but look-ups by many keys, which are planned each run).
class Connection {
 public:
  virtual ~Connection() = default;

  virtual absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                            absl::Span<const Value> params) = 0;
  absl::StatusOr<ResultSet> Execute(absl::string_view sql) {
    return Execute(sql, {});
  }
  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    std::initializer_list<Value> params) {
    return Execute(sql, absl::MakeConstSpan(params.begin(), params.size()));
  }

  // Runs several `;`-separated statements without parameters (migrations).
  virtual absl::Status ExecuteScript(absl::string_view sql) = 0;

  // "sqlite" or "postgres": for the few statements only one of them knows
  // (partitions).
  virtual absl::string_view backend() const = 0;

  // Appends `rows` to `columns` of `table`, each row a value per column:
  // for many rows known to be new (no conflict handling; a duplicate key
  // fails the statement). PostgreSQL takes them as one COPY, with no
  // statement to parse, bind and plan per batch of rows; elsewhere they go
  // in multi-row INSERTs (ExecuteRows).
  virtual absl::Status CopyRows(absl::string_view table,
                                absl::Span<const absl::string_view> columns,
                                const std::vector<std::vector<Value>>& rows);

  // Locks the rows `keys` of `table` (a table of one TEXT primary key
  // column, `key`, that the caller's migration makes) until the transaction
  // ends, making the missing ones: for what a SerialTransaction reads that
  // writers under other keys change. Taken in ascending order by every
  // caller, so that lockers wait for each other instead of deadlocking.
  // Row locks rather than advisory ones: a declaration may lock tens of
  // thousands of keys, more than PostgreSQL's shared lock table holds.
  // SQLite runs one writer at a time: nothing to lock there.
  virtual absl::Status LockKeys(absl::string_view table,
                                const std::set<std::string>& keys) {
    return absl::OkStatus();
  }
};

// A database: a pool of connections. Implementations: SQLite, PostgreSQL.
class Database {
 public:
  virtual ~Database() = default;

  // Runs `fn` in one serializable read-write transaction: commits when it
  // returns OK, rolls back otherwise. A conflict with a concurrent
  // transaction reruns `fn` a bounded number of times, so `fn` must not keep
  // effects outside the database between attempts.
  virtual absl::Status Transaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) = 0;

  // Runs `fn` in a read-write transaction, one at a time among the callers
  // that pass the same `key`, in every process: for writers whose data is
  // divided by key (a provider's declarations), which then take turns
  // instead of conflicting and rerunning in a storm, and run beside other
  // keys' writers without conflicts at all. On PostgreSQL the transaction
  // is READ COMMITTED, not serializable, and holds an advisory lock on the
  // key from its first statement: each statement sees what was committed
  // before it, and what `fn` reads that writers under other keys change it
  // must lock first (Connection::LockKeys). SQLite runs one writer at a
  // time anyway. Deadlocks are rerun as in Transaction.
  virtual absl::Status SerialTransaction(
      absl::string_view key, absl::FunctionRef<absl::Status(Connection&)> fn) {
    return Transaction(fn);
  }

  // Runs `fn` in one read-only transaction: a consistent snapshot that
  // never waits for writers (SQLite WAL, PostgreSQL REPEATABLE READ).
  virtual absl::Status ReadTransaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) = 0;

  // Runs one statement on its own (reads, single writes).
  virtual absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                            absl::Span<const Value> params) = 0;
  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    std::initializer_list<Value> params = {}) {
    return Execute(sql, absl::MakeConstSpan(params.begin(), params.size()));
  }

  // Runs `fn` in one transaction that no other process migrating `service`
  // runs beside: on PostgreSQL under an advisory lock taken before the
  // transaction starts, so it sees what the previous holder committed; on
  // SQLite a write transaction already excludes the others.
  virtual absl::Status MigrationTransaction(
      absl::string_view service,
      absl::FunctionRef<absl::Status(Connection&)> fn) {
    return Transaction(fn);
  }

  // "sqlite" or "postgres", for logs and metrics.
  virtual absl::string_view backend() const = 0;

  // `on_rerun` runs each time a transaction is rerun after a serialization
  // conflict (a measure of contention). Call before use.
  virtual void OnRerun(const std::function<void()>& on_rerun) {}
};

// A failure of the database itself: `message` says what a caller may know
// (the database is unavailable, a key exists); `detail` is the database's
// own text, which can name hosts, tables and values and so goes to the
// operator's log only (ErrorDetail), never to a client.
absl::Status StoreError(absl::StatusCode code, absl::string_view message,
                        absl::string_view detail);
// The detail of a StoreError; "" for any other status.
std::string ErrorDetail(const absl::Status& status);

// A conflict between concurrent transactions that a rerun may resolve, as
// opposed to an ABORTED a transaction body returns itself (a stale etag).
absl::Status MarkRetryable(absl::Status status);
bool IsRetryable(const absl::Status& status);

// Runs a transaction body so that an exception escaping it (a library's
// fatal check, say) becomes INTERNAL and the transaction is rolled back
// instead of leaving the connection inside it.
absl::Status RunGuarded(absl::FunctionRef<absl::Status(Connection&)> fn,
                        Connection& c);

// Runs "<sql_before> IN (?, …)<sql_after>" once per chunk of the distinct
// `keys`, with `leading` parameters before them, passing each result to
// `each`: a batch look-up (or write) in a few statements rather than one
// per key. A chunk has 256 placeholders, or the power of two that holds
// the keys left (the last key repeats): a few statement shapes, each
// prepared once, and one key is asked as one.
absl::Status QueryInChunks(
    Connection& c, absl::string_view sql_before,
    const std::vector<Value>& leading, const std::set<std::string>& keys,
    absl::FunctionRef<absl::Status(const ResultSet&)> each,
    absl::string_view sql_after = "");

// Runs "<sql_before><tuple>, <tuple>, …<sql_after>" with the values of up
// to `per_statement` of `rows` at a time, each row filling one `tuple` (its
// placeholders, "(?, ?)"; a CAST where PostgreSQL cannot infer a type, as
// in VALUES): a multi-row write or a row-value match in a few statements
// rather than one per row. The rows left over after the full statements go
// in statements of powers of two (64, 32, … 1 for the default 100), so that
// a call site prepares a handful of statement shapes, not one per count.
absl::Status ExecuteRows(Connection& c, absl::string_view sql_before,
                         absl::string_view tuple,
                         const std::vector<std::vector<Value>>& rows,
                         absl::string_view sql_after,
                         size_t per_statement = 100);
// The same, handing what each statement returns (RETURNING) to `each`.
absl::Status ExecuteRows(Connection& c, absl::string_view sql_before,
                         absl::string_view tuple,
                         const std::vector<std::vector<Value>>& rows,
                         absl::string_view sql_after,
                         absl::FunctionRef<absl::Status(const ResultSet&)> each,
                         size_t per_statement = 100);

// Whether `db` can serve statements now: one trivial statement, given at
// most `within`. A pool that is merely busy counts as usable.
absl::Status CheckUsable(Database& db,
                         absl::Duration within = absl::Seconds(1));

// One step of a service's schema, applied once, in version order: its SQL,
// then its `code` (for data SQL cannot rewrite, such as stored protos), in
// the same transaction.
struct Migration {
  int version;
  absl::string_view sql;
  absl::Status (*code)(Connection&) = nullptr;
};

// Applies the migrations of `service` not applied yet, in one transaction
// under the migration lock (two replicas starting at once do not race),
// recording them in table schema_migrations.
absl::Status Migrate(Database& db, absl::string_view service,
                     absl::Span<const Migration> migrations);

struct SqliteOptions {
  // Connections in the pool; readers run in parallel (WAL), writers queue.
  int pool_size = 4;
  // How long a statement waits for a lock before failing.
  int busy_timeout_ms = 5000;
};

// Opens (creating if needed) the SQLite database file at `path`.
absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(
    const std::string& path, const SqliteOptions& options = {});

struct PostgresOptions {
  // libpq connection string or URI: postgres://user:pass@host:port/db
  std::string url;
  // Schema holding the service's tables; created when missing.
  std::string schema;
  // Connections opened on demand up to this bound.
  int pool_size = 8;
  // Longest wait for a free connection before RESOURCE_EXHAUSTED (or the
  // current call's deadline, when earlier).
  int acquire_timeout_ms = 5000;
  // The server cancels statements running longer (DEADLINE_EXCEEDED).
  int statement_timeout_ms = 5000;
  // This side stops waiting for an answer after this long, or at the
  // current call's deadline (DeadlineScope) when earlier, and drops the
  // connection: a frozen server gives UNAVAILABLE in bounded time. Also
  // the TCP user timeout.
  int answer_timeout_ms = 5000;
  // Bound on opening a connection (libpq counts whole seconds, at least 2).
  int connect_timeout_ms = 2000;
  // Runs of a transaction that keeps meeting serialization failures.
  int max_attempts = 60;
};

// Connects to PostgreSQL; UNAVAILABLE with libpq's reason when it cannot.
absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(
    const PostgresOptions& options);

}  // namespace wmo::store

#endif  // WMO_LIBS_STORE_STORE_H_
