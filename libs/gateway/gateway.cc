#include "libs/gateway/gateway.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/api/httpbody.pb.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/protobuf/util/type_resolver_util.h"
#include "google/rpc/code.pb.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "libs/gateway/openapi.h"
#include "libs/gateway/proto_docs.h"
#include "libs/gateway/proto_json.h"
#include "libs/gateway/request_builder.h"
#include "libs/gateway/route.h"
#include "libs/gateway/status_mapping.h"
#include "libs/http/server.h"
#include "libs/server/log.h"
#include "libs/server/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace wmo::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";
constexpr char kRequestIdHeader[] = "x-request-id";
// HTTP headers passed on as gRPC metadata (lower case, as gRPC wants them).
constexpr const char* kForwardedHeaders[] = {"authorization"};
// Methods other than these share one label value, which keeps the metric
// series bounded whatever clients send.
constexpr const char* kKnownMethods[] = {"GET",   "HEAD",   "POST",   "PUT",
                                         "PATCH", "DELETE", "OPTIONS"};

// gRPC metadata values must be printable ASCII.
bool IsMetadataValue(absl::string_view value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// The gRPC code for an HTTP error the HTTP server answers itself.
int GrpcCodeForHttpError(int status) {
  switch (status) {
    case 400:
    case 431:
      return google::rpc::INVALID_ARGUMENT;
    case 408:
      return google::rpc::DEADLINE_EXCEEDED;
    case 413:
      return google::rpc::RESOURCE_EXHAUSTED;
    default:
      return google::rpc::INTERNAL;
  }
}

std::string MethodLabel(absl::string_view method) {
  for (const char* known : kKnownMethods) {
    if (method == known) return known;
  }
  return "other";
}

const Message& Prototype(const Descriptor& type) {
  return *google::protobuf::MessageFactory::generated_factory()->GetPrototype(
      &type);
}

}  // namespace

class Gateway::Impl {
 public:
  Impl(std::shared_ptr<grpc::Channel> channel,
       const std::vector<std::string>& services, prometheus::Registry* registry,
       GatewayOptions options)
      : options_(std::move(options)),
        channel_(std::move(channel)),
        stub_(channel_),
        resolver_(google::protobuf::util::NewTypeResolverForDescriptorPool(
            kTypeUrlPrefix,
            google::protobuf::DescriptorPool::generated_pool())) {
    // Error details are google.rpc messages in Any. The resolver only finds
    // types whose generated code is linked in; naming one here keeps
    // error_details.pb.o (BadRequest, PreconditionFailure, ...) in every
    // binary that serves the gateway.
    google::rpc::BadRequest::descriptor();

    if (channel_ == nullptr) {
      init_status_ = absl::InvalidArgumentError("the gateway needs a channel");
    }
    std::vector<Route> routes;
    for (const std::string& name : services) {
      const google::protobuf::ServiceDescriptor* service =
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
              name);
      if (service == nullptr) {
        init_status_.Update(absl::NotFoundError(absl::StrCat(
            "service ", name,
            " is not in the generated descriptor pool; link its generated "
            "code into the binary")));
        break;
      }
      absl::StatusOr<std::vector<Route>> service_routes = RoutesOf(*service);
      if (!service_routes.ok()) {
        init_status_.Update(service_routes.status());
        break;
      }
      for (Route& r : *service_routes) {
        const Descriptor& output = *r.method->output_type();
        if (RendersDirectly(output)) rendered_directly_.insert(&output);
        if (HoldsFieldPaths(output)) names_fields_.insert(&output);
        routes.push_back(std::move(r));
      }
    }
    router_ = std::make_unique<Router>(std::move(routes));
    openapi_ = BuildOpenApi({"Wmo API", "v1"}, router_->routes(),
                            &ProtoDocs::Project());
    if (registry != nullptr && init_status_.ok()) RegisterMetrics(*registry);
  }

  ~Impl() { Stop(); }

  absl::Status Start(const std::string& host, int port) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!init_status_.ok()) return init_status_;
    if (server_ != nullptr || stopped_) {
      return absl::FailedPreconditionError(
          "gateway was already started or stopped");
    }
    http::ServerOptions http_options;
    http_options.max_body_bytes = options_.max_body_bytes;
    http_options.error = [this](int status, absl::string_view message) {
      return ErrorResponse(status,
                           absl::Status(static_cast<absl::StatusCode>(
                                            GrpcCodeForHttpError(status)),
                                        message));
    };
    auto server = std::make_unique<http::Server>(
        std::move(http_options), [this](const http::Request& request,
                                        std::shared_ptr<http::Reply> reply) {
          Handle(request, std::move(reply));
        });
    if (absl::Status s = server->Start(host, port); !s.ok()) return s;
    server_ = std::move(server);
    return absl::OkStatus();
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    if (server_ == nullptr) return;
    server_->Stop(options_.drain);
    // The stop cancelled the gRPC calls still open; their callbacks hold
    // exchanges, and with them HTTP connections whose timers need the
    // server's io_context. Wait until the last is gone before the server
    // can be destroyed.
    std::unique_lock<std::mutex> alive(alive_mu_);
    none_alive_.wait(alive, [this] { return alive_ == 0; });
  }

  int port() const {
    std::lock_guard<std::mutex> lock(mu_);
    return server_ == nullptr ? 0 : server_->port();
  }

  const std::string& openapi() const { return openapi_; }

 private:
  // Counts an exchange alive from its creation to the end of its
  // destruction; declared first in Exchange, so it goes last, after the
  // reply (and with it the HTTP connection) is released.
  class Alive {
   public:
    explicit Alive(Impl& impl) : impl_(impl) {
      std::lock_guard<std::mutex> lock(impl_.alive_mu_);
      ++impl_.alive_;
    }
    ~Alive() {
      std::lock_guard<std::mutex> lock(impl_.alive_mu_);
      if (--impl_.alive_ == 0) impl_.none_alive_.notify_all();
    }
    Alive(const Alive&) = delete;
    Alive& operator=(const Alive&) = delete;

   private:
    Impl& impl_;
  };

  // One REST request on its way through a gRPC call.
  struct Exchange {
    explicit Exchange(Impl& impl) : alive(impl) {}
    Alive alive;
    std::shared_ptr<http::Reply> reply;
    std::chrono::steady_clock::time_point started;
    std::string method;  // Metric label.
    std::string route;   // Metric label: the template, or a fixed word.
    std::string request_id;
    bool head = false;
    const Route* matched = nullptr;
    grpc::ClientContext context;
    grpc::ByteBuffer sent;
    grpc::ByteBuffer received;
  };

  void RegisterMetrics(prometheus::Registry& registry) {
    // prometheus-cpp reports misuse (such as a name taken by another metric
    // type) by throwing; keep that from escaping the constructor.
    try {
      requests_ = &prometheus::BuildCounter()
                       .Name("http_server_requests_total")
                       .Help(
                           "HTTP requests answered by the gateway, by "
                           "method, route template and status code.")
                       .Register(registry);
      durations_ = &prometheus::BuildHistogram()
                        .Name("http_server_request_duration_seconds")
                        .Help(
                            "Time to answer an HTTP request, by method and "
                            "route template.")
                        .Register(registry);
    } catch (const std::exception& e) {
      requests_ = nullptr;
      durations_ = nullptr;
      init_status_ = absl::InternalError(
          absl::StrCat("cannot register gateway metrics: ", e.what()));
    }
  }

  void Handle(const http::Request& request,
              std::shared_ptr<http::Reply> reply) {
    auto exchange = std::make_shared<Exchange>(*this);
    exchange->reply = std::move(reply);
    exchange->started = std::chrono::steady_clock::now();
    exchange->method = MethodLabel(request.method);
    exchange->head = request.method == "HEAD";
    const std::string* id = request.Header(kRequestIdHeader);
    exchange->request_id = id == nullptr ? server::NewRequestId() : *id;
    if (id != nullptr && !server::IsValidRequestId(*id)) {
      exchange->request_id = server::NewRequestId();
      exchange->route = "invalid";
      return Finish(*exchange,
                    ErrorResponse(400,
                                  absl::InvalidArgumentError(absl::StrCat(
                                      "header x-request-id must be "
                                      "printable ASCII of at most ",
                                      server::kMaxRequestIdBytes, " bytes")),
                                  exchange->request_id));
    }
    Dispatch(exchange, request);
  }

  // Answers, or starts the call that will.
  void Dispatch(const std::shared_ptr<Exchange>& exchange,
                const http::Request& request) {
    // Templates match the raw target, so that "%2F" in an identifier stays
    // inside its segment.
    const absl::string_view target = request.target;
    const size_t query_start = target.find('?');
    const absl::string_view path = target.substr(0, query_start);
    const absl::string_view query = query_start == target.npos
                                        ? absl::string_view()
                                        : target.substr(query_start + 1);
    // HEAD is GET without the body; the HTTP server drops the body.
    const std::string method = exchange->head ? "GET" : request.method;
    Exchange& e = *exchange;

    if (method == "GET" && path == "/healthz") {
      e.route = "/healthz";
      return Finish(e, JsonResponse(200, R"({"status":"SERVING"})"));
    }
    if (method == "GET" && path == "/readyz") {
      e.route = "/readyz";
      const absl::Status ready =
          options_.readiness ? options_.readiness() : absl::OkStatus();
      if (ready.ok()) {
        return Finish(e, JsonResponse(200, R"({"status":"SERVING"})"));
      }
      return Finish(
          e, ErrorResponse(
                 503,
                 server::WithReason(absl::UnavailableError(ready.message()),
                                    "NOT_READY"),
                 e.request_id));
    }
    if (method == "GET" && path == "/openapi.json") {
      e.route = "/openapi.json";
      return Finish(e, JsonResponse(200, openapi_));
    }

    RouteMatch match = router_->Find(method, path);
    if (match.path_match == nullptr) {
      e.route = "unmatched";
      return Finish(
          e, ErrorResponse(
                 404,
                 server::WithReason(absl::NotFoundError(absl::StrCat(
                                        "no route for ", method, " ", path)),
                                    "ROUTE_NOT_FOUND"),
                 e.request_id));
    }
    if (match.route == nullptr) {
      e.route = match.path_match->path.text();
      http::Response response =
          ErrorResponse(405,
                        server::WithReason(
                            absl::UnimplementedError(absl::StrCat(
                                "method ", method, " is not allowed here; use ",
                                absl::StrJoin(match.allowed_methods, ", "))),
                            "METHOD_NOT_ALLOWED"),
                        e.request_id);
      response.headers.emplace_back("Allow",
                                    absl::StrJoin(match.allowed_methods, ", "));
      return Finish(e, std::move(response));
    }
    e.route = match.route->path.text();
    e.matched = match.route;
    if (absl::Status s = Call(exchange, match.variables, query, request);
        !s.ok()) {
      Finish(e, StatusResponse(s, e.request_id));
    }
  }

  // Starts the gRPC call; its callback answers. An error: nothing started.
  absl::Status Call(const std::shared_ptr<Exchange>& exchange,
                    const std::vector<BoundVariable>& variables,
                    absl::string_view query, const http::Request& request) {
    Exchange& e = *exchange;
    const Route& route = *e.matched;
    absl::StatusOr<std::vector<QueryParameter>> parameters =
        ParseQueryString(query);
    if (!parameters.ok()) return parameters.status();
    std::unique_ptr<Message> message(
        Prototype(*route.method->input_type()).New());
    // A body bound to a google.api.HttpBody field goes in as it came, with
    // its content type; any other body is JSON. Either way no query
    // parameter may set a field of the body.
    const FieldDescriptor* raw_body = RawBodyField(route);
    if (absl::Status s =
            BuildRequest(route.body, raw_body != nullptr ? "" : request.body,
                         variables, *parameters, message.get());
        !s.ok()) {
      return s;
    }
    if (raw_body != nullptr) {
      auto* body = static_cast<google::api::HttpBody*>(
          message->GetReflection()->MutableMessage(message.get(), raw_body));
      const std::string* content_type = request.Header("content-type");
      body->set_content_type(content_type == nullptr ? "" : *content_type);
      body->set_data(request.body);
    }
    for (const char* header : kForwardedHeaders) {
      const std::string* value = request.Header(header);
      if (value == nullptr) continue;
      if (!IsMetadataValue(*value)) {
        return absl::InvalidArgumentError(
            absl::StrCat("header ", header, " must be printable ASCII"));
      }
      e.context.AddMetadata(header, *value);
    }
    e.context.AddMetadata(kRequestIdHeader, e.request_id);
    e.context.set_deadline(std::chrono::system_clock::now() +
                           absl::ToChronoNanoseconds(options_.call_deadline));
    grpc::Slice slice(message->SerializeAsString());
    e.sent = grpc::ByteBuffer(&slice, 1);
    // A stop past its drain deadline cancels the call; the callback then
    // answers (to a closed connection) and lets the stop finish.
    e.reply->OnCancel([weak = std::weak_ptr<Exchange>(exchange)] {
      if (auto live = weak.lock()) live->context.TryCancel();
    });
    stub_.UnaryCall(&e.context,
                    absl::StrCat("/", route.method->service()->full_name(), "/",
                                 route.method->name()),
                    grpc::StubOptions(), &e.sent, &e.received,
                    [this, exchange](const grpc::Status& status) {
                      OnCallDone(*exchange, status);
                    });
    return absl::OkStatus();
  }

  void OnCallDone(Exchange& e, const grpc::Status& status) {
    if (!status.ok()) {
      const Route& route = *e.matched;
      return Finish(
          e, GrpcErrorResponse(
                 HttpStatusForGrpcCode(static_cast<int>(status.error_code())),
                 status, route.body == "*" ? "" : route.body));
    }
    if (e.matched->method->output_type() ==
        google::api::HttpBody::descriptor()) {
      // The answer is its body, with its content type (an iWmo retour).
      google::api::HttpBody body;
      if (!grpc::SerializationTraits<google::api::HttpBody>::Deserialize(
               &e.received, &body)
               .ok()) {
        return Finish(
            e, StatusResponse(absl::InternalError("response is not a valid "
                                                  "google.api.HttpBody"),
                              e.request_id));
      }
      http::Response response;
      response.content_type = body.content_type();
      response.body = std::move(*body.mutable_data());
      return Finish(e, std::move(response));
    }
    absl::StatusOr<std::string> json = Render(*e.matched, &e.received);
    if (!json.ok())
      return Finish(e, StatusResponse(json.status(), e.request_id));
    Finish(e, JsonResponse(200, *std::move(json)));
  }

  // The top-level google.api.HttpBody field the route's body binds, or
  // null.
  static const FieldDescriptor* RawBodyField(const Route& route) {
    if (route.body.empty() || route.body == "*") return nullptr;
    const FieldDescriptor* field =
        route.method->input_type()->FindFieldByName(route.body);
    return field != nullptr &&
                   field->message_type() == google::api::HttpBody::descriptor()
               ? field
               : nullptr;
  }

  // Counts the answer and sends it with the request id (counted first, so
  // that a client that has its answer finds it in the metrics).
  void Finish(Exchange& e, http::Response response) {
    response.headers.emplace_back(kRequestIdHeader, e.request_id);
    if (response.status == 401) {  // RFC 6750: say which scheme to use.
      response.headers.emplace_back("WWW-Authenticate",
                                    R"(Bearer realm="wmo")");
    }
    const std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - e.started;
    if (requests_ != nullptr) Count(e, response.status, elapsed);
    // The access log names the route template too, never the path or query
    // (which may carry a BSN). Probes that pass would only be noise.
    if (response.status >= 300 ||
        (e.route != "/healthz" && e.route != "/readyz")) {
      server::LogInfo("http request", {{"method", e.method},
                                       {"route", e.route},
                                       {"status", response.status},
                                       {"duration_ms", elapsed.count() * 1000},
                                       {"request_id", e.request_id}});
    }
    e.reply->Send(std::move(response));
  }

  void Count(const Exchange& e, int status,
             std::chrono::duration<double> elapsed) {
    // The route label is the template, never the concrete path, which
    // carries identifiers (and would make the series unbounded).
    requests_
        ->Add({{"method", e.method},
               {"route", e.route},
               {"code", std::to_string(status)}})
        .Increment();
    durations_
        ->Add({{"method", e.method}, {"route", e.route}},
              prometheus::Histogram::BucketBoundaries{
                  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                  2.5, 5, 10, 30})
        .Observe(elapsed.count());
  }

  // The response (or its response_body field) as JSON; `received` is
  // consumed.
  absl::StatusOr<std::string> Render(const Route& route,
                                     grpc::ByteBuffer* received) const {
    const Descriptor& output = *route.method->output_type();
    // Most responses fit the first block, which saves the allocations of
    // parsing.
    char block[8192];
    google::protobuf::ArenaOptions arena_options;
    arena_options.initial_block = block;
    arena_options.initial_block_size = sizeof(block);
    google::protobuf::Arena arena(arena_options);
    Message* message = Prototype(output).New(&arena);
    if (!grpc::SerializationTraits<Message>::Deserialize(received, message)
             .ok()) {
      return absl::InternalError(
          absl::StrCat("response is not a valid ", output.full_name()));
    }
    const FieldDescriptor* field =
        route.response_body.empty()
            ? nullptr
            : output.FindFieldByName(route.response_body);
    // Verdicts name fields of the request, which REST clients wrote in
    // JSON.
    if (names_fields_.contains(&output)) FieldPathsToJson(*message);
    if (rendered_directly_.contains(&output)) {
      std::string json;
      if (field == nullptr) {
        AppendJson(*message, &json);
      } else {
        AppendJson(*message, *field, &json);
      }
      return json;
    }
    if (field == nullptr) return ToJson(output, message->SerializeAsString());
    const auto* reflection = message->GetReflection();
    if (!field->is_repeated()) {
      return ToJson(
          *field->message_type(),
          reflection->GetMessage(*message, field).SerializeAsString());
    }
    std::string json = "[";
    for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
      absl::StatusOr<std::string> item =
          ToJson(*field->message_type(),
                 reflection->GetRepeatedMessage(*message, field, i)
                     .SerializeAsString());
      if (!item.ok()) return item.status();
      if (i > 0) json += ",";
      json += *item;
    }
    json += "]";
    return json;
  }

  // Straight from the wire bytes; the resolver renders Any fields of every
  // linked type too.
  absl::StatusOr<std::string> ToJson(const Descriptor& type,
                                     const std::string& bytes) const {
    std::string json;
    auto s = google::protobuf::util::BinaryToJsonString(
        resolver_.get(), absl::StrCat(kTypeUrlPrefix, "/", type.full_name()),
        bytes, &json);
    if (!s.ok()) {
      return absl::InternalError(
          absl::StrCat("cannot render ", type.full_name(),
                       " as JSON: ", std::string(s.message())));
    }
    return json;
  }

  static http::Response JsonResponse(int status, std::string body) {
    http::Response response;
    response.status = status;
    response.body = std::move(body);
    return response;
  }

  http::Response StatusResponse(const absl::Status& status,
                                absl::string_view request_id) const {
    return ErrorResponse(HttpStatusForGrpcCode(static_cast<int>(status.code())),
                         status, request_id);
  }

  // An error the gateway answers itself, with the details a service's
  // error has (server::ToGrpcStatus: ErrorInfo first).
  http::Response ErrorResponse(int http_status, const absl::Status& status,
                               absl::string_view request_id = "") const {
    return GrpcErrorResponse(http_status,
                             server::ToGrpcStatus(status, request_id), "");
  }

  // A service's error; `body_field`: the request field the HTTP body was.
  http::Response GrpcErrorResponse(int http_status, const grpc::Status& status,
                                   absl::string_view body_field) const {
    return JsonResponse(
        http_status,
        ErrorBodyJson(static_cast<int>(status.error_code()),
                      status.error_message(), status.error_details(),
                      resolver_.get(), body_field));
  }

  const GatewayOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  std::unique_ptr<google::protobuf::util::TypeResolver> resolver_;
  absl::Status init_status_;
  std::unique_ptr<Router> router_;
  // Response types proto_json renders; the rest go to protobuf's printer.
  absl::flat_hash_set<const Descriptor*> rendered_directly_;
  // Response types holding RuleViolations, whose field paths are rewritten.
  absl::flat_hash_set<const Descriptor*> names_fields_;
  std::string openapi_;
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* durations_ = nullptr;

  mutable std::mutex mu_;  // Serializes Start and Stop.
  // Exchanges alive (Alive), for Stop to wait for.
  std::mutex alive_mu_;
  std::condition_variable none_alive_;
  int alive_ = 0;
  std::unique_ptr<http::Server> server_;
  bool stopped_ = false;
};

Gateway::Gateway(std::shared_ptr<grpc::Channel> channel,
                 const std::vector<std::string>& services,
                 prometheus::Registry* registry, GatewayOptions options)
    : impl_(std::make_unique<Impl>(std::move(channel), services, registry,
                                   std::move(options))) {}

Gateway::~Gateway() = default;

absl::Status Gateway::Start(const std::string& host, int port) {
  return impl_->Start(host, port);
}

int Gateway::port() const { return impl_->port(); }

void Gateway::Stop() { impl_->Stop(); }

std::string Gateway::OpenApiJson() const { return impl_->openapi(); }

}  // namespace wmo::gateway
