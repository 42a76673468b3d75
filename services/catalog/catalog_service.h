#ifndef WMO_SERVICES_CATALOG_CATALOG_SERVICE_H_
#define WMO_SERVICES_CATALOG_CATALOG_SERVICE_H_

#include <functional>

#include "libs/server/authenticator.h"
#include "libs/server/executor.h"
#include "services/catalog/catalog_api.h"
#include "wmo/catalog/v1/catalog_service.grpc.pb.h"

namespace wmo::catalog {

// gRPC handlers of wmo.catalog.v1.CatalogService: each passes the request to
// CatalogApi and maps its status to the wire. Reads are answered on the gRPC
// callback thread when the in-process cache holds what they need (the hot
// path); when they would wait for Redis or the store they are redone on
// `executor`, as imports always are: nothing waits on a callback thread.
class CatalogService final : public v1::CatalogService::CallbackService {
 public:
  // Every call is authenticated by `authenticator` first.
  CatalogService(CatalogApi& api, server::Executor& executor,
                 const server::Authenticator& authenticator)
      : api_(api), executor_(executor), authenticator_(authenticator) {}

  grpc::ServerUnaryReactor* ListCatalogs(
      grpc::CallbackServerContext* context,
      const v1::ListCatalogsRequest* request,
      v1::ListCatalogsResponse* response) override;
  grpc::ServerUnaryReactor* GetCatalog(grpc::CallbackServerContext* context,
                                       const v1::GetCatalogRequest* request,
                                       v1::Catalog* response) override;
  grpc::ServerUnaryReactor* ListProducts(
      grpc::CallbackServerContext* context,
      const v1::ListProductsRequest* request,
      v1::ListProductsResponse* response) override;
  grpc::ServerUnaryReactor* GetProduct(grpc::CallbackServerContext* context,
                                       const v1::GetProductRequest* request,
                                       v1::Product* response) override;
  grpc::ServerUnaryReactor* BatchGetProducts(
      grpc::CallbackServerContext* context,
      const v1::BatchGetProductsRequest* request,
      v1::BatchGetProductsResponse* response) override;
  grpc::ServerUnaryReactor* ResolveTariff(
      grpc::CallbackServerContext* context,
      const v1::ResolveTariffRequest* request,
      v1::ResolveTariffResponse* response) override;
  grpc::ServerUnaryReactor* ListContracts(
      grpc::CallbackServerContext* context,
      const v1::ListContractsRequest* request,
      v1::ListContractsResponse* response) override;
  grpc::ServerUnaryReactor* GetContract(grpc::CallbackServerContext* context,
                                        const v1::GetContractRequest* request,
                                        v1::Contract* response) override;
  grpc::ServerUnaryReactor* CheckContract(
      grpc::CallbackServerContext* context,
      const v1::CheckContractRequest* request,
      v1::CheckContractResponse* response) override;
  grpc::ServerUnaryReactor* ImportCatalog(
      grpc::CallbackServerContext* context,
      const v1::ImportCatalogRequest* request,
      v1::ImportCatalogResponse* response) override;

  grpc::ServerUnaryReactor* ListAuditEntries(
      grpc::CallbackServerContext* context,
      const type::v1::ListAuditEntriesRequest* request,
      type::v1::ListAuditEntriesResponse* response) override;

 private:
  // Runs `call` memory-only here; redoes it on the executor when it would
  // wait.
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  google::protobuf::Message* response,
                                  std::function<absl::Status()> call);

  CatalogApi& api_;
  server::Executor& executor_;
  const server::Authenticator& authenticator_;
};

}  // namespace wmo::catalog

#endif  // WMO_SERVICES_CATALOG_CATALOG_SERVICE_H_
