#include "services/catalog/catalog_client.h"

namespace wmo::catalog {

absl::StatusOr<v1::Catalog> CatalogClient::CatalogOn(
    const std::string& catalog_id, rules::Date date) {
  v1::GetCatalogRequest request;
  request.set_name("catalogs/" + catalog_id);
  request.set_as_of(rules::FormatDate(date));
  request.set_view(v1::CATALOG_VIEW_FULL);
  v1::Catalog catalog;
  absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
    return stub.GetCatalog(&context, request, &catalog);
  });
  if (!status.ok()) return status;
  return catalog;
}

}  // namespace wmo::catalog
