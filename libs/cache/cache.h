#ifndef WMO_LIBS_CACHE_CACHE_H_
#define WMO_LIBS_CACHE_CACHE_H_

#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "google/protobuf/message_lite.h"
#include "libs/cache/redis_client.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace wmo::cache {

struct CacheOptions {
  // Owner of the keys, for metric labels ("catalog", …).
  std::string service;
  // Entries of the in-process level; 0 turns that level off.
  size_t max_entries = 10000;
  // Redis as the second level shared by replicas; nullopt for none.
  std::optional<RedisOptions> redis = std::nullopt;
  // How long an entry read from Redis stays in-process: bounds how stale a
  // replica can be when it misses an invalidation.
  std::chrono::milliseconds remote_fill_ttl{5000};
  // Redis channel on which replicas announce invalidated keys.
  std::string invalidation_channel = "wmo:cache:invalidate";
};

// Inside this scope, on this thread, lookups answer from the in-process
// level only and never wait for Redis; code that would read the store
// instead returns WouldBlock(). For reads served on gRPC callback threads,
// which must not wait: what memory cannot answer is redone where waiting is
// allowed (an executor).
class MemoryOnlyScope {
 public:
  MemoryOnlyScope();
  ~MemoryOnlyScope();
  MemoryOnlyScope(const MemoryOnlyScope&) = delete;
  MemoryOnlyScope& operator=(const MemoryOnlyScope&) = delete;

  static bool Active();

 private:
  bool previous_;
};

// What a read inside a MemoryOnlyScope returns when memory cannot answer.
absl::Status WouldBlock();
bool IsWouldBlock(const absl::Status& status);

// A two-level cache of protobuf messages: an in-process LRU holding parsed
// messages (the level that serves repeated reads), then Redis holding their
// bytes, shared by replicas. Keys should be versioned by what they depend on
// (catalog version, etag) so entries never go stale; what cannot be versioned
// is invalidated, which drops the key here, in Redis and, through Redis
// pub/sub, on every replica. Redis trouble never fails a call: it counts a
// fallback and the caller reads the store. Thread-safe.
class Cache {
 public:
  Cache(CacheOptions options, prometheus::Registry* registry);
  ~Cache();

  template <typename T>
  std::shared_ptr<const T> Get(const std::string& key) {
    return std::static_pointer_cast<const T>(GetAny(key, &Make<T>));
  }

  // Looks up several keys with one Redis round trip (MGET) for those the
  // in-process level misses; results in key order, nullptr for misses.
  template <typename T>
  std::vector<std::shared_ptr<const T>> GetMany(
      const std::vector<std::string>& keys) {
    auto any = GetManyAny(keys, &Make<T>);
    std::vector<std::shared_ptr<const T>> out;
    out.reserve(any.size());
    for (auto& a : any) out.push_back(std::static_pointer_cast<const T>(a));
    return out;
  }

  // Stores `value` on both levels; `ttl` of 0 keeps it until evicted.
  void Put(const std::string& key,
           std::shared_ptr<const google::protobuf::MessageLite> value,
           std::chrono::milliseconds ttl = std::chrono::milliseconds(0));

  // Drops `key` here, in Redis and on every replica.
  void Invalidate(const std::string& key);

  // Drops everything held in-process.
  void ClearLocal();

  bool has_redis() const { return redis_ != nullptr; }

 private:
  using Factory = std::shared_ptr<google::protobuf::MessageLite> (*)();
  using AnyPtr = std::shared_ptr<const google::protobuf::MessageLite>;
  template <typename T>
  static std::shared_ptr<google::protobuf::MessageLite> Make() {
    return std::make_shared<T>();
  }
  struct Entry;
  struct Metrics;

  AnyPtr GetAny(const std::string& key, Factory factory);
  std::vector<AnyPtr> GetManyAny(const std::vector<std::string>& keys,
                                 Factory factory);
  AnyPtr LocalGet(const std::string& key);
  void LocalPut(const std::string& key, AnyPtr value,
                std::chrono::milliseconds ttl);
  void LocalErase(const std::string& key);

  const CacheOptions options_;
  std::unique_ptr<Metrics> metrics_;
  std::mutex mu_;
  // Most recently used first.
  std::list<Entry> lru_;
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> index_;
  std::unique_ptr<RedisClient> redis_;
};

}  // namespace wmo::cache

#endif  // WMO_LIBS_CACHE_CACHE_H_
