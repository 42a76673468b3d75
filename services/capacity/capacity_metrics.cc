#include "services/capacity/capacity_metrics.h"

#include <string>

#include "libs/rules/dates.h"
#include "services/capacity/capacity_repository.h"

namespace wmo::capacity {
namespace {

prometheus::MetricFamily Gauges(std::string name, std::string help) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = prometheus::MetricType::Gauge;
  return family;
}

void Add(prometheus::MetricFamily& family, std::string label, std::string value,
         double gauge) {
  prometheus::ClientMetric metric;
  metric.label.push_back({std::move(label), std::move(value)});
  metric.gauge.value = gauge;
  family.metric.push_back(std::move(metric));
}

}  // namespace

std::vector<prometheus::MetricFamily> CapacityMetrics::Collect() const {
  auto beds = Gauges("wmo_capacity_beds", "Beds per location");
  auto booked = Gauges("wmo_capacity_beds_booked",
                       "Beds per location booked for tonight");
  auto ratio = Gauges("wmo_capacity_occupancy_ratio",
                      "Share of a location's beds booked for tonight");
  auto waiting = Gauges("wmo_capacity_waitlist_length",
                        "Requests waiting for a bed (pool) or a place (group)");
  absl::Status status = db_.ReadTransaction([&](store::Connection& c) {
    auto per_location = CapacityRepository::BedsOn(c, server::TodayBy(now_));
    if (!per_location.ok()) return per_location.status();
    for (const auto& [location, b] : *per_location) {
      Add(beds, "location", location, static_cast<double>(b.beds));
      Add(booked, "location", location, static_cast<double>(b.booked));
      Add(ratio, "location", location,
          b.beds > 0
              ? static_cast<double>(b.booked) / static_cast<double>(b.beds)
              : 0.0);
    }
    for (auto [kind, label] :
         {std::pair{CapacityRepository::Kind::kPool, "pool"},
          std::pair{CapacityRepository::Kind::kGroup, "group"}}) {
      auto n = CapacityRepository::CountWaiting(c, kind);
      if (!n.ok()) return n.status();
      Add(waiting, "kind", label, static_cast<double>(*n));
    }
    return absl::OkStatus();
  });
  // A failing store shows in wmo_store_errors_total; no stale figures here.
  if (!status.ok()) return {};
  return {std::move(beds), std::move(booked), std::move(ratio),
          std::move(waiting)};
}

}  // namespace wmo::capacity
