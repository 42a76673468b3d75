// PostgreSQL implementation of the store: a bounded pool of libpq
// connections, each with its own search_path (one schema per service), a
// statement timeout and statements prepared once per connection.
// Transactions run SERIALIZABLE and are rerun on serialization failures, so
// the same check-then-write code is race-free here as on SQLite; serial
// transactions (one writer per key) run READ COMMITTED and lock what they
// share with other keys' writers.
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/store/deadline.h"
#include "libs/store/store.h"

namespace wmo::store {
namespace {

// Type OIDs of pg_type that we read as integers or bytes.
constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kBytea = 17;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;

// Rewrites `?` placeholders to $1, $2, … outside quoted strings.
std::string NumberPlaceholders(absl::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?') {
      absl::StrAppend(&out, "$", ++n);
      continue;
    }
    out.push_back(c);
  }
  return out;
}

absl::Status ErrorOf(PGconn* conn, const PGresult* result,
                     absl::string_view what) {
  const char* state =
      result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  // The primary message only: DETAIL can quote key values (a BSN in a
  // unique index), which must not reach even the log.
  const char* primary =
      result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string detail(primary ? primary : PQerrorMessage(conn));
  absl::StripTrailingAsciiWhitespace(&detail);
  detail = absl::StrCat("postgres ", what, ": ", detail,
                        sqlstate.empty() ? "" : " [", sqlstate,
                        sqlstate.empty() ? "" : "]");
  if (sqlstate == "40001" || sqlstate == "40P01") {
    // Serialization failure or deadlock: the transaction may be rerun.
    return MarkRetryable(StoreError(absl::StatusCode::kAborted,
                                    "conflict with a concurrent change",
                                    detail));
  }
  if (sqlstate == "23505") {
    return StoreError(absl::StatusCode::kAlreadyExists, "the key is taken",
                      detail);
  }
  if (sqlstate == "57014") {
    return StoreError(absl::StatusCode::kDeadlineExceeded,
                      "the database took too long", detail);
  }
  if (PQstatus(conn) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0) {
    return StoreError(absl::StatusCode::kUnavailable,
                      "the database is unavailable; try again later", detail);
  }
  return StoreError(absl::StatusCode::kInternal, "database error", detail);
}

// Look-ups with more parameters than this are planned at each run
// (PostgresConnection::Execute).
constexpr size_t kMostParametersPrepared = 8;

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(ConnPtr conn, absl::Duration answer_timeout)
      : conn_(std::move(conn)), answer_timeout_(answer_timeout) {}

  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    absl::Span<const Value> params) override {
    if (abandoned_) return Abandoned();
    // Look-ups by many keys (QueryInChunks) are planned at each run: a
    // plan kept from when a table was small (a sequential scan per chunk)
    // would stay when it has grown, costing seconds a declaration. Each
    // serves up to 256 keys, so planning costs little per key. An INSERT
    // of many rows (ExecuteRows) scans nothing: its plan is kept.
    const bool bulk = params.size() > kMostParametersPrepared &&
                      !absl::StartsWith(sql, "INSERT");
    // Nor may such a look-up depend on statistics: a table filled within
    // the last minute (a new deployment, a new year's totals) has none
    // until autovacuum analyzes it, and the planner then reads the whole
    // table, or all of a municipality, per chunk of keys (measured: 9.7 ms
    // a chunk by sequential scan on 60,000 rows of yearly totals). Every
    // look-up here has an index on its keys: the planner is told to use
    // it, for the rest of the transaction.
    if (bulk && !index_scans_only_ &&
        PQtransactionStatus(conn_.get()) == PQTRANS_INTRANS) {
      if (absl::Status s = ExecuteScript("SET LOCAL enable_seqscan = off;"
                                         " SET LOCAL enable_bitmapscan = off");
          !s.ok()) {
        return s;
      }
      index_scans_only_ = true;
    }
    absl::StatusOr<std::string> name = bulk ? std::string() : Prepare(sql);
    if (!name.ok()) return name.status();
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (const auto* n = std::get_if<int64_t>(&v)) {
        texts[i] = absl::StrCat(*n);
        values[i] = texts[i].c_str();
      } else if (const auto* t = std::get_if<std::string>(&v)) {
        values[i] = t->c_str();
        lengths[i] = static_cast<int>(t->size());
      } else if (const auto* b = std::get_if<Blob>(&v)) {
        values[i] = b->bytes.data();
        lengths[i] = static_cast<int>(b->bytes.size());
        formats[i] = 1;  // binary: bytea without escaping
      } else {
        values[i] = nullptr;
      }
    }
    const int sent =
        bulk ? PQsendQueryParams(conn_.get(), NumberPlaceholders(sql).c_str(),
                                 static_cast<int>(params.size()),
                                 /*paramTypes=*/nullptr, values.data(),
                                 lengths.data(), formats.data(),
                                 /*resultFormat=*/0)
             : PQsendQueryPrepared(conn_.get(), name->c_str(),
                                   static_cast<int>(params.size()),
                                   values.data(), lengths.data(),
                                   formats.data(), /*resultFormat=*/0);
    if (!sent) return ErrorOf(conn_.get(), nullptr, "execute");
    auto awaited = Await("execute");
    if (!awaited.ok()) return awaited.status();
    ResultPtr result = *std::move(awaited);
    ResultSet out;
    const int rows = PQntuples(result.get());
    const int columns = PQnfields(result.get());
    for (int r = 0; r < rows; ++r) {
      ResultSet::Row row;
      row.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result.get(), r, c)) {
          row.emplace_back(std::monostate{});
          continue;
        }
        const char* text = PQgetvalue(result.get(), r, c);
        const int length = PQgetlength(result.get(), r, c);
        const Oid type = PQftype(result.get(), c);
        if (type == kInt8 || type == kInt4 || type == kInt2) {
          int64_t n = 0;
          (void)absl::SimpleAtoi(absl::string_view(text, length), &n);
          row.emplace_back(n);
        } else if (type == kBytea) {
          size_t size = 0;
          unsigned char* bytes = PQunescapeBytea(
              reinterpret_cast<const unsigned char*>(text), &size);
          row.emplace_back(
              Blob{std::string(reinterpret_cast<char*>(bytes), size)});
          PQfreemem(bytes);
        } else {
          row.emplace_back(std::string(text, length));
        }
      }
      out.AddRow(std::move(row));
    }
    return out;
  }

  absl::string_view backend() const override { return "postgres"; }

  // Begins a READ COMMITTED transaction holding `key`'s advisory lock until
  // it ends, in one round trip.
  absl::Status BeginUnderLock(absl::string_view key) {
    if (abandoned_) return Abandoned();
    char* literal = PQescapeLiteral(conn_.get(), key.data(), key.size());
    if (literal == nullptr) return ErrorOf(conn_.get(), nullptr, "begin");
    const std::string sql = absl::StrCat(
        "BEGIN ISOLATION LEVEL READ COMMITTED;"
        " SELECT pg_advisory_xact_lock(hashtext(",
        literal, "))");
    PQfreemem(literal);
    return ExecuteScript(sql);
  }

  absl::Status ExecuteScript(absl::string_view sql) override {
    if (abandoned_) return Abandoned();
    // SET LOCAL ends with the transaction.
    if (absl::StartsWith(sql, "BEGIN") || absl::StartsWith(sql, "COMMIT") ||
        absl::StartsWith(sql, "ROLLBACK")) {
      index_scans_only_ = false;
    }
    if (!PQsendQuery(conn_.get(), std::string(sql).c_str())) {
      return ErrorOf(conn_.get(), nullptr, "exec");
    }
    return Await("exec").status();
  }

  absl::Status CopyRows(absl::string_view table,
                        absl::Span<const absl::string_view> columns,
                        const std::vector<std::vector<Value>>& rows) override {
    if (rows.empty()) return absl::OkStatus();
    if (abandoned_) return Abandoned();
    const std::string sql = absl::StrCat(
        "COPY ", table, " (", absl::StrJoin(columns, ", "), ") FROM STDIN");
    if (!PQsendQuery(conn_.get(), sql.c_str())) {
      return ErrorOf(conn_.get(), nullptr, "copy");
    }
    if (absl::Status s = AwaitResult("copy"); !s.ok()) return s;
    ResultPtr started(PQgetResult(conn_.get()));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
      absl::Status error = ErrorOf(conn_.get(), started.get(), "copy");
      while (ResultPtr(PQgetResult(conn_.get())) != nullptr) {
      }
      return error;
    }
    // In pieces of about 256 KB: neither a message per row nor the whole
    // table in memory twice.
    std::string data;
    const char* failed = nullptr;
    for (size_t r = 0; r < rows.size() && failed == nullptr; ++r) {
      if (rows[r].size() != columns.size()) {
        failed = "a row does not have a value per column";
        break;
      }
      for (size_t i = 0; i < rows[r].size(); ++i) {
        if (i > 0) data.push_back('\t');
        AppendCopyValue(rows[r][i], data);
      }
      data.push_back('\n');
      if (data.size() >= (256 << 10) || r + 1 == rows.size()) {
        if (PQputCopyData(conn_.get(), data.data(),
                          static_cast<int>(data.size())) != 1) {
          failed = "the rows could not be sent";
        }
        data.clear();
      }
    }
    if (PQputCopyEnd(conn_.get(), failed) != 1) {
      return ErrorOf(conn_.get(), nullptr, "copy");
    }
    auto done = Await("copy");
    if (failed != nullptr && done.ok()) {
      return absl::InternalError(absl::StrCat("CopyRows: ", failed));
    }
    return done.status();
  }

  absl::Status LockKeys(absl::string_view table,
                        const std::set<std::string>& keys) override {
    std::vector<std::vector<Value>> rows;
    rows.reserve(keys.size());
    for (const std::string& key : keys) rows.push_back({key});
    // An upsert locks the row it meets as well as the one it makes; the
    // set's order is every caller's order. The update changes nothing
    // indexed, so it stays on the row's page (HOT).
    return ExecuteRows(
        *this, absl::StrCat("INSERT INTO ", table, " (key) VALUES "), "(?)",
        rows, " ON CONFLICT (key) DO UPDATE SET key = excluded.key");
  }

  // False once the server stopped answering in time or the link broke: the
  // pool drops the connection (whatever it was doing ends with it).
  bool healthy() const {
    return !abandoned_ && PQstatus(conn_.get()) == CONNECTION_OK;
  }

 private:
  absl::StatusOr<std::string> Prepare(absl::string_view sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    std::string name = absl::StrCat("s", statements_.size() + 1);
    if (!PQsendPrepare(conn_.get(), name.c_str(),
                       NumberPlaceholders(sql).c_str(), 0, nullptr)) {
      return ErrorOf(conn_.get(), nullptr, "prepare");
    }
    if (auto prepared = Await("prepare"); !prepared.ok()) {
      return prepared.status();
    }
    statements_.emplace(std::string(sql), name);
    return name;
  }

  // Once abandoned, the connection takes nothing more (not even the
  // ROLLBACK, which would wait again for the same silent server).
  static absl::Status Abandoned() {
    return StoreError(absl::StatusCode::kUnavailable,
                      "the database is unavailable; try again later",
                      "postgres: connection abandoned after a timeout");
  }

  // Waits for the results of what was sent, no longer than the statement
  // bound or the current call's deadline (DeadlineScope): a frozen or
  // unreachable server then ends the statement on this side. Returns the
  // first failed result, else the last one.
  absl::StatusOr<ResultPtr> Await(absl::string_view what) {
    ResultPtr last;
    while (true) {
      if (absl::Status s = AwaitResult(what); !s.ok()) return s;
      ResultPtr result(PQgetResult(conn_.get()));
      if (result == nullptr) break;
      const ExecStatusType status = PQresultStatus(result.get());
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        absl::Status error = ErrorOf(conn_.get(), result.get(), what);
        // Drain the rest so the connection can take the next statement.
        while (ResultPtr(PQgetResult(conn_.get())) != nullptr) {
        }
        return error;
      }
      last = std::move(result);
    }
    if (last == nullptr) return ErrorOf(conn_.get(), nullptr, what);
    return last;
  }

  // Waits until the next result can be taken without blocking, as Await
  // bounds its wait.
  absl::Status AwaitResult(absl::string_view what) {
    const absl::Time bound = absl::Now() + answer_timeout_;
    const absl::Time deadline = std::min(bound, DeadlineScope::Current());
    while (PQisBusy(conn_.get())) {
      const absl::Duration left = deadline - absl::Now();
      pollfd p{PQsocket(conn_.get()), POLLIN, 0};
      const int ready =
          left <= absl::ZeroDuration()
              ? 0
              : poll(&p, 1,
                     static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
      if (ready == 0) {
        abandoned_ = true;
        if (deadline < bound) {
          return absl::DeadlineExceededError(
              "the call's deadline passed while the database worked");
        }
        return StoreError(absl::StatusCode::kUnavailable,
                          "the database is unavailable; try again later",
                          absl::StrCat("postgres ", what, ": no answer within ",
                                       absl::FormatDuration(answer_timeout_)));
      }
      if (!PQconsumeInput(conn_.get())) {
        return ErrorOf(conn_.get(), nullptr, what);
      }
    }
    return absl::OkStatus();
  }

  // Appends `value` to a COPY row in text format: backslash escapes for
  // the characters that delimit rows and columns, \N for NULL, bytea as
  // hex.
  static void AppendCopyValue(const Value& value, std::string& out) {
    if (const auto* n = std::get_if<int64_t>(&value)) {
      absl::StrAppend(&out, *n);
    } else if (const auto* t = std::get_if<std::string>(&value)) {
      for (const char c : *t) {
        switch (c) {
          case '\\':
            out.append("\\\\");
            break;
          case '\t':
            out.append("\\t");
            break;
          case '\n':
            out.append("\\n");
            break;
          case '\r':
            out.append("\\r");
            break;
          default:
            out.push_back(c);
        }
      }
    } else if (const auto* b = std::get_if<Blob>(&value)) {
      absl::StrAppend(&out, "\\\\x", absl::BytesToHexString(b->bytes));
    } else {
      out.append("\\N");
    }
  }

  ConnPtr conn_;
  absl::Duration answer_timeout_;
  bool abandoned_ = false;
  // The planner avoids sequential and bitmap scans in this transaction.
  bool index_scans_only_ = false;
  std::map<std::string, std::string, std::less<>> statements_;
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(const PostgresOptions& options)
      : options_(options) {}

  // Opens one connection to check the settings and create the schema.
  absl::Status Open() {
    auto conn = Connect();
    if (!conn.ok()) return conn.status();
    idle_.push_back(*std::move(conn));
    total_ = 1;
    return absl::OkStatus();
  }

  absl::Status Transaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    return Rerun(fn, /*key=*/nullptr);
  }

  absl::Status SerialTransaction(
      absl::string_view key,
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    return Rerun(fn, &key);
  }

  absl::Status ReadTransaction(
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    auto lease = Acquire();
    if (!lease.ok()) return lease.status();
    PostgresConnection& c = **lease;
    absl::Status status =
        c.ExecuteScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (status.ok()) status = RunGuarded(fn, c);
    c.ExecuteScript("ROLLBACK").IgnoreError();
    Release(std::move(*lease));
    return status;
  }

  absl::Status MigrationTransaction(
      absl::string_view service,
      absl::FunctionRef<absl::Status(Connection&)> fn) override {
    auto lease = Acquire();
    if (!lease.ok()) return lease.status();
    PostgresConnection& c = **lease;
    // A session lock taken before BEGIN: replicas starting together queue
    // here, and each one's transaction then sees what the others committed.
    const std::string key(service);
    absl::Status status =
        c.Execute("SELECT pg_advisory_lock(hashtext(?))", {key}).status();
    if (status.ok()) {
      status = c.ExecuteScript("BEGIN");
      if (status.ok()) status = RunGuarded(fn, c);
      if (status.ok()) status = c.ExecuteScript("COMMIT");
      if (!status.ok()) c.ExecuteScript("ROLLBACK").IgnoreError();
      c.Execute("SELECT pg_advisory_unlock(hashtext(?))", {key})
          .status()
          .IgnoreError();
    }
    Release(std::move(*lease));
    return status;
  }

  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    absl::Span<const Value> params) override {
    auto lease = Acquire();
    if (!lease.ok()) return lease.status();
    auto result = (*lease)->Execute(sql, params);
    Release(std::move(*lease));
    return result;
  }

  absl::string_view backend() const override { return "postgres"; }

  void OnRerun(const std::function<void()>& on_rerun) override {
    on_rerun_ = on_rerun;
  }

 private:
  // Runs `fn` in a SERIALIZABLE transaction, again while it meets
  // serialization failures or deadlocks (up to max_attempts, and not past
  // the current call's deadline). With a `key`, READ COMMITTED under that
  // key's advisory lock, taken by the transaction's first statement and
  // released by its end: each statement's snapshot is taken after the
  // lock, so it sees what the previous holder committed, and the lock
  // costs no round trip of its own.
  absl::Status Rerun(absl::FunctionRef<absl::Status(Connection&)> fn,
                     const absl::string_view* key) {
    absl::Status status;
    for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
      if (attempt > 0 && absl::Now() >= DeadlineScope::Current()) break;
      if (attempt > 0 && on_rerun_) on_rerun_();
      auto lease = Acquire();
      if (!lease.ok()) return lease.status();
      std::unique_ptr<PostgresConnection> c = *std::move(lease);
      status = key != nullptr
                   ? c->BeginUnderLock(*key)
                   : c->ExecuteScript("BEGIN ISOLATION LEVEL SERIALIZABLE");
      if (status.ok()) status = RunGuarded(fn, *c);
      if (status.ok()) status = c->ExecuteScript("COMMIT");
      if (!status.ok()) c->ExecuteScript("ROLLBACK").IgnoreError();
      Release(std::move(c));
      if (!IsRetryable(status)) return status;
      // Conflicting transactions retried in lockstep would conflict again:
      // wait a random, growing while.
      thread_local absl::BitGen bitgen;
      std::this_thread::sleep_for(std::chrono::microseconds(
          absl::Uniform<int>(bitgen, 0, 500 * (attempt + 1))));
    }
    if (!IsRetryable(status)) return status;
    // The database's text names its internals; the caller needs to know
    // that trying again later is right.
    return MarkRetryable(absl::AbortedError(
        "the change kept conflicting with concurrent changes to the same "
        "data; try again"));
  }

  absl::StatusOr<std::unique_ptr<PostgresConnection>> Connect() {
    // Bounds on a server that is gone or frozen: the whole connection
    // attempt, and TCP keepalives and a user timeout that notice a dead
    // peer under an open connection. The URL comes last so that settings
    // it carries win.
    const std::string connect_timeout = absl::StrCat(std::max<int64_t>(
        2,
        absl::ToInt64Seconds(absl::Milliseconds(options_.connect_timeout_ms))));
    const std::string user_timeout = absl::StrCat(options_.answer_timeout_ms);
    const char* keys[] = {"connect_timeout",  "keepalives",
                          "keepalives_idle",  "keepalives_interval",
                          "keepalives_count", "tcp_user_timeout",
                          "dbname",           nullptr};
    const char* values[] = {
        connect_timeout.c_str(), "1",    "10", "5", "3", user_timeout.c_str(),
        options_.url.c_str(),    nullptr};
    ConnPtr conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      std::string message(PQerrorMessage(conn.get()));
      absl::StripTrailingAsciiWhitespace(&message);
      return StoreError(
          absl::StatusCode::kUnavailable,
          "the database is unavailable; try again later",
          absl::StrCat("cannot connect to PostgreSQL: ", message));
    }
    // Notices ("already exists, skipping") are not errors; keep stderr quiet.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    auto c = std::make_unique<PostgresConnection>(
        std::move(conn), absl::Milliseconds(options_.answer_timeout_ms));
    const std::string schema = QuoteIdentifier(options_.schema);
    absl::Status s = c->ExecuteScript(
        absl::StrCat("SET statement_timeout = ", options_.statement_timeout_ms,
                     "; CREATE SCHEMA IF NOT EXISTS ", schema,
                     "; SET search_path TO ", schema));
    if (s.code() == absl::StatusCode::kAlreadyExists) {
      // Two connections creating the schema at once: it exists now.
      s = c->ExecuteScript(absl::StrCat(
          "SET statement_timeout = ", options_.statement_timeout_ms,
          "; SET search_path TO ", schema));
    }
    if (!s.ok()) return s;
    return c;
  }

  static std::string QuoteIdentifier(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    return out + "\"";
  }

  absl::StatusOr<std::unique_ptr<PostgresConnection>> Acquire() {
    std::unique_lock lock(mu_);
    while (idle_.empty()) {
      if (total_ < options_.pool_size) {
        ++total_;
        lock.unlock();
        auto conn = Connect();
        if (!conn.ok()) {
          std::lock_guard relock(mu_);
          --total_;
        }
        return conn;
      }
      const absl::Time until = std::min(
          absl::Now() + absl::Milliseconds(options_.acquire_timeout_ms),
          DeadlineScope::Current());
      if (!cv_.wait_until(lock, absl::ToChronoTime(until),
                          [&] { return !idle_.empty(); })) {
        return StoreError(
            absl::StatusCode::kResourceExhausted,
            "the database is busy; try again later",
            absl::StrCat("no PostgreSQL connection free within ",
                         options_.acquire_timeout_ms, " ms (pool of ",
                         options_.pool_size, ")"));
      }
    }
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }

  void Release(std::unique_ptr<PostgresConnection> conn) {
    {
      std::lock_guard lock(mu_);
      if (conn->healthy()) {
        idle_.push_back(std::move(conn));
      } else {
        --total_;  // dropped; a new one is made on demand
      }
    }
    cv_.notify_one();
  }

  const PostgresOptions options_;
  std::function<void()> on_rerun_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  int total_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(
    const PostgresOptions& options) {
  auto db = std::make_unique<PostgresDatabase>(options);
  if (absl::Status s = db->Open(); !s.ok()) return s;
  return db;
}

}  // namespace wmo::store
