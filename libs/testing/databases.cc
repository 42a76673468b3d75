#include "libs/testing/databases.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wmo::testing {

namespace {

absl::StatusOr<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return absl::FailedPreconditionError(absl::StrCat(
        name,
        " is not set; run the tests with scripts/with-test-services "
        "(make test does)"));
  }
  return std::string(value);
}

}  // namespace

absl::StatusOr<std::string> TestRedisUrl() { return Env("WMO_TEST_REDIS_URL"); }

absl::StatusOr<std::string> CreateTestPostgresDatabase() {
  auto url = Env("WMO_TEST_POSTGRES_URL");
  if (!url.ok()) return url.status();
  static std::atomic<int> counter{0};
  const std::string name = absl::StrCat("db_", getpid(), "_", counter++);
  PGconn* conn = PQconnectdb(url->c_str());
  PGresult* result =
      PQexec(conn, absl::StrCat("CREATE DATABASE ", name).c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  const std::string error = PQerrorMessage(conn);
  PQclear(result);
  PQfinish(conn);
  if (!ok) return absl::InternalError("CREATE DATABASE failed: " + error);
  // The URL ends in "/<database>"; swap the database.
  return url->substr(0, url->rfind('/') + 1) + name;
}

absl::StatusOr<std::unique_ptr<store::Database>> OpenTestDatabase(
    const std::string& backend, const TempDir& dir) {
  if (backend == "sqlite") return store::OpenSqlite(dir.File("test.db"));
  auto url = Env("WMO_TEST_POSTGRES_URL");
  if (!url.ok()) return url.status();
  static std::atomic<int> counter{0};
  store::PostgresOptions options;
  options.url = *url;
  options.schema = absl::StrCat("test_", getpid(), "_", counter++);
  return store::OpenPostgres(options);
}

}  // namespace wmo::testing
