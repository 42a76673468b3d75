#include "libs/gateway/gateway.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/code.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "prometheus/registry.h"
#include "testdata/gateway_test.grpc.pb.h"

namespace wmo::gateway {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
namespace v1 = ::wmo::gatewaytest::v1;

// The widget service the gateway fronts in these tests. Its answers are
// derived from the requests so that the tests can see what arrived.
class WidgetService final : public v1::WidgetService::CallbackService {
 public:
  // GetWidget of a widget named "slow" answers only after ReleaseSlowCall();
  // the future is ready once such a call has arrived.
  std::future<void> SlowCallArrived() { return slow_arrived_.get_future(); }

  void ReleaseSlowCall() {
    std::lock_guard<std::mutex> lock(mu_);
    slow_widget_->set_name("released");
    slow_reactor_->Finish(grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* GetWidget(grpc::CallbackServerContext* context,
                                      const v1::GetWidgetRequest* request,
                                      v1::Widget* widget) override {
    auto* reactor = context->DefaultReactor();
    if (absl::EndsWith(request->name(), "/widgets/slow")) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        slow_reactor_ = reactor;
        slow_widget_ = widget;
      }
      slow_arrived_.set_value();
      return reactor;
    }
    if (absl::EndsWith(request->name(), "/widgets/missing")) {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                   "widget " + request->name() + " not found"));
      return reactor;
    }
    widget->set_name(request->name());
    widget->set_display_name("Bolt M6");
    widget->set_color(v1::COLOR_RED);
    widget->set_weight_grams(12);
    widget->mutable_dimensions()->set_width_mm(6);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* ListWidgets(
      grpc::CallbackServerContext* context,
      const v1::ListWidgetsRequest* request,
      v1::ListWidgetsResponse* response) override {
    *response->mutable_request() = *request;
    response->add_widgets()->set_name(request->parent() + "/widgets/w1");
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* InspectWidget(
      grpc::CallbackServerContext* context,
      const v1::InspectWidgetRequest* request,
      v1::InspectWidgetRequest* response) override {
    *response = *request;
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* CreateWidget(
      grpc::CallbackServerContext* context,
      const v1::CreateWidgetRequest* request,
      v1::CreateWidgetRequest* response) override {
    *response = *request;
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* UpdateWidget(
      grpc::CallbackServerContext* context,
      const v1::UpdateWidgetRequest* request,
      v1::UpdateWidgetRequest* response) override {
    *response = *request;
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* DeleteWidget(grpc::CallbackServerContext* context,
                                         const v1::DeleteWidgetRequest* request,
                                         google::protobuf::Empty*) override {
    auto* reactor = context->DefaultReactor();
    if (absl::EndsWith(request->name(), "/widgets/locked") &&
        !request->force()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                   "widget is locked"));
    } else {
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }

  grpc::ServerUnaryReactor* ValidateWidget(grpc::CallbackServerContext* context,
                                           const v1::ValidateWidgetRequest*,
                                           google::protobuf::Empty*) override {
    google::rpc::BadRequest bad_request;
    auto* violation = bad_request.add_field_violations();
    violation->set_field("widget.display_name");
    violation->set_description("must not be empty");
    google::rpc::Status status;
    status.set_code(google::rpc::INVALID_ARGUMENT);
    status.set_message("widget is invalid");
    status.add_details()->PackFrom(bad_request);
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "widget is invalid",
                                 status.SerializeAsString()));
    return reactor;
  }

  grpc::ServerUnaryReactor* ImportWidgets(
      grpc::CallbackServerContext* context,
      const v1::ImportWidgetsRequest* request,
      v1::ImportWidgetsResponse* response) override {
    response->set_parent(request->parent());
    response->set_imported(request->widgets_size());
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* GetWidgetDimensions(
      grpc::CallbackServerContext* context, const v1::GetWidgetRequest*,
      v1::Widget* widget) override {
    widget->set_name("ignored");
    widget->mutable_dimensions()->set_width_mm(40);
    widget->mutable_dimensions()->set_height_mm(8);
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* GetCaller(grpc::CallbackServerContext* context,
                                      const v1::GetCallerRequest*,
                                      v1::Caller* caller) override {
    const auto& metadata = context->client_metadata();
    if (auto it = metadata.find("x-request-id"); it != metadata.end()) {
      caller->set_request_id(std::string(it->second.data(), it->second.size()));
    }
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      caller->set_authorization(
          std::string(it->second.data(), it->second.size()));
    }
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  std::mutex mu_;
  std::promise<void> slow_arrived_;
  grpc::ServerUnaryReactor* slow_reactor_ = nullptr;
  v1::Widget* slow_widget_ = nullptr;
};

// A channel that is never used: creating it does not connect.
std::shared_ptr<grpc::Channel> UnusedChannel() {
  return grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
}

// A gRPC server with the widget service and a gateway in front of it, both
// on free ports of 127.0.0.1; an HTTP client for the gateway.
class Harness {
 public:
  explicit Harness(bool with_metrics = true, GatewayOptions options = {}) {
    grpc::ServerBuilder builder;
    int grpc_port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &grpc_port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                   grpc::InsecureChannelCredentials());
    gateway_ = std::make_unique<Gateway>(
        channel_, std::vector<std::string>{"wmo.gatewaytest.v1.WidgetService"},
        with_metrics ? &registry_ : nullptr, std::move(options));
    status_ = gateway_->Start("127.0.0.1", 0);
    EXPECT_TRUE(status_.ok()) << status_;
    client_ = std::make_unique<httplib::Client>("127.0.0.1", gateway_->port());
  }

  ~Harness() {
    gateway_->Stop();
    server_->Shutdown();
  }

  httplib::Client& client() { return *client_; }
  WidgetService& service() { return service_; }
  Gateway& gateway() { return *gateway_; }
  prometheus::Registry& registry() { return registry_; }

 private:
  WidgetService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  prometheus::Registry registry_;
  std::unique_ptr<Gateway> gateway_;
  absl::Status status_;
  std::unique_ptr<httplib::Client> client_;
};

Json Body(const httplib::Result& result) {
  if (!result) {
    ADD_FAILURE() << "no HTTP response: " << httplib::to_string(result.error());
    return Json();
  }
  return Json::parse(result->body, nullptr, /*allow_exceptions=*/false);
}

int Status(const httplib::Result& result) {
  return result ? result->status : -1;
}

// The value of a counter or the sample count of a histogram with exactly
// these labels, or -1 when there is none.
double MetricValue(prometheus::Registry& registry, const std::string& family,
                   const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      std::map<std::string, std::string> have;
      for (const auto& l : m.label) have[l.name] = l.value;
      if (have != labels) continue;
      return f.type == prometheus::MetricType::Histogram
                 ? static_cast<double>(m.histogram.sample_count)
                 : m.counter.value;
    }
  }
  return -1;
}

TEST(GatewayTest, GetAnswersJsonWithCamelCaseNames) {
  Harness h;
  auto res = h.client().Get("/v1/shelves/s1/widgets/w1");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(Body(res), Json::parse(R"({
      "name": "shelves/s1/widgets/w1", "displayName": "Bolt M6",
      "color": "COLOR_RED", "weightGrams": "12",
      "dimensions": {"widthMm": 6}})"));
}

TEST(GatewayTest, DecodesEscapesInPathVariables) {
  Harness h;
  auto res = h.client().Get("/v1/shelves/s1/widgets/w%201");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res)["name"], "shelves/s1/widgets/w 1");
}

TEST(GatewayTest, ReadsQueryParametersIntoTheRequest) {
  Harness h;
  auto res = h.client().Get(
      "/v1/shelves/s1/widgets?pageSize=10&filter.color=COLOR_BLUE"
      "&filter.tags=a&filter.tags=b&colors=COLOR_RED&colors=2"
      "&includeHidden=true&minWeightGrams=500&filter.minWidthMm=7");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res)["request"], Json::parse(R"({
      "parent": "shelves/s1", "pageSize": 10,
      "filter": {"color": "COLOR_BLUE", "tags": ["a", "b"], "minWidthMm": 7},
      "colors": ["COLOR_RED", "COLOR_GREEN"], "includeHidden": true,
      "minWeightGrams": "500"})"));
}

TEST(GatewayTest, BindsNestedPathVariableWithCustomVerb) {
  Harness h;
  auto res = h.client().Get("/v1/shelves/s1/widgets/w1:inspect?verbose=1");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res), Json::parse(R"({
      "widget": {"name": "shelves/s1/widgets/w1"}, "verbose": true})"));
}

TEST(GatewayTest, PostReadsTheWholeBody) {
  Harness h;
  auto res = h.client().Post(
      "/v1/shelves/s1/widgets",
      R"({"widget": {"displayName": "Nut", "tags": ["m6"]}, "requestId": "r"})",
      "application/json");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res), Json::parse(R"({
      "parent": "shelves/s1",
      "widget": {"displayName": "Nut", "tags": ["m6"]}, "requestId": "r"})"));
}

TEST(GatewayTest, PostAcceptsJsonSentAsFormContentType) {
  Harness h;
  // curl -d sends this content type; the body is still the JSON.
  auto res = h.client().Post("/v1/shelves/s1/widgets", R"({"requestId": "r"})",
                             "application/x-www-form-urlencoded");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res)["requestId"], "r");
}

TEST(GatewayTest, PatchReadsTheBodyIntoItsField) {
  Harness h;
  auto res =
      h.client().Patch("/v1/shelves/s1/widgets/w1?updateMask=color",
                       R"({"color": "COLOR_GREEN"})", "application/json");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res), Json::parse(R"({
      "widget": {"name": "shelves/s1/widgets/w1", "color": "COLOR_GREEN"},
      "updateMask": "color"})"));
}

TEST(GatewayTest, DeleteAnswersAnEmptyObject) {
  Harness h;
  auto res = h.client().Delete("/v1/shelves/s1/widgets/w1");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(res->body, "{}");
}

TEST(GatewayTest, DeleteReadsQueryParameters) {
  Harness h;
  EXPECT_EQ(Status(h.client().Delete("/v1/shelves/s1/widgets/locked")), 400);
  EXPECT_EQ(
      Status(h.client().Delete("/v1/shelves/s1/widgets/locked?force=true")),
      200);
}

TEST(GatewayTest, ServesLiteralPathWithCustomVerb) {
  Harness h;
  auto res = h.client().Post("/v1/widgets:import", R"({"widgets": [{}, {}]})",
                             "application/json");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res), Json::parse(R"({"imported": 2})"));
}

TEST(GatewayTest, ServesAdditionalBindings) {
  Harness h;
  auto res = h.client().Post("/v1/shelves/s2/widgets:import",
                             R"({"widgets": [{}]})", "application/json");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res),
            Json::parse(R"({"parent": "shelves/s2", "imported": 1})"));
}

TEST(GatewayTest, ResponseBodyRendersOnlyThatField) {
  Harness h;
  auto res = h.client().Get("/v1/shelves/s1/widgets/w1/dimensions");
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res), Json::parse(R"({"widthMm": 40, "heightMm": 8})"));
}

TEST(GatewayTest, MapsGrpcErrorToHttpStatusAndJson) {
  Harness h;
  auto res = h.client().Get("/v1/shelves/s1/widgets/missing");
  ASSERT_EQ(Status(res), 404);
  EXPECT_EQ(Body(res), Json::parse(R"({"code": 5,
      "message": "widget shelves/s1/widgets/missing not found",
      "details": []})"));
}

TEST(GatewayTest, ErrorBodyCarriesTheStatusDetails) {
  Harness h;
  auto res = h.client().Post("/v1/shelves/s1/widgets/w1:validate", "{}",
                             "application/json");
  ASSERT_EQ(Status(res), 400);
  EXPECT_EQ(Body(res), Json::parse(R"({"code": 3,
      "message": "widget is invalid",
      "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                   "fieldViolations": [{"field": "widget.displayName",
                                        "description": "must not be empty"}]}]
      })"));
}

TEST(GatewayTest, UnknownRouteIsNotFoundJson) {
  Harness h;
  auto res = h.client().Get("/v1/nothing/here");
  ASSERT_EQ(Status(res), 404);
  Json body = Body(res);
  EXPECT_EQ(body["code"], 5);
  EXPECT_THAT(body["message"].get<std::string>(),
              HasSubstr("no route for GET /v1/nothing/here"));
  // The gateway's own answer names the request as a service's does.
  ASSERT_EQ(body["details"].size(), 1u);
  EXPECT_EQ(body["details"][0]["@type"],
            "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(body["details"][0]["reason"], "ROUTE_NOT_FOUND");
  EXPECT_EQ(body["details"][0]["domain"], "wmo.api");
  EXPECT_EQ(body["details"][0]["metadata"]["requestId"],
            res->get_header_value("x-request-id"));
}

TEST(GatewayTest, UnannotatedMethodIsNotServed) {
  Harness h;
  EXPECT_EQ(
      Status(h.client().Post("/wmo.gatewaytest.v1.WidgetService/HiddenWidget",
                             "{}", "application/json")),
      404);
}

TEST(GatewayTest, WrongMethodIsMethodNotAllowedWithAllow) {
  Harness h;
  auto res =
      h.client().Put("/v1/shelves/s1/widgets/w1", "{}", "application/json");
  ASSERT_EQ(Status(res), 405);
  EXPECT_EQ(res->get_header_value("Allow"), "DELETE, GET, PATCH");
  EXPECT_EQ(Body(res)["code"], 12);
}

TEST(GatewayTest, BadQueryValueIsBadRequestNamingTheParameter) {
  Harness h;
  auto res = h.client().Get("/v1/shelves/s1/widgets?pageSize=ten");
  ASSERT_EQ(Status(res), 400);
  Json body = Body(res);
  EXPECT_EQ(body["code"], 3);
  EXPECT_THAT(body["message"].get<std::string>(),
              HasSubstr("query parameter \"pageSize\""));
}

TEST(GatewayTest, UnknownQueryParameterIsBadRequest) {
  Harness h;
  auto res = h.client().Get("/v1/shelves/s1/widgets?colour=red");
  ASSERT_EQ(Status(res), 400);
  EXPECT_THAT(Body(res)["message"].get<std::string>(),
              HasSubstr("unknown query parameter \"colour\""));
}

TEST(GatewayTest, MalformedJsonBodyIsBadRequest) {
  Harness h;
  auto res = h.client().Post("/v1/shelves/s1/widgets", R"({"widget": )",
                             "application/json");
  ASSERT_EQ(Status(res), 400);
  Json body = Body(res);
  EXPECT_EQ(body["code"], 3);
  EXPECT_THAT(body["message"].get<std::string>(),
              HasSubstr("invalid JSON body"));
}

TEST(GatewayTest, MalformedJsonForBodyFieldNamesTheField) {
  Harness h;
  auto res =
      h.client().Patch("/v1/shelves/s1/widgets/w1", "{", "application/json");
  ASSERT_EQ(Status(res), 400);
  EXPECT_THAT(Body(res)["message"].get<std::string>(),
              HasSubstr("field \"widget\""));
}

TEST(GatewayTest, WrongJsonValueTypeNamesTheField) {
  Harness h;
  auto res =
      h.client().Post("/v1/shelves/s1/widgets",
                      R"({"widget": {"fragile": "very"}})", "application/json");
  ASSERT_EQ(Status(res), 400);
  EXPECT_THAT(Body(res)["message"].get<std::string>(), HasSubstr("fragile"));
}

TEST(GatewayTest, PassesRequestIdAndAuthorizationAsMetadata) {
  Harness h;
  auto res = h.client().Get("/v1/caller",
                            httplib::Headers{{"X-Request-Id", "req-42"},
                                             {"Authorization", "Bearer t0k"}});
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res), Json::parse(R"({"requestId": "req-42",
                                       "authorization": "Bearer t0k"})"));
}

TEST(GatewayTest, EchoesTheRequestIdHeader) {
  Harness h;
  auto res =
      h.client().Get("/v1/caller", httplib::Headers{{"x-request-id", "req-7"}});
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(res->get_header_value("x-request-id"), "req-7");
}

TEST(GatewayTest, MakesUpARequestIdWhenNoneIsSent) {
  Harness h;
  auto res = h.client().Get("/v1/caller");
  ASSERT_EQ(Status(res), 200);
  const std::string id = res->get_header_value("x-request-id");
  EXPECT_THAT(id, ::testing::MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(Body(res)["requestId"], id) << "the service saw another id";
  EXPECT_NE(h.client().Get("/v1/caller")->get_header_value("x-request-id"), id);
  // Errors carry it too.
  auto missing = h.client().Get("/v1/nowhere");
  ASSERT_EQ(Status(missing), 404);
  EXPECT_THAT(missing->get_header_value("x-request-id"),
              ::testing::MatchesRegex("[0-9a-f]{32}"));
}

TEST(GatewayTest, RefusesARequestIdThatIsNoId) {
  Harness h;
  auto res = h.client().Get(
      "/v1/caller", httplib::Headers{{"x-request-id", std::string(200, 'a')}});
  ASSERT_EQ(Status(res), 400);
  EXPECT_THAT(Body(res)["message"].get<std::string>(),
              HasSubstr("x-request-id"));
}

TEST(GatewayTest, RefusesABodyOverTheLimitWith413NamingTheLimit) {
  GatewayOptions options;
  options.max_body_bytes = 1000;
  Harness h(true, options);
  auto res = h.client().Post("/v1/widgets:import", std::string(2000, ' '),
                             "application/json");
  ASSERT_EQ(Status(res), 413);
  EXPECT_EQ(Body(res)["code"], 8);  // RESOURCE_EXHAUSTED
  EXPECT_THAT(Body(res)["message"].get<std::string>(), HasSubstr("1000"));
}

TEST(GatewayTest, ReadyzFollowsTheReadinessCheck) {
  auto ready = std::make_shared<std::atomic<bool>>(false);
  GatewayOptions options;
  options.readiness = [ready] {
    return *ready ? absl::OkStatus()
                  : absl::UnavailableError("the widget store is unusable");
  };
  Harness h(true, options);
  auto res = h.client().Get("/readyz");
  ASSERT_EQ(Status(res), 503);
  EXPECT_THAT(Body(res)["message"].get<std::string>(), HasSubstr("widget"));
  EXPECT_EQ(Status(h.client().Get("/healthz")), 200);
  *ready = true;
  EXPECT_EQ(Status(h.client().Get("/readyz")), 200);
}

TEST(GatewayTest, UnknownHttpMethodsShareOneMetricLabel) {
  Harness h;
  for (const char* method : {"BREW", "WHEN", "FOO"}) {
    httplib::Request req;
    req.method = method;
    req.path = "/v1/caller";
    h.client().send(req);
  }
  double other = 0;
  for (const prometheus::MetricFamily& f : h.registry().Collect()) {
    if (f.name != "http_server_requests_total") continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      for (const auto& l : m.label) {
        if (l.name != "method") continue;
        EXPECT_THAT(l.value, ::testing::AnyOf("GET", "other")) << l.value;
        if (l.value == "other") other += m.counter.value;
      }
    }
  }
  EXPECT_EQ(other, 3);
}

TEST(GatewayTest, ServesOpenApiWithTheRoutes) {
  Harness h;
  auto res = h.client().Get("/openapi.json");
  ASSERT_EQ(Status(res), 200);
  Json doc = Body(res);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(
      doc["paths"]["/v1/shelves/{shelvesId}/widgets/{widgetsId}"].contains(
          "patch"));
  EXPECT_TRUE(doc["paths"]["/v1/widgets:import"].contains("post"));
  EXPECT_EQ(res->body, h.gateway().OpenApiJson());
}

TEST(GatewayTest, HealthzAnswersOk) {
  Harness h;
  EXPECT_EQ(Status(h.client().Get("/healthz")), 200);
}

TEST(GatewayTest, CountsRequestsByRouteTemplate) {
  Harness h;
  ASSERT_EQ(Status(h.client().Get("/v1/shelves/s1/widgets/w1")), 200);
  ASSERT_EQ(Status(h.client().Get("/v1/shelves/s2/widgets/w2")), 200);
  ASSERT_EQ(Status(h.client().Get("/v1/shelves/s1/widgets/missing")), 404);
  EXPECT_EQ(MetricValue(h.registry(), "http_server_requests_total",
                        {{"method", "GET"},
                         {"route", "/v1/{name=shelves/*/widgets/*}"},
                         {"code", "200"}}),
            2);
  EXPECT_EQ(MetricValue(h.registry(), "http_server_requests_total",
                        {{"method", "GET"},
                         {"route", "/v1/{name=shelves/*/widgets/*}"},
                         {"code", "404"}}),
            1);
}

TEST(GatewayTest, CountsUnmatchedRequestsUnderOneRoute) {
  Harness h;
  ASSERT_EQ(Status(h.client().Get("/v1/unknown/1")), 404);
  ASSERT_EQ(Status(h.client().Get("/v1/unknown/2")), 404);
  EXPECT_EQ(
      MetricValue(h.registry(), "http_server_requests_total",
                  {{"method", "GET"}, {"route", "unmatched"}, {"code", "404"}}),
      2);
}

TEST(GatewayTest, RecordsRequestDurationByRouteTemplate) {
  Harness h;
  ASSERT_EQ(
      Status(h.client().Post("/v1/widgets:import", "{}", "application/json")),
      200);
  EXPECT_EQ(MetricValue(h.registry(), "http_server_request_duration_seconds",
                        {{"method", "POST"}, {"route", "/v1/widgets:import"}}),
            1);
}

TEST(GatewayTest, ServesWithoutRegistry) {
  Harness h(/*with_metrics=*/false);
  EXPECT_EQ(Status(h.client().Get("/v1/shelves/s1/widgets/w1")), 200);
}

TEST(GatewayTest, UnreachableBackendIsServiceUnavailable) {
  // Nothing listens on a socket file that does not exist, and nothing else
  // can take it over the way a released TCP port can be.
  Gateway gateway(
      grpc::CreateChannel(
          absl::StrCat("unix:", ::testing::TempDir(), "gateway-no-backend"),
          grpc::InsecureChannelCredentials()),
      {"wmo.gatewaytest.v1.WidgetService"}, nullptr);
  ASSERT_TRUE(gateway.Start("127.0.0.1", 0).ok());
  httplib::Client client("127.0.0.1", gateway.port());
  auto res = client.Get("/v1/shelves/s1/widgets/w1");
  ASSERT_EQ(Status(res), 503);
  EXPECT_EQ(Body(res)["code"], 14);
}

TEST(GatewayTest, StartFailsOnPortInUseNamingIt) {
  Harness h;
  Gateway second(UnusedChannel(), {"wmo.gatewaytest.v1.WidgetService"},
                 nullptr);
  absl::Status s = second.Start("127.0.0.1", h.gateway().port());
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(),
              HasSubstr(absl::StrCat("127.0.0.1:", h.gateway().port())));
}

TEST(GatewayTest, StartFailsForUnknownService) {
  Gateway gateway(UnusedChannel(), {"wmo.gatewaytest.v1.NoSuchService"},
                  nullptr);
  absl::Status s = gateway.Start("127.0.0.1", 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("wmo.gatewaytest.v1.NoSuchService"));
}

TEST(GatewayTest, StartFailsForRuleItCannotServe) {
  Gateway gateway(UnusedChannel(), {"wmo.gatewaytest.v1.MisroutedService"},
                  nullptr);
  EXPECT_EQ(gateway.Start("127.0.0.1", 0).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(GatewayTest, StartTwiceFails) {
  Harness h;
  EXPECT_EQ(h.gateway().Start("127.0.0.1", 0).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(GatewayTest, StopIsIdempotent) {
  Harness h;
  h.gateway().Stop();
  h.gateway().Stop();
  EXPECT_EQ(h.gateway().Start("127.0.0.1", 0).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(GatewayTest, StartFailsWithoutChannel) {
  Gateway gateway(nullptr, {"wmo.gatewaytest.v1.WidgetService"}, nullptr);
  EXPECT_EQ(gateway.Start("127.0.0.1", 0).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(GatewayTest, PortIsZeroBeforeStart) {
  Gateway gateway(UnusedChannel(), {"wmo.gatewaytest.v1.WidgetService"},
                  nullptr);
  EXPECT_EQ(gateway.port(), 0);
}

TEST(GatewayTest, StopLetsInFlightRequestsFinish) {
  Harness h;
  std::future<void> arrived = h.service().SlowCallArrived();
  std::future<httplib::Result> response = std::async(std::launch::async, [&] {
    return h.client().Get("/v1/shelves/s1/widgets/slow");
  });
  arrived.wait();
  // Stop blocks until the call is answered, whether it starts before or
  // after the release below.
  std::thread stopper([&] { h.gateway().Stop(); });
  h.service().ReleaseSlowCall();
  httplib::Result res = response.get();
  stopper.join();
  ASSERT_EQ(Status(res), 200);
  EXPECT_EQ(Body(res)["name"], "released");
}

TEST(GatewayTest, StopCancelsACallStillRunningAtTheDrainDeadline) {
  GatewayOptions options;
  options.drain = absl::Milliseconds(200);
  Harness h(true, options);
  std::future<void> arrived = h.service().SlowCallArrived();
  std::future<httplib::Result> response = std::async(std::launch::async, [&] {
    return h.client().Get("/v1/shelves/s1/widgets/slow");
  });
  arrived.wait();
  const auto start = std::chrono::steady_clock::now();
  h.gateway().Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_NE(Status(response.get()), 200);
  h.service().ReleaseSlowCall();
}

}  // namespace
}  // namespace wmo::gateway
