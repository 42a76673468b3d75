#ifndef WMO_SERVICES_CATALOG_CATALOG_REGISTRY_H_
#define WMO_SERVICES_CATALOG_CATALOG_REGISTRY_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "libs/rules/dates.h"
#include "services/catalog/catalog_repository.h"
#include "wmo/catalog/v1/catalog.pb.h"

namespace wmo::catalog {

// One published catalog version, decoded once and indexed. Immutable.
class CatalogVersion {
 public:
  explicit CatalogVersion(wmo::catalog::v1::Catalog catalog);

  const wmo::catalog::v1::Catalog& catalog() const { return catalog_; }
  const std::string& id() const { return catalog_.id(); }
  int64_t version() const { return catalog_.version(); }

  // nullptr when absent.
  const wmo::catalog::v1::Product* FindProduct(const std::string& id) const;
  const wmo::catalog::v1::Contract* FindContract(const std::string& agb) const;

 private:
  wmo::catalog::v1::Catalog catalog_;
  absl::flat_hash_map<std::string, int> products_;
  absl::flat_hash_map<std::string, int> contracts_;
};

// Which version of a catalog applies on a date: among the versions whose
// period holds the date, the latest published. Versions are immutable, so
// decoded versions are kept for good; which versions exist is read from the
// store on every call, so an import by any replica is seen at once.
class CatalogRegistry {
 public:
  explicit CatalogRegistry(CatalogRepository& repository)
      : repository_(repository) {}

  // NOT_FOUND when the catalog does not exist or has no version on `date`.
  absl::StatusOr<std::shared_ptr<const CatalogVersion>> Effective(
      const std::string& catalog_id, rules::Date date);
  // A specific version; NOT_FOUND when absent.
  absl::StatusOr<std::shared_ptr<const CatalogVersion>> Version(
      const std::string& catalog_id, int64_t version);
  // The version of every catalog that applies on `date`, by catalog id.
  absl::StatusOr<std::vector<std::shared_ptr<const CatalogVersion>>>
  AllEffective(rules::Date date);

 private:
  // Picks the effective version of one catalog from its versions.
  static const VersionInfo* Pick(const std::vector<VersionInfo>& versions,
                                 rules::Date date);

  CatalogRepository& repository_;
  std::mutex mu_;
  std::map<std::pair<std::string, int64_t>,
           std::shared_ptr<const CatalogVersion>>
      decoded_;
};

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_REGISTRY_H_
