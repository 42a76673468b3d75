#include "libs/cache/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/socket.h>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace wmo::cache {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

struct ReplyDeleter {
  void operator()(void* r) const {
    if (r) freeReplyObject(r);
  }
};

}  // namespace

absl::StatusOr<RedisOptions> ParseRedisUrl(const std::string& url) {
  RedisOptions options;
  absl::string_view rest(url);
  if (!absl::ConsumePrefix(&rest, "redis://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "redis_url: \"", url, "\"; write it as redis://host:port"));
  }
  const size_t colon = rest.rfind(':');
  if (colon == absl::string_view::npos) {
    options.host = std::string(rest);
  } else {
    options.host = std::string(rest.substr(0, colon));
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &options.port) ||
        options.port <= 0 || options.port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis_url: bad port in \"", url, "\""));
    }
  }
  if (options.host.empty()) options.host = "127.0.0.1";
  return options;
}

void RedisClient::ContextDeleter::operator()(redisContext* c) const {
  redisFree(c);
}

RedisClient::RedisClient(RedisOptions options,
                         std::function<void(bool up)> on_state)
    : options_(std::move(options)),
      on_state_(std::move(on_state)),
      backoff_(options_.min_backoff) {}

RedisClient::~RedisClient() {
  stopping_ = true;
  {
    // Wakes the subscriber from its blocking read.
    std::lock_guard lock(subscriber_mu_);
    if (subscriber_fd_ >= 0) shutdown(subscriber_fd_, SHUT_RDWR);
  }
  if (subscriber_.joinable()) subscriber_.join();
}

RedisClient::ContextPtr RedisClient::Connect(bool with_io_timeout) {
  ContextPtr c(redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                       ToTimeval(options_.connect_timeout)));
  if (c == nullptr || c->err) return nullptr;
  if (with_io_timeout &&
      redisSetTimeout(c.get(), ToTimeval(options_.io_timeout)) != REDIS_OK) {
    return nullptr;
  }
  return c;
}

void RedisClient::MarkDown() {
  context_.reset();
  next_attempt_ = std::chrono::steady_clock::now() + backoff_;
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  if (up_.exchange(false) && on_state_) on_state_(false);
}

void RedisClient::MarkUp() {
  backoff_ = options_.min_backoff;
  if (!up_.exchange(true) && on_state_) on_state_(true);
}

absl::StatusOr<std::vector<void*>> RedisClient::Run(
    const std::vector<std::vector<std::string>>& commands) {
  if (context_ == nullptr) {
    if (std::chrono::steady_clock::now() < next_attempt_) {
      return absl::UnavailableError("redis down (waiting to reconnect)");
    }
    context_ = Connect(/*with_io_timeout=*/true);
    if (context_ == nullptr) {
      MarkDown();
      return absl::UnavailableError("redis unreachable");
    }
  }
  for (const auto& command : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& a : command) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()),
                           argv.data(), lengths.data());
  }
  std::vector<void*> replies;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* reply = nullptr;
    if (redisGetReply(context_.get(), &reply) != REDIS_OK || reply == nullptr) {
      for (void* r : replies) freeReplyObject(r);
      const std::string error = context_->errstr;
      MarkDown();
      return absl::UnavailableError(absl::StrCat("redis: ", error));
    }
    replies.push_back(reply);
  }
  MarkUp();
  return replies;
}

absl::StatusOr<std::vector<std::optional<std::string>>> RedisClient::MGet(
    const std::vector<std::string>& keys) {
  std::vector<std::string> command = {"MGET"};
  command.insert(command.end(), keys.begin(), keys.end());
  std::lock_guard lock(mu_);
  auto replies = Run({command});
  if (!replies.ok()) return replies.status();
  std::unique_ptr<void, ReplyDeleter> holder((*replies)[0]);
  auto* reply = static_cast<redisReply*>((*replies)[0]);
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != keys.size()) {
    return absl::InternalError("redis: unexpected MGET reply");
  }
  std::vector<std::optional<std::string>> values(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const redisReply* element = reply->element[i];
    if (element->type == REDIS_REPLY_STRING) {
      values[i] = std::string(element->str, element->len);
    }
  }
  return values;
}

absl::Status RedisClient::Set(const std::string& key, const std::string& value,
                              std::chrono::milliseconds ttl) {
  std::vector<std::string> command = {"SET", key, value};
  if (ttl.count() > 0) {
    command.push_back("PX");
    command.push_back(absl::StrCat(ttl.count()));
  }
  std::lock_guard lock(mu_);
  auto replies = Run({command});
  if (!replies.ok()) return replies.status();
  freeReplyObject((*replies)[0]);
  return absl::OkStatus();
}

absl::Status RedisClient::Del(const std::vector<std::string>& keys) {
  std::vector<std::string> command = {"DEL"};
  command.insert(command.end(), keys.begin(), keys.end());
  std::lock_guard lock(mu_);
  auto replies = Run({command});
  if (!replies.ok()) return replies.status();
  freeReplyObject((*replies)[0]);
  return absl::OkStatus();
}

absl::Status RedisClient::Publish(const std::string& channel,
                                  const std::string& message) {
  std::lock_guard lock(mu_);
  auto replies = Run({{"PUBLISH", channel, message}});
  if (!replies.ok()) return replies.status();
  freeReplyObject((*replies)[0]);
  return absl::OkStatus();
}

void RedisClient::Subscribe(const std::string& channel,
                            std::function<void(const std::string&)> on_message,
                            std::function<void()> on_resubscribed) {
  subscriber_ = std::thread(&RedisClient::SubscriberLoop, this, channel,
                            std::move(on_message), std::move(on_resubscribed));
}

void RedisClient::SubscriberLoop(
    const std::string& channel,
    const std::function<void(const std::string&)>& on_message,
    const std::function<void()>& on_resubscribed) {
  auto backoff = options_.min_backoff;
  bool first = true;
  while (!stopping_) {
    // No read timeout: the subscriber blocks until a message or shutdown().
    ContextPtr c = Connect(/*with_io_timeout=*/false);
    void* raw = nullptr;
    if (c != nullptr) {
      // TCP keepalive notices a dead peer; the fd is published before the
      // first blocking call so the destructor can always wake this thread.
      redisEnableKeepAlive(c.get());
      std::lock_guard lock(subscriber_mu_);
      if (stopping_) break;
      subscriber_fd_ = c->fd;
    }
    if (c != nullptr) {
      const char* argv[] = {"SUBSCRIBE", channel.c_str()};
      const size_t lengths[] = {9, channel.size()};
      raw = redisCommandArgv(c.get(), 2, argv, lengths);
    }
    if (raw == nullptr) {
      {
        std::lock_guard lock(subscriber_mu_);
        subscriber_fd_ = -1;
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    freeReplyObject(raw);
    backoff = options_.min_backoff;
    if (!first && on_resubscribed) on_resubscribed();
    first = false;
    while (!stopping_) {
      void* reply = nullptr;
      if (redisGetReply(c.get(), &reply) != REDIS_OK || reply == nullptr) {
        break;
      }
      std::unique_ptr<void, ReplyDeleter> holder(reply);
      auto* r = static_cast<redisReply*>(reply);
      // ["message", channel, payload]
      if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
          r->element[2]->type == REDIS_REPLY_STRING) {
        on_message(std::string(r->element[2]->str, r->element[2]->len));
      }
    }
    std::lock_guard lock(subscriber_mu_);
    subscriber_fd_ = -1;
  }
}

}  // namespace wmo::cache
