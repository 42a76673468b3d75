#include "services/catalog/catalog_service.h"

#include <fstream>
#include <iterator>

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/auth/key_files.h"
#include "libs/auth/token_verifier.h"
#include "libs/server/authenticator.h"
#include "libs/testing/credentials.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"

namespace wmo::catalog {
namespace {

using ::testing::HasSubstr;

// The real service on a real gRPC server on a loopback port.
// Every test runs on SQLite and on PostgreSQL.
class CatalogServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    ASSERT_TRUE(
        store::Migrate(*db_, "catalog", CatalogRepository::Migrations()).ok());
    repository_ = std::make_unique<CatalogRepository>(*db_);
    registry_ = std::make_unique<CatalogRegistry>(*repository_, &cache_);
    api_ = std::make_unique<CatalogApi>(*registry_, *db_);
    ASSERT_TRUE(api_->ImportDirectory(testing::SourceDir() + "/catalogs").ok());
    // Development keys under the test's directory, as --auth=dev makes.
    auto verifier = std::make_shared<auth::TokenVerifier>(
        auth::VerifierOptions{auth::kDevIssuer, auth::kDevAudience});
    absl::StatusOr<std::string> key = auth::LoadOrCreateDevKey(dir_.path());
    ASSERT_TRUE(key.ok()) << key.status();
    verifier->SetKeys(*auth::DevVerificationKeys(*key));
    authenticator_ = std::make_unique<server::Authenticator>(verifier);
    service_ =
        std::make_unique<CatalogService>(*api_, executor_, *authenticator_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    target_ = "127.0.0.1:" + std::to_string(port);
    stub_ = v1::CatalogService::NewStub(testing::ChannelWithBearer(
        target_,
        testing::DevBearer(dir_.path(), {auth::PrincipalKind::kOperator, "",
                                         "catalog-test"})));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<CatalogRepository> repository_;
  cache::Cache cache_{{.service = "catalog"}, nullptr};
  std::unique_ptr<CatalogRegistry> registry_;
  std::unique_ptr<CatalogApi> api_;
  server::Executor executor_{"catalog", 2, 64, std::chrono::seconds(10)};
  std::unique_ptr<server::Authenticator> authenticator_;
  std::unique_ptr<CatalogService> service_;
  std::string target_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::CatalogService::Stub> stub_;
};

INSTANTIATE_TEST_SUITE_P(Backends, CatalogServiceTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

TEST_P(CatalogServiceTest, GetProductOverTheWire) {
  grpc::ClientContext context;
  v1::GetProductRequest request;
  request.set_name("catalogs/perspectief-2024/products/logeerzorg");
  v1::Product product;
  grpc::Status status = stub_->GetProduct(&context, request, &product);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(product.unit(), wmo::type::v1::UNIT_DAY_NIGHT);
}

// Every call needs a valid token, the fast path of cached reads too.
TEST_P(CatalogServiceTest, CallsWithoutValidTokenAreUnauthenticated) {
  testing::TempDir other;
  ASSERT_TRUE(auth::LoadOrCreateDevKey(other.path()).ok());
  const std::string other_key_bearer = testing::DevBearer(
      other.path(), {auth::PrincipalKind::kOperator, "", "x"});
  ASSERT_FALSE(other_key_bearer.empty());
  for (const std::string& bearer :
       {std::string(), std::string("Basic b3BlbjpzZXNhbWU="),
        std::string("Bearer eyJhbGciOiJub25lIn0.e30."), other_key_bearer}) {
    auto stub = v1::CatalogService::NewStub(
        bearer.empty()
            ? grpc::CreateChannel(target_, grpc::InsecureChannelCredentials())
            : testing::ChannelWithBearer(target_, bearer));
    for (int i = 0; i < 2; ++i) {  // The second read would be a cache hit.
      grpc::ClientContext context;
      v1::GetProductRequest request;
      request.set_name("catalogs/perspectief-2024/products/logeerzorg");
      v1::Product product;
      const grpc::Status status = stub->GetProduct(&context, request, &product);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << bearer.substr(0, 20);
      EXPECT_TRUE(product.name().empty());
    }
  }
  grpc::ClientContext context;
  v1::GetProductRequest request;
  request.set_name("catalogs/perspectief-2024/products/logeerzorg");
  v1::Product product;
  EXPECT_TRUE(stub_->GetProduct(&context, request, &product).ok());
}

TEST_P(CatalogServiceTest, NotFoundCarriesTheReason) {
  grpc::ClientContext context;
  v1::GetCatalogRequest request;
  request.set_name("catalogs/utrecht-2030");
  v1::Catalog catalog;
  grpc::Status status = stub_->GetCatalog(&context, request, &catalog);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("utrecht-2030"));
}

TEST_P(CatalogServiceTest, RefusedImportReturnsEveryViolationAsDetails) {
  grpc::ClientContext context;
  v1::ImportCatalogRequest request;
  request.set_source_name("upload.textproto");
  request.set_catalog_text(
      "id: \"x\"\ndisplay_name: \"X\"\nvalid_from: \"2024-01-01\"\n"
      "municipalities { cbs_code: \"12\" }\n"
      "products { id: \"p\" display_name: \"P\" category: \"02\" "
      "code: \"02A01\" kind: PRODUCT_KIND_INDIVIDUAL_SUPPORT unit: UNIT_HOUR "
      "tariffs { valid_from: \"2024-01-01\" cents: -5 } }\n");
  v1::ImportCatalogResponse response;
  grpc::Status status = stub_->ImportCatalog(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(status.error_details()));
  wmo::type::v1::RuleViolations violations;
  google::rpc::BadRequest bad_request;
  google::rpc::ErrorInfo info;
  ASSERT_EQ(rich.details_size(), 3);
  ASSERT_TRUE(rich.details(0).UnpackTo(&info));
  ASSERT_TRUE(rich.details(1).UnpackTo(&violations));
  ASSERT_TRUE(rich.details(2).UnpackTo(&bad_request));
  EXPECT_EQ(info.reason(), "RULE_VIOLATED");
  EXPECT_EQ(info.domain(), "wmo.api");
  EXPECT_EQ(info.metadata().at("ruleIds"), "CAT-MUNICIPALITY,CAT-TARIFF");
  // Mapped inside the call's scope: operators find the call by it.
  EXPECT_FALSE(info.metadata().at("requestId").empty());
  ASSERT_EQ(violations.violations_size(), 2);
  EXPECT_EQ(violations.violations(0).rule_id(), "CAT-MUNICIPALITY");
  EXPECT_EQ(violations.violations(0).field(),
            "upload.textproto:4 municipalities[0].cbs_code");
  EXPECT_EQ(violations.violations(1).rule_id(), "CAT-TARIFF");
  EXPECT_EQ(bad_request.field_violations_size(), 2);
}

// Each imported version is in the catalog's trail with who imported it: the
// server itself for the directory at start-up, the token's subject for an
// import over the API. Only operators read it.
TEST_P(CatalogServiceTest, TheTrailNamesWhoImportedEachVersion) {
  std::ifstream in(testing::SourceDir() +
                   "/catalogs/perspectief-2024.textproto");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const std::string old_name = "display_name: \"Wmo begeleiding";
  ASSERT_NE(text.find(old_name), std::string::npos);
  text.replace(text.find(old_name), old_name.size(),
               "display_name: \"Herzien: Wmo begeleiding");
  {
    grpc::ClientContext context;
    v1::ImportCatalogRequest request;
    request.set_source_name("perspectief-2024.textproto");
    request.set_catalog_text(text);
    v1::ImportCatalogResponse response;
    grpc::Status s = stub_->ImportCatalog(&context, request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_TRUE(response.created());
  }
  type::v1::ListAuditEntriesRequest request;
  request.set_parent("catalogs/perspectief-2024");
  type::v1::ListAuditEntriesResponse trail;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListAuditEntries(&context, request, &trail).ok());
  }
  ASSERT_EQ(trail.entries_size(), 2);
  EXPECT_EQ(trail.entries(0).actor(), "service (subject catalog-directory)");
  EXPECT_EQ(trail.entries(0).revision(), 1);
  EXPECT_EQ(trail.entries(1).actor(), "operator (subject catalog-test)");
  EXPECT_EQ(trail.entries(1).operation(), "ImportCatalog");
  EXPECT_EQ(trail.entries(1).revision(), 2);

  auto municipality = v1::CatalogService::NewStub(testing::ChannelWithBearer(
      target_,
      testing::DevBearer(dir_.path(), {auth::PrincipalKind::kMunicipality,
                                       "0988", "consultant"})));
  grpc::ClientContext context;
  request.set_parent("catalogs/-");
  EXPECT_EQ(
      municipality->ListAuditEntries(&context, request, &trail).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace wmo::catalog
