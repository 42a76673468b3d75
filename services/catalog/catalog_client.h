#ifndef WMO_SERVICES_CATALOG_CATALOG_CLIENT_H_
#define WMO_SERVICES_CATALOG_CATALOG_CLIENT_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/rules/dates.h"
#include "libs/server/late_stub.h"
#include "services/catalog/catalog_source.h"
#include "wmo/catalog/v1/catalog_service.grpc.pb.h"

namespace wmo::catalog {

// The catalog service as the other services see it: always over gRPC,
// through an in-process channel when both run in one process and over the
// network when split, with the same code. Answers are kept a few seconds:
// a version never changes, and a newly imported one is seen after at most
// that long, as with the catalog service's own shared cache.
class CatalogClient : public CatalogSource {
 public:
  explicit CatalogClient(absl::Duration keep = absl::Seconds(5))
      : keep_(keep) {}

  void SetChannel(std::shared_ptr<grpc::Channel> channel) {
    stub_.SetChannel(std::move(channel));
  }

  absl::StatusOr<std::shared_ptr<const v1::Catalog>> CatalogOn(
      const std::string& catalog_id, rules::Date date) override;
  absl::StatusOr<std::string> CatalogServing(const std::string& cbs,
                                             rules::Date date) override;

 private:
  struct Kept {
    absl::Time until;
    std::shared_ptr<const v1::Catalog> catalog;
  };

  const absl::Duration keep_;
  server::LateStub<v1::CatalogService> stub_{"catalog"};
  std::mutex mu_;
  std::map<std::pair<std::string, rules::Date>, Kept> kept_;
  struct KeptCodes {
    absl::Time until;
    // Municipality code to the id of the catalog serving it.
    std::map<std::string, std::string> codes;
  };
  std::map<rules::Date, KeptCodes> municipalities_;
};

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_CLIENT_H_
