// The catalog routes of the REST gateway over real HTTP, against the whole
// app started in-process on free ports.
#include "cmd/wmo-server/app.h"
#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/http.h"
#include "libs/testing/temp_dir.h"
#include "nlohmann/json.hpp"

namespace wmo {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CatalogGatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server::ServerOptions options;
    options.grpc_port = options.http_port = options.metrics_port = 0;
    options.data_dir = dir_->File("var");
    options.catalog_dir = testing::SourceDir() + "/catalogs";
    options.services = {"catalog"};
    options.auth = server::ServerOptions::Auth::kDev;
    app_ = new App(options);
    absl::Status s = app_->Start();
    ASSERT_TRUE(s.ok()) << s;
  }
  static void TearDownTestSuite() {
    delete app_;
    delete dir_;
  }

  static json Get(const std::string& path, int expect_status = 200) {
    auto r = testing::HttpGet(app_->http_port(), path,
                              {{"Authorization", testing::BearerFor(*app_)}});
    EXPECT_EQ(r.status, expect_status) << path << ": " << r.body;
    return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }

  static testing::TempDir* dir_;
  static App* app_;
};

testing::TempDir* CatalogGatewayTest::dir_ = nullptr;
App* CatalogGatewayTest::app_ = nullptr;

// A municipality's token reads catalogs but does not change them.
TEST_F(CatalogGatewayTest, ImportByAMunicipalityIsForbidden) {
  auto r = testing::HttpRequest(
      app_->http_port(), "POST", "/v1/catalogs:import",
      R"({"sourceName": "x.textproto", "catalogText": "id: \"x\""})",
      {{"Authorization", testing::BearerFor(*app_)}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_THAT(r.body, HasSubstr("only an operator may"));
}

TEST_F(CatalogGatewayTest, ListsCatalogsInLowerCamelCase) {
  json body = Get("/v1/catalogs");
  ASSERT_EQ(body["catalogs"].size(), 5u);
  EXPECT_EQ(body["catalogs"][0]["name"], "catalogs/midden-limburg-2024");
  EXPECT_EQ(body["catalogs"][0]["validFrom"], "2024-01-01");
  EXPECT_TRUE(body["catalogs"][0]["exampleTariffs"].get<bool>());
}

TEST_F(CatalogGatewayTest, GetsOneCatalogInFull) {
  json body = Get("/v1/catalogs/perspectief-2024");
  EXPECT_EQ(body["id"], "perspectief-2024");
  EXPECT_EQ(body["products"].size(), 20u);
}

TEST_F(CatalogGatewayTest, FiltersAndPagesProducts) {
  json first =
      Get("/v1/catalogs/perspectief-2024/products?category=08&pageSize=5");
  ASSERT_EQ(first["products"].size(), 5u);
  const std::string token = first["nextPageToken"];
  json second =
      Get("/v1/catalogs/perspectief-2024/"
          "products?category=08&pageSize=5&pageToken=" +
          token);
  EXPECT_EQ(second["products"].size(), 3u);
  json by_kind = Get(
      "/v1/catalogs/midden-limburg-2024/products?kind=PRODUCT_KIND_SHORT_STAY");
  ASSERT_EQ(by_kind["products"].size(), 1u);
  EXPECT_EQ(by_kind["products"][0]["id"], "kdv");
}

TEST_F(CatalogGatewayTest, GetsAProductWithItsRules) {
  json kdv = Get("/v1/catalogs/midden-limburg-2024/products/kdv");
  EXPECT_EQ(kdv["unit"], "UNIT_DAY_NIGHT");
  EXPECT_EQ(kdv["contiguousStay"]["maxDays"], 42);
}

TEST_F(CatalogGatewayTest, ListsContracts) {
  json body = Get("/v1/catalogs/midden-limburg-2024/contracts");
  std::vector<std::string> agbs;
  for (const auto& c : body["contracts"]) agbs.push_back(c["providerAgb"]);
  EXPECT_THAT(agbs, ElementsAre("99990301", "99990302", "99990303"));
}

// Booleans and numbers are in the JSON also when false or 0: a portal
// reads "contracted": false rather than a missing key.
TEST_F(CatalogGatewayTest, FalseAndZeroArePresent) {
  json no =
      Get("/v1/catalogs/midden-limburg-2024:checkContract?providerAgb=12345678"
          "&product=kdv&date=2024-03-01");
  ASSERT_TRUE(no.contains("contracted")) << no;
  EXPECT_FALSE(no["contracted"].get<bool>());
  EXPECT_FALSE(no["reason"].get<std::string>().empty());
  json yes =
      Get("/v1/catalogs/midden-limburg-2024:checkContract?providerAgb=99990301"
          "&product=kdv&date=2024-03-01");
  EXPECT_TRUE(yes["contracted"].get<bool>()) << yes;
  json tariffs =
      Get("/v1/catalogs/midden-limburg-2024/products/kdv")["tariffs"];
  ASSERT_FALSE(tariffs.empty());
  for (const json& t : tariffs) EXPECT_TRUE(t.contains("example")) << t;
}

TEST_F(CatalogGatewayTest, UnknownProductIs404Json) {
  json body = Get("/v1/catalogs/midden-limburg-2024/products/nope", 404);
  EXPECT_EQ(body["code"], 5);
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("nope"));
}

TEST_F(CatalogGatewayTest, UnknownRouteIs404Json) {
  json body = Get("/v1/nothing/here", 404);
  EXPECT_EQ(body["code"], 5);
}

TEST_F(CatalogGatewayTest, BadQueryValueIs400NamingTheField) {
  json body =
      Get("/v1/catalogs/midden-limburg-2024/products?pageSize=ten", 400);
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("page"));
  json date =
      Get("/v1/catalogs/midden-limburg-2024/products?asOf=2024-13-01", 400);
  EXPECT_THAT(date["message"].get<std::string>(), HasSubstr("as_of"));
}

TEST_F(CatalogGatewayTest, OpenApiListsTheCatalogRoutes) {
  json doc = Get("/openapi.json");
  EXPECT_TRUE(doc["paths"].contains("/v1/catalogs"));
  EXPECT_TRUE(
      doc["paths"].contains("/v1/catalogs/{catalog}/products/{product}") ||
      doc["paths"].dump().find("products") != std::string::npos);
}

}  // namespace
}  // namespace wmo
