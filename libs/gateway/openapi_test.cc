#include "libs/gateway/openapi.h"

#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testdata/gateway_test.pb.h"

namespace wmo::gateway {
namespace {

using ::testing::Contains;
using ::testing::IsSupersetOf;
using ::testing::Not;
using Json = nlohmann::json;

std::vector<Route> WidgetRoutes() {
  const auto* service =
      wmo::gatewaytest::v1::Widget::descriptor()->file()->FindServiceByName(
          "WidgetService");
  absl::StatusOr<std::vector<Route>> routes = RoutesOf(*service);
  EXPECT_TRUE(routes.ok()) << routes.status();
  return routes.ok() ? *routes : std::vector<Route>();
}

// The test proto with its comments, as the build wrote it.
std::unique_ptr<ProtoDocs> TestDocs() {
  std::ifstream in(GATEWAY_TEST_DESCRIPTOR_SET, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  absl::StatusOr<std::unique_ptr<ProtoDocs>> docs =
      ProtoDocs::FromDescriptorSet(bytes.str());
  EXPECT_TRUE(docs.ok()) << docs.status();
  return docs.ok() ? *std::move(docs) : nullptr;
}

Json Document(const ProtoDocs* docs) {
  return Json::parse(BuildOpenApi({"Test API", "v9"}, WidgetRoutes(), docs));
}

Json Document() {
  std::unique_ptr<ProtoDocs> docs = TestDocs();
  return Document(docs.get());
}

std::set<std::string> ParameterNames(const Json& operation,
                                     const std::string& in) {
  std::set<std::string> names;
  for (const Json& p : operation.value("parameters", Json::array())) {
    if (p["in"] == in) names.insert(p["name"].get<std::string>());
  }
  return names;
}

const Json& Parameter(const Json& operation, const std::string& name) {
  for (const Json& p : operation["parameters"]) {
    if (p["name"] == name) return p;
  }
  static const Json kNone;
  ADD_FAILURE() << "no parameter " << name;
  return kNone;
}

constexpr char kWidgetPath[] = "/v1/shelves/{shelvesId}/widgets/{widgetsId}";

TEST(OpenApiTest, DeclaresVersionAndInfo) {
  Json doc = Document();
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["info"]["title"], "Test API");
  EXPECT_EQ(doc["info"]["version"], "v9");
}

TEST(OpenApiTest, ExpandsResourceNameIntoPathParameters) {
  Json doc = Document();
  ASSERT_TRUE(doc["paths"].contains(kWidgetPath));
  std::set<std::string> methods;
  for (const auto& [method, operation] : doc["paths"][kWidgetPath].items()) {
    methods.insert(method);
  }
  EXPECT_EQ(methods, (std::set<std::string>{"get", "patch", "delete"}));
}

TEST(OpenApiTest, KeepsCustomVerbsInPaths) {
  Json doc = Document();
  EXPECT_TRUE(doc["paths"].contains("/v1/widgets:import"));
  EXPECT_TRUE(doc["paths"].contains("/v1/shelves/{shelvesId}/widgets:import"));
  EXPECT_TRUE(doc["paths"].contains(
      "/v1/shelves/{shelvesId}/widgets/{widgetsId}:inspect"));
}

TEST(OpenApiTest, DescribesPathParametersAsRequiredParts) {
  Json get = Document()["paths"][kWidgetPath]["get"];
  const Json& p = Parameter(get, "widgetsId");
  EXPECT_EQ(p["in"], "path");
  EXPECT_EQ(p["required"], true);
  EXPECT_EQ(p["schema"]["type"], "string");
  EXPECT_THAT(
      p["description"].get<std::string>(),
      ::testing::HasSubstr("`name`, which the path sets to "
                           "`shelves/{shelvesId}/widgets/{widgetsId}`"));
}

TEST(OpenApiTest, FlattensNestedQueryParameters) {
  Json list = Document()["paths"]["/v1/shelves/{shelvesId}/widgets"]["get"];
  EXPECT_THAT(ParameterNames(list, "query"),
              IsSupersetOf({"pageSize", "filter.color", "filter.tags",
                            "filter.minWidthMm", "colors", "includeHidden",
                            "createdAfter"}));
}

TEST(OpenApiTest, LeavesPathBoundAndMapFieldsOutOfTheQuery) {
  Json list = Document()["paths"]["/v1/shelves/{shelvesId}/widgets"]["get"];
  EXPECT_THAT(ParameterNames(list, "query"), Not(Contains("parent")));
  EXPECT_THAT(ParameterNames(list, "query"), Not(Contains("labels")));
}

TEST(OpenApiTest, LeavesNestedPathBoundFieldOutOfTheQuery) {
  Json inspect =
      Document()["paths"]["/v1/shelves/{shelvesId}/widgets/{widgetsId}:inspect"]
                ["get"];
  std::set<std::string> query = ParameterNames(inspect, "query");
  EXPECT_THAT(query, Contains("widget.displayName"));
  EXPECT_THAT(query, Not(Contains("widget.name")));
}

TEST(OpenApiTest, RepeatedQueryParameterIsAnArray) {
  Json list = Document()["paths"]["/v1/shelves/{shelvesId}/widgets"]["get"];
  const Json& tags = Parameter(list, "filter.tags");
  EXPECT_EQ(tags["schema"]["type"], "array");
  EXPECT_EQ(tags["schema"]["items"]["type"], "string");
}

TEST(OpenApiTest, BodyStarTakesNoQueryParameters) {
  Json create = Document()["paths"]["/v1/shelves/{shelvesId}/widgets"]["post"];
  EXPECT_TRUE(ParameterNames(create, "query").empty());
  EXPECT_EQ(
      create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
      "#/components/schemas/wmo.gatewaytest.v1.CreateWidgetRequest");
}

TEST(OpenApiTest, BodyFieldBecomesTheRequestBody) {
  Json patch = Document()["paths"][kWidgetPath]["patch"];
  EXPECT_EQ(
      patch["requestBody"]["content"]["application/json"]["schema"]["$ref"],
      "#/components/schemas/wmo.gatewaytest.v1.Widget");
  EXPECT_THAT(ParameterNames(patch, "query"), Contains("updateMask"));
  EXPECT_THAT(ParameterNames(patch, "query"), Not(Contains("widget.color")));
}

TEST(OpenApiTest, ResponseReferencesTheOutputMessage) {
  Json get = Document()["paths"][kWidgetPath]["get"];
  EXPECT_EQ(
      get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
      "#/components/schemas/wmo.gatewaytest.v1.Widget");
}

TEST(OpenApiTest, ResponseBodyUsesTheFieldSchema) {
  Json get =
      Document()["paths"][std::string(kWidgetPath) + "/dimensions"]["get"];
  EXPECT_EQ(
      get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
      "#/components/schemas/wmo.gatewaytest.v1.Dimensions");
}

// Every operation of the document takes the bearer scheme and documents
// 401 and 403.
TEST(OpenApiTest, EveryOperationDeclaresTheBearerSchemeAnd401And403) {
  Json doc = Document();
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["bearerFormat"],
            "JWT");
  EXPECT_EQ(doc["security"], Json::parse(R"([{"bearer": []}])"));
  int operations = 0;
  for (auto& [path, item] : doc["paths"].items()) {
    for (auto& [verb, operation] : item.items()) {
      if (!operation.is_object() || !operation.contains("responses")) continue;
      ++operations;
      const Json& responses = operation["responses"];
      EXPECT_TRUE(responses.contains("401")) << verb << " " << path;
      EXPECT_TRUE(responses.contains("403")) << verb << " " << path;
      EXPECT_EQ(
          responses["401"]["headers"]["WWW-Authenticate"]["schema"]["type"],
          "string");
    }
  }
  EXPECT_GT(operations, 5);
}

TEST(OpenApiTest, ErrorResponseIsAStatus) {
  Json doc = Document();
  Json get = doc["paths"][kWidgetPath]["get"];
  EXPECT_EQ(get["responses"]["default"]["content"]["application/json"]["schema"]
               ["$ref"],
            "#/components/schemas/google.rpc.Status");
  Json status = doc["components"]["schemas"]["google.rpc.Status"];
  EXPECT_EQ(
      status["properties"]["details"]["items"]["properties"]["@type"]["type"],
      "string");
}

TEST(OpenApiTest, SchemasFollowTheJsonMapping) {
  Json widget =
      Document()["components"]["schemas"]["wmo.gatewaytest.v1.Widget"];
  Json props = widget["properties"];
  EXPECT_EQ(props["displayName"]["type"], "string");
  EXPECT_EQ(props["weightGrams"]["type"], "string");
  EXPECT_EQ(props["weightGrams"]["format"], "int64");
  EXPECT_EQ(props["fragile"]["type"], "boolean");
  EXPECT_EQ(props["createTime"]["format"], "date-time");
  EXPECT_EQ(props["tags"]["items"]["type"], "string");
  EXPECT_EQ(props["labels"]["additionalProperties"]["type"], "string");
  EXPECT_EQ(props["color"]["$ref"],
            "#/components/schemas/wmo.gatewaytest.v1.Color");
}

// google.api.field_behavior: REQUIRED fields are required, OUTPUT_ONLY ones
// read-only; nothing else is either.
TEST(OpenApiTest, FieldBehaviorMakesRequiredAndReadOnly) {
  Json doc = Document();
  Json widget = doc["components"]["schemas"]["wmo.gatewaytest.v1.Widget"];
  EXPECT_EQ(widget["required"], Json::array({"displayName"}));
  EXPECT_EQ(widget["properties"]["createTime"]["readOnly"], true);
  EXPECT_FALSE(widget["properties"]["name"].contains("readOnly"));
  EXPECT_FALSE(widget["properties"]["displayName"].contains("readOnly"));
  EXPECT_FALSE(
      doc["components"]["schemas"]["wmo.gatewaytest.v1.Dimensions"].contains(
          "required"));
  int required_parameters = 0;
  for (const Json& p :
       doc["paths"]["/v1/shelves/{shelvesId}/widgets"]["get"]["parameters"]) {
    if (p["in"] != "query" || !p.value("required", false)) continue;
    EXPECT_EQ(p["name"], "minWeightGrams");
    ++required_parameters;
  }
  EXPECT_EQ(required_parameters, 1);
}

TEST(OpenApiTest, EnumsListTheirNames) {
  Json color = Document()["components"]["schemas"]["wmo.gatewaytest.v1.Color"];
  EXPECT_EQ(color["type"], "string");
  EXPECT_EQ(color["enum"], Json::array({"COLOR_UNSPECIFIED", "COLOR_RED",
                                        "COLOR_GREEN", "COLOR_BLUE"}));
}

TEST(OpenApiTest, CommentsBecomeDescriptions) {
  Json doc = Document();
  EXPECT_EQ(doc["paths"][kWidgetPath]["get"]["description"],
            "Gets a widget.\nErrors: NOT_FOUND when the widget id is "
            "\"missing\".");
  Json widget = doc["components"]["schemas"]["wmo.gatewaytest.v1.Widget"];
  EXPECT_EQ(widget["description"], "A widget.");
  EXPECT_EQ(widget["properties"]["displayName"]["description"],
            "Shown to people.");
  EXPECT_THAT(
      doc["components"]["schemas"]["wmo.gatewaytest.v1.Color"]["description"]
          .get<std::string>(),
      ::testing::HasSubstr("- COLOR_RED: Red, like a fire engine."));
}

TEST(OpenApiTest, DescribedReferenceGoesThroughAllOf) {
  Json create = Document()["components"]["schemas"]
                          ["wmo.gatewaytest.v1.CreateWidgetRequest"];
  Json widget = create["properties"]["widget"];
  EXPECT_EQ(widget["description"], "The widget to create.");
  EXPECT_EQ(widget["allOf"][0]["$ref"],
            "#/components/schemas/wmo.gatewaytest.v1.Widget");
}

TEST(OpenApiTest, TagsOperationsWithTheService) {
  Json doc = Document();
  EXPECT_EQ(doc["tags"][0]["name"], "WidgetService");
  EXPECT_THAT(doc["tags"][0]["description"].get<std::string>(),
              ::testing::StartsWith("Widgets on shelves"));
  EXPECT_EQ(doc["paths"][kWidgetPath]["get"]["tags"][0], "WidgetService");
}

TEST(OpenApiTest, AdditionalBindingGetsItsOwnOperationId) {
  Json doc = Document();
  EXPECT_EQ(doc["paths"]["/v1/widgets:import"]["post"]["operationId"],
            "WidgetService_ImportWidgets");
  EXPECT_EQ(doc["paths"]["/v1/shelves/{shelvesId}/widgets:import"]["post"]
               ["operationId"],
            "WidgetService_ImportWidgets_2");
}

TEST(OpenApiTest, WithoutDocsHasNoDescriptions) {
  Json doc = Document(nullptr);
  EXPECT_FALSE(doc["paths"][kWidgetPath]["get"].contains("description"));
  EXPECT_FALSE(
      doc["components"]["schemas"]["wmo.gatewaytest.v1.Widget"].contains(
          "description"));
}

}  // namespace
}  // namespace wmo::gateway
