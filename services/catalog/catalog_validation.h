#ifndef WMO_SERVICES_CATALOG_CATALOG_VALIDATION_H_
#define WMO_SERVICES_CATALOG_CATALOG_VALIDATION_H_

#include <vector>

#include "absl/status/statusor.h"
#include "wmo/catalog/v1/catalog.pb.h"
#include "wmo/type/v1/types.pb.h"

namespace wmo::catalog {

// Checks that a catalog is complete and consistent: identifiers and codes,
// dates, references between products, lots and contracts, tariff periods,
// and the contracting rules (ContractBundle, ContractRequirement). Returns
// every violation; each names its field path (e.g. "products[3].unit") and a
// rule id: CAT-… for consistency rules, the catalog's own rule id (S0-05,
// S4-03) where one of its rules is broken. Pure.
std::vector<wmo::type::v1::RuleViolation> ValidateCatalog(
    const wmo::catalog::v1::Catalog& catalog);

// Parses a catalog in protobuf text format and validates it. On failure the
// status is INVALID_ARGUMENT with every violation, each field prefixed with
// "<source_name>:<line>" so an operator can find it in the file.
absl::StatusOr<wmo::catalog::v1::Catalog> ParseCatalogText(
    const std::string& text, const std::string& source_name);

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_VALIDATION_H_
