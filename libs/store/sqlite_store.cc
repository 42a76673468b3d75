// SQLite implementation of the store: WAL journal, busy timeout, a small pool
// of connections, statements prepared once per connection. Write
// transactions start with BEGIN IMMEDIATE so two writers never deadlock on a
// lock upgrade: they queue on the busy timeout instead.
#include <sqlite3.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "libs/store/store.h"

namespace wmo::store {
namespace {

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  const std::string detail =
      absl::StrCat("sqlite ", what, ": ", db ? sqlite3_errmsg(db) : "", " (",
                   sqlite3_errstr(rc), ")");
  const int extended = db ? sqlite3_extended_errcode(db) : rc;
  if (extended == SQLITE_CONSTRAINT_UNIQUE ||
      extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return StoreError(absl::StatusCode::kAlreadyExists, "the key is taken",
                      detail);
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreError(absl::StatusCode::kUnavailable,
                        "the database is busy; try again later", detail);
    default:
      return StoreError(absl::StatusCode::kInternal, "database error", detail);
  }
}

struct StatementDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

struct DbDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbDeleter>;

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(DbPtr db) : db_(std::move(db)) {}

  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    absl::Span<const Value> params) override {
    auto stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    sqlite3_stmt* s = *stmt;
    absl::Cleanup reset = [s] {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    };
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(s)) {
      return absl::InternalError(
          absl::StrCat("statement expects ", sqlite3_bind_parameter_count(s),
                       " parameters, got ", params.size(), ": ", sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i) + 1;
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(s, idx, *n);
      } else if (const auto* t = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text(s, idx, t->data(), static_cast<int>(t->size()),
                               SQLITE_STATIC);
      } else if (const auto* b = std::get_if<Blob>(&v)) {
        rc =
            sqlite3_bind_blob(s, idx, b->bytes.data(),
                              static_cast<int>(b->bytes.size()), SQLITE_STATIC);
      } else {
        rc = sqlite3_bind_null(s, idx);
      }
      if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, "bind");
    }
    ResultSet result;
    const int columns = sqlite3_column_count(s);
    while (true) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return SqliteError(db_.get(), rc, "step");
      ResultSet::Row row;
      row.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(s, c)) {
          case SQLITE_INTEGER:
            row.emplace_back(int64_t{sqlite3_column_int64(s, c)});
            break;
          case SQLITE_NULL:
            row.emplace_back(std::monostate{});
            break;
          case SQLITE_BLOB: {
            const char* data =
                static_cast<const char*>(sqlite3_column_blob(s, c));
            row.emplace_back(
                Blob{std::string(data, sqlite3_column_bytes(s, c))});
            break;
          }
          default: {
            const char* data =
                reinterpret_cast<const char*>(sqlite3_column_text(s, c));
            row.emplace_back(std::string(data, sqlite3_column_bytes(s, c)));
          }
        }
      }
      result.AddRow(std::move(row));
    }
    return result;
  }

  absl::string_view backend() const override { return "sqlite"; }

  absl::Status ExecuteScript(absl::string_view sql) override {
    const std::string script(sql);
    char* error = nullptr;
    const int rc =
        sqlite3_exec(db_.get(), script.c_str(), nullptr, nullptr, &error);
    if (rc == SQLITE_OK) return absl::OkStatus();
    absl::Status status = SqliteError(db_.get(), rc, "exec");
    sqlite3_free(error);
    return status;
  }

  sqlite3* raw() { return db_.get(); }

 private:
  absl::StatusOr<sqlite3_stmt*> Prepare(absl::string_view sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second.get();
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, "prepare");
    return statements_.emplace(std::string(sql), StatementPtr(stmt))
        .first->second.get();
  }

  // Statements first so they are finalized before the handle closes.
  DbPtr db_;
  std::map<std::string, StatementPtr, std::less<>> statements_;
};

class SqliteDatabase final : public Database {
 public:
  absl::Status Open(const std::string& path, const SqliteOptions& options) {
    for (int i = 0; i < std::max(1, options.pool_size); ++i) {
      sqlite3* raw = nullptr;
      const int rc = sqlite3_open_v2(
          path.c_str(), &raw,
          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
          nullptr);
      DbPtr db(raw);
      if (rc != SQLITE_OK) {
        return absl::UnavailableError(
            absl::StrCat("cannot open SQLite database ", path, ": ",
                         raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
      }
      sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
      auto conn = std::make_unique<SqliteConnection>(std::move(db));
      absl::Status s = conn->ExecuteScript(
          "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
          " PRAGMA foreign_keys=ON;"
          // LIKE compares as PostgreSQL's does: "D1" is not "d1".
          " PRAGMA case_sensitive_like=ON;");
      if (!s.ok()) {
        return absl::UnavailableError(absl::StrCat(
            "cannot use SQLite database ", path, ": ", s.message()));
      }
      idle_.push_back(conn.get());
      all_.push_back(std::move(conn));
    }
    return absl::OkStatus();
  }

  absl::Status Transaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    Lease lease(*this);
    // BEGIN IMMEDIATE waits on the busy timeout for the write lock; once it
    // holds, the transaction cannot conflict, so no rerun is needed.
    if (absl::Status s = lease->ExecuteScript("BEGIN IMMEDIATE"); !s.ok()) {
      return s;
    }
    absl::Status status = RunGuarded(fn, *lease);
    if (status.ok()) {
      status = lease->ExecuteScript("COMMIT");
      if (status.ok()) return status;
    }
    lease->ExecuteScript("ROLLBACK").IgnoreError();
    return status;
  }

  absl::Status ReadTransaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    Lease lease(*this);
    if (absl::Status s = lease->ExecuteScript("BEGIN DEFERRED"); !s.ok()) {
      return s;
    }
    absl::Status status = RunGuarded(fn, *lease);
    // Nothing to keep: a read-only transaction always ends in a rollback.
    lease->ExecuteScript("ROLLBACK").IgnoreError();
    return status;
  }

  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    absl::Span<const Value> params) override {
    Lease lease(*this);
    return lease->Execute(sql, params);
  }

  absl::string_view backend() const override { return "sqlite"; }

 private:
  // A connection taken from the pool for one call.
  class Lease {
   public:
    explicit Lease(SqliteDatabase& db) : db_(db) {
      std::unique_lock lock(db_.mu_);
      db_.cv_.wait(lock, [&] { return !db_.idle_.empty(); });
      conn_ = db_.idle_.back();
      db_.idle_.pop_back();
    }
    ~Lease() {
      {
        std::lock_guard lock(db_.mu_);
        db_.idle_.push_back(conn_);
      }
      db_.cv_.notify_one();
    }
    SqliteConnection* operator->() { return conn_; }
    SqliteConnection& operator*() { return *conn_; }

   private:
    SqliteDatabase& db_;
    SqliteConnection* conn_;
  };

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SqliteConnection*> idle_;
  std::vector<std::unique_ptr<SqliteConnection>> all_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(
    const std::string& path, const SqliteOptions& options) {
  auto db = std::make_unique<SqliteDatabase>();
  if (absl::Status s = db->Open(path, options); !s.ok()) return s;
  return db;
}

}  // namespace wmo::store
