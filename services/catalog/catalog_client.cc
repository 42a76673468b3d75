#include "services/catalog/catalog_client.h"

#include "absl/time/clock.h"

namespace wmo::catalog {

absl::StatusOr<std::shared_ptr<const v1::Catalog>> CatalogClient::CatalogOn(
    const std::string& catalog_id, rules::Date date) {
  const auto key = std::make_pair(catalog_id, date);
  {
    std::lock_guard lock(mu_);
    auto it = kept_.find(key);
    if (it != kept_.end() && it->second.until > absl::Now()) {
      return it->second.catalog;
    }
  }
  v1::GetCatalogRequest request;
  request.set_name("catalogs/" + catalog_id);
  request.set_as_of(rules::FormatDate(date));
  request.set_view(v1::CATALOG_VIEW_FULL);
  auto catalog = std::make_shared<v1::Catalog>();
  absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
    return stub.GetCatalog(&context, request, catalog.get());
  });
  if (!status.ok()) return status;
  std::lock_guard lock(mu_);
  // Dates asked drift with time; forget the expired ones as they pile up.
  if (kept_.size() > 1000) {
    const absl::Time now = absl::Now();
    std::erase_if(kept_, [&](const auto& e) { return e.second.until <= now; });
  }
  kept_[key] = {absl::Now() + keep_, catalog};
  return std::shared_ptr<const v1::Catalog>(std::move(catalog));
}

}  // namespace wmo::catalog
