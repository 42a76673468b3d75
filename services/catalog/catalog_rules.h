#ifndef WMO_SERVICES_CATALOG_CATALOG_RULES_H_
#define WMO_SERVICES_CATALOG_CATALOG_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/rules/age.h"
#include "libs/rules/dates.h"
#include "libs/rules/declaration.h"
#include "wmo/catalog/v1/catalog.pb.h"

namespace wmo::catalog {

// The catalog domain every service shares (library wmo_catalog_rules: the
// protos and libs/rules only, not the catalog service).

// Look-ups in one catalog version; nullptr when absent.
const v1::Product* FindProduct(const v1::Catalog& catalog,
                               absl::string_view id);
const v1::Contract* FindContract(const v1::Catalog& catalog,
                                 absl::string_view provider_agb);
const v1::Lot* FindLot(const v1::Catalog& catalog, absl::string_view id);
// The ids of the lots that hold `product`.
std::vector<std::string> LotsHolding(const v1::Catalog& catalog,
                                     absl::string_view product);

// One stored version of a catalog: its number and period.
struct VersionInfo {
  std::string catalog_id;
  int64_t version = 0;
  std::string valid_from;
  std::string valid_to;  // "" for open-ended
};

// The version of `catalog_id` in force on `date`: among those whose period
// holds it, the highest version (a re-import corrects a version). nullptr
// when none.
const VersionInfo* PickVersion(const std::vector<VersionInfo>& versions,
                               absl::string_view catalog_id, rules::Date date);

// True when the contract holds the product itself or a lot holding it.
bool ContractCovers(const wmo::catalog::v1::Catalog& catalog,
                    const wmo::catalog::v1::Contract& contract,
                    const std::string& product_id);

// The tariff of `product` for `basis` on `date`: a tariff for exactly that
// basis wins over one for every basis. NOT_FOUND saying why otherwise: the
// basis is not allowed, or no tariff is valid on the date.
absl::StatusOr<const wmo::catalog::v1::Tariff*> FindTariff(
    const wmo::catalog::v1::Product& product, const std::string& basis,
    rules::Date date);

// Whether `agb` is contracted for `product_id` on `date`, and if not, why.
struct ContractCheck {
  bool contracted = false;
  std::string reason;
};
ContractCheck CheckContract(const wmo::catalog::v1::Catalog& catalog,
                            const wmo::catalog::v1::Contract* contract,
                            const std::string& product_id, rules::Date date);

// The age bounds of a product (S0-03, S4-06), with `fallback_rule` where a
// bound names no rule.
std::vector<rules::AgeLimit> AgeLimitsOf(const v1::Product& product,
                                         absl::string_view fallback_rule);

// The billing rules of a product as the declaration and capacity checks
// take them (libs/rules), each with the rule id of its source.
rules::ProductBilling BillingOf(const std::string& catalog_id,
                                const wmo::catalog::v1::Product& product);

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_RULES_H_
