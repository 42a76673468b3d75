#include "libs/server/budget.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/server/status.h"

namespace wmo::server {

Budget::Budget(std::string what, int64_t capacity)
    : what_(std::move(what)), capacity_(capacity) {}

absl::Status Budget::Reserve(int64_t amount) {
  std::lock_guard lock(mu_);
  if (amount > capacity_ - in_use_) {
    return WithReason(
        absl::ResourceExhaustedError(
            absl::StrCat("the server holds ", in_use_, " of at most ",
                         capacity_, " ", what_, " in progress and cannot take ",
                         amount, " more now; retry after a short backoff")),
        "SERVER_OVERLOADED");
  }
  in_use_ += amount;
  return absl::OkStatus();
}

void Budget::Give(int64_t amount) {
  std::lock_guard lock(mu_);
  in_use_ -= amount;
}

int64_t Budget::in_use() const {
  std::lock_guard lock(mu_);
  return in_use_;
}

absl::Status Budget::Take(int64_t amount, Lease& lease) {
  lease = Open();
  return lease.Grow(amount);
}

Budget::Lease::~Lease() {
  if (budget_ != nullptr && amount_ > 0) budget_->Give(amount_);
}

Budget::Lease::Lease(Lease&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)),
      amount_(std::exchange(other.amount_, 0)) {}

Budget::Lease& Budget::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (budget_ != nullptr && amount_ > 0) budget_->Give(amount_);
    budget_ = std::exchange(other.budget_, nullptr);
    amount_ = std::exchange(other.amount_, 0);
  }
  return *this;
}

absl::Status Budget::Lease::Grow(int64_t amount) {
  if (budget_ == nullptr) {
    return absl::FailedPreconditionError("a lease of no budget cannot grow");
  }
  if (absl::Status s = budget_->Reserve(amount); !s.ok()) return s;
  amount_ += amount;
  return absl::OkStatus();
}

absl::Status Budget::Lease::Resize(int64_t amount) {
  if (amount >= amount_) return Grow(amount - amount_);
  if (budget_ != nullptr) budget_->Give(amount_ - amount);
  amount_ = amount;
  return absl::OkStatus();
}

}  // namespace wmo::server
