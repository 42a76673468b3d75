#include "services/catalog/catalog_registry.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wmo::catalog {

CatalogVersion::CatalogVersion(wmo::catalog::v1::Catalog catalog)
    : catalog_(std::move(catalog)) {
  const std::string name = absl::StrCat("catalogs/", catalog_.id());
  catalog_.set_name(name);
  for (int i = 0; i < catalog_.products_size(); ++i) {
    auto* p = catalog_.mutable_products(i);
    p->set_name(absl::StrCat(name, "/products/", p->id()));
    products_.emplace(p->id(), i);
  }
  for (int i = 0; i < catalog_.contracts_size(); ++i) {
    auto* k = catalog_.mutable_contracts(i);
    k->set_name(absl::StrCat(name, "/contracts/", k->provider_agb()));
    contracts_.emplace(k->provider_agb(), i);
  }
}

const wmo::catalog::v1::Product* CatalogVersion::FindProduct(
    const std::string& id) const {
  auto it = products_.find(id);
  return it == products_.end() ? nullptr : &catalog_.products(it->second);
}

const wmo::catalog::v1::Contract* CatalogVersion::FindContract(
    const std::string& agb) const {
  auto it = contracts_.find(agb);
  return it == contracts_.end() ? nullptr : &catalog_.contracts(it->second);
}

const VersionInfo* CatalogRegistry::Pick(
    const std::vector<VersionInfo>& versions, rules::Date date) {
  const VersionInfo* best = nullptr;
  for (const VersionInfo& v : versions) {
    auto period = rules::ParsePeriod(v.valid_from, v.valid_to, "version");
    if (period.ok() && period->Contains(date) &&
        (best == nullptr || v.version > best->version)) {
      best = &v;
    }
  }
  return best;
}

absl::StatusOr<std::shared_ptr<const CatalogVersion>> CatalogRegistry::Version(
    const std::string& catalog_id, int64_t version) {
  {
    std::lock_guard lock(mu_);
    auto it = decoded_.find({catalog_id, version});
    if (it != decoded_.end()) return it->second;
  }
  auto catalog = repository_.Load(catalog_id, version);
  if (!catalog.ok()) return catalog.status();
  auto decoded = std::make_shared<const CatalogVersion>(*std::move(catalog));
  std::lock_guard lock(mu_);
  return decoded_.emplace(std::make_pair(catalog_id, version), decoded)
      .first->second;
}

absl::StatusOr<std::shared_ptr<const CatalogVersion>>
CatalogRegistry::Effective(const std::string& catalog_id, rules::Date date) {
  auto versions = repository_.ListVersions(catalog_id);
  if (!versions.ok()) return versions.status();
  if (versions->empty()) {
    return absl::NotFoundError(
        absl::StrCat("catalog ", catalog_id,
                     " does not exist; ListCatalogs shows the catalogs"));
  }
  const VersionInfo* v = Pick(*versions, date);
  if (v == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("catalog ", catalog_id, " has no version valid on ",
                     rules::FormatDate(date)));
  }
  return Version(catalog_id, v->version);
}

absl::StatusOr<std::vector<std::shared_ptr<const CatalogVersion>>>
CatalogRegistry::AllEffective(rules::Date date) {
  auto versions = repository_.ListVersions();
  if (!versions.ok()) return versions.status();
  std::vector<std::shared_ptr<const CatalogVersion>> out;
  // Rows come sorted by catalog id; pick per run of one id.
  for (size_t begin = 0; begin < versions->size();) {
    size_t end = begin;
    while (end < versions->size() &&
           (*versions)[end].catalog_id == (*versions)[begin].catalog_id) {
      ++end;
    }
    std::vector<VersionInfo> run(versions->begin() + begin,
                                 versions->begin() + end);
    if (const VersionInfo* v = Pick(run, date)) {
      auto decoded = Version(v->catalog_id, v->version);
      if (!decoded.ok()) return decoded.status();
      out.push_back(*std::move(decoded));
    }
    begin = end;
  }
  return out;
}

}  // namespace wmo::catalog
