#ifndef WMO_SERVICES_ASSIGNMENT_NUMBER_BLOCKS_H_
#define WMO_SERVICES_ASSIGNMENT_NUMBER_BLOCKS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "libs/store/store.h"

namespace wmo::assignment {

// The numbers this process gives to new assignments that come without one,
// per municipality. They are reserved in the store a block at a time, in a
// transaction of their own: were every create to advance the
// municipality's counter in its own transaction, concurrent creates would
// all conflict on that one row (on PostgreSQL, all but one rerun). The
// price is gaps: the rest of a block is not used after a restart, and
// replicas take blocks of their own. A create that does not happen gives
// its number back, so that numbers stay dense within a process.
class NumberBlocks {
 public:
  explicit NumberBlocks(store::Database& db, int64_t block_size = 32)
      : db_(db), block_size_(block_size) {}

  // A number for a new assignment of `municipality`: one given back, else
  // the next of this process's block, else the first of a new block.
  absl::StatusOr<int64_t> Take(const std::string& municipality);

  // `number` was not used after all.
  void GiveBack(const std::string& municipality, int64_t number);

 private:
  struct Numbers {
    int64_t next = 0;  // The next of the block; `end` when none is left.
    int64_t end = 0;
    std::set<int64_t> given_back;
  };

  store::Database& db_;
  const int64_t block_size_;
  std::mutex mu_;
  std::map<std::string, Numbers> numbers_;  // By municipality.
};

}  // namespace wmo::assignment

#endif  // WMO_SERVICES_ASSIGNMENT_NUMBER_BLOCKS_H_
