// GetProduct through the catalog API, side by side in one run: no cache,
// the in-process cache, and Redis alone (in-process level off), each on
// SQLite and on PostgreSQL. Prints a Markdown table of throughput and
// p50/p99 latency. Run with PostgreSQL and Redis up:
//   make bench   (scripts/with-test-services build/bench/catalog_bench)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "libs/cache/cache.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"
#include "services/catalog/catalog_api.h"

namespace wmo {
namespace {

using Clock = std::chrono::steady_clock;

struct Result {
  double ops_per_second;
  double p50_us;
  double p99_us;
};

// `threads` callers each run `calls` GetProduct calls over the catalog's
// products in turn.
Result Measure(catalog::CatalogApi& api, int threads, int calls) {
  const std::vector<std::string> names = {
      "catalogs/midden-limburg-2024/products/bgi",
      "catalogs/midden-limburg-2024/products/kdv",
      "catalogs/perspectief-2024/products/logeerzorg",
      "catalogs/wmo-regulier-specialistisch/products/vervoer-regulier"};
  std::vector<std::vector<double>> latencies(threads);
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      catalog::v1::GetProductRequest request;
      catalog::v1::Product product;
      latencies[t].reserve(calls);
      for (int i = 0; i < calls; ++i) {
        request.set_name(names[(i + t) % names.size()]);
        const auto before = Clock::now();
        if (!api.GetProduct(request, &product).ok()) std::abort();
        latencies[t].push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - before)
                .count());
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  return {static_cast<double>(all.size()) / seconds, all[all.size() / 2],
          all[all.size() * 99 / 100]};
}

int Run() {
  auto redis_url = testing::TestRedisUrl();
  if (!redis_url.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(redis_url.status().message()).c_str());
    return 1;
  }
  auto redis = cache::ParseRedisUrl(*redis_url);
  constexpr int kThreads = 2;
  std::printf(
      "GetProduct via CatalogApi, %d threads, cache levels side by side\n\n",
      kThreads);
  std::printf("| store | cache | calls | ops/s | p50 µs | p99 µs |\n");
  std::printf("|---|---|---:|---:|---:|---:|\n");
  for (const std::string backend : {"sqlite", "postgres"}) {
    testing::TempDir dir;
    auto db = testing::OpenTestDatabase(backend, dir);
    if (!db.ok()) {
      std::fprintf(stderr, "%s\n", std::string(db.status().message()).c_str());
      return 1;
    }
    if (!store::Migrate(**db, "catalog",
                        catalog::CatalogRepository::Migrations())
             .ok()) {
      return 1;
    }
    catalog::CatalogRepository repository(**db);
    struct Mode {
      const char* name;
      int calls;
      std::unique_ptr<cache::Cache> cache;
    };
    std::vector<Mode> modes;
    modes.push_back({"none (store every call)", 2000, nullptr});
    modes.push_back({"in-process", 200000,
                     std::make_unique<cache::Cache>(
                         cache::CacheOptions{.service = "bench"}, nullptr)});
    modes.push_back(
        {"Redis only", 20000,
         std::make_unique<cache::Cache>(
             cache::CacheOptions{
                 .service = "bench", .max_entries = 0, .redis = *redis},
             nullptr)});
    for (Mode& mode : modes) {
      catalog::CatalogRegistry registry(repository, mode.cache.get());
      catalog::CatalogApi api(registry, **db);
      if (!api.ImportDirectory(testing::SourceDir() + "/catalogs").ok()) {
        return 1;
      }
      Measure(api, kThreads, mode.calls / 10);  // warm-up
      const Result r = Measure(api, kThreads, mode.calls);
      std::printf("| %s | %s | %d | %.0f | %.1f | %.1f |\n", backend.c_str(),
                  mode.name, mode.calls * kThreads, r.ops_per_second, r.p50_us,
                  r.p99_us);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace wmo

int main() { return wmo::Run(); }
