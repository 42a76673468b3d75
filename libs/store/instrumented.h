#ifndef WMO_LIBS_STORE_INSTRUMENTED_H_
#define WMO_LIBS_STORE_INSTRUMENTED_H_

#include <memory>
#include <string>

#include "libs/store/store.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace wmo::store {

// Wraps `db` so that /metrics shows its failures per service:
// wmo_store_errors_total{service,backend} counts statements and
// transactions that failed in the store itself (unavailable, timeouts,
// internal errors, conflicts that outlived the retries), not business
// refusals returned by a transaction's own code; and
// wmo_store_transaction_reruns_total{service,backend} counts transactions
// rerun after a conflict with a concurrent one.
std::unique_ptr<Database> Instrument(std::unique_ptr<Database> db,
                                     prometheus::Registry& registry,
                                     const std::string& service);

}  // namespace wmo::store

#endif  // WMO_LIBS_STORE_INSTRUMENTED_H_
