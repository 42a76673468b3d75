// Starts the real wmo-server binary: start-up, the endpoints it prints,
// clean stop on SIGTERM and SIGINT, and one-line refusals of bad set-ups.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <future>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/auth/keys.h"
#include "libs/auth/token_signer.h"
#include "libs/server/build_info.h"
#include "libs/testing/credentials.h"
#include "libs/testing/health.h"
#include "libs/testing/http.h"
#include "libs/testing/process.h"
#include "libs/testing/temp_dir.h"
#include "nlohmann/json.hpp"

namespace wmo {
namespace {

using ::testing::HasSubstr;

std::string Binary() {
  return std::string(WMO_BINARY_DIR) + "/cmd/wmo-server/wmo-server";
}

// Development keys (--auth=dev) unless `extra` says otherwise.
std::vector<std::string> Args(const testing::TempDir& dir,
                              std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      Binary(),
      "--grpc_port=0",
      "--http_port=0",
      "--metrics_port=0",
      "--auth=dev",
      "--data_dir=" + dir.File("var"),
      "--catalog_dir=" + testing::SourceDir() + "/catalogs"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(ServerBinaryTest, ServesTheFiveCatalogsAndStopsCleanlyOnSigterm) {
  testing::TempDir dir;
  testing::Process server(Args(dir));
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  const int http = testing::PortAfter(server.output(), "REST");
  const int metrics = testing::PortAfter(server.output(), "metrics");
  ASSERT_GT(http, 0) << server.output();
  ASSERT_GT(metrics, 0) << server.output();
  EXPECT_GT(testing::PortAfter(server.output(), "gRPC"), 0);

  auto catalogs = testing::HttpGet(
      http, "/v1/catalogs",
      {{"Authorization",
        testing::DevBearer(dir.File("var"), {auth::PrincipalKind::kOperator, "",
                                             "server-binary-test"})}});
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
  const int http = testing::PortAfter(server.output(), "REST");
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

// --version says what was built, as the build_info metric does.
TEST(ServerBinaryTest, VersionNamesTheVersionAndCommit) {
  const testing::ShellResult version =
      testing::RunShell(absl::StrCat("'", Binary(), "' --version"));
  EXPECT_TRUE(version.ok) << version.output;
  EXPECT_EQ(version.output, absl::StrCat("wmo-server ", server::Version(),
                                         " (commit ", server::Commit(), ")\n"));
  EXPECT_THAT(std::string(server::Commit()),
              ::testing::MatchesRegex("[0-9a-f]{12}(-dirty)?|unknown"));
}

TEST(ServerBinaryTest, PortInUseIsRefused) {
  testing::TempDir dir;
  testing::Process first(Args(dir));
  ASSERT_TRUE(first.WaitForOutput("metrics")) << first.output();
  const int grpc = testing::PortAfter(first.output(), "gRPC");
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

TEST(ServerBinaryTest, DoesNotStartWithoutKeysOutsideDevelopment) {
  testing::TempDir dir;
  std::vector<std::string> args = Args(dir);
  args.erase(std::find(args.begin(), args.end(), "--auth=dev"));
  testing::Process server(args);
  EXPECT_EQ(server.Wait(), 1);
  EXPECT_THAT(server.output(), HasSubstr("no keys for bearer tokens: give "
                                         "--jwt_keys=FILE (a JWKS)"));
}

TEST(ServerBinaryTest, DevelopmentKeysServeOnlyOnLoopback) {
  testing::TempDir dir;
  testing::Process server(Args(dir, {"--host=0.0.0.0"}));
  EXPECT_EQ(server.Wait(), 1);
  EXPECT_THAT(server.output(), HasSubstr("--auth=dev serves only on loopback"));
}

// `wmo-server token` makes what the API takes; without it only health,
// readiness and the OpenAPI document answer.
TEST(ServerBinaryTest, TokenCommandOpensTheApiAndNothingElseDoes) {
  testing::TempDir dir;
  testing::Process server(Args(dir));
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  const int http = testing::PortAfter(server.output(), "REST");
  const int grpc = testing::PortAfter(server.output(), "gRPC");

  // The token is on stdout.
  FILE* out = popen((Binary() + " token --data_dir=" + dir.File("var") +
                     " --kind=provider --tenant=99990303 --subject=portal "
                     "--ttl=10m")
                        .c_str(),
                    "r");
  ASSERT_NE(out, nullptr);
  char line[4096] = {};
  ASSERT_NE(fgets(line, sizeof(line), out), nullptr);
  ASSERT_EQ(pclose(out), 0);
  std::string bearer = std::string("Bearer ") + line;
  ASSERT_EQ(bearer.back(), '\n');
  bearer.pop_back();
  EXPECT_EQ(testing::HttpGet(http, "/v1/catalogs", {{"Authorization", bearer}})
                .status,
            200);

  const testing::HttpResponse anonymous =
      testing::HttpGet(http, "/v1/catalogs");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_THAT(anonymous.head, HasSubstr("WWW-Authenticate: Bearer"));
  EXPECT_THAT(anonymous.body, HasSubstr("no credentials"));
  const testing::HttpResponse forged =
      testing::HttpGet(http, "/v1/catalogs", {{"Authorization", bearer + "x"}});
  EXPECT_EQ(forged.status, 401);
  EXPECT_THAT(forged.body, HasSubstr("signature does not verify"));

  for (const char* open : {"/healthz", "/readyz", "/openapi.json"}) {
    EXPECT_EQ(testing::HttpGet(http, open).status, 200) << open;
  }
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc),
                                     grpc::InsecureChannelCredentials());
  EXPECT_EQ(testing::HealthOf(*channel, ""), testing::Serving::kServing);

  testing::Process bad_kind(
      {Binary(), "token", "--data_dir=" + dir.File("var"), "--kind=admin"});
  EXPECT_EQ(bad_kind.Wait(), 2);
  EXPECT_THAT(bad_kind.output(), HasSubstr("none of municipality, provider"));
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.output();
}

// Production keys: a JWKS file, rotated by rewriting it, without a restart.
TEST(ServerBinaryTest, KeysRotateThroughTheJwksFileWithoutRestart) {
  testing::TempDir dir;
  const std::string first = *auth::NewEcPrivateKeyPem();
  const std::string second = *auth::NewEcPrivateKeyPem();
  auto jwks = [](const std::string& pem, const std::string& kid) {
    return R"({"keys":[)" + *auth::PublicJwk(pem, kid) + "]}";
  };
  const std::string path = dir.Write("jwks.json", jwks(first, "2026-11"));
  std::vector<std::string> args =
      Args(dir, {"--jwt_keys=" + path, "--jwt_issuer=https://id.example.nl"});
  args.erase(std::find(args.begin(), args.end(), "--auth=dev"));
  testing::Process server(args);
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  const int http = testing::PortAfter(server.output(), "REST");
  auto status_with = [&](const std::string& pem, const std::string& kid) {
    const std::string token = *auth::SignToken(
        pem, kid, {auth::PrincipalKind::kOperator, "", "ops"},
        {"https://id.example.nl", "wmo", absl::Now(), absl::Minutes(5)});
    return testing::HttpGet(http, "/v1/catalogs",
                            {{"Authorization", "Bearer " + token}})
        .status;
  };
  EXPECT_EQ(status_with(first, "2026-11"), 200);
  EXPECT_EQ(status_with(second, "2026-12"), 401);

  dir.Write("jwks.json", jwks(second, "2026-12"));
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (status_with(second, "2026-12") != 200 &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status_with(second, "2026-12"), 200);
  EXPECT_EQ(status_with(first, "2026-11"), 401);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.output();
}

// The lines of `output` that are JSON objects with "msg" `msg`.
std::vector<nlohmann::json> LogEvents(const std::string& output,
                                      const std::string& msg) {
  std::vector<nlohmann::json> events;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_object() && event.value("msg", "") == msg) {
      events.push_back(std::move(event));
    }
  }
  return events;
}

// --log_format=json: one object a line, an access line per REST request
// and per gRPC call sharing the request id, naming the route template and
// never the path's query or a body.
TEST(ServerBinaryTest, JsonLogHasAnAccessLinePerRequestWithoutPersonalData) {
  testing::TempDir dir;
  testing::Process server(Args(dir, {"--log_format=json"}));
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  const int http = testing::PortAfter(server.output(), "REST");
  const std::string bearer = testing::DevBearer(
      dir.File("var"), {auth::PrincipalKind::kMunicipality, "0988", "t"});
  const testing::HttpResponse listed = testing::HttpGet(
      http, "/v1/municipalities/0988/assignments?page_token=999993653",
      {{"Authorization", bearer}});
  EXPECT_EQ(listed.status, 400) << listed.body;
  const testing::HttpResponse searched = testing::HttpRequest(
      http, "POST", "/v1/municipalities/0988/assignments:search",
      R"({"client_bsn":"999993653"})", {{"Authorization", bearer}});
  EXPECT_EQ(searched.status, 200) << searched.body;
  // A gRPC caller's own method name and request id reach the log only when
  // they are a known method and a well-formed id.
  grpc::GenericStub stub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", testing::PortAfter(server.output(), "gRPC")),
      grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", std::string(200, '9') + "999993653");
  grpc::Slice empty("");
  grpc::ByteBuffer in(&empty, 1), out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/wmo.x.v1.Lookup/Client999993653", {}, &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  EXPECT_EQ(done.get_future().get().error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(server.Stop(SIGTERM), 0);

  std::istringstream lines(server.output());
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
  }
  EXPECT_THAT(server.output(), ::testing::Not(HasSubstr("999993653")));
  const std::vector<nlohmann::json> requests =
      LogEvents(server.output(), "http request");
  ASSERT_EQ(requests.size(), 2u) << server.output();
  EXPECT_EQ(requests[0]["method"], "GET");
  EXPECT_EQ(requests[0]["route"], "/v1/{parent=municipalities/*}/assignments");
  EXPECT_EQ(requests[0]["status"], 400);
  EXPECT_TRUE(requests[0]["duration_ms"].is_number());
  EXPECT_EQ(requests[1]["route"],
            "/v1/{parent=municipalities/*}/assignments:search");
  EXPECT_EQ(requests[1]["status"], 200);
  const std::string request_id = requests[1]["request_id"];
  EXPECT_THAT(searched.head, HasSubstr(request_id));
  const std::vector<nlohmann::json> calls =
      LogEvents(server.output(), "grpc call");
  EXPECT_TRUE(std::any_of(calls.begin(), calls.end(), [&](const auto& call) {
    return call["request_id"] == request_id &&
           call["service"] == "wmo.assignment.v1.AssignmentService" &&
           call["method"] == "SearchAssignments" && call["code"] == "OK";
  })) << server.output();
  EXPECT_TRUE(std::any_of(calls.begin(), calls.end(), [&](const auto& call) {
    return call["service"] == "unknown" && call["method"] == "unknown" &&
           call["code"] == "UNIMPLEMENTED" &&
           std::string(call["request_id"]).size() == 32;
  })) << server.output();
}

// Each service's health by its name, and the protocol through reflection
// as generic clients find it.
TEST(ServerBinaryTest, HealthAnswersPerServiceAndThroughReflection) {
  testing::TempDir dir;
  testing::Process server(Args(dir));
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  const int grpc_port = testing::PortAfter(server.output(), "gRPC");
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                     grpc::InsecureChannelCredentials());
  for (const char* service :
       {"", "wmo.catalog.v1.CatalogService",
        "wmo.assignment.v1.AssignmentService",
        "wmo.declaration.v1.DeclarationService",
        "wmo.capacity.v1.CapacityService", "wmo.iwmo.v1.IwmoService"}) {
    EXPECT_EQ(testing::HealthOf(*channel, service), testing::Serving::kServing)
        << service;
  }
  EXPECT_EQ(testing::HealthOf(*channel, "wmo.no.v1.Such"),
            testing::Serving::kUnknown);

  const testing::ShellResult curl = testing::RunShell(absl::StrCat(
      "cd '", testing::SourceDir(),
      "' && node_modules/.bin/buf curl --protocol grpc --http2-prior-knowledge"
      " -d '{\"service\":\"wmo.iwmo.v1.IwmoService\"}' "
      "http://127.0.0.1:",
      grpc_port, "/grpc.health.v1.Health/Check"));
  EXPECT_TRUE(curl.ok) << curl.output;
  EXPECT_THAT(curl.output, HasSubstr(R"("status": "SERVING")"));
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

// On SIGTERM health turns NOT_SERVING first, so that checkers stop sending
// calls before the drain ends the ones in flight.
TEST(ServerBinaryTest, HealthTurnsNotServingBeforeTheDrain) {
  testing::TempDir dir;
  testing::Process server(Args(dir, {"--drain_seconds=2"}));
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  auto channel = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", testing::PortAfter(server.output(), "gRPC")),
      grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("wmo.declaration.v1.DeclarationService");
  auto watch = stub->Watch(&context, request);
  grpc::health::v1::HealthCheckResponse status;
  ASSERT_TRUE(watch->Read(&status));
  EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  ASSERT_EQ(kill(server.pid(), SIGTERM), 0);
  ASSERT_TRUE(watch->Read(&status)) << server.output();
  EXPECT_EQ(status.status(),
            grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  context.TryCancel();
  EXPECT_EQ(server.Wait(), 0) << server.output();
}

// `wmo-server jwks` lists the development key, so that a server checking
// bearer tokens against a JWKS file (as in a cluster, not on loopback)
// takes the tokens `wmo-server token` makes.
TEST(ServerBinaryTest, JwksCommandLetsAJwtServerTakeDevelopmentTokens) {
  testing::TempDir dir;
  const testing::ShellResult jwks = testing::RunShell(
      absl::StrCat("'", Binary(), "' jwks --data_dir=", dir.File("keys")));
  ASSERT_TRUE(jwks.ok) << jwks.output;
  const std::string path = dir.Write("jwks.json", jwks.output);
  std::vector<std::string> args =
      Args(dir, {"--jwt_keys=" + path, "--jwt_issuer=wmo-server-dev"});
  args.erase(std::find(args.begin(), args.end(), "--auth=dev"));
  testing::Process server(args);
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  const int http = testing::PortAfter(server.output(), "REST");
  const testing::ShellResult token = testing::RunShell(absl::StrCat(
      "'", Binary(), "' token --kind=operator --data_dir=", dir.File("keys")));
  ASSERT_TRUE(token.ok) << token.output;
  std::string bearer = "Bearer " + token.output;
  bearer.pop_back();  // The newline.
  EXPECT_EQ(testing::HttpGet(http, "/v1/catalogs", {{"Authorization", bearer}})
                .status,
            200);
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

// With every store on PostgreSQL and keys from a file, nothing is written
// to the data directory: a read-only container needs no volume.
TEST(ServerBinaryTest, NeedsNoDataDirectoryWhenEveryStoreIsOnPostgres) {
  const char* url = std::getenv("WMO_TEST_POSTGRES_URL");
  if (url == nullptr) GTEST_SKIP() << "WMO_TEST_POSTGRES_URL is not set";
  testing::TempDir dir;
  const std::string file = dir.Write("not-a-dir", "x");
  const std::string keys = *auth::NewEcPrivateKeyPem();
  const std::string path = dir.Write(
      "jwks.json", R"({"keys":[)" + *auth::PublicJwk(keys, "k") + "]}");
  std::vector<std::string> args = Args(
      dir, {"--data_dir=" + file + "/var", "--database_url=" + std::string(url),
            "--jwt_keys=" + path, "--jwt_issuer=https://id.example.nl"});
  args.erase(std::find(args.begin(), args.end(), "--auth=dev"));
  testing::Process server(args);
  ASSERT_TRUE(server.WaitForOutput("metrics")) << server.output();
  EXPECT_THAT(server.output(), HasSubstr("(PostgreSQL only)"));
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.output();

  // One SQLite store is enough to need it.
  args.push_back("--capacity_database_url=");
  testing::Process sqlite(args);
  EXPECT_EQ(sqlite.Wait(), 1);
  EXPECT_THAT(sqlite.output(), HasSubstr("SQLite stores and --auth=dev need a "
                                         "writable directory there"));
}

}  // namespace
}  // namespace wmo
