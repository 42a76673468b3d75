#ifndef WMO_SERVICES_CATALOG_CATALOG_SOURCE_H_
#define WMO_SERVICES_CATALOG_CATALOG_SOURCE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/rules/dates.h"
#include "wmo/catalog/v1/catalog.pb.h"

namespace wmo::catalog {

// What the other services need of the catalogs. CatalogClient answers over
// gRPC; tests use testing::FakeCatalogs, which starts no server.
class CatalogSource {
 public:
  virtual ~CatalogSource() = default;

  // The full catalog version valid on `date`; NOT_FOUND saying why.
  virtual absl::StatusOr<std::shared_ptr<const v1::Catalog>> CatalogOn(
      const std::string& catalog_id, rules::Date date) = 0;

  // Whether a catalog valid on `date` serves municipality `cbs` (its
  // region's municipalities).
  virtual absl::StatusOr<bool> ServesMunicipality(const std::string& cbs,
                                                  rules::Date date) = 0;
};

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_SOURCE_H_
