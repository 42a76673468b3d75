#include "services/catalog/catalog_service.h"

#include "libs/cache/cache.h"
#include "libs/server/call_scope.h"
#include "libs/server/executor.h"
#include "libs/server/status.h"

namespace wmo::catalog {

grpc::ServerUnaryReactor* CatalogService::Serve(
    grpc::CallbackServerContext* context, google::protobuf::Message* response,
    std::function<absl::Status()> call) {
  // Authenticated before the fast path too (a miss authenticates again in
  // RespondLater: a cached look-up).
  if (absl::StatusOr<auth::Principal> caller =
          authenticator_.Authenticate(*context);
      !caller.ok()) {
    return server::Respond(context, caller.status());
  }
  {
    cache::MemoryOnlyScope memory_only;
    absl::Status status = call();
    if (!cache::IsWouldBlock(status)) return server::Respond(context, status);
  }
  response->Clear();  // What the first try filled in.
  return server::RespondLater(context, executor_, authenticator_,
                              std::move(call));
}

grpc::ServerUnaryReactor* CatalogService::ListCatalogs(
    grpc::CallbackServerContext* context,
    const v1::ListCatalogsRequest* request,
    v1::ListCatalogsResponse* response) {
  return Serve(context, response, [this, request, response] {
    return api_.ListCatalogs(*request, response);
  });
}

grpc::ServerUnaryReactor* CatalogService::GetCatalog(
    grpc::CallbackServerContext* context, const v1::GetCatalogRequest* request,
    v1::Catalog* response) {
  return Serve(context, response, [this, request, response] {
    return api_.GetCatalog(*request, response);
  });
}

grpc::ServerUnaryReactor* CatalogService::ListProducts(
    grpc::CallbackServerContext* context,
    const v1::ListProductsRequest* request,
    v1::ListProductsResponse* response) {
  return Serve(context, response, [this, request, response] {
    return api_.ListProducts(*request, response);
  });
}

grpc::ServerUnaryReactor* CatalogService::GetProduct(
    grpc::CallbackServerContext* context, const v1::GetProductRequest* request,
    v1::Product* response) {
  return Serve(context, response, [this, request, response] {
    return api_.GetProduct(*request, response);
  });
}

grpc::ServerUnaryReactor* CatalogService::BatchGetProducts(
    grpc::CallbackServerContext* context,
    const v1::BatchGetProductsRequest* request,
    v1::BatchGetProductsResponse* response) {
  return Serve(context, response, [this, request, response] {
    return api_.BatchGetProducts(*request, response);
  });
}

grpc::ServerUnaryReactor* CatalogService::ResolveTariff(
    grpc::CallbackServerContext* context,
    const v1::ResolveTariffRequest* request,
    v1::ResolveTariffResponse* response) {
  return Serve(context, response, [this, request, response] {
    return api_.ResolveTariff(*request, response);
  });
}

grpc::ServerUnaryReactor* CatalogService::ListContracts(
    grpc::CallbackServerContext* context,
    const v1::ListContractsRequest* request,
    v1::ListContractsResponse* response) {
  return Serve(context, response, [this, request, response] {
    return api_.ListContracts(*request, response);
  });
}

grpc::ServerUnaryReactor* CatalogService::GetContract(
    grpc::CallbackServerContext* context, const v1::GetContractRequest* request,
    v1::Contract* response) {
  return Serve(context, response, [this, request, response] {
    return api_.GetContract(*request, response);
  });
}

grpc::ServerUnaryReactor* CatalogService::CheckContract(
    grpc::CallbackServerContext* context,
    const v1::CheckContractRequest* request,
    v1::CheckContractResponse* response) {
  return Serve(context, response, [this, request, response] {
    return api_.CheckContract(*request, response);
  });
}

grpc::ServerUnaryReactor* CatalogService::ImportCatalog(
    grpc::CallbackServerContext* context,
    const v1::ImportCatalogRequest* request,
    v1::ImportCatalogResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ImportCatalog(*server::CallScope::Caller(), *request,
                                  response);
      });
}

grpc::ServerUnaryReactor* CatalogService::ListAuditEntries(
    grpc::CallbackServerContext* context,
    const type::v1::ListAuditEntriesRequest* request,
    type::v1::ListAuditEntriesResponse* response) {
  return server::RespondLater(
      context, executor_, authenticator_, [this, request, response] {
        return api_.ListAuditEntries(*server::CallScope::Caller(), *request,
                                     response);
      });
}

}  // namespace wmo::catalog
