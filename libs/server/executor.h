#ifndef WMO_LIBS_SERVER_EXECUTOR_H_
#define WMO_LIBS_SERVER_EXECUTOR_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "libs/server/authenticator.h"

namespace wmo::server {

// A fixed pool of threads for handlers that block: on the store and, above
// all, on calls to other services. gRPC's callback threads must never wait
// for another call's callback, or a burst of such handlers takes every
// callback thread and the calls they wait for can never run. One executor
// per service keeps a chain of service calls free of such cycles.
//
// The queue is bounded in length and in time: while the oldest queued call
// has waited longer than `max_queue_delay`, the queue is not keeping up and
// new calls are refused at once (RESOURCE_EXHAUSTED) rather than queued to
// grow late (the idea of CoDel: judge a queue by how long it holds work,
// not by how much it holds, so that it sheds the same way for cheap and for
// heavy calls). So under overload the calls that are taken are answered in
// time and the rest fail fast, instead of all of them waiting until their
// deadlines pass. A queued call whose caller gave up or whose deadline
// passed is answered without running.
class Executor {
 public:
  // `name` names the service in errors; `max_queued` bounds the calls
  // waiting for a thread.
  Executor(std::string name, int threads, size_t max_queued,
           std::chrono::milliseconds max_queue_delay);
  // Runs what was queued, then joins the threads.
  ~Executor();

  // Queues `task`; false (and `task` dropped) when the queue is full or its
  // oldest call has waited past max_queue_delay.
  bool TrySubmit(std::function<void()> task);

  // RESOURCE_EXHAUSTED saying this executor is full.
  absl::Status Full() const;

 private:
  struct Queued {
    std::function<void()> task;
    std::chrono::steady_clock::time_point since;
  };

  const std::string name_;
  const size_t max_queued_;
  const std::chrono::milliseconds max_queue_delay_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Authenticates the call, then runs `call` (returning absl::Status) on
// `executor` inside a CallScope and finishes the unary callback call with
// its status. The request and response stay valid until then. No valid
// credentials, a full executor, a cancelled call or a deadline already past
// finish the call without running `call`.
grpc::ServerUnaryReactor* RespondLater(grpc::CallbackServerContext* context,
                                       Executor& executor,
                                       const Authenticator& authenticator,
                                       std::function<absl::Status()> call);

// RespondLater for a method served raw (the generated
// WithRawCallbackMethod_*): the request stays in its wire form until the
// executor takes the call, so that a call refused under overload costs no
// parsing, and request and response live on one arena (no allocation per
// string). For methods whose requests can be large: parsing a big request
// costs more than refusing it, so refusing after parsing would spend an
// overloaded server's time on calls it then turns away.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* RespondLaterParsed(
    grpc::CallbackServerContext* context, Executor& executor,
    const Authenticator& authenticator, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response,
    std::function<absl::Status(const Request&, Response*)> call) {
  return RespondLater(
      context, executor, authenticator,
      [request, response, call = std::move(call)]() -> absl::Status {
        google::protobuf::Arena arena;
        auto* in = google::protobuf::Arena::CreateMessage<Request>(&arena);
        grpc::ByteBuffer wire(*request);  // Shares the slices.
        if (!grpc::SerializationTraits<Request>::Deserialize(&wire, in).ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "the request is not a valid ", Request::descriptor()->full_name(),
              "; send it as that protobuf message"));
        }
        auto* out = google::protobuf::Arena::CreateMessage<Response>(&arena);
        if (absl::Status s = call(*in, out); !s.ok()) return s;
        bool own_buffer = false;
        if (!grpc::SerializationTraits<Response>::Serialize(*out, response,
                                                            &own_buffer)
                 .ok()) {
          return absl::InternalError("the response could not be serialized");
        }
        return absl::OkStatus();
      });
}

// Whether the call has already ended for its caller: the status to finish
// it with (CANCELLED or DEADLINE_EXCEEDED), or OK when it is still wanted.
absl::Status CallerGaveUp(const grpc::CallbackServerContext& context);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_EXECUTOR_H_
