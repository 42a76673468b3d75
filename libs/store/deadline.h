#ifndef WMO_LIBS_STORE_DEADLINE_H_
#define WMO_LIBS_STORE_DEADLINE_H_

#include "absl/time/time.h"

namespace wmo::store {

// The deadline of the call that the statements run on this thread serve:
// the stores stop waiting for the database at it (or earlier, at their own
// statement bound). Set by whoever serves the call, for its duration.
class DeadlineScope {
 public:
  explicit DeadlineScope(absl::Time deadline);
  ~DeadlineScope();
  DeadlineScope(const DeadlineScope&) = delete;
  DeadlineScope& operator=(const DeadlineScope&) = delete;

  // The innermost scope's deadline; InfiniteFuture outside any.
  static absl::Time Current();

 private:
  absl::Time previous_;
};

}  // namespace wmo::store

#endif  // WMO_LIBS_STORE_DEADLINE_H_
