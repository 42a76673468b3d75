#ifndef WMO_SERVICES_CAPACITY_CAPACITY_METRICS_H_
#define WMO_SERVICES_CAPACITY_CAPACITY_METRICS_H_

#include <vector>

#include "libs/server/api.h"
#include "libs/store/store.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace wmo::capacity {

// Occupancy read from the store at each scrape, so it is current without a
// timer and counts every replica's bookings: per location the beds, the
// beds booked tonight and their ratio (the label is the location's resource
// name, never client data), and the waitlists' lengths.
class CapacityMetrics : public prometheus::Collectable {
 public:
  // `now` says which night is tonight.
  CapacityMetrics(store::Database& db, server::Clock now)
      : db_(db), now_(std::move(now)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  store::Database& db_;
  const server::Clock now_;
};

}  // namespace wmo::capacity

#endif  // WMO_SERVICES_CAPACITY_CAPACITY_METRICS_H_
