// The whole app on a PostgreSQL of its own that the test freezes (SIGSTOP):
// calls end with UNAVAILABLE in bounded time instead of hanging, the health
// checks say NOT_SERVING while /healthz stays alive, and everything recovers
// once the server runs again, without a restart.
#include <chrono>
#include <memory>
#include <thread>

#include "cmd/wmo-server/app.h"
#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/testing/health.h"
#include "libs/testing/http.h"
#include "libs/testing/temp_dir.h"
#include "libs/testing/throwaway_postgres.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

namespace wmo {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Serving;

constexpr char kService[] = "wmo.declaration.v1.DeclarationService";
constexpr char kListPath[] = "/v1/providers/99990303/declarations";

class FrozenPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pg = testing::ThrowAwayPostgres::Start(dir_);
    if (pg.status().code() == absl::StatusCode::kFailedPrecondition) {
      GTEST_SKIP() << pg.status().message();
    }
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = *std::move(pg);
    server::ServerOptions options;
    options.grpc_port = options.http_port = options.metrics_port = 0;
    options.data_dir = dir_.File("var");
    options.catalog_dir = testing::SourceDir() + "/catalogs";
    options.database_url = pg_->url();
    options.health_check_period = absl::Milliseconds(200);
    options.auth = server::ServerOptions::Auth::kDev;
    app_ = std::make_unique<App>(options);
    ASSERT_TRUE(app_->Start().ok());
    auto channel = testing::ChannelTo(*app_);
    declarations_ = declaration::v1::DeclarationService::NewStub(channel);
    channel_ = channel;
  }

  void TearDown() override {
    if (pg_ != nullptr) pg_->Thaw();
    app_.reset();
  }

  // ListDeclarations, which reads the store; `deadline` 0 sends none.
  grpc::Status List(std::chrono::seconds deadline) {
    grpc::ClientContext context;
    if (deadline.count() > 0) {
      context.set_deadline(std::chrono::system_clock::now() + deadline);
    }
    declaration::v1::ListDeclarationsRequest request;
    request.set_parent("providers/99990303");
    declaration::v1::ListDeclarationsResponse response;
    return declarations_->ListDeclarations(&context, request, &response);
  }

  Serving Health(const std::string& service) {
    return testing::HealthOf(*channel_, service);
  }

  // Waits up to `within` for the health of `service` to become `want`.
  bool HealthBecomes(const std::string& service, Serving want,
                     std::chrono::seconds within) {
    const auto until = Clock::now() + within;
    while (Clock::now() < until) {
      if (Health(service) == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ThrowAwayPostgres> pg_;
  std::unique_ptr<App> app_;
  std::unique_ptr<declaration::v1::DeclarationService::Stub> declarations_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(FrozenPostgresTest, CallsFailFastHealthSaysSoAndAllRecovers) {
  ASSERT_TRUE(List(std::chrono::seconds(10)).ok());
  EXPECT_EQ(Health(kService), Serving::kServing);
  EXPECT_EQ(testing::HttpGet(app_->http_port(), "/readyz").status, 200);

  pg_->Freeze();

  // A call without a deadline: UNAVAILABLE within the store's 5 s bound.
  auto start = Clock::now();
  grpc::Status status = List(std::chrono::seconds(0));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(7));
  EXPECT_THAT(status.error_message(),
              ::testing::Not(::testing::HasSubstr("127.0.0.1")));

  // A call with a shorter deadline ends at it.
  start = Clock::now();
  status = List(std::chrono::seconds(1));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));

  // REST: 503 in bounded time, no database text.
  start = Clock::now();
  testing::HttpResponse rest =
      testing::HttpGet(app_->http_port(), kListPath,
                       {{"Authorization", testing::BearerFor(*app_)}});
  EXPECT_EQ(rest.status, 503) << rest.body;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(7));
  EXPECT_THAT(rest.body, ::testing::Not(::testing::HasSubstr("postgres")));

  EXPECT_TRUE(
      HealthBecomes(kService, Serving::kNotServing, std::chrono::seconds(10)));
  EXPECT_EQ(Health(""), Serving::kNotServing);
  testing::HttpResponse ready = testing::HttpGet(app_->http_port(), "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_THAT(ready.body, ::testing::HasSubstr("declaration"));
  start = Clock::now();
  EXPECT_EQ(testing::HttpGet(app_->http_port(), "/healthz").status, 200);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));

  pg_->Thaw();

  EXPECT_TRUE(HealthBecomes("", Serving::kServing, std::chrono::seconds(15)));
  EXPECT_EQ(Health(kService), Serving::kServing);
  EXPECT_EQ(testing::HttpGet(app_->http_port(), "/readyz").status, 200);
  EXPECT_TRUE(List(std::chrono::seconds(10)).ok());
}

}  // namespace
}  // namespace wmo
