#ifndef WMO_LIBS_CACHE_REDIS_CLIENT_H_
#define WMO_LIBS_CACHE_REDIS_CLIENT_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

struct redisContext;

namespace wmo::cache {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::chrono::milliseconds connect_timeout{200};
  // A slow Redis is treated as down: calls give up after this long.
  std::chrono::milliseconds io_timeout{100};
  // Reconnect attempts back off from min to max while Redis is down.
  std::chrono::milliseconds min_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
};

// Parses "redis://host:port".
absl::StatusOr<RedisOptions> ParseRedisUrl(const std::string& url);

// A small synchronous Redis client over hiredis for the cache: GET/MGET,
// SET with expiry, DEL, PUBLISH, and one subscription on its own connection.
// When Redis is unreachable or slow, calls fail fast with UNAVAILABLE until
// the back-off allows the next attempt; `on_state` hears of every change
// between up and down (one warning per outage, not per call).
class RedisClient {
 public:
  RedisClient(RedisOptions options, std::function<void(bool up)> on_state);
  ~RedisClient();

  // Values of the keys in order; nullopt for a missing key.
  absl::StatusOr<std::vector<std::optional<std::string>>> MGet(
      const std::vector<std::string>& keys);
  absl::Status Set(const std::string& key, const std::string& value,
                   std::chrono::milliseconds ttl);
  absl::Status Del(const std::vector<std::string>& keys);
  absl::Status Publish(const std::string& channel, const std::string& message);

  // Starts a thread that delivers every message on `channel` to
  // `on_message`, and calls `on_resubscribed` after each reconnect (messages
  // may have been missed while disconnected). Call at most once.
  void Subscribe(const std::string& channel,
                 std::function<void(const std::string&)> on_message,
                 std::function<void()> on_resubscribed);

 private:
  struct ContextDeleter {
    void operator()(redisContext* c) const;
  };
  using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

  // Runs `argv` (pipelined when several commands), reconnecting as the
  // back-off allows. Holds mu_.
  absl::StatusOr<std::vector<void*>> Run(
      const std::vector<std::vector<std::string>>& commands);
  ContextPtr Connect(bool with_io_timeout);
  void MarkDown();
  void MarkUp();
  // Runs on subscriber_; the arguments are the thread's own copies.
  void SubscriberLoop(const std::string& channel,
                      const std::function<void(const std::string&)>& on_message,
                      const std::function<void()>& on_resubscribed);

  const RedisOptions options_;
  const std::function<void(bool)> on_state_;
  std::mutex mu_;
  ContextPtr context_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_;
  std::atomic<bool> up_{true};

  std::atomic<bool> stopping_{false};
  std::mutex subscriber_mu_;
  int subscriber_fd_ = -1;
  std::thread subscriber_;
};

}  // namespace wmo::cache

#endif  // WMO_LIBS_CACHE_REDIS_CLIENT_H_
