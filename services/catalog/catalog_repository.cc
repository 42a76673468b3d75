#include "services/catalog/catalog_repository.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/audit/audit.h"
#include "libs/server/api.h"
#include "libs/server/status.h"
#include "libs/server/stored_protos.h"

namespace wmo::catalog {
namespace {

using store::ResultSet;

// Migration 3: times as google.protobuf.Timestamp (the field that was RFC
// 3339 text is reserved in the proto).
absl::Status UpgradeTimes(store::Connection& c) {
  static constexpr server::LegacyTime kLegacy[] = {
      {"wmo.catalog.v1.Catalog", 17, "import_time"}};
  absl::Status s = server::UpgradeTimesIn<v1::Catalog>(
      c, {"catalog_versions", "catalog_id, version", "catalog"}, kLegacy);
  if (s.ok()) s = audit::UpgradeStoredTimes(c);
  return s;
}

constexpr store::Migration kMigrations[] = {
    {1,
     "CREATE TABLE catalog_versions ("
     " catalog_id TEXT NOT NULL,"
     " version BIGINT NOT NULL,"
     " valid_from TEXT NOT NULL,"
     " valid_to TEXT NOT NULL,"
     " content_sha256 TEXT NOT NULL,"
     " source_name TEXT NOT NULL,"
     " import_time TEXT NOT NULL,"
     " catalog BYTEA NOT NULL,"
     " PRIMARY KEY (catalog_id, version))"},
    {2, audit::kAuditTable},
    {3, "", UpgradeTimes},
};

std::vector<VersionInfo> ToVersions(const ResultSet& rows) {
  std::vector<VersionInfo> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back({ResultSet::Text(row, 0), ResultSet::Int(row, 1),
                   ResultSet::Text(row, 2), ResultSet::Text(row, 3)});
  }
  return out;
}

}  // namespace

absl::Span<const store::Migration> CatalogRepository::Migrations() {
  return kMigrations;
}

absl::StatusOr<std::vector<VersionInfo>> CatalogRepository::ListVersions() {
  auto rows = db_.Execute(
      "SELECT catalog_id, version, valid_from, valid_to FROM catalog_versions"
      " ORDER BY catalog_id, version");
  if (!rows.ok()) return rows.status();
  return ToVersions(*rows);
}

absl::StatusOr<std::vector<VersionInfo>> CatalogRepository::ListVersions(
    const std::string& catalog_id) {
  auto rows = db_.Execute(
      "SELECT catalog_id, version, valid_from, valid_to FROM catalog_versions"
      " WHERE catalog_id = ? ORDER BY version",
      {catalog_id});
  if (!rows.ok()) return rows.status();
  return ToVersions(*rows);
}

absl::StatusOr<wmo::catalog::v1::Catalog> CatalogRepository::Load(
    const std::string& catalog_id, int64_t version) {
  auto rows = db_.Execute(
      "SELECT catalog, content_sha256, import_time FROM catalog_versions"
      " WHERE catalog_id = ? AND version = ?",
      {catalog_id, version});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return absl::NotFoundError(
        absl::StrCat("catalog ", catalog_id, " has no version ", version));
  }
  wmo::catalog::v1::Catalog catalog;
  if (!catalog.ParseFromString(ResultSet::Text((*rows)[0], 0))) {
    return absl::DataLossError(absl::StrCat("stored catalog ", catalog_id, " v",
                                            version, " is unreadable"));
  }
  catalog.set_version(version);
  catalog.set_content_sha256(ResultSet::Text((*rows)[0], 1));
  auto import_time =
      server::ParseTimestamp(ResultSet::Text((*rows)[0], 2), "import_time");
  if (!import_time.ok()) {
    return absl::DataLossError(absl::StrCat("stored catalog ", catalog_id, " v",
                                            version, ": ",
                                            import_time.status().message()));
  }
  *catalog.mutable_import_time() = *import_time;
  return catalog;
}

absl::StatusOr<std::vector<ImportOutcome>> CatalogRepository::Import(
    const std::vector<NewVersion>& versions, const auth::Principal& importer) {
  std::vector<ImportOutcome> outcomes;
  const std::string now = server::TimeText(server::Timestamp(now_()));
  absl::Status status = db_.Transaction([&](store::Connection& c) {
    outcomes.clear();
    for (const NewVersion& v : versions) {
      const std::string& id = v.catalog.id();
      auto latest = c.Execute(
          "SELECT version, content_sha256 FROM catalog_versions"
          " WHERE catalog_id = ? ORDER BY version DESC LIMIT 1",
          {id});
      if (!latest.ok()) return latest.status();
      ImportOutcome outcome{id, 1, true};
      if (!latest->empty()) {
        outcome.version = ResultSet::Int((*latest)[0], 0) + 1;
        if (ResultSet::Text((*latest)[0], 1) == v.content_sha256) {
          outcomes.push_back({id, outcome.version - 1, false});
          continue;
        }
      }
      auto inserted = c.Execute(
          "INSERT INTO catalog_versions (catalog_id, version, valid_from,"
          " valid_to, content_sha256, source_name, import_time, catalog)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {id, outcome.version, v.catalog.valid_from(), v.catalog.valid_to(),
           v.content_sha256, v.source_name, now,
           store::Blob{v.catalog.SerializeAsString()}});
      if (!inserted.ok()) return inserted.status();
      type::v1::AuditEntry entry = audit::Entry(
          importer, absl::StrCat("catalogs/", id), "ImportCatalog");
      entry.set_revision(outcome.version);
      for (const auto& [field, value] :
           {std::pair<const char*, const std::string&>{"valid_from",
                                                       v.catalog.valid_from()},
            {"valid_to", v.catalog.valid_to()},
            {"content_sha256", v.content_sha256},
            {"source_name", v.source_name}}) {
        type::v1::FieldChange* change = entry.add_changes();
        change->set_field(field);
        change->set_new_value(value);
      }
      if (absl::Status s = audit::Record(c, entry); !s.ok()) return s;
      outcomes.push_back(outcome);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return outcomes;
}

}  // namespace wmo::catalog
