#include "libs/cache/cache.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/http.h"
#include "libs/testing/process.h"
#include "prometheus/registry.h"
#include "wmo/catalog/v1/catalog.pb.h"

namespace wmo::cache {
namespace {

using wmo::catalog::v1::Product;

std::shared_ptr<const Product> MakeProduct(const std::string& id) {
  auto p = std::make_shared<Product>();
  p->set_id(id);
  return p;
}

// Polls `done` until it holds or ten seconds pass; for effects that travel
// asynchronously (pub/sub, reconnects), never as a timing assertion.
bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

double Counter(prometheus::Registry& registry, const std::string& name,
               const std::string& level, const std::string& result) {
  for (const auto& f : registry.Collect()) {
    if (f.name != name) continue;
    for (const auto& m : f.metric) {
      bool match = true;
      for (const auto& l : m.label) {
        if (l.name == "level") match &= l.value == level;
        if (l.name == "result") match &= l.value == result;
      }
      if (match) return m.counter.value;
    }
  }
  return -1;
}

// A real redis-server of this test's own, so it can be stopped and started.
class RedisServer {
 public:
  RedisServer() : port_(testing::FreePort()) { Start(); }
  void Start() {
    const char* binary = std::getenv("WMO_TEST_REDIS_SERVER");
    process_ = std::make_unique<testing::Process>(std::vector<std::string>{
        binary ? binary : "/usr/bin/redis-server", "--bind", "127.0.0.1",
        "--port", std::to_string(port_), "--save", "", "--appendonly", "no",
        "--logfile", ""});
    RedisClient probe({.port = port_}, nullptr);
    ASSERT_TRUE(Eventually([&] { return probe.MGet({"x"}).ok(); }));
  }
  void Stop() { process_.reset(); }
  RedisOptions options() const {
    RedisOptions o;
    o.port = port_;
    o.min_backoff = std::chrono::milliseconds(10);
    o.max_backoff = std::chrono::milliseconds(50);
    return o;
  }

 private:
  int port_;
  std::unique_ptr<testing::Process> process_;
};

TEST(CacheTest, LocalLevelServesRepeatedReads) {
  prometheus::Registry registry;
  Cache cache({.service = "t"}, &registry);
  EXPECT_EQ(cache.Get<Product>("k"), nullptr);
  cache.Put("k", MakeProduct("a"));
  auto hit = cache.Get<Product>("k");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->id(), "a");
  EXPECT_EQ(hit, cache.Get<Product>("k")) << "the same parsed object";
  EXPECT_EQ(Counter(registry, "wmo_cache_requests_total", "local", "hit"), 2);
  EXPECT_EQ(Counter(registry, "wmo_cache_requests_total", "local", "miss"), 1);
}

TEST(CacheTest, LeastRecentlyUsedIsEvicted) {
  Cache cache({.service = "t", .max_entries = 2}, nullptr);
  cache.Put("a", MakeProduct("a"));
  cache.Put("b", MakeProduct("b"));
  ASSERT_NE(cache.Get<Product>("a"), nullptr);  // b is now the oldest
  cache.Put("c", MakeProduct("c"));
  EXPECT_NE(cache.Get<Product>("a"), nullptr);
  EXPECT_EQ(cache.Get<Product>("b"), nullptr);
  EXPECT_NE(cache.Get<Product>("c"), nullptr);
}

TEST(CacheTest, ExpiredEntryIsAMiss) {
  Cache cache({.service = "t"}, nullptr);
  cache.Put("k", MakeProduct("a"), std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(cache.Get<Product>("k"), nullptr);
}

TEST(CacheTest, RedisSharesEntriesBetweenReplicas) {
  RedisServer redis;
  prometheus::Registry registry;
  Cache a({.service = "t", .redis = redis.options()}, nullptr);
  Cache b({.service = "t", .redis = redis.options()}, &registry);
  a.Put("shared", MakeProduct("s"));
  auto hit = b.Get<Product>("shared");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->id(), "s");
  EXPECT_EQ(Counter(registry, "wmo_cache_requests_total", "redis", "hit"), 1);
}

TEST(CacheTest, MemoryOnlyReadsNeverAskRedisAndCountNothingOnAMiss) {
  RedisServer redis;
  prometheus::Registry registry;
  Cache a({.service = "t", .redis = redis.options()}, nullptr);
  Cache b({.service = "t", .redis = redis.options()}, &registry);
  a.Put("shared", MakeProduct("s"));  // In Redis, not in b's memory.
  {
    MemoryOnlyScope memory_only;
    EXPECT_TRUE(MemoryOnlyScope::Active());
    EXPECT_EQ(b.Get<Product>("shared"), nullptr);
  }
  EXPECT_FALSE(MemoryOnlyScope::Active());
  EXPECT_EQ(Counter(registry, "wmo_cache_requests_total", "redis", "hit"), 0);
  EXPECT_EQ(Counter(registry, "wmo_cache_requests_total", "local", "miss"), 0);
  // Redone outside the scope, the read goes on to Redis.
  ASSERT_NE(b.Get<Product>("shared"), nullptr);
  {
    MemoryOnlyScope memory_only;
    EXPECT_NE(b.Get<Product>("shared"), nullptr) << "now in memory";
  }
  EXPECT_TRUE(IsWouldBlock(WouldBlock()));
  EXPECT_FALSE(IsWouldBlock(absl::UnavailableError("redis down")));
}

TEST(CacheTest, GetManyKeepsKeyOrder) {
  RedisServer redis;
  Cache a({.service = "t", .redis = redis.options()}, nullptr);
  Cache b({.service = "t", .redis = redis.options()}, nullptr);
  a.Put("1", MakeProduct("one"));
  a.Put("3", MakeProduct("three"));
  b.Put("2", MakeProduct("two"));  // b holds 2 locally; 1 and 3 via MGET
  auto got = b.GetMany<Product>({"1", "2", "missing", "3"});
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0]->id(), "one");
  EXPECT_EQ(got[1]->id(), "two");
  EXPECT_EQ(got[2], nullptr);
  EXPECT_EQ(got[3]->id(), "three");
}

TEST(CacheTest, InvalidationReachesEveryReplica) {
  RedisServer redis;
  Cache a({.service = "t", .redis = redis.options()}, nullptr);
  Cache b({.service = "t", .redis = redis.options()}, nullptr);
  a.Put("k", MakeProduct("old"));
  ASSERT_NE(b.Get<Product>("k"), nullptr);  // now in b's local level
  // Subscriptions start asynchronously: invalidate until b has heard it.
  EXPECT_TRUE(Eventually([&] {
    a.Invalidate("k");
    return b.Get<Product>("k") == nullptr;
  }));
}

TEST(CacheTest, RedisDownFallsBackThenResumes) {
  RedisServer redis;
  prometheus::Registry registry;
  Cache cache({.service = "t", .max_entries = 0, .redis = redis.options()},
              &registry);
  cache.Put("k", MakeProduct("a"));
  ASSERT_NE(cache.Get<Product>("k"), nullptr);

  redis.Stop();
  EXPECT_EQ(cache.Get<Product>("k"), nullptr) << "a miss, not an error";
  cache.Put("k2", MakeProduct("b"));
  EXPECT_GE(Counter(registry, "wmo_cache_fallbacks_total", "", ""), 2);

  redis.Start();
  EXPECT_TRUE(Eventually([&] {
    cache.Put("k3", MakeProduct("c"));
    return cache.Get<Product>("k3") != nullptr;
  }));
}

TEST(CacheTest, UnreachableRedisNeverFailsACall) {
  RedisOptions nowhere;
  nowhere.port = testing::FreePort();
  prometheus::Registry registry;
  Cache cache({.service = "t", .redis = nowhere}, &registry);
  cache.Put("k", MakeProduct("a"));
  EXPECT_NE(cache.Get<Product>("k"), nullptr) << "the local level still works";
  EXPECT_EQ(cache.Get<Product>("other"), nullptr);
  EXPECT_GE(Counter(registry, "wmo_cache_fallbacks_total", "", ""), 1);
}

TEST(RedisUrlTest, ParsesHostAndPort) {
  auto o = ParseRedisUrl("redis://10.0.0.1:6380");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "10.0.0.1");
  EXPECT_EQ(o->port, 6380);
  EXPECT_FALSE(ParseRedisUrl("http://x").ok());
  EXPECT_FALSE(ParseRedisUrl("redis://x:0").ok());
}

}  // namespace
}  // namespace wmo::cache
