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

absl::StatusOr<std::string> CatalogClient::CatalogServing(
    const std::string& cbs, rules::Date date) {
  auto serving = [&](const std::map<std::string, std::string>& codes) {
    const auto found = codes.find(cbs);
    return found == codes.end() ? std::string() : found->second;
  };
  {
    std::lock_guard lock(mu_);
    auto it = municipalities_.find(date);
    if (it != municipalities_.end() && it->second.until > absl::Now()) {
      return serving(it->second.codes);
    }
  }
  std::map<std::string, std::string> codes;
  v1::ListCatalogsRequest request;
  request.set_as_of(rules::FormatDate(date));
  request.set_view(v1::CATALOG_VIEW_BASIC);
  request.set_page_size(500);
  do {
    v1::ListCatalogsResponse page;
    absl::Status status = stub_.Invoke([&](auto& stub, auto& context) {
      return stub.ListCatalogs(&context, request, &page);
    });
    if (!status.ok()) return status;
    for (const v1::Catalog& c : page.catalogs()) {
      for (const v1::Municipality& m : c.municipalities()) {
        codes.emplace(m.cbs_code(), c.id());
      }
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  std::string served = serving(codes);
  std::lock_guard lock(mu_);
  if (municipalities_.size() > 100) {
    const absl::Time now = absl::Now();
    std::erase_if(municipalities_,
                  [&](const auto& e) { return e.second.until <= now; });
  }
  municipalities_[date] = {absl::Now() + keep_, std::move(codes)};
  return served;
}

}  // namespace wmo::catalog
