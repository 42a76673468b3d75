// Two replicas of wmo-server sharing one PostgreSQL and one Redis, as on
// Kubernetes: both start at once (migrations must not race), and a catalog
// imported through one is seen by the other at once through the cache
// invalidation.
#include <thread>

#include "cmd/wmo-server/app.h"
#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"
#include "wmo/catalog/v1/catalog_service.grpc.pb.h"

namespace wmo {
namespace {

namespace v1 = wmo::catalog::v1;

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = testing::CreateTestPostgresDatabase();
    auto redis = testing::TestRedisUrl();
    if (database.status().code() == absl::StatusCode::kFailedPrecondition ||
        redis.status().code() == absl::StatusCode::kFailedPrecondition) {
      GTEST_SKIP() << "needs scripts/with-test-services";
    }
    ASSERT_TRUE(database.ok()) << database.status();
    server::ServerOptions options;
    options.grpc_port = options.http_port = options.metrics_port = 0;
    options.data_dir = dir_.File("var");
    options.catalog_dir = testing::SourceDir() + "/catalogs";
    options.database_url = *database;
    options.redis_url = *redis;
    options.auth = server::ServerOptions::Auth::kDev;  // One key: one dir.
    for (int i = 0; i < 2; ++i) apps_.push_back(std::make_unique<App>(options));
    // Both at once: the second must wait for the first's migrations and
    // catalog import, not fail or import twice.
    std::vector<std::thread> starts;
    std::vector<absl::Status> results(apps_.size());
    for (size_t i = 0; i < apps_.size(); ++i) {
      starts.emplace_back([&, i] { results[i] = apps_[i]->Start(); });
    }
    for (auto& t : starts) t.join();
    for (const auto& s : results) ASSERT_TRUE(s.ok()) << s;
  }

  std::unique_ptr<v1::CatalogService::Stub> Stub(int replica) {
    return v1::CatalogService::NewStub(testing::ChannelTo(*apps_[replica]));
  }

  int64_t VersionOn(int replica, const std::string& as_of) {
    grpc::ClientContext context;
    v1::GetCatalogRequest request;
    request.set_name("catalogs/midden-limburg-2024");
    request.set_as_of(as_of);
    request.set_view(v1::CATALOG_VIEW_BASIC);
    v1::Catalog catalog;
    grpc::Status s = Stub(replica)->GetCatalog(&context, request, &catalog);
    if (!s.ok()) {
      ADD_FAILURE() << s.error_code() << " " << s.error_message() << " port "
                    << apps_[replica]->grpc_port();
    }
    return s.ok() ? catalog.version() : -1;
  }

  testing::TempDir dir_;
  std::vector<std::unique_ptr<App>> apps_;
};

TEST_F(ReplicasTest, ConcurrentStartsImportTheCatalogsOnce) {
  grpc::ClientContext context;
  v1::ListCatalogsResponse list;
  ASSERT_TRUE(Stub(1)->ListCatalogs(&context, {}, &list).ok());
  ASSERT_EQ(list.catalogs_size(), 5);
  for (const auto& c : list.catalogs()) EXPECT_EQ(c.version(), 1) << c.id();
}

TEST_F(ReplicasTest, ImportOnOneReplicaIsSeenByTheOther) {
  ASSERT_EQ(VersionOn(1, "2027-06-01"), 1);  // replica 1 caches the list
  std::string text = testing::ReadFile(
      testing::SourceDir() + "/catalogs/midden-limburg-2024.textproto");
  text.replace(text.find("valid_from: \"2024-01-01\"\n"),
               std::string("valid_from: \"2024-01-01\"\n").size(),
               "valid_from: \"2027-01-01\"\n");
  grpc::ClientContext context;
  v1::ImportCatalogRequest request;
  request.set_catalog_text(text);
  v1::ImportCatalogResponse response;
  context.AddMetadata(
      "authorization",
      testing::BearerFor(
          *apps_[0], {auth::PrincipalKind::kOperator, "", "replicas-test"}));
  grpc::Status s = Stub(0)->ImportCatalog(&context, request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.catalog().version(), 2);
  // Pub/sub is asynchronous; the cached list would otherwise live 5 s.
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    seen = VersionOn(1, "2027-06-01") == 2;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(VersionOn(1, "2026-06-01"), 1);
}

}  // namespace
}  // namespace wmo
