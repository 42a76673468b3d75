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
class Executor {
 public:
  explicit Executor(int threads);
  // Runs what was queued, then joins the threads.
  ~Executor();

  void Submit(std::function<void()> task);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Runs `call` (returning absl::Status) on `executor` and finishes the unary
// callback call with its status. The request and response stay valid until
// then.
grpc::ServerUnaryReactor* RespondLater(grpc::CallbackServerContext* context,
                                       Executor& executor,
                                       std::function<absl::Status()> call);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_EXECUTOR_H_
