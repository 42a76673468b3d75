#ifndef WMO_SERVICES_CATALOG_CATALOG_REGISTRY_H_
#define WMO_SERVICES_CATALOG_CATALOG_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/cache/cache.h"
#include "libs/rules/dates.h"
#include "services/catalog/catalog_repository.h"
#include "wmo/catalog/v1/catalog.pb.h"

namespace wmo::catalog {

// One published catalog version with its output fields (names) set.
// Immutable; cheap to copy.
class CatalogVersion {
 public:
  explicit CatalogVersion(std::shared_ptr<const v1::Catalog> catalog)
      : catalog_(std::move(catalog)) {}

  const v1::Catalog& catalog() const { return *catalog_; }
  const std::string& id() const { return catalog_->id(); }
  int64_t version() const { return catalog_->version(); }

  // nullptr when absent. A catalog has tens of products, so a scan is as
  // fast as an index and needs no state beside the message.
  const v1::Product* FindProduct(const std::string& id) const;
  const v1::Contract* FindContract(const std::string& agb) const;

 private:
  std::shared_ptr<const v1::Catalog> catalog_;
};

// Which version of a catalog applies on a date: among the versions whose
// period holds the date, the latest published. Reads go through the cache
// when there is one: versions by (catalog, version) key never go stale; the
// list of versions is invalidated on import and expires after a few seconds
// on replicas that missed the invalidation.
class CatalogRegistry {
 public:
  // `cache` may be null: then every call reads the store.
  CatalogRegistry(CatalogRepository& repository, cache::Cache* cache)
      : repository_(repository), cache_(cache) {}

  // NOT_FOUND when the catalog does not exist or has no version on `date`.
  absl::StatusOr<CatalogVersion> Effective(const std::string& catalog_id,
                                           rules::Date date);
  // A specific version; NOT_FOUND when absent.
  absl::StatusOr<CatalogVersion> Version(const std::string& catalog_id,
                                         int64_t version);
  // The version of every catalog that applies on `date`, by catalog id.
  absl::StatusOr<std::vector<CatalogVersion>> AllEffective(rules::Date date);

  // Stores new versions (see CatalogRepository::Import) and tells every
  // replica that the list of versions changed.
  absl::StatusOr<std::vector<ImportOutcome>> Import(
      const std::vector<NewVersion>& versions, const auth::Principal& importer);

 private:
  absl::StatusOr<std::vector<VersionInfo>> Versions();

  CatalogRepository& repository_;
  cache::Cache* cache_;
};

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_REGISTRY_H_
