// What authentication costs: gRPC GetProduct with a bearer token against
// the same call on the same catalog service that checks no credentials,
// side by side in one run, in alternating rounds; and the signature check
// of a new token against a token seen before (the verifier's cache).
//   make bench   (build/bench/auth_bench; WMO_BENCH_SECONDS per round,
//                 default 3)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "libs/auth/key_files.h"
#include "libs/auth/token_signer.h"
#include "libs/auth/token_verifier.h"
#include "libs/cache/cache.h"
#include "libs/server/authenticator.h"
#include "libs/server/executor.h"
#include "libs/store/store.h"
#include "libs/testing/temp_dir.h"
#include "services/catalog/catalog_api.h"
#include "services/catalog/catalog_registry.h"
#include "services/catalog/catalog_repository.h"
#include "services/catalog/catalog_service.h"

namespace wmo {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kCallers = 8;
constexpr int kRounds = 3;

double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// One catalog service on a loopback port, with its own executor.
struct Server {
  Server(catalog::CatalogApi& api, const server::Authenticator& authenticator)
      : service(api, executor, authenticator) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(&service);
    grpc = builder.BuildAndStart();
  }
  ~Server() { grpc->Shutdown(); }

  server::Executor executor{"catalog", 2, 256, std::chrono::seconds(10)};
  catalog::CatalogService service;
  int port = 0;
  std::unique_ptr<grpc::Server> grpc;
};

struct Round {
  double per_second;
  double p50_us;
};

// `kCallers` callers, each on a connection of its own, call GetProduct
// back to back for `seconds`, with `bearer` as authorization (none when
// empty).
Round Measure(int port, const std::string& bearer, double seconds) {
  std::vector<std::unique_ptr<catalog::v1::CatalogService::Stub>> stubs;
  stubs.reserve(kCallers);
  for (int t = 0; t < kCallers; ++t) {
    grpc::ChannelArguments args;
    args.SetInt("wmo.bench.connection", t);  // no shared subchannel
    stubs.push_back(catalog::v1::CatalogService::NewStub(
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                  grpc::InsecureChannelCredentials(), args)));
  }
  std::vector<std::vector<double>> latencies(kCallers);
  std::atomic<bool> failed{false};
  const auto until = Clock::now() + std::chrono::microseconds(
                                        static_cast<long>(seconds * 1e6));
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  threads.reserve(kCallers);
  for (int t = 0; t < kCallers; ++t) {
    threads.emplace_back([&, t] {
      catalog::v1::GetProductRequest request;
      request.set_name("catalogs/midden-limburg-2024/products/kdv");
      catalog::v1::Product product;
      while (Clock::now() < until) {
        grpc::ClientContext context;
        if (!bearer.empty()) context.AddMetadata("authorization", bearer);
        const auto before = Clock::now();
        if (!stubs[t]->GetProduct(&context, request, &product).ok()) {
          failed = true;
        }
        latencies[t].push_back(Micros(Clock::now() - before));
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) {
    std::fprintf(stderr, "a GetProduct call failed\n");
    std::exit(1);
  }
  const double elapsed = Micros(Clock::now() - start) / 1e6;
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  return {static_cast<double>(all.size()) / elapsed, all[all.size() / 2]};
}

// Microseconds per Verify of `tokens`, each verified `times` times.
double VerifyMicros(const auth::TokenVerifier& verifier,
                    const std::vector<std::string>& tokens, int times) {
  const auto start = Clock::now();
  for (int i = 0; i < times; ++i) {
    for (const std::string& token : tokens) {
      if (!verifier.Verify(token).ok()) std::exit(1);
    }
  }
  return Micros(Clock::now() - start) /
         (static_cast<double>(tokens.size()) * times);
}

int Run() {
  const char* seconds_env = std::getenv("WMO_BENCH_SECONDS");
  const double seconds = seconds_env ? std::atof(seconds_env) : 3.0;

  testing::TempDir dir;
  auto db = store::OpenSqlite(dir.File("catalog.db"));
  if (!db.ok() ||
      !store::Migrate(**db, "catalog", catalog::CatalogRepository::Migrations())
           .ok()) {
    return 1;
  }
  catalog::CatalogRepository repository(**db);
  cache::Cache cache({.service = "catalog"}, nullptr);
  catalog::CatalogRegistry registry(repository, &cache);
  catalog::CatalogApi api(registry, **db);
  if (!api.ImportDirectory(testing::SourceDir() + "/catalogs").ok()) return 1;

  absl::StatusOr<std::string> key = auth::LoadOrCreateDevKey(dir.path());
  if (!key.ok()) return 1;
  auto verifier = std::make_shared<auth::TokenVerifier>(
      auth::VerifierOptions{auth::kDevIssuer, auth::kDevAudience});
  verifier->SetKeys(*auth::DevVerificationKeys(*key));
  const auth::Principal provider{auth::PrincipalKind::kProvider, "99990303",
                                 "portal"};
  auto sign = [&](const auth::Principal& p) {
    return *auth::SignToken(
        *key, auth::kDevKeyId, p,
        {auth::kDevIssuer, auth::kDevAudience, absl::Now(), absl::Hours(1)});
  };
  const std::string bearer = absl::StrCat("Bearer ", sign(provider));

  const server::Authenticator checked(verifier);
  const server::Authenticator unchecked =
      server::Authenticator::UncheckedForBenchmarks(provider);
  Server with_token(api, checked), without(api, unchecked);

  std::printf(
      "gRPC GetProduct, %d callers on connections of their own, %.0f s per "
      "round\n\n",
      kCallers, seconds);
  std::printf("| round | credentials | calls/s | p50 µs |\n");
  std::printf("|---:|---|---:|---:|\n");
  Measure(with_token.port, bearer, seconds / 3);  // warm-up
  Measure(without.port, "", seconds / 3);
  std::vector<double> ratios;
  for (int round = 1; round <= kRounds; ++round) {
    const Round a = Measure(with_token.port, bearer, seconds);
    const Round b = Measure(without.port, "", seconds);
    std::printf("| %d | bearer token, checked | %.0f | %.0f |\n", round,
                a.per_second, a.p50_us);
    std::printf("| %d | none, not checked | %.0f | %.0f |\n", round,
                b.per_second, b.p50_us);
    std::fflush(stdout);
    ratios.push_back(a.per_second / b.per_second);
  }
  std::sort(ratios.begin(), ratios.end());

  // A token's signature is checked once; then the verifier's cache answers.
  std::vector<std::string> fresh;
  fresh.reserve(500);
  for (int i = 0; i < 500; ++i) {
    fresh.push_back(sign({auth::PrincipalKind::kProvider, "99990303",
                          absl::StrCat("user-", i)}));
  }
  const double first = VerifyMicros(*verifier, fresh, 1);
  const double again = VerifyMicros(*verifier, fresh, 200);

  std::printf("\n| ratio | measured | target |\n|---|---:|---:|\n");
  std::printf(
      "| GetProduct with a token / without authentication, median of %d "
      "rounds | %.2f | ≥ 0.90 |\n",
      kRounds, ratios[kRounds / 2]);
  std::printf(
      "| µs per token check: new token (ES256 signature) / seen before "
      "(cache) | %.1f / %.2f | |\n",
      first, again);
  return 0;
}

}  // namespace
}  // namespace wmo

int main() { return wmo::Run(); }
