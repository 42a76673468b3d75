#include "services/catalog/catalog_registry.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/catalog/catalog_rules.h"
#include "wmo/catalog/v1/catalog_service.pb.h"

namespace wmo::catalog {
namespace {

// Cache keys carry a format generation so a change of layout never reads
// old entries.
constexpr char kVersionsKey[] = "wmo1/catalog/versions";
// The list of versions may be stale this long on a replica that missed an
// invalidation (Redis down at that moment).
constexpr std::chrono::milliseconds kVersionsTtl(5000);

std::string VersionKey(const std::string& id, int64_t version) {
  return absl::StrCat("wmo1/catalog/", id, "/v", version);
}

}  // namespace

const v1::Product* CatalogVersion::FindProduct(const std::string& id) const {
  return catalog::FindProduct(*catalog_, id);
}

const v1::Contract* CatalogVersion::FindContract(const std::string& agb) const {
  return catalog::FindContract(*catalog_, agb);
}

absl::StatusOr<std::vector<VersionInfo>> CatalogRegistry::Versions() {
  // Cached as a ListCatalogsResponse of catalogs that carry only id,
  // version and period: the same facts, in a message we already have.
  if (cache_ != nullptr) {
    if (auto cached = cache_->Get<v1::ListCatalogsResponse>(kVersionsKey)) {
      std::vector<VersionInfo> out;
      out.reserve(cached->catalogs_size());
      for (const auto& c : cached->catalogs()) {
        out.push_back({c.id(), c.version(), c.valid_from(), c.valid_to()});
      }
      return out;
    }
  }
  if (cache::MemoryOnlyScope::Active()) return cache::WouldBlock();
  auto versions = repository_.ListVersions();
  if (!versions.ok() || cache_ == nullptr) return versions;
  auto list = std::make_shared<v1::ListCatalogsResponse>();
  for (const VersionInfo& v : *versions) {
    auto* c = list->add_catalogs();
    c->set_id(v.catalog_id);
    c->set_version(v.version);
    c->set_valid_from(v.valid_from);
    c->set_valid_to(v.valid_to);
  }
  cache_->Put(kVersionsKey, std::move(list), kVersionsTtl);
  return versions;
}

absl::StatusOr<CatalogVersion> CatalogRegistry::Version(
    const std::string& catalog_id, int64_t version) {
  const std::string key = VersionKey(catalog_id, version);
  if (cache_ != nullptr) {
    if (auto cached = cache_->Get<v1::Catalog>(key)) {
      return CatalogVersion(std::move(cached));
    }
  }
  if (cache::MemoryOnlyScope::Active()) return cache::WouldBlock();
  auto loaded = repository_.Load(catalog_id, version);
  if (!loaded.ok()) return loaded.status();
  auto catalog = std::make_shared<v1::Catalog>(*std::move(loaded));
  const std::string name = absl::StrCat("catalogs/", catalog->id());
  catalog->set_name(name);
  for (auto& p : *catalog->mutable_products()) {
    p.set_name(absl::StrCat(name, "/products/", p.id()));
  }
  for (auto& c : *catalog->mutable_contracts()) {
    c.set_name(absl::StrCat(name, "/contracts/", c.provider_agb()));
  }
  if (cache_ != nullptr) cache_->Put(key, catalog);
  return CatalogVersion(std::move(catalog));
}

absl::StatusOr<CatalogVersion> CatalogRegistry::Effective(
    const std::string& catalog_id, rules::Date date) {
  auto versions = Versions();
  if (!versions.ok()) return versions.status();
  const VersionInfo* v = PickVersion(*versions, catalog_id, date);
  if (v != nullptr) return Version(catalog_id, v->version);
  for (const VersionInfo& any : *versions) {
    if (any.catalog_id == catalog_id) {
      return absl::NotFoundError(absl::StrCat("catalog ", catalog_id,
                                              " has no version valid on ",
                                              rules::FormatDate(date)));
    }
  }
  return absl::NotFoundError(
      absl::StrCat("catalog ", catalog_id,
                   " does not exist; ListCatalogs shows the catalogs"));
}

absl::StatusOr<std::vector<CatalogVersion>> CatalogRegistry::AllEffective(
    rules::Date date) {
  auto versions = Versions();
  if (!versions.ok()) return versions.status();
  std::vector<CatalogVersion> out;
  // Rows come sorted by catalog id; pick once per id.
  for (size_t i = 0; i < versions->size(); ++i) {
    const std::string& id = (*versions)[i].catalog_id;
    if (i > 0 && (*versions)[i - 1].catalog_id == id) continue;
    if (const VersionInfo* v = PickVersion(*versions, id, date)) {
      auto version = Version(id, v->version);
      if (!version.ok()) return version.status();
      out.push_back(*std::move(version));
    }
  }
  return out;
}

absl::StatusOr<std::vector<ImportOutcome>> CatalogRegistry::Import(
    const std::vector<NewVersion>& versions, const auth::Principal& importer) {
  auto outcomes = repository_.Import(versions, importer);
  if (outcomes.ok() && cache_ != nullptr) cache_->Invalidate(kVersionsKey);
  return outcomes;
}

}  // namespace wmo::catalog
