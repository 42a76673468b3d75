#ifndef WMO_SERVICES_DECLARATION_USAGE_REPORTER_H_
#define WMO_SERVICES_DECLARATION_USAGE_REPORTER_H_

#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/store/store.h"
#include "services/assignment/assignment_source.h"

namespace wmo::declaration {

// Tells the assignment service what declarations approved on each
// assignment, so that it can refuse to delete a billed one (TR385) inside
// its own transaction without calling back here: calls go one way,
// declaration to assignment. A commit that changes an assignment's totals
// marks it in the store's outbox in the same transaction; the reporter
// sends the current totals of the marked assignments with their revision
// soon after each commit, and looks again every `retry` for what is left
// (the assignment service was down, say), and clears what was delivered. A
// report may arrive twice or late: the assignment service keeps the highest
// revision.
class UsageReporter {
 public:
  UsageReporter(store::Database& db, assignment::AssignmentSource& assignments,
                absl::Duration retry = absl::Seconds(5));
  ~UsageReporter() { Stop(); }

  UsageReporter(const UsageReporter&) = delete;
  UsageReporter& operator=(const UsageReporter&) = delete;

  // Starts the background thread (once the channels are connected).
  void Start();

  // Stops the thread (waiting for a report under way); what is still
  // pending stays in the outbox. Wake does nothing after it.
  void Stop();

  // Something was committed: report it soon, without waiting here.
  void Wake();

  // Reports everything pending now, in batches of 1000; the first error
  // stops it, leaving the rest pending.
  absl::Status Flush();

 private:
  void Run();

  store::Database& db_;
  assignment::AssignmentSource& assignments_;
  const absl::Duration retry_;
  absl::Mutex mu_;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Serializes Flush: the thread's and a test's.
  absl::Mutex flushing_;
  std::thread thread_;
};

}  // namespace wmo::declaration

#endif  // WMO_SERVICES_DECLARATION_USAGE_REPORTER_H_
