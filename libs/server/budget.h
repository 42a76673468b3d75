#ifndef WMO_LIBS_SERVER_BUDGET_H_
#define WMO_LIBS_SERVER_BUDGET_H_

#include <cstdint>
#include <mutex>
#include <string>

#include "absl/status/status.h"

namespace wmo::server {

// A bound on what all calls together hold at once (declaration lines in
// memory): a call takes its share before the work and gives it back after,
// and past the bound it is refused (RESOURCE_EXHAUSTED) rather than letting
// memory grow without end. Thread-safe.
class Budget {
 public:
  // `what` names the unit in errors ("declaration lines").
  Budget(std::string what, int64_t capacity);

  // A share of the budget, given back when destroyed.
  class Lease {
   public:
    Lease() = default;
    ~Lease();
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    // Takes `amount` more; on refusal the lease keeps what it had.
    absl::Status Grow(int64_t amount);
    // Sets the lease to `amount`: takes more (as Grow) or gives back the
    // excess of an estimate.
    absl::Status Resize(int64_t amount);
    int64_t amount() const { return amount_; }

   private:
    friend class Budget;
    explicit Lease(Budget* budget) : budget_(budget) {}
    Budget* budget_ = nullptr;
    int64_t amount_ = 0;
  };

  // A lease of `amount`, or RESOURCE_EXHAUSTED.
  absl::Status Take(int64_t amount, Lease& lease);
  // An empty lease to Grow, part by part (streams).
  Lease Open() { return Lease(this); }

  int64_t in_use() const;

 private:
  absl::Status Reserve(int64_t amount);
  void Give(int64_t amount);

  const std::string what_;
  const int64_t capacity_;
  mutable std::mutex mu_;
  int64_t in_use_ = 0;
};

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_BUDGET_H_
