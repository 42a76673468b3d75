// Starts the real wmo-server binary: start-up, the endpoints it prints,
// clean stop on SIGTERM and SIGINT, and one-line refusals of bad set-ups.
#include <chrono>
#include <csignal>
#include <regex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/http.h"
#include "libs/testing/process.h"
#include "libs/testing/temp_dir.h"

namespace wmo {
namespace {

using ::testing::HasSubstr;

std::string Binary() {
  return std::string(WMO_BINARY_DIR) + "/cmd/wmo-server/wmo-server";
}

std::vector<std::string> Args(const testing::TempDir& dir,
                              std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      Binary(),
      "--grpc_port=0",
      "--http_port=0",
      "--metrics_port=0",
      "--data_dir=" + dir.File("var"),
      "--catalog_dir=" + testing::SourceDir() + "/catalogs"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// The port printed after `label` in the start-up lines.
int PortAfter(const std::string& output, const std::string& label) {
  std::smatch m;
  const std::regex re(label + R"( +(?:http://)?127\.0\.0\.1:(\d+))");
  return std::regex_search(output, m, re) ? std::stoi(m[1]) : 0;
}

TEST(ServerBinaryTest, ServesTheFiveCatalogsAndStopsCleanlyOnSigterm) {
  testing::TempDir dir;
  testing::Process server(Args(dir));
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  const int http = PortAfter(server.output(), "REST");
  const int metrics = PortAfter(server.output(), "metrics");
  ASSERT_GT(http, 0) << server.output();
  ASSERT_GT(metrics, 0) << server.output();
  EXPECT_GT(PortAfter(server.output(), "gRPC"), 0);

  auto catalogs = testing::HttpGet(http, "/v1/catalogs");
  EXPECT_EQ(catalogs.status, 200);
  for (const char* id :
       {"midden-limburg-2024", "perspectief-2024",
        "toekomst-sociaal-domein-2023", "wmo-licht-midden-zwaar",
        "wmo-regulier-specialistisch"}) {
    EXPECT_THAT(catalogs.body, HasSubstr(std::string("catalogs/") + id));
  }
  auto scrape = testing::HttpGet(metrics, "/metrics");
  EXPECT_THAT(scrape.body,
              HasSubstr("grpc_server_handled_total{grpc_code=\"OK\","
                        "grpc_method=\"ListCatalogs\""));
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.output();
}

TEST(ServerBinaryTest, SigtermEndsWithinTheDrainTimeDespiteASlowClient) {
  testing::TempDir dir;
  testing::Process server(Args(dir, {"--drain_seconds=1"}));
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  const int http = PortAfter(server.output(), "REST");
  // A client that sends its headers and then trickles a body it never ends.
  testing::RawConnection slow(http);
  ASSERT_TRUE(
      slow.Send("POST /v1/catalogs:import HTTP/1.1\r\nHost: t\r\n"
                "Content-Length: 100000\r\n\r\n{"));
  // And one kept-alive client, idle.
  testing::RawConnection idle(http);
  ASSERT_TRUE(idle.Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_EQ(idle.ReadResponse(2000).status, 200);

  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_TRUE(slow.ClosedWithin(1000));
  EXPECT_TRUE(idle.ClosedWithin(1000));
}

TEST(ServerBinaryTest, RestartKeepsTheStoreAndStopsOnSigint) {
  testing::TempDir dir;
  for (int run = 0; run < 2; ++run) {
    testing::Process server(Args(dir));
    ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
    EXPECT_EQ(server.Stop(SIGINT), 0) << server.output();
  }
}

TEST(ServerBinaryTest, BadFlagIsOneLineAndNonZero) {
  testing::TempDir dir;
  testing::Process server(Args(dir, {"--grpc_prot=1"}));
  EXPECT_NE(server.Wait(), 0);
  EXPECT_EQ(server.output(),
            "wmo-server: unknown flag --grpc_prot; see --help for the flags\n");
}

TEST(ServerBinaryTest, PortInUseIsRefused) {
  testing::TempDir dir;
  testing::Process first(Args(dir));
  ASSERT_TRUE(first.WaitForOutput("metrics")) << first.output();
  const int grpc = PortAfter(first.output(), "gRPC");
  testing::TempDir other;
  testing::Process second(Args(other, {"--grpc_port=" + std::to_string(grpc)}));
  EXPECT_EQ(second.Wait(), 1);
  EXPECT_THAT(second.output(), HasSubstr("cannot listen for gRPC"));
  EXPECT_EQ(first.Stop(SIGTERM), 0);
}

TEST(ServerBinaryTest, UnusableDataDirectoryIsRefused) {
  testing::TempDir dir;
  const std::string file = dir.Write("not-a-dir", "x");
  testing::Process server(Args(dir, {"--data_dir=" + file}));
  EXPECT_EQ(server.Wait(), 1);
  EXPECT_THAT(server.output(), HasSubstr("data directory"));
}

TEST(ServerBinaryTest, BrokenCatalogFileStopsStartUpNamingFileAndLine) {
  testing::TempDir dir;
  testing::TempDir catalogs;
  catalogs.Write("midden-limburg-2024.textproto",
                 testing::ReadFile(testing::SourceDir() +
                                   "/catalogs/midden-limburg-2024.textproto"));
  catalogs.Write("bad.textproto", "id: \"bad\"\n\nproducts { code: 1 2 }\n");
  testing::Process server(
      Args(dir, {"--catalog_dir=" + catalogs.path().string()}));
  EXPECT_EQ(server.Wait(), 1);
  EXPECT_THAT(server.output(), HasSubstr("bad.textproto:3"));
}

}  // namespace
}  // namespace wmo
