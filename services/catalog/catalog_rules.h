#ifndef WMO_SERVICES_CATALOG_CATALOG_RULES_H_
#define WMO_SERVICES_CATALOG_CATALOG_RULES_H_

#include <string>

#include "absl/status/statusor.h"
#include "libs/rules/age.h"
#include "libs/rules/dates.h"
#include "libs/rules/declaration.h"
#include "wmo/catalog/v1/catalog.pb.h"

namespace wmo::catalog {

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
