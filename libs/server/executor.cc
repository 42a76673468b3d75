#include "libs/server/executor.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "libs/server/call_scope.h"
#include "libs/server/status.h"

namespace wmo::server {

Executor::Executor(std::string name, int threads, size_t max_queued,
                   std::chrono::milliseconds max_queue_delay)
    : name_(std::move(name)),
      max_queued_(max_queued),
      max_queue_delay_(max_queue_delay) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      while (true) {
        std::function<void()> task;
        {
          std::unique_lock lock(mu_);
          cv_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
          if (tasks_.empty()) return;
          task = std::move(tasks_.front().task);
          tasks_.pop_front();
        }
        task();
      }
    });
  }
}

Executor::~Executor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool Executor::TrySubmit(std::function<void()> task) {
  {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    if (tasks_.size() >= max_queued_) return false;
    if (!tasks_.empty() && now - tasks_.front().since > max_queue_delay_) {
      return false;
    }
    tasks_.push_back({std::move(task), now});
  }
  cv_.notify_one();
  return true;
}

absl::Status Executor::Full() const {
  return WithReason(
      absl::ResourceExhaustedError(absl::StrCat(
          "the ", name_,
          " service is busy (its queue is full or holds calls "
          "longer than ",
          max_queue_delay_.count(), " ms); retry after a short backoff")),
      "SERVER_OVERLOADED");
}

absl::Status CallerGaveUp(const grpc::CallbackServerContext& context) {
  if (context.IsCancelled()) {
    return absl::CancelledError("the caller cancelled the call");
  }
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError(
        "the call's deadline passed before it could run");
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* RespondLater(grpc::CallbackServerContext* context,
                                       Executor& executor,
                                       const Authenticator& authenticator,
                                       std::function<absl::Status()> call) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<auth::Principal> caller = authenticator.Authenticate(*context);
  // Refused before the call's scope: named by the caller's request id.
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status(), RequestIdOf(*context)));
    return reactor;
  }
  const bool from_role = authenticator.FromAnotherRole(*context);
  const bool queued =
      executor.TrySubmit([context, reactor, caller = *std::move(caller),
                          from_role, call = std::move(call)]() mutable {
        grpc::Status answer;
        if (absl::Status gave_up = CallerGaveUp(*context); !gave_up.ok()) {
          answer = ToGrpcStatus(gave_up);
        } else {
          // Mapped inside the scope: an error's log line and ErrorInfo
          // carry the call's request id.
          CallScope scope(*context, caller, from_role);
          context->AddInitialMetadata("x-request-id", scope.request_id());
          answer = ToGrpcStatus(call());
        }
        // What the call holds (budget leases) goes back before the caller
        // has its answer, so that its next call finds it free.
        call = nullptr;
        reactor->Finish(answer);
      });
  if (!queued) {
    reactor->Finish(ToGrpcStatus(executor.Full(), RequestIdOf(*context)));
  }
  return reactor;
}

}  // namespace wmo::server
