#include "libs/testing/databases.h"

#include <unistd.h>

#include <atomic>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wmo::testing {

absl::StatusOr<std::unique_ptr<store::Database>> OpenTestDatabase(
    const std::string& backend, const TempDir& dir) {
  if (backend == "sqlite") return store::OpenSqlite(dir.File("test.db"));
  const char* url = std::getenv("WMO_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') {
    return absl::FailedPreconditionError(
        "WMO_TEST_POSTGRES_URL is not set; run the tests with "
        "scripts/with-test-services (make test does)");
  }
  static std::atomic<int> counter{0};
  store::PostgresOptions options;
  options.url = url;
  options.schema = absl::StrCat("test_", getpid(), "_", counter++);
  return store::OpenPostgres(options);
}

}  // namespace wmo::testing
