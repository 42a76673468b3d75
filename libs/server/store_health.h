#ifndef WMO_LIBS_SERVER_STORE_HEALTH_H_
#define WMO_LIBS_SERVER_STORE_HEALTH_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/health_check_service_interface.h"
#include "libs/store/store.h"

namespace wmo::server {

// Makes servers built from now on serve gRPC's health protocol, with its
// descriptors in the pool (gRPC links none): reflection resolves it for
// generic clients, and the metrics label its calls.
void EnableHealthService();

// Watches the stores of the services a process serves, on a thread of its
// own, and reports them: the gRPC health status of each service (and of the
// whole server, "") and the readiness answer of /readyz. A store that fails
// its check makes its service NOT_SERVING until a later check passes; no
// restart is needed. Liveness (/healthz) never looks here.
class StoreHealth {
 public:
  // `health` may be null (then only Readiness reports).
  StoreHealth(grpc::HealthCheckServiceInterface* health, absl::Duration period);
  ~StoreHealth();  // Stop().

  // Before Start: the store of service `name` (for messages), registered
  // under `grpc_service` (e.g. "wmo.catalog.v1.CatalogService").
  void Watch(std::string name, std::string grpc_service, store::Database& db);

  // Checks every store once, reports, then goes on every `period`.
  void Start();
  void Stop();

  // OK while every store is usable, else UNAVAILABLE naming the stores that
  // are not.
  absl::Status Readiness() const;

 private:
  struct Watched {
    std::string name;
    std::string grpc_service;
    store::Database* db;
    bool usable = true;
  };
  void CheckAll();

  grpc::HealthCheckServiceInterface* const health_;
  const absl::Duration period_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Watched> watched_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_STORE_HEALTH_H_
