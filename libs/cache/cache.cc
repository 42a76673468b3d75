#include "libs/cache/cache.h"

#include "absl/strings/str_cat.h"
#include "libs/server/log.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace wmo::cache {

struct Cache::Entry {
  std::string key;
  AnyPtr value;
  // time_point::max() for no expiry.
  std::chrono::steady_clock::time_point expires;
};

// Counters of one cache; all null without a registry.
struct Cache::Metrics {
  prometheus::Counter* l1_hits = nullptr;
  prometheus::Counter* l1_misses = nullptr;
  prometheus::Counter* l2_hits = nullptr;
  prometheus::Counter* l2_misses = nullptr;
  prometheus::Counter* fallbacks = nullptr;

  static void Inc(prometheus::Counter* c, double n = 1) {
    if (c != nullptr) c->Increment(n);
  }
};

namespace {

constexpr auto kNoExpiry = std::chrono::steady_clock::time_point::max();

}  // namespace

Cache::Cache(CacheOptions options, prometheus::Registry* registry)
    : options_(std::move(options)), metrics_(std::make_unique<Metrics>()) {
  if (registry != nullptr) {
    auto& requests = prometheus::BuildCounter()
                         .Name("wmo_cache_requests_total")
                         .Help("Cache look-ups by level and result.")
                         .Register(*registry);
    auto& fallbacks = prometheus::BuildCounter()
                          .Name("wmo_cache_fallbacks_total")
                          .Help(
                              "Cache operations that skipped Redis because "
                              "it was down or slow.")
                          .Register(*registry);
    const std::string& s = options_.service;
    metrics_->l1_hits =
        &requests.Add({{"service", s}, {"level", "local"}, {"result", "hit"}});
    metrics_->l1_misses =
        &requests.Add({{"service", s}, {"level", "local"}, {"result", "miss"}});
    metrics_->l2_hits =
        &requests.Add({{"service", s}, {"level", "redis"}, {"result", "hit"}});
    metrics_->l2_misses =
        &requests.Add({{"service", s}, {"level", "redis"}, {"result", "miss"}});
    metrics_->fallbacks = &fallbacks.Add({{"service", s}});
  }
  if (options_.redis) {
    const std::string service = options_.service;
    redis_ = std::make_unique<RedisClient>(*options_.redis, [service](bool up) {
      if (up) {
        server::LogInfo(absl::StrCat(service, " cache: Redis is back"));
      } else {
        server::LogWarning(
            absl::StrCat(service,
                         " cache: Redis is down or slow; reading the store "
                         "until it is back"));
      }
    });
    redis_->Subscribe(
        options_.invalidation_channel,
        [this](const std::string& key) { LocalErase(key); },
        // Invalidations sent while we were disconnected are lost.
        [this] { ClearLocal(); });
  }
}

Cache::~Cache() = default;

Cache::AnyPtr Cache::LocalGet(const std::string& key) {
  if (options_.max_entries == 0) return nullptr;
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  if (it->second->expires <= std::chrono::steady_clock::now()) {
    lru_.erase(it->second);
    index_.erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

void Cache::LocalPut(const std::string& key, AnyPtr value,
                     std::chrono::milliseconds ttl) {
  if (options_.max_entries == 0) return;
  const auto expires =
      ttl.count() > 0 ? std::chrono::steady_clock::now() + ttl : kNoExpiry;
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->value = std::move(value);
    it->second->expires = expires;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front({key, std::move(value), expires});
  index_.emplace(key, lru_.begin());
  if (lru_.size() > options_.max_entries) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

void Cache::LocalErase(const std::string& key) {
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.erase(it->second);
    index_.erase(it);
  }
}

void Cache::ClearLocal() {
  std::lock_guard lock(mu_);
  lru_.clear();
  index_.clear();
}

namespace {

thread_local bool memory_only = false;
constexpr char kWouldBlock[] = "wmo.cache/would-block";

}  // namespace

MemoryOnlyScope::MemoryOnlyScope() : previous_(memory_only) {
  memory_only = true;
}
MemoryOnlyScope::~MemoryOnlyScope() { memory_only = previous_; }
bool MemoryOnlyScope::Active() { return memory_only; }

absl::Status WouldBlock() {
  absl::Status status = absl::UnavailableError(
      "not in memory; to be read where waiting is allowed");
  status.SetPayload(kWouldBlock, absl::Cord("1"));
  return status;
}

bool IsWouldBlock(const absl::Status& status) {
  return status.GetPayload(kWouldBlock).has_value();
}

Cache::AnyPtr Cache::GetAny(const std::string& key, Factory factory) {
  return GetManyAny({key}, factory)[0];
}

std::vector<Cache::AnyPtr> Cache::GetManyAny(
    const std::vector<std::string>& keys, Factory factory) {
  std::vector<AnyPtr> out(keys.size());
  std::vector<std::string> remote_keys;
  std::vector<size_t> remote_slots;
  for (size_t i = 0; i < keys.size(); ++i) {
    out[i] = LocalGet(keys[i]);
    // A memory-only miss is counted when the read is redone.
    if (out[i] == nullptr && memory_only) continue;
    if (out[i] != nullptr) {
      Metrics::Inc(metrics_->l1_hits);
    } else {
      Metrics::Inc(metrics_->l1_misses);
      remote_keys.push_back(keys[i]);
      remote_slots.push_back(i);
    }
  }
  if (remote_keys.empty() || redis_ == nullptr) return out;
  auto values = redis_->MGet(remote_keys);
  if (!values.ok()) {
    Metrics::Inc(metrics_->fallbacks);
    return out;
  }
  for (size_t j = 0; j < remote_keys.size(); ++j) {
    const auto& bytes = (*values)[j];
    std::shared_ptr<google::protobuf::MessageLite> message;
    if (bytes) {
      message = factory();
      if (!message->ParseFromString(*bytes)) message.reset();
    }
    if (message == nullptr) {
      Metrics::Inc(metrics_->l2_misses);
      continue;
    }
    Metrics::Inc(metrics_->l2_hits);
    out[remote_slots[j]] = message;
    LocalPut(remote_keys[j], message, options_.remote_fill_ttl);
  }
  return out;
}

void Cache::Put(const std::string& key, AnyPtr value,
                std::chrono::milliseconds ttl) {
  if (redis_ != nullptr &&
      !redis_->Set(key, value->SerializeAsString(), ttl).ok()) {
    Metrics::Inc(metrics_->fallbacks);
  }
  LocalPut(key, std::move(value), ttl);
}

void Cache::Invalidate(const std::string& key) {
  LocalErase(key);
  if (redis_ == nullptr) return;
  if (!redis_->Del({key}).ok() ||
      !redis_->Publish(options_.invalidation_channel, key).ok()) {
    Metrics::Inc(metrics_->fallbacks);
  }
}

}  // namespace wmo::cache
