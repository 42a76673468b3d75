#include "libs/store/deadline.h"

#include <algorithm>

namespace wmo::store {
namespace {

thread_local absl::Time current_deadline = absl::InfiniteFuture();

}  // namespace

DeadlineScope::DeadlineScope(absl::Time deadline)
    : previous_(current_deadline) {
  // A scope inside another never extends it.
  current_deadline = std::min(previous_, deadline);
}

DeadlineScope::~DeadlineScope() { current_deadline = previous_; }

absl::Time DeadlineScope::Current() { return current_deadline; }

}  // namespace wmo::store
