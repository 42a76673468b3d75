#ifndef WMO_SERVICES_ASSIGNMENT_CATALOG_CLIENT_H_
#define WMO_SERVICES_ASSIGNMENT_CATALOG_CLIENT_H_

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "libs/rules/dates.h"
#include "wmo/catalog/v1/catalog_service.grpc.pb.h"

namespace wmo::assignment {

// The catalog service as the assignment service sees it: always over gRPC,
// through an in-process channel when both run in one process and over the
// network when split, with the same code.
class CatalogClient {
 public:
  // The channel is known only once the server runs; calls before that are
  // UNAVAILABLE.
  void SetChannel(std::shared_ptr<grpc::Channel> channel);

  // The full catalog version valid on `date`; NOT_FOUND saying why.
  absl::StatusOr<wmo::catalog::v1::Catalog> CatalogOn(
      const std::string& catalog_id, rules::Date date);

 private:
  std::mutex mu_;
  std::shared_ptr<wmo::catalog::v1::CatalogService::Stub> stub_;
};

}  // namespace wmo::assignment

#endif  // WMO_SERVICES_ASSIGNMENT_CATALOG_CLIENT_H_
