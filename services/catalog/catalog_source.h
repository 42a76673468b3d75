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

  // The id of the catalog valid on `date` that serves municipality `cbs`
  // (one of its region's municipalities); empty when none does.
  virtual absl::StatusOr<std::string> CatalogServing(const std::string& cbs,
                                                     rules::Date date) = 0;

  // Whether a catalog valid on `date` serves municipality `cbs`.
  absl::StatusOr<bool> ServesMunicipality(const std::string& cbs,
                                          rules::Date date) {
    absl::StatusOr<std::string> id = CatalogServing(cbs, date);
    if (!id.ok()) return id.status();
    return !id->empty();
  }
};

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_SOURCE_H_
