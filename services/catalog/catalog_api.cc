#include "services/catalog/catalog_api.h"

#include <filesystem>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/audit/audit.h"
#include "libs/auth/permissions.h"
#include "libs/server/api.h"
#include "libs/server/digest.h"
#include "libs/server/status.h"
#include "services/catalog/catalog_rules.h"
#include "services/catalog/catalog_validation.h"

namespace wmo::catalog {
namespace {

using server::DateOrToday;
using server::NextPageToken;
using server::ParseName;
using server::ParsePage;

// The catalog without lots, products and contracts.
void BasicView(const v1::Catalog& full, v1::Catalog* out) {
  *out = full;
  out->clear_lots();
  out->clear_products();
  out->clear_contract_bundles();
  out->clear_contracts();
  out->clear_result_recording();
}

// The id part of "catalogs/{c}/products/{p}", or a bare id as it is.
std::string ProductId(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

absl::Status ProductNotFound(const CatalogVersion& v, const std::string& id) {
  return absl::NotFoundError(
      absl::StrCat("catalog ", v.id(), " v", v.version(), " has no product \"",
                   id, "\"; ListProducts shows its products"));
}

}  // namespace

absl::Status CatalogApi::ListCatalogs(const v1::ListCatalogsRequest& request,
                                      v1::ListCatalogsResponse* response) {
  WMO_ASSIGN_OR_RETURN(
      date, DateOrToday(request.as_of(), "as_of", server::TodayBy(now_)));
  WMO_ASSIGN_OR_RETURN(page, ParsePage(request));
  WMO_ASSIGN_OR_RETURN(versions, registry_.AllEffective(date));
  for (size_t i = page.offset;
       i < versions.size() && i < page.offset + page.size; ++i) {
    auto* out = response->add_catalogs();
    if (request.view() == v1::CATALOG_VIEW_FULL) {
      *out = versions[i].catalog();
    } else {
      BasicView(versions[i].catalog(), out);
    }
  }
  response->set_next_page_token(NextPageToken(page, versions.size()));
  return absl::OkStatus();
}

absl::Status CatalogApi::GetCatalog(const v1::GetCatalogRequest& request,
                                    v1::Catalog* response) {
  WMO_ASSIGN_OR_RETURN(ids, ParseName(request.name(), "catalogs/*", "name"));
  WMO_ASSIGN_OR_RETURN(
      date, DateOrToday(request.as_of(), "as_of", server::TodayBy(now_)));
  WMO_ASSIGN_OR_RETURN(version,
                       request.version() > 0
                           ? registry_.Version(ids[0], request.version())
                           : registry_.Effective(ids[0], date));
  if (request.view() == v1::CATALOG_VIEW_BASIC) {
    BasicView(version.catalog(), response);
  } else {
    *response = version.catalog();
  }
  return absl::OkStatus();
}

absl::Status CatalogApi::ListProducts(const v1::ListProductsRequest& request,
                                      v1::ListProductsResponse* response) {
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.parent(), "catalogs/*", "parent"));
  WMO_ASSIGN_OR_RETURN(
      date, DateOrToday(request.as_of(), "as_of", server::TodayBy(now_)));
  WMO_ASSIGN_OR_RETURN(page, ParsePage(request));
  WMO_ASSIGN_OR_RETURN(version, registry_.Effective(ids[0], date));
  const v1::Catalog& catalog = version.catalog();
  const v1::Lot* lot = nullptr;
  if (!request.lot().empty()) {
    lot = FindLot(catalog, request.lot());
    if (lot == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("lot: catalog ", catalog.id(), " has no lot \"",
                       request.lot(), "\""));
    }
  }
  std::vector<const v1::Product*> matches;
  for (const v1::Product& p : catalog.products()) {
    if (!request.category().empty() && p.category() != request.category()) {
      continue;
    }
    if (request.kind() != v1::PRODUCT_KIND_UNSPECIFIED &&
        p.kind() != request.kind()) {
      continue;
    }
    if (lot != nullptr &&
        std::find(lot->product_ids().begin(), lot->product_ids().end(),
                  p.id()) == lot->product_ids().end()) {
      continue;
    }
    if (!request.basis().empty() &&
        std::find(p.allowed_bases().begin(), p.allowed_bases().end(),
                  request.basis()) == p.allowed_bases().end()) {
      continue;
    }
    matches.push_back(&p);
  }
  for (size_t i = page.offset;
       i < matches.size() && i < page.offset + page.size; ++i) {
    *response->add_products() = *matches[i];
  }
  response->set_next_page_token(NextPageToken(page, matches.size()));
  response->set_catalog_version(version.version());
  return absl::OkStatus();
}

absl::Status CatalogApi::GetProduct(const v1::GetProductRequest& request,
                                    v1::Product* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.name(), "catalogs/*/products/*", "name"));
  WMO_ASSIGN_OR_RETURN(
      date, DateOrToday(request.as_of(), "as_of", server::TodayBy(now_)));
  WMO_ASSIGN_OR_RETURN(version, registry_.Effective(ids[0], date));
  const v1::Product* product = version.FindProduct(ids[1]);
  if (product == nullptr) return ProductNotFound(version, ids[1]);
  *response = *product;
  return absl::OkStatus();
}

absl::Status CatalogApi::BatchGetProducts(
    const v1::BatchGetProductsRequest& request,
    v1::BatchGetProductsResponse* response) {
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.parent(), "catalogs/*", "parent"));
  if (request.names_size() > 1000) {
    return absl::InvalidArgumentError(
        "names: at most 1000 per call; split the request");
  }
  WMO_ASSIGN_OR_RETURN(
      date, DateOrToday(request.as_of(), "as_of", server::TodayBy(now_)));
  WMO_ASSIGN_OR_RETURN(version, registry_.Effective(ids[0], date));
  for (const std::string& name : request.names()) {
    const std::string id = ProductId(name);
    const v1::Product* product = version.FindProduct(id);
    if (product == nullptr) return ProductNotFound(version, id);
    *response->add_products() = *product;
  }
  response->set_catalog_version(version.version());
  return absl::OkStatus();
}

absl::Status CatalogApi::ResolveTariff(const v1::ResolveTariffRequest& request,
                                       v1::ResolveTariffResponse* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.product(), "catalogs/*/products/*", "product"));
  if (request.date().empty()) {
    return absl::InvalidArgumentError("date: required; give YYYY-MM-DD");
  }
  WMO_ASSIGN_OR_RETURN(date, rules::ParseDate(request.date(), "date"));
  WMO_ASSIGN_OR_RETURN(version, registry_.Effective(ids[0], date));
  const v1::Product* product = version.FindProduct(ids[1]);
  if (product == nullptr) return ProductNotFound(version, ids[1]);
  WMO_ASSIGN_OR_RETURN(tariff, FindTariff(*product, request.basis(), date));
  response->set_cents(tariff->cents());
  *response->mutable_tariff() = *tariff;
  response->set_catalog_version(version.version());
  return absl::OkStatus();
}

absl::Status CatalogApi::ListContracts(const v1::ListContractsRequest& request,
                                       v1::ListContractsResponse* response) {
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.parent(), "catalogs/*", "parent"));
  WMO_ASSIGN_OR_RETURN(
      date, DateOrToday(request.as_of(), "as_of", server::TodayBy(now_)));
  WMO_ASSIGN_OR_RETURN(page, ParsePage(request));
  WMO_ASSIGN_OR_RETURN(version, registry_.Effective(ids[0], date));
  const v1::Catalog& catalog = version.catalog();
  std::vector<const v1::Contract*> matches;
  for (const v1::Contract& k : catalog.contracts()) {
    if (request.product().empty() ||
        ContractCovers(catalog, k, ProductId(request.product()))) {
      matches.push_back(&k);
    }
  }
  for (size_t i = page.offset;
       i < matches.size() && i < page.offset + page.size; ++i) {
    *response->add_contracts() = *matches[i];
  }
  response->set_next_page_token(NextPageToken(page, matches.size()));
  return absl::OkStatus();
}

absl::Status CatalogApi::GetContract(const v1::GetContractRequest& request,
                                     v1::Contract* response) {
  WMO_ASSIGN_OR_RETURN(
      ids, ParseName(request.name(), "catalogs/*/contracts/*", "name"));
  WMO_ASSIGN_OR_RETURN(
      date, DateOrToday(request.as_of(), "as_of", server::TodayBy(now_)));
  WMO_ASSIGN_OR_RETURN(version, registry_.Effective(ids[0], date));
  const v1::Contract* contract = version.FindContract(ids[1]);
  if (contract == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "catalog ", ids[0], " has no contract with provider ", ids[1]));
  }
  *response = *contract;
  return absl::OkStatus();
}

absl::Status CatalogApi::CheckContract(const v1::CheckContractRequest& request,
                                       v1::CheckContractResponse* response) {
  WMO_ASSIGN_OR_RETURN(ids,
                       ParseName(request.catalog(), "catalogs/*", "catalog"));
  if (request.date().empty()) {
    return absl::InvalidArgumentError("date: required; give YYYY-MM-DD");
  }
  WMO_ASSIGN_OR_RETURN(date, rules::ParseDate(request.date(), "date"));
  WMO_ASSIGN_OR_RETURN(version, registry_.Effective(ids[0], date));
  const std::string product_id = ProductId(request.product());
  if (version.FindProduct(product_id) == nullptr) {
    return ProductNotFound(version, product_id);
  }
  const v1::Contract* contract = version.FindContract(request.provider_agb());
  const ContractCheck check =
      catalog::CheckContract(version.catalog(), contract, product_id, date);
  response->set_contracted(check.contracted);
  response->set_reason(check.reason);
  if (check.contracted) response->set_contract(contract->name());
  return absl::OkStatus();
}

absl::Status CatalogApi::ImportCatalog(const auth::Principal& caller,
                                       const v1::ImportCatalogRequest& request,
                                       v1::ImportCatalogResponse* response) {
  if (absl::Status s = auth::RequireOperator(caller, "import catalogs");
      !s.ok()) {
    return s;
  }
  const std::string source =
      request.source_name().empty() ? "catalog_text" : request.source_name();
  WMO_ASSIGN_OR_RETURN(catalog,
                       ParseCatalogText(request.catalog_text(), source));
  if (request.validate_only()) {
    BasicView(catalog, response->mutable_catalog());
    return absl::OkStatus();
  }
  const std::string id = catalog.id();
  WMO_ASSIGN_OR_RETURN(
      outcomes,
      registry_.Import(
          {NewVersion{std::move(catalog),
                      server::Sha256Hex(request.catalog_text()), source}},
          caller));
  WMO_ASSIGN_OR_RETURN(version, registry_.Version(id, outcomes[0].version));
  BasicView(version.catalog(), response->mutable_catalog());
  response->set_created(outcomes[0].created);
  return absl::OkStatus();
}

absl::Status CatalogApi::ImportDirectory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".textproto") files.push_back(entry.path());
  }
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read catalog directory ", dir, ": ", ec.message()));
  }
  std::sort(files.begin(), files.end());
  std::vector<NewVersion> versions;
  std::vector<wmo::type::v1::RuleViolation> violations;
  for (const auto& path : files) {
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    const std::string source = path.filename().string();
    auto catalog = ParseCatalogText(text, source);
    if (!catalog.ok()) {
      for (auto& v : server::Violations(catalog.status())) {
        violations.push_back(std::move(v));
      }
      continue;
    }
    if (catalog->id() != path.stem().string()) {
      violations.push_back(server::Violation(
          "CAT-FILE", "", source,
          absl::StrCat("holds catalog \"", catalog->id(),
                       "\"; name the file after the catalog id: ",
                       catalog->id(), ".textproto")));
      continue;
    }
    versions.push_back({*std::move(catalog), server::Sha256Hex(text), source});
  }
  if (!violations.empty()) {
    return server::ViolationStatus(
        absl::StatusCode::kInvalidArgument,
        absl::StrCat("catalog files in ", dir, " refused"), violations);
  }
  // The server itself imports the directory at start-up.
  return registry_
      .Import(versions,
              {auth::PrincipalKind::kService, "", "catalog-directory"})
      .status();
}

absl::Status CatalogApi::ListAuditEntries(
    const auth::Principal& caller,
    const type::v1::ListAuditEntriesRequest& request,
    type::v1::ListAuditEntriesResponse* response) {
  return audit::List(db_, caller, {"catalogs/*"}, request, response);
}

}  // namespace wmo::catalog
