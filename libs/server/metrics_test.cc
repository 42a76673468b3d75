#include "libs/server/metrics.h"

#include <condition_variable>
#include <mutex>
#include <utility>

#include "gmock/gmock.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"
#include "libs/http/server.h"
#include "libs/server/build_info.h"
#include "libs/server/store_health.h"
#include "libs/testing/http.h"
#include "prometheus/registry.h"

namespace wmo::server {
namespace {

using ::testing::HasSubstr;

double Value(prometheus::Registry& registry, const std::string& family,
             const std::map<std::string, std::string>& labels) {
  for (const auto& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const auto& m : f.metric) {
      bool match = true;
      for (const auto& [k, v] : labels) {
        bool found = false;
        for (const auto& l : m.label) found |= l.name == k && l.value == v;
        match &= found;
      }
      if (match) {
        return f.type == prometheus::MetricType::Histogram
                   ? static_cast<double>(m.histogram.sample_count)
                   : m.counter.value;
      }
    }
  }
  return -1;
}

// A real server with the health service behind the metrics interceptor.
class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EnableHealthService();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(MakeMetricsInterceptorFactory(*registry_));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    // A server needs one service of its own besides health to start.
    builder.RegisterCallbackGenericService(&generic_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override { server_->Shutdown(); }

  // Health/Check with an empty request asks for the server's overall health.
  grpc::Status CallHealthCheck(const std::string& service_field = "") {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    std::string request;
    if (!service_field.empty()) {
      request = std::string(1, 0x0a) +
                std::string(1, static_cast<char>(service_field.size())) +
                service_field;
    }
    grpc::Slice slice(request);
    grpc::ByteBuffer in(&slice, 1), out;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status result;
    stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", {}, &in, &out,
                   [&](grpc::Status s) {
                     std::lock_guard lock(mu);
                     result = std::move(s);
                     done = true;
                     cv.notify_one();
                   });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
    return result;
  }

  grpc::CallbackGenericService generic_;
  std::shared_ptr<prometheus::Registry> registry_ =
      std::make_shared<prometheus::Registry>();
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(MetricsTest, CountsStartedHandledAndTimesCalls) {
  ASSERT_TRUE(CallHealthCheck().ok());
  ASSERT_TRUE(CallHealthCheck().ok());
  const std::map<std::string, std::string> method = {
      {"grpc_service", "grpc.health.v1.Health"},
      {"grpc_method", "Check"},
      {"grpc_type", "unary"}};
  EXPECT_EQ(Value(*registry_, "grpc_server_started_total", method), 2);
  auto handled = method;
  handled["grpc_code"] = "OK";
  EXPECT_EQ(Value(*registry_, "grpc_server_handled_total", handled), 2);
  EXPECT_EQ(Value(*registry_, "grpc_server_handling_seconds", method), 2);
}

TEST_F(MetricsTest, CountsErrorsByCode) {
  EXPECT_EQ(CallHealthCheck("no.such.Service").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Value(*registry_, "grpc_server_handled_total",
                  {{"grpc_method", "Check"}, {"grpc_code", "NotFound"}}),
            1);
}

TEST_F(MetricsTest, UnknownMethodsShareOneSeries) {
  grpc::GenericStub stub(channel_);
  for (int i = 0; i < 50; ++i) {
    grpc::ClientContext context;
    grpc::Slice slice("");
    grpc::ByteBuffer in(&slice, 1), out;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    stub.UnaryCall(&context, "/no.such.Service/Method" + std::to_string(i), {},
                   &in, &out, [&](const grpc::Status&) {
                     std::lock_guard lock(mu);
                     done = true;
                     cv.notify_one();
                   });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
  }
  EXPECT_EQ(Value(*registry_, "grpc_server_started_total",
                  {{"grpc_service", "unknown"}, {"grpc_method", "unknown"}}),
            50);
  for (const auto& family : registry_->Collect()) {
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        EXPECT_THAT(label.value, ::testing::Not(HasSubstr("no.such")))
            << family.name;
        EXPECT_THAT(label.value, ::testing::Not(HasSubstr("Method1")))
            << family.name;
      }
    }
  }
}

TEST_F(MetricsTest, EndpointServesRegistryAndProcessMetrics) {
  ASSERT_TRUE(CallHealthCheck().ok());
  auto server = ServeMetrics("127.0.0.1", 0, {registry_});
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  auto response = testing::HttpGet(port, "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("grpc_server_handled_total{"));
  EXPECT_THAT(response.body, HasSubstr("process_resident_memory_bytes "));
  // This test's own threads at least: gRPC's and the metrics server's.
  EXPECT_THAT(response.body,
              ::testing::ContainsRegex("\nprocess_threads [1-9][0-9]*"));
  EXPECT_THAT(response.body, HasSubstr("process_cpu_seconds_total "));
  EXPECT_THAT(response.body,
              HasSubstr(absl::StrCat("wmo_build_info{commit=\"", Commit(),
                                     "\",version=\"", Version(), "\"} 1")));
}

TEST_F(MetricsTest, PortInUseIsUnavailable) {
  auto first = ServeMetrics("127.0.0.1", 0, {registry_});
  ASSERT_TRUE(first.ok());
  auto second = ServeMetrics("127.0.0.1", (*first)->port(), {registry_});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace wmo::server
