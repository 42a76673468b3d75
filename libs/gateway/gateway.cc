#include "libs/gateway/gateway.h"

// httplib is included here and nowhere else: its header is large and only
// this file needs the HTTP server.
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "libs/gateway/openapi.h"
#include "libs/gateway/proto_docs.h"
#include "libs/gateway/request_builder.h"
#include "libs/gateway/route.h"
#include "libs/gateway/status_mapping.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace wmo::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr char kJson[] = "application/json";
constexpr char kTypeUrlPrefix[] = "type.googleapis.com";
constexpr auto kCallDeadline = std::chrono::seconds(30);
// Each HTTP worker blocks on one gRPC call at a time.
constexpr size_t kHttpThreads = 8;
// Catalog imports carry whole catalogs as text; anything beyond this is not
// a request this API expects.
constexpr size_t kMaxBodyBytes = 64 << 20;
// std::regex for "every path", newlines (from %0A) included.
constexpr char kAnyPath[] = R"([\s\S]*)";
// HTTP headers passed on as gRPC metadata (lower case, as gRPC wants them).
constexpr const char* kForwardedHeaders[] = {"x-request-id", "authorization",
                                             "x-actor"};

// gRPC metadata values must be printable ASCII.
bool IsMetadataValue(absl::string_view value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// The gRPC code and message for an HTTP error status httplib produced itself.
std::pair<int, std::string> DescribeHttpError(int status) {
  switch (status) {
    case 400:
      return {google::rpc::INVALID_ARGUMENT, "malformed HTTP request"};
    case 404:
      return {google::rpc::NOT_FOUND, "no such resource"};
    case 405:
      return {google::rpc::UNIMPLEMENTED, "method not allowed"};
    case 413:
      return {google::rpc::RESOURCE_EXHAUSTED, "request body too large"};
    case 414:
      return {google::rpc::INVALID_ARGUMENT, "request URI too long"};
    case 431:
      return {google::rpc::INVALID_ARGUMENT, "request headers too large"};
    default:
      return {google::rpc::UNKNOWN, absl::StrCat("HTTP error ", status)};
  }
}

const Message& Prototype(const Descriptor& type) {
  return *google::protobuf::MessageFactory::generated_factory()->GetPrototype(
      &type);
}

}  // namespace

class Gateway::Impl {
 public:
  Impl(std::shared_ptr<grpc::Channel> channel,
       const std::vector<std::string>& services, prometheus::Registry* registry)
      : channel_(std::move(channel)),
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
      for (Route& r : *service_routes) routes.push_back(std::move(r));
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
    auto server = std::make_unique<httplib::Server>();
    server->new_task_queue = [] {
      return new httplib::ThreadPool(kHttpThreads);
    };
    // httplib's default also sets SO_REUSEPORT, which would let a second
    // process bind a port that is in use; SO_REUSEADDR alone still allows a
    // quick restart.
    server->set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    server->set_payload_max_length(kMaxBodyBytes);
    // The body is read before handlers run (a pre-routing handler would see
    // none), so every method gets a catch-all handler.
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res);
    };
    server->Get(kAnyPath, handler);
    server->Post(kAnyPath, handler);
    server->Put(kAnyPath, handler);
    server->Patch(kAnyPath, handler);
    server->Delete(kAnyPath, handler);
    server->Options(kAnyPath, handler);
    server->set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request&, httplib::Response& res) {
          return FillErrorBody(res);
        }));

    int bound = -1;
    if (port == 0) {
      bound = server->bind_to_any_port(host);
    } else if (server->bind_to_port(host, port)) {
      bound = port;
    }
    if (bound < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", host, ":", port));
    }
    listener_exited_ = false;
    thread_ = std::thread([this, s = server.get()] {
      s->listen_after_bind();
      listener_exited_ = true;
    });
    // httplib's stop() does nothing until the accept loop runs, so Stop()
    // could otherwise return while the loop goes on forever. The loop starts
    // at once; this waits a few scheduler turns at most.
    while (!server->is_running() && !listener_exited_) {
      std::this_thread::yield();
    }
    if (listener_exited_) {
      thread_.join();
      return absl::UnavailableError(
          absl::StrCat("cannot serve on ", host, ":", bound));
    }
    server_ = std::move(server);
    port_ = bound;
    return absl::OkStatus();
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    if (server_ == nullptr) return;
    // stop() closes the listening socket; the accept loop then shuts the
    // thread pool down, which lets running handlers finish first.
    server_->stop();
    thread_.join();
  }

  int port() const { return port_; }

  const std::string& openapi() const { return openapi_; }

 private:
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

  void Handle(const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    const std::string route = Dispatch(req, res);
    if (requests_ == nullptr) return;
    const std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - started;
    // The route label is the template, never the concrete path, which
    // carries identifiers (and would make the series unbounded).
    requests_
        ->Add({{"method", req.method},
               {"route", route},
               {"code", std::to_string(res.status)}})
        .Increment();
    durations_
        ->Add({{"method", req.method}, {"route", route}},
              prometheus::Histogram::BucketBoundaries{
                  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                  2.5, 5, 10, 30})
        .Observe(elapsed.count());
  }

  // Answers the request; returns the route label for the metrics.
  std::string Dispatch(const httplib::Request& req, httplib::Response& res) {
    // httplib's req.path is already decoded, which would turn "%2F" in an
    // identifier into a segment break; templates match the raw target.
    const absl::string_view target = req.target;
    const size_t query_start = target.find('?');
    const absl::string_view path = target.substr(0, query_start);
    const absl::string_view query = query_start == target.npos
                                        ? absl::string_view()
                                        : target.substr(query_start + 1);
    // HEAD is GET without the body; httplib drops the body itself.
    const std::string method = req.method == "HEAD" ? "GET" : req.method;

    if (method == "GET" && path == "/healthz") {
      res.status = 200;
      res.set_content(R"({"status":"SERVING"})", kJson);
      return "/healthz";
    }
    if (method == "GET" && path == "/openapi.json") {
      res.status = 200;
      res.set_content(openapi_, kJson);
      return "/openapi.json";
    }

    RouteMatch match = router_->Find(method, path);
    if (match.path_match == nullptr) {
      WriteError(res, 404, google::rpc::NOT_FOUND,
                 absl::StrCat("no route for ", method, " ", path), "");
      return "unmatched";
    }
    if (match.route == nullptr) {
      res.set_header("Allow", absl::StrJoin(match.allowed_methods, ", "));
      WriteError(res, 405, google::rpc::UNIMPLEMENTED,
                 absl::StrCat("method ", method, " is not allowed here; use ",
                              absl::StrJoin(match.allowed_methods, ", ")),
                 "");
      return match.path_match->path.text();
    }
    Call(*match.route, match.variables, query, req, res);
    return match.route->path.text();
  }

  void Call(const Route& route, const std::vector<BoundVariable>& variables,
            absl::string_view query, const httplib::Request& req,
            httplib::Response& res) {
    absl::StatusOr<std::vector<QueryParameter>> parameters =
        ParseQueryString(query);
    if (!parameters.ok()) return WriteStatus(res, parameters.status());
    std::unique_ptr<Message> request(
        Prototype(*route.method->input_type()).New());
    if (absl::Status s = BuildRequest(route.body, req.body, variables,
                                      *parameters, request.get());
        !s.ok()) {
      return WriteStatus(res, s);
    }

    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    for (const char* header : kForwardedHeaders) {
      if (!req.has_header(header)) continue;
      std::string value = req.get_header_value(header);
      if (!IsMetadataValue(value)) {
        return WriteStatus(res,
                           absl::InvalidArgumentError(absl::StrCat(
                               "header ", header, " must be printable ASCII")));
      }
      context.AddMetadata(header, value);
    }
    if (req.has_header("x-request-id")) {
      res.set_header("x-request-id", req.get_header_value("x-request-id"));
    }

    grpc::Slice slice(request->SerializeAsString());
    grpc::ByteBuffer sent(&slice, 1);
    grpc::ByteBuffer received;
    std::promise<grpc::Status> done;
    std::future<grpc::Status> result = done.get_future();
    stub_.UnaryCall(
        &context,
        absl::StrCat("/", route.method->service()->full_name(), "/",
                     route.method->name()),
        grpc::StubOptions(), &sent, &received,
        [&done](grpc::Status status) { done.set_value(std::move(status)); });
    const grpc::Status status = result.get();
    if (!status.ok()) {
      const int code = static_cast<int>(status.error_code());
      return WriteError(res, HttpStatusForGrpcCode(code), code,
                        status.error_message(), status.error_details());
    }

    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (received.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    absl::StatusOr<std::string> json = Render(route, bytes);
    if (!json.ok()) return WriteStatus(res, json.status());
    res.status = 200;
    res.set_content(*std::move(json), kJson);
  }

  absl::StatusOr<std::string> Render(const Route& route,
                                     const std::string& bytes) const {
    const Descriptor& output = *route.method->output_type();
    if (route.response_body.empty()) return ToJson(output, bytes);
    std::unique_ptr<Message> message(Prototype(output).New());
    if (!message->ParseFromString(bytes)) {
      return absl::InternalError(
          absl::StrCat("response is not a valid ", output.full_name()));
    }
    const FieldDescriptor* field = output.FindFieldByName(route.response_body);
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

  void WriteStatus(httplib::Response& res, const absl::Status& status) {
    const int code = static_cast<int>(status.code());
    WriteError(res, HttpStatusForGrpcCode(code), code, status.message(), "");
  }

  void WriteError(httplib::Response& res, int http_status, int grpc_code,
                  absl::string_view message, absl::string_view details) {
    res.status = http_status;
    res.set_content(ErrorBodyJson(grpc_code, message, details, resolver_.get()),
                    kJson);
  }

  // For the errors httplib answers itself (a malformed request, a method
  // without a handler, a body over the limit): the same JSON shape.
  httplib::Server::HandlerResponse FillErrorBody(httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const auto [code, message] = DescribeHttpError(res.status);
    WriteError(res, res.status, code, message, "");
    return httplib::Server::HandlerResponse::Handled;
  }

  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  std::unique_ptr<google::protobuf::util::TypeResolver> resolver_;
  absl::Status init_status_;
  std::unique_ptr<Router> router_;
  std::string openapi_;
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* durations_ = nullptr;

  std::mutex mu_;  // Serializes Start and Stop.
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> listener_exited_{false};
  std::atomic<int> port_{0};
  bool stopped_ = false;
};

Gateway::Gateway(std::shared_ptr<grpc::Channel> channel,
                 const std::vector<std::string>& services,
                 prometheus::Registry* registry)
    : impl_(std::make_unique<Impl>(std::move(channel), services, registry)) {}

Gateway::~Gateway() = default;

absl::Status Gateway::Start(const std::string& host, int port) {
  return impl_->Start(host, port);
}

int Gateway::port() const { return impl_->port(); }

void Gateway::Stop() { impl_->Stop(); }

std::string Gateway::OpenApiJson() const { return impl_->openapi(); }

}  // namespace wmo::gateway
