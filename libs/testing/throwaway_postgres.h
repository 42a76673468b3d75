#ifndef WMO_LIBS_TESTING_THROWAWAY_POSTGRES_H_
#define WMO_LIBS_TESTING_THROWAWAY_POSTGRES_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/testing/process.h"
#include "libs/testing/temp_dir.h"

namespace wmo::testing {

// A PostgreSQL server of one test's own, in `dir`, on a free port of
// 127.0.0.1: for tests that do to the server what the shared test server
// must not suffer (freeze it, stop it). Takes a second or two to start.
class ThrowAwayPostgres {
 public:
  // FAILED_PRECONDITION when PostgreSQL is not installed.
  static absl::StatusOr<std::unique_ptr<ThrowAwayPostgres>> Start(
      const TempDir& dir);
  ~ThrowAwayPostgres();

  const std::string& url() const { return url_; }

  // SIGSTOP to the server and every backend: connections stay open and
  // nothing answers, as with a hung host. Thaw undoes it (SIGCONT).
  void Freeze();
  void Thaw();

 private:
  ThrowAwayPostgres() = default;
  void SignalAll(int signal);

  std::unique_ptr<Process> server_;
  std::string url_;
};

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_THROWAWAY_POSTGRES_H_
