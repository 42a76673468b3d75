#ifndef WMO_SERVICES_CATALOG_CATALOG_API_H_
#define WMO_SERVICES_CATALOG_CATALOG_API_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "libs/auth/principal.h"
#include "libs/server/api.h"
#include "libs/store/store.h"
#include "services/catalog/catalog_registry.h"
#include "wmo/catalog/v1/catalog_service.pb.h"

namespace wmo::catalog {

// The catalog service's operations, request message in, response message
// out, without gRPC: the handlers only adapt this to the wire, and tests and
// other in-process callers can use it directly.
class CatalogApi {
 public:
  // `db`: the catalog store, for the audit trail; `now` says which day an
  // "as of" left empty means.
  CatalogApi(CatalogRegistry& registry, store::Database& db,
             server::Clock now = absl::Now)
      : registry_(registry), db_(db), now_(std::move(now)) {}

  absl::Status ListCatalogs(const v1::ListCatalogsRequest& request,
                            v1::ListCatalogsResponse* response);
  absl::Status GetCatalog(const v1::GetCatalogRequest& request,
                          v1::Catalog* response);
  absl::Status ListProducts(const v1::ListProductsRequest& request,
                            v1::ListProductsResponse* response);
  absl::Status GetProduct(const v1::GetProductRequest& request,
                          v1::Product* response);
  absl::Status BatchGetProducts(const v1::BatchGetProductsRequest& request,
                                v1::BatchGetProductsResponse* response);
  absl::Status ResolveTariff(const v1::ResolveTariffRequest& request,
                             v1::ResolveTariffResponse* response);
  absl::Status ListContracts(const v1::ListContractsRequest& request,
                             v1::ListContractsResponse* response);
  absl::Status GetContract(const v1::GetContractRequest& request,
                           v1::Contract* response);
  absl::Status CheckContract(const v1::CheckContractRequest& request,
                             v1::CheckContractResponse* response);
  // Operators only (PERMISSION_DENIED for anyone else, nothing changed).
  absl::Status ImportCatalog(const auth::Principal& caller,
                             const v1::ImportCatalogRequest& request,
                             v1::ImportCatalogResponse* response);

  // Imports every *.textproto file of `dir` whose content changed since the
  // latest stored version. All files are parsed and validated first and
  // stored in one transaction: a bad file refuses the whole directory, with
  // every violation (file:line and reason), and stores nothing.
  absl::Status ImportDirectory(const std::string& dir);

  // The audit trail (libs/audit).
  absl::Status ListAuditEntries(
      const auth::Principal& caller,
      const type::v1::ListAuditEntriesRequest& request,
      type::v1::ListAuditEntriesResponse* response);

 private:
  CatalogRegistry& registry_;
  store::Database& db_;
  const server::Clock now_;
};

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_API_H_
