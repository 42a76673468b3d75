#ifndef WMO_SERVICES_CATALOG_CATALOG_CLIENT_H_
#define WMO_SERVICES_CATALOG_CATALOG_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "libs/rules/dates.h"
#include "libs/server/late_stub.h"
#include "wmo/catalog/v1/catalog_service.grpc.pb.h"

namespace wmo::catalog {

// The catalog service as the other services see it: always over gRPC,
// through an in-process channel when both run in one process and over the
// network when split, with the same code.
class CatalogClient {
 public:
  void SetChannel(std::shared_ptr<grpc::Channel> channel) {
    stub_.SetChannel(std::move(channel));
  }

  // The full catalog version valid on `date`; NOT_FOUND saying why.
  absl::StatusOr<v1::Catalog> CatalogOn(const std::string& catalog_id,
                                        rules::Date date);

 private:
  server::LateStub<v1::CatalogService> stub_{"catalog"};
};

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_CLIENT_H_
