#include "services/assignment/catalog_client.h"

#include <chrono>

#include "absl/status/status.h"
#include "grpcpp/client_context.h"

namespace wmo::assignment {

void CatalogClient::SetChannel(std::shared_ptr<grpc::Channel> channel) {
  std::lock_guard lock(mu_);
  stub_ = wmo::catalog::v1::CatalogService::NewStub(std::move(channel));
}

absl::StatusOr<wmo::catalog::v1::Catalog> CatalogClient::CatalogOn(
    const std::string& catalog_id, rules::Date date) {
  std::shared_ptr<wmo::catalog::v1::CatalogService::Stub> stub;
  {
    std::lock_guard lock(mu_);
    stub = stub_;
  }
  if (stub == nullptr) {
    return absl::UnavailableError("catalog service not connected yet");
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  wmo::catalog::v1::GetCatalogRequest request;
  request.set_name("catalogs/" + catalog_id);
  request.set_as_of(rules::FormatDate(date));
  request.set_view(wmo::catalog::v1::CATALOG_VIEW_FULL);
  wmo::catalog::v1::Catalog catalog;
  grpc::Status status = stub->GetCatalog(&context, request, &catalog);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  return catalog;
}

}  // namespace wmo::assignment
