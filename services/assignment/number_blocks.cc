#include "services/assignment/number_blocks.h"

#include "services/assignment/assignment_repository.h"

namespace wmo::assignment {

absl::StatusOr<int64_t> NumberBlocks::Take(const std::string& municipality) {
  std::lock_guard lock(mu_);
  Numbers& numbers = numbers_[municipality];
  if (!numbers.given_back.empty()) {
    const int64_t number = *numbers.given_back.begin();
    numbers.given_back.erase(numbers.given_back.begin());
    return number;
  }
  if (numbers.next == numbers.end) {
    // Under the lock: callers wait for one block rather than each
    // reserving one (once per 32 creates, so one lock for all
    // municipalities is enough).
    int64_t first = 0;
    absl::Status s = db_.Transaction([&](store::Connection& c) -> absl::Status {
      auto reserved =
          AssignmentRepository::ReserveNumbers(c, municipality, block_size_);
      if (!reserved.ok()) return reserved.status();
      first = *reserved;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    numbers.next = first;
    numbers.end = first + block_size_;
  }
  return numbers.next++;
}

void NumberBlocks::GiveBack(const std::string& municipality, int64_t number) {
  std::lock_guard lock(mu_);
  numbers_[municipality].given_back.insert(number);
}

}  // namespace wmo::assignment
