#include "services/catalog/catalog_rules.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wmo::catalog {

using wmo::catalog::v1::Catalog;
using wmo::catalog::v1::Contract;
using wmo::catalog::v1::Product;
using wmo::catalog::v1::Tariff;

bool ContractCovers(const Catalog& catalog, const Contract& contract,
                    const std::string& product_id) {
  if (std::find(contract.product_ids().begin(), contract.product_ids().end(),
                product_id) != contract.product_ids().end()) {
    return true;
  }
  for (const auto& lot : catalog.lots()) {
    if (std::find(contract.lot_ids().begin(), contract.lot_ids().end(),
                  lot.id()) != contract.lot_ids().end() &&
        std::find(lot.product_ids().begin(), lot.product_ids().end(),
                  product_id) != lot.product_ids().end()) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<const Tariff*> FindTariff(const Product& product,
                                         const std::string& basis,
                                         rules::Date date) {
  if (!basis.empty() &&
      std::find(product.allowed_bases().begin(), product.allowed_bases().end(),
                basis) == product.allowed_bases().end()) {
    return absl::NotFoundError(
        absl::StrCat("product ", product.id(), " does not allow basis \"",
                     basis, "\"; allowed: ",
                     product.allowed_bases().empty()
                         ? std::string("none (leave basis empty)")
                         : absl::StrJoin(product.allowed_bases(), ", ")));
  }
  if (basis.empty() && !product.allowed_bases().empty()) {
    return absl::NotFoundError(absl::StrCat(
        "product ", product.id(), " has tariffs per basis; name one of ",
        absl::StrJoin(product.allowed_bases(), ", ")));
  }
  const Tariff* for_all = nullptr;
  for (const Tariff& t : product.tariffs()) {
    auto period = rules::ParsePeriod(t.valid_from(), t.valid_to(), "tariff");
    if (!period.ok() || !period->Contains(date)) continue;
    if (t.basis() == basis) return &t;
    if (t.basis().empty()) for_all = &t;
  }
  if (for_all != nullptr) return for_all;
  return absl::NotFoundError(
      absl::StrCat("product ", product.id(), " has no tariff",
                   basis.empty() ? "" : absl::StrCat(" for basis ", basis),
                   " valid on ", rules::FormatDate(date)));
}

ContractCheck CheckContract(const Catalog& catalog, const Contract* contract,
                            const std::string& product_id, rules::Date date) {
  if (contract == nullptr) {
    return {false, absl::StrCat("the provider has no contract in catalog ",
                                catalog.id())};
  }
  if (!ContractCovers(catalog, *contract, product_id)) {
    return {false, absl::StrCat("the contract of ", contract->provider_agb(),
                                " does not hold product ", product_id)};
  }
  auto period = rules::ParsePeriod(contract->valid_from(), contract->valid_to(),
                                   "contract");
  if (!period.ok() || !period->Contains(date)) {
    return {false,
            absl::StrCat("the contract of ", contract->provider_agb(),
                         " runs from ", contract->valid_from(), " to ",
                         contract->valid_to().empty() ? "open end"
                                                      : contract->valid_to(),
                         ", not on ", rules::FormatDate(date))};
  }
  return {true, ""};
}

}  // namespace wmo::catalog
