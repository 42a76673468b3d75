#ifndef WMO_SERVICES_CATALOG_CATALOG_REPOSITORY_H_
#define WMO_SERVICES_CATALOG_CATALOG_REPOSITORY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/types/span.h"
#include "libs/auth/principal.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/catalog/catalog_rules.h"
#include "wmo/catalog/v1/catalog.pb.h"

namespace wmo::catalog {

// Where a stored catalog version applies.

// A version to store, parsed and validated.
struct NewVersion {
  wmo::catalog::v1::Catalog catalog;
  std::string content_sha256;
  std::string source_name;
};

// What an import did for one catalog.
struct ImportOutcome {
  std::string catalog_id;
  int64_t version = 0;
  bool created = false;
};

// The catalog service's tables: one row per published version, holding the
// whole catalog as protobuf bytes. Versions are never updated.
class CatalogRepository {
 public:
  // `now`: the clock of import times.
  explicit CatalogRepository(store::Database& db, server::Clock now = absl::Now)
      : db_(db), now_(std::move(now)) {}

  static absl::Span<const store::Migration> Migrations();

  // Every version of every catalog, by catalog id then version.
  absl::StatusOr<std::vector<VersionInfo>> ListVersions();
  // The versions of one catalog, oldest first; empty when unknown.
  absl::StatusOr<std::vector<VersionInfo>> ListVersions(
      const std::string& catalog_id);

  // One stored version with its output fields (version, content_sha256,
  // import_time) set; NOT_FOUND when absent.
  absl::StatusOr<wmo::catalog::v1::Catalog> Load(const std::string& catalog_id,
                                                 int64_t version);

  // Stores each catalog as a new version unless its content equals the
  // latest stored version; all in one transaction, so either every catalog
  // is imported or none is. Each new version's audit entry names
  // `importer`.
  absl::StatusOr<std::vector<ImportOutcome>> Import(
      const std::vector<NewVersion>& versions, const auth::Principal& importer);

 private:
  store::Database& db_;
  const server::Clock now_;
};

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_REPOSITORY_H_
