#include "libs/server/store_health.h"

#include <future>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpc/health/v1/health.pb.h"
#include "libs/server/log.h"

namespace wmo::server {

void EnableHealthService() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::health::v1::HealthCheckRequest::descriptor();
}

StoreHealth::StoreHealth(grpc::HealthCheckServiceInterface* health,
                         absl::Duration period)
    : health_(health), period_(period) {}

StoreHealth::~StoreHealth() { Stop(); }

void StoreHealth::Watch(std::string name, std::string grpc_service,
                        store::Database& db) {
  std::lock_guard lock(mu_);
  watched_.push_back({std::move(name), std::move(grpc_service), &db});
}

void StoreHealth::Start() {
  CheckAll();
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, absl::ToChronoNanoseconds(period_),
                           [this] { return stopping_; })) {
      lock.unlock();
      CheckAll();
      lock.lock();
    }
  });
}

void StoreHealth::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StoreHealth::CheckAll() {
  // Watch comes before Start, so the list is fixed by now. The checks run
  // side by side and without the lock: a frozen database fails each one
  // only at its bound.
  std::vector<std::future<absl::Status>> checks;
  checks.reserve(watched_.size());
  for (const Watched& w : watched_) {
    checks.push_back(std::async(
        std::launch::async, [db = w.db] { return store::CheckUsable(*db); }));
  }
  std::vector<absl::Status> results;
  results.reserve(checks.size());
  for (auto& check : checks) results.push_back(check.get());
  std::lock_guard lock(mu_);
  bool all = true;
  for (size_t i = 0; i < results.size(); ++i) {
    const absl::Status& status = results[i];
    Watched& w = watched_[i];
    const bool usable = status.ok();
    if (usable != w.usable) {
      const std::string detail = store::ErrorDetail(status);
      LogWarning(usable ? absl::StrCat("the ", w.name, " store is usable again")
                        : absl::StrCat("the ", w.name,
                                       " store is unusable: ", status.message(),
                                       detail.empty() ? "" : " | ", detail));
    }
    w.usable = usable;
    all &= usable;
    if (health_ != nullptr) health_->SetServingStatus(w.grpc_service, usable);
  }
  if (health_ != nullptr) health_->SetServingStatus("", all);
}

absl::Status StoreHealth::Readiness() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> unusable;
  for (const Watched& w : watched_) {
    if (!w.usable) unusable.push_back(w.name);
  }
  if (unusable.empty()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      "not ready: the ", absl::StrJoin(unusable, ", "),
      unusable.size() == 1 ? " store is" : " stores are", " unusable"));
}

}  // namespace wmo::server
