#include "libs/server/metrics.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "libs/http/server.h"
#include "libs/server/build_info.h"
#include "libs/server/log.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace wmo::server {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

const char* TypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK",
                                           "Canceled",
                                           "Unknown",
                                           "InvalidArgument",
                                           "DeadlineExceeded",
                                           "NotFound",
                                           "AlreadyExists",
                                           "PermissionDenied",
                                           "ResourceExhausted",
                                           "FailedPrecondition",
                                           "Aborted",
                                           "OutOfRange",
                                           "Unimplemented",
                                           "Internal",
                                           "Unavailable",
                                           "DataLoss",
                                           "Unauthenticated"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "Unknown";
}

// A method some linked proto declares (the health protocol's among them):
// a bounded set.
bool IsKnownMethod(absl::string_view service, absl::string_view method) {
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
             absl::StrCat(service, ".", method)) != nullptr;
}

struct GrpcFamilies {
  prometheus::Family<prometheus::Counter>& started;
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Histogram>& seconds;
};

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(ServerRpcInfo* info, GrpcFamilies& families)
      : families_(families),
        type_(TypeName(info->type())),
        start_(std::chrono::steady_clock::now()) {
    // info->method() is "/package.Service/Method".
    std::pair<std::string, std::string> parts =
        absl::StrSplit(absl::string_view(info->method()).substr(1), '/');
    if (IsKnownMethod(parts.first, parts.second)) {
      service_ = std::move(parts.first);
      method_ = std::move(parts.second);
    } else {
      // Whatever a client names (a typo, a scan) must not become a label
      // value: each would be a new series, kept for the process's life.
      service_ = method_ = "unknown";
    }
    families_.started
        .Add({{"grpc_type", type_},
              {"grpc_service", service_},
              {"grpc_method", method_}})
        .Increment();
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      // A call without a request id gets one here, so that the handler
      // (CallScope), the calls it makes and this log line share it.
      // One that could break a log line is replaced.
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdKey);
      if (it != metadata->end() &&
          IsValidRequestId({it->second.data(), it->second.size()})) {
        request_id_.assign(it->second.data(), it->second.size());
      } else {
        request_id_ = NewRequestId();
        if (it != metadata->end()) metadata->erase(it);
        metadata->emplace(kRequestIdKey, request_id_);
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const double seconds = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start_)
                                 .count();
      // Health checks that pass come every few seconds from each probe.
      if (!status.ok() || service_ != "grpc.health.v1.Health") {
        LogInfo(
            "grpc call",
            {{"service", service_},
             {"method", method_},
             {"code", absl::StatusCodeToString(
                          static_cast<absl::StatusCode>(status.error_code()))},
             {"duration_ms", seconds * 1000},
             {"request_id", request_id_}});
      }
      families_.handled
          .Add({{"grpc_type", type_},
                {"grpc_service", service_},
                {"grpc_method", method_},
                {"grpc_code", CodeName(status.error_code())}})
          .Increment();
      families_.seconds
          .Add({{"grpc_type", type_},
                {"grpc_service", service_},
                {"grpc_method", method_}},
               prometheus::Histogram::BucketBoundaries{
                   0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                   0.5, 1, 2.5, 5, 10})
          .Observe(seconds);
    }
    methods->Proceed();
  }

 private:
  // A literal: the metadata map keeps a reference to it.
  static constexpr char kRequestIdKey[] = "x-request-id";

  GrpcFamilies& families_;
  std::string type_, service_, method_;
  // Referred to by the call's metadata while the call lasts.
  std::string request_id_;
  std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(prometheus::Registry& registry)
      : families_{prometheus::BuildCounter()
                      .Name("grpc_server_started_total")
                      .Help("RPCs started on the server.")
                      .Register(registry),
                  prometheus::BuildCounter()
                      .Name("grpc_server_handled_total")
                      .Help("RPCs completed on the server, by status code.")
                      .Register(registry),
                  prometheus::BuildHistogram()
                      .Name("grpc_server_handling_seconds")
                      .Help("Time to handle an RPC on the server.")
                      .Register(registry)} {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    return new MetricsInterceptor(info, families_);
  }

 private:
  GrpcFamilies families_;
};

// Reads the process's own figures from /proc at scrape time.
class ProcessCollector final : public prometheus::Collectable {
 public:
  ProcessCollector() {
    // Field 22 of /proc/self/stat is the start time in clock ticks since
    // boot; add the boot time from /proc/stat.
    const auto stat = Split(ReadFile("/proc/self/stat"));
    double btime = 0;
    std::istringstream in(ReadFile("/proc/stat"));
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("btime ", 0) == 0) btime = std::stod(line.substr(6));
    }
    if (stat.size() > 21) {
      start_time_ = btime + std::stod(stat[21]) /
                                static_cast<double>(sysconf(_SC_CLK_TCK));
    }
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    const auto stat = Split(ReadFile("/proc/self/stat"));
    double cpu = 0, rss = 0, threads = 0;
    if (stat.size() > 23) {
      cpu = (std::stod(stat[13]) + std::stod(stat[14])) /
            static_cast<double>(sysconf(_SC_CLK_TCK));
      threads = std::stod(stat[19]);
      rss = std::stod(stat[23]) * static_cast<double>(sysconf(_SC_PAGESIZE));
    }
    double fds = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      ++fds;
    }
    return {
        Family("process_cpu_seconds_total", "User and system CPU seconds.",
               prometheus::MetricType::Counter, cpu),
        Family("process_resident_memory_bytes", "Resident memory in bytes.",
               prometheus::MetricType::Gauge, rss),
        Family("process_open_fds", "Open file descriptors.",
               prometheus::MetricType::Gauge, fds),
        Family("process_threads", "Threads of the process.",
               prometheus::MetricType::Gauge, threads),
        Family("process_start_time_seconds",
               "Start time since the Unix epoch in seconds.",
               prometheus::MetricType::Gauge, start_time_),
        BuildInfo(),
    };
  }

 private:
  static std::string ReadFile(const char* path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // Fields of /proc/self/stat; the command name (field 2) may hold spaces,
  // so split after its closing parenthesis.
  static std::vector<std::string> Split(const std::string& stat) {
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) return {};
    std::vector<std::string> fields = {"pid", "comm"};
    for (absl::string_view f :
         absl::StrSplit(absl::string_view(stat).substr(close + 1), ' ',
                        absl::SkipEmpty())) {
      fields.emplace_back(f);
    }
    return fields;
  }

  // 1, labelled with what was built: which version runs where.
  static prometheus::MetricFamily BuildInfo() {
    prometheus::MetricFamily family =
        Family("wmo_build_info", "The version and commit of wmo-server.",
               prometheus::MetricType::Gauge, 1);
    family.metric.front().label = {{"commit", std::string(Commit())},
                                   {"version", std::string(Version())}};
    return family;
  }

  static prometheus::MetricFamily Family(const char* name, const char* help,
                                         prometheus::MetricType type,
                                         double value) {
    prometheus::MetricFamily family{name, help, type, {}};
    prometheus::ClientMetric metric;
    if (type == prometheus::MetricType::Counter) {
      metric.counter.value = value;
    } else {
      metric.gauge.value = value;
    }
    family.metric.push_back(std::move(metric));
    return family;
  }

  double start_time_ = 0;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(prometheus::Registry& registry) {
  return std::make_unique<MetricsInterceptorFactory>(registry);
}

absl::StatusOr<std::unique_ptr<http::Server>> ServeMetrics(
    const std::string& host, int port,
    std::vector<std::shared_ptr<prometheus::Collectable>> collectables) {
  collectables.push_back(std::make_shared<ProcessCollector>());
  http::ServerOptions options;
  // Scrapers send no bodies; a few connections at most.
  options.max_body_bytes = 0;
  options.max_connections = 64;
  options.threads = 1;
  auto server = std::make_unique<http::Server>(
      std::move(options), [collectables = std::move(collectables)](
                              const http::Request& request,
                              const std::shared_ptr<http::Reply>& reply) {
        http::Response response;
        if (request.target != "/metrics" ||
            (request.method != "GET" && request.method != "HEAD")) {
          response.status = 404;
          response.content_type = "text/plain";
          response.body = "only GET /metrics is served here\n";
          return reply->Send(std::move(response));
        }
        std::vector<prometheus::MetricFamily> families;
        for (const auto& c : collectables) {
          for (auto& f : c->Collect()) families.push_back(std::move(f));
        }
        response.content_type = "text/plain; version=0.0.4";
        response.body = prometheus::TextSerializer().Serialize(families);
        reply->Send(std::move(response));
      });
  if (absl::Status s = server->Start(host, port); !s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics: ", s.message()));
  }
  return server;
}

}  // namespace wmo::server
