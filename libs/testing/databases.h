#ifndef WMO_LIBS_TESTING_DATABASES_H_
#define WMO_LIBS_TESTING_DATABASES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/store/store.h"
#include "libs/testing/temp_dir.h"

namespace wmo::testing {

// The store backends every store and service test runs against.
inline std::vector<std::string> Backends() { return {"sqlite", "postgres"}; }

// A fresh, empty database for one test: an SQLite file under `dir`, or a new
// schema in the throw-away PostgreSQL that scripts/with-test-services starts
// (WMO_TEST_POSTGRES_URL). FAILED_PRECONDITION when that is not running.
absl::StatusOr<std::unique_ptr<store::Database>> OpenTestDatabase(
    const std::string& backend, const TempDir& dir);

// The URL of a new, empty PostgreSQL database in the test server, for tests
// that start whole servers (which pick their own schemas).
// FAILED_PRECONDITION when the test PostgreSQL is not running.
absl::StatusOr<std::string> CreateTestPostgresDatabase();

// The test Redis (WMO_TEST_REDIS_URL), or FAILED_PRECONDITION.
absl::StatusOr<std::string> TestRedisUrl();

// Opens the test database or skips the test saying why.
#define WMO_OPEN_TEST_DATABASE_OR_SKIP(db, backend, dir)                   \
  do {                                                                     \
    auto opened = ::wmo::testing::OpenTestDatabase(backend, dir);          \
    if (opened.status().code() == absl::StatusCode::kFailedPrecondition) { \
      GTEST_SKIP() << opened.status().message();                           \
    }                                                                      \
    ASSERT_TRUE(opened.ok()) << opened.status();                           \
    (db) = *std::move(opened);                                             \
  } while (0)

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_DATABASES_H_
