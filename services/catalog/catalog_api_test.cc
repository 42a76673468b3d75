#include "services/catalog/catalog_api.h"

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/status.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"

namespace wmo::catalog {
namespace {

const auth::Principal kOperator{auth::PrincipalKind::kOperator, "", "ops"};

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Every test runs on SQLite and on PostgreSQL.
class CatalogApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    ASSERT_TRUE(
        store::Migrate(*db_, "catalog", CatalogRepository::Migrations()).ok());
    repository_ = std::make_unique<CatalogRepository>(*db_);
    registry_ = std::make_unique<CatalogRegistry>(*repository_, &cache_);
    api_ = std::make_unique<CatalogApi>(*registry_, *db_);
  }

  void ImportShippedCatalogs() {
    absl::Status s = api_->ImportDirectory(testing::SourceDir() + "/catalogs");
    ASSERT_TRUE(s.ok()) << s;
  }

  int64_t VersionCount() {
    auto versions = repository_->ListVersions();
    return versions.ok() ? static_cast<int64_t>(versions->size()) : -1;
  }

  std::string MiddenLimburgText() {
    return testing::ReadFile(testing::SourceDir() +
                             "/catalogs/midden-limburg-2024.textproto");
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<CatalogRepository> repository_;
  cache::Cache cache_{{.service = "catalog"}, nullptr};
  std::unique_ptr<CatalogRegistry> registry_;
  std::unique_ptr<CatalogApi> api_;
};

INSTANTIATE_TEST_SUITE_P(Backends, CatalogApiTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

TEST_P(CatalogApiTest, ListsTheFiveShippedCatalogs) {
  ImportShippedCatalogs();
  v1::ListCatalogsResponse response;
  ASSERT_TRUE(api_->ListCatalogs({}, &response).ok());
  std::vector<std::string> names;
  for (const auto& c : response.catalogs()) {
    names.push_back(c.name());
    EXPECT_EQ(c.products_size(), 0) << "list shows the basic view";
  }
  EXPECT_THAT(names, ElementsAre("catalogs/midden-limburg-2024",
                                 "catalogs/perspectief-2024",
                                 "catalogs/toekomst-sociaal-domein-2023",
                                 "catalogs/wmo-licht-midden-zwaar",
                                 "catalogs/wmo-regulier-specialistisch"));
}

TEST_P(CatalogApiTest, ImportingUnchangedFilesAgainStoresNothing) {
  ImportShippedCatalogs();
  ImportShippedCatalogs();
  EXPECT_EQ(VersionCount(), 5);
}

TEST_P(CatalogApiTest, OneBadFileRefusesTheWholeDirectory) {
  testing::TempDir catalogs;
  catalogs.Write("midden-limburg-2024.textproto", MiddenLimburgText());
  catalogs.Write("broken.textproto", "id: \"broken\"\nproducts { unit: 7 }\n");
  absl::Status s = api_->ImportDirectory(catalogs.path().string());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("broken.textproto:2"));
  EXPECT_EQ(VersionCount(), 0);
}

TEST_P(CatalogApiTest, FileMustBeNamedAfterItsCatalog) {
  testing::TempDir catalogs;
  catalogs.Write("other-name.textproto", MiddenLimburgText());
  absl::Status s = api_->ImportDirectory(catalogs.path().string());
  EXPECT_THAT(s.message(), HasSubstr("midden-limburg-2024.textproto"));
  EXPECT_EQ(VersionCount(), 0);
}

TEST_P(CatalogApiTest, NewVersionTakesEffectOnItsDate) {
  ImportShippedCatalogs();
  v1::ImportCatalogRequest request;
  request.set_catalog_text(absl::StrReplaceAll(
      MiddenLimburgText(),
      {{"valid_from: \"2024-01-01\"\n", "valid_from: \"2027-01-01\"\n"},
       {"MER 2024\"", "MER 2027\""}}));
  v1::ImportCatalogResponse imported;
  absl::Status s = api_->ImportCatalog(kOperator, request, &imported);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(imported.created());
  EXPECT_EQ(imported.catalog().version(), 2);

  v1::GetCatalogRequest get;
  get.set_name("catalogs/midden-limburg-2024");
  get.set_as_of("2026-12-31");
  v1::Catalog before, after;
  ASSERT_TRUE(api_->GetCatalog(get, &before).ok());
  get.set_as_of("2027-01-01");
  ASSERT_TRUE(api_->GetCatalog(get, &after).ok());
  EXPECT_EQ(before.version(), 1);
  EXPECT_EQ(after.version(), 2);
  EXPECT_THAT(after.display_name(), HasSubstr("2027"));
}

TEST_P(CatalogApiTest, ImportingTheLatestTextAgainCreatesNothing) {
  ImportShippedCatalogs();
  v1::ImportCatalogRequest request;
  request.set_catalog_text(MiddenLimburgText());
  v1::ImportCatalogResponse response;
  ASSERT_TRUE(api_->ImportCatalog(kOperator, request, &response).ok());
  EXPECT_FALSE(response.created());
  EXPECT_EQ(response.catalog().version(), 1);
}

// Tariffs are money: only an operator changes a catalog, also as a dry run.
TEST_P(CatalogApiTest, OnlyOperatorsImport) {
  v1::ImportCatalogRequest request;
  request.set_catalog_text(MiddenLimburgText());
  v1::ImportCatalogResponse response;
  for (const auth::Principal& caller :
       {auth::Principal{auth::PrincipalKind::kMunicipality, "0988", "a"},
        auth::Principal{auth::PrincipalKind::kProvider, "99990303", "p"},
        auth::Principal{auth::PrincipalKind::kService, "", "declaration"}}) {
    for (bool validate_only : {false, true}) {
      request.set_validate_only(validate_only);
      const absl::Status s = api_->ImportCatalog(caller, request, &response);
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied)
          << auth::Describe(caller);
      EXPECT_THAT(std::string(s.message()),
                  HasSubstr("may not import catalogs; only an operator may"));
    }
  }
  EXPECT_EQ(VersionCount(), 0);
}

TEST_P(CatalogApiTest, ValidateOnlyStoresNothing) {
  v1::ImportCatalogRequest request;
  request.set_catalog_text(MiddenLimburgText());
  request.set_validate_only(true);
  v1::ImportCatalogResponse response;
  ASSERT_TRUE(api_->ImportCatalog(kOperator, request, &response).ok());
  EXPECT_EQ(VersionCount(), 0);
}

TEST_P(CatalogApiTest, ListProductsFiltersByCategoryAndPages) {
  ImportShippedCatalogs();
  v1::ListProductsRequest request;
  request.set_parent("catalogs/perspectief-2024");
  request.set_category("08");
  request.set_page_size(5);
  v1::ListProductsResponse first, second;
  ASSERT_TRUE(api_->ListProducts(request, &first).ok());
  EXPECT_EQ(first.products_size(), 5);
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  ASSERT_TRUE(api_->ListProducts(request, &second).ok());
  EXPECT_EQ(second.products_size(), 3);
  EXPECT_TRUE(second.next_page_token().empty());
}

TEST_P(CatalogApiTest, ListProductsByLotAndBasis) {
  ImportShippedCatalogs();
  v1::ListProductsRequest request;
  request.set_parent("catalogs/midden-limburg-2024");
  request.set_lot("5");
  v1::ListProductsResponse response;
  ASSERT_TRUE(api_->ListProducts(request, &response).ok());
  ASSERT_EQ(response.products_size(), 1);
  EXPECT_EQ(response.products(0).id(), "kdv");
  request.set_lot("9");
  EXPECT_THAT(api_->ListProducts(request, &response).message(),
              HasSubstr("no lot \"9\""));
}

TEST_P(CatalogApiTest, BadPageTokenIsInvalidArgument) {
  ImportShippedCatalogs();
  v1::ListProductsRequest request;
  request.set_parent("catalogs/perspectief-2024");
  request.set_page_token("garbage");
  v1::ListProductsResponse response;
  EXPECT_EQ(api_->ListProducts(request, &response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(CatalogApiTest, GetProductCarriesItsRules) {
  ImportShippedCatalogs();
  v1::GetProductRequest request;
  request.set_name("catalogs/midden-limburg-2024/products/kdv");
  v1::Product kdv;
  ASSERT_TRUE(api_->GetProduct(request, &kdv).ok());
  EXPECT_EQ(kdv.name(), "catalogs/midden-limburg-2024/products/kdv");
  EXPECT_EQ(kdv.unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_EQ(kdv.contiguous_stay().max_days(), 42);
}

TEST_P(CatalogApiTest, UnknownProductAndMalformedNameAreTold) {
  ImportShippedCatalogs();
  v1::GetProductRequest request;
  v1::Product product;
  request.set_name("catalogs/midden-limburg-2024/products/nope");
  EXPECT_EQ(api_->GetProduct(request, &product).code(),
            absl::StatusCode::kNotFound);
  request.set_name("catalogs/midden-limburg-2024/nope");
  absl::Status s = api_->GetProduct(request, &product);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("catalogs/*/products/*"));
}

TEST_P(CatalogApiTest, BatchGetKeepsRequestOrder) {
  ImportShippedCatalogs();
  v1::BatchGetProductsRequest request;
  request.set_parent("catalogs/midden-limburg-2024");
  request.add_names("kdv");
  request.add_names("catalogs/midden-limburg-2024/products/bgi");
  v1::BatchGetProductsResponse response;
  ASSERT_TRUE(api_->BatchGetProducts(request, &response).ok());
  ASSERT_EQ(response.products_size(), 2);
  EXPECT_EQ(response.products(0).id(), "kdv");
  EXPECT_EQ(response.products(1).id(), "bgi");
}

TEST_P(CatalogApiTest, ResolveTariffPerBasis) {
  ImportShippedCatalogs();
  v1::ResolveTariffRequest request;
  request.set_product("catalogs/midden-limburg-2024/products/bgi");
  request.set_basis("1");
  request.set_date("2024-06-01");
  v1::ResolveTariffResponse response;
  ASSERT_TRUE(api_->ResolveTariff(request, &response).ok());
  EXPECT_EQ(response.cents(), 6450);
  EXPECT_TRUE(response.tariff().example());
  request.set_basis("9");
  EXPECT_EQ(api_->ResolveTariff(request, &response).code(),
            absl::StatusCode::kNotFound);
}

TEST_P(CatalogApiTest, CheckContractAnswersBothWays) {
  ImportShippedCatalogs();
  v1::CheckContractRequest request;
  request.set_catalog("catalogs/midden-limburg-2024");
  request.set_provider_agb("99990303");
  request.set_date("2024-06-01");
  request.set_product("kdv");
  v1::CheckContractResponse yes, no;
  ASSERT_TRUE(api_->CheckContract(request, &yes).ok());
  EXPECT_TRUE(yes.contracted());
  EXPECT_EQ(yes.contract(), "catalogs/midden-limburg-2024/contracts/99990303");
  request.set_product("bgi");
  ASSERT_TRUE(api_->CheckContract(request, &no).ok());
  EXPECT_FALSE(no.contracted());
  EXPECT_THAT(no.reason(), HasSubstr("does not hold product bgi"));
}

TEST_P(CatalogApiTest, ListContractsFiltersByProduct) {
  ImportShippedCatalogs();
  v1::ListContractsRequest request;
  request.set_parent("catalogs/midden-limburg-2024");
  request.set_product("kdv");
  v1::ListContractsResponse response;
  ASSERT_TRUE(api_->ListContracts(request, &response).ok());
  std::vector<std::string> agbs;
  for (const auto& c : response.contracts()) agbs.push_back(c.provider_agb());
  EXPECT_THAT(agbs, ElementsAre("99990301", "99990303"));
}

}  // namespace
}  // namespace wmo::catalog
