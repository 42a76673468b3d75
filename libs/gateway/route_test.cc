#include "libs/gateway/route.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "testdata/gateway_test.pb.h"

namespace wmo::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const google::protobuf::ServiceDescriptor& Service(const std::string& name) {
  return *wmo::gatewaytest::v1::Widget::descriptor()->file()->FindServiceByName(
      name);
}

std::vector<Route> WidgetRoutes() {
  absl::StatusOr<std::vector<Route>> routes =
      RoutesOf(Service("WidgetService"));
  EXPECT_TRUE(routes.ok()) << routes.status();
  return routes.ok() ? *routes : std::vector<Route>();
}

const Route* FindRoute(const std::vector<Route>& routes,
                       const std::string& method) {
  for (const Route& r : routes) {
    if (r.method->name() == method) return &r;
  }
  return nullptr;
}

std::string MethodOf(const RouteMatch& match) {
  return match.route == nullptr ? "" : match.route->method->name();
}

TEST(RoutesOfTest, ReadsEveryAnnotatedMethodAndBinding) {
  std::vector<std::string> names;
  for (const Route& r : WidgetRoutes()) names.push_back(r.method->name());
  EXPECT_THAT(names,
              ElementsAre("GetWidget", "ListWidgets", "InspectWidget",
                          "CreateWidget", "UpdateWidget", "DeleteWidget",
                          "ValidateWidget", "ImportWidgets", "ImportWidgets",
                          "GetWidgetDimensions", "GetCaller"));
}

TEST(RoutesOfTest, ReadsMethodPathAndBody) {
  std::vector<Route> routes = WidgetRoutes();
  const Route* update = FindRoute(routes, "UpdateWidget");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->http_method, "PATCH");
  EXPECT_EQ(update->path.text(), "/v1/{widget.name=shelves/*/widgets/*}");
  EXPECT_EQ(update->body, "widget");
}

TEST(RoutesOfTest, ReadsResponseBody) {
  std::vector<Route> routes = WidgetRoutes();
  EXPECT_EQ(FindRoute(routes, "GetWidgetDimensions")->response_body,
            "dimensions");
}

TEST(RoutesOfTest, ReadsAdditionalBindings) {
  std::vector<Route> routes = WidgetRoutes();
  std::vector<std::string> paths;
  for (const Route& r : routes) {
    if (r.method->name() == "ImportWidgets") paths.push_back(r.path.text());
  }
  EXPECT_THAT(paths, ElementsAre("/v1/widgets:import",
                                 "/v1/{parent=shelves/*}/widgets:import"));
}

TEST(RoutesOfTest, RejectsPathVariableOnMessageField) {
  auto routes = RoutesOf(Service("MisroutedService"));
  EXPECT_EQ(routes.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(routes.status().message(),
              HasSubstr("path variable \"filter\" must be a singular scalar"));
}

TEST(RouterTest, FindsRouteAndVariables) {
  Router router(WidgetRoutes());
  RouteMatch match = router.Find("GET", "/v1/shelves/s1/widgets/w1");
  EXPECT_EQ(MethodOf(match), "GetWidget");
  ASSERT_EQ(match.variables.size(), 1u);
  EXPECT_EQ(match.variables[0].value, "shelves/s1/widgets/w1");
}

TEST(RouterTest, SelectsByMethod) {
  Router router(WidgetRoutes());
  EXPECT_EQ(MethodOf(router.Find("DELETE", "/v1/shelves/s1/widgets/w1")),
            "DeleteWidget");
  EXPECT_EQ(MethodOf(router.Find("PATCH", "/v1/shelves/s1/widgets/w1")),
            "UpdateWidget");
}

TEST(RouterTest, PrefersTheCustomVerbRoute) {
  Router router(WidgetRoutes());
  EXPECT_EQ(MethodOf(router.Find("GET", "/v1/shelves/s1/widgets/w1:inspect")),
            "InspectWidget");
}

TEST(RouterTest, MatchesLiteralVerbRoute) {
  Router router(WidgetRoutes());
  EXPECT_EQ(MethodOf(router.Find("POST", "/v1/widgets:import")),
            "ImportWidgets");
}

TEST(RouterTest, ReportsAllowedMethodsForWrongMethod) {
  Router router(WidgetRoutes());
  RouteMatch match = router.Find("PUT", "/v1/shelves/s1/widgets/w1");
  EXPECT_EQ(match.route, nullptr);
  ASSERT_NE(match.path_match, nullptr);
  EXPECT_THAT(match.allowed_methods, ElementsAre("DELETE", "GET", "PATCH"));
}

TEST(RouterTest, FindsNothingForUnknownPath) {
  Router router(WidgetRoutes());
  RouteMatch match = router.Find("GET", "/v2/nothing");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.path_match, nullptr);
  EXPECT_TRUE(match.allowed_methods.empty());
}

}  // namespace
}  // namespace wmo::gateway
