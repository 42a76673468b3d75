#ifndef WMO_LIBS_SERVER_EXECUTOR_H_
#define WMO_LIBS_SERVER_EXECUTOR_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/server_context.h"

namespace wmo::server {

// A fixed pool of threads for handlers that block: on the store and, above
// all, on calls to other services. gRPC's callback threads must never wait
// for another call's callback, or a burst of such handlers takes every
// callback thread and the calls they wait for can never run. One executor
// per service keeps a chain of service calls free of such cycles.
//
// The queue is bounded: under overload a call is refused at once
// (RESOURCE_EXHAUSTED) rather than queued past any use, and a queued call
// whose caller gave up or whose deadline passed is answered without running.
class Executor {
 public:
  // `name` names the service in errors; `max_queued` bounds the calls
  // waiting for a thread.
  Executor(std::string name, int threads, size_t max_queued);
  // Runs what was queued, then joins the threads.
  ~Executor();

  // Queues `task`; false (and `task` dropped) when the queue is full.
  bool TrySubmit(std::function<void()> task);

  // RESOURCE_EXHAUSTED saying this executor is full.
  absl::Status Full() const;

 private:
  const std::string name_;
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Runs `call` (returning absl::Status) on `executor` inside a CallScope and
// finishes the unary callback call with its status. The request and
// response stay valid until then. A full executor, a cancelled call or a
// deadline already past finish the call without running `call`.
grpc::ServerUnaryReactor* RespondLater(grpc::CallbackServerContext* context,
                                       Executor& executor,
                                       std::function<absl::Status()> call);

// Whether the call has already ended for its caller: the status to finish
// it with (CANCELLED or DEADLINE_EXCEEDED), or OK when it is still wanted.
absl::Status CallerGaveUp(const grpc::CallbackServerContext& context);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_EXECUTOR_H_
