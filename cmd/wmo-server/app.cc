#include "cmd/wmo-server/app.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "libs/auth/key_files.h"
#include "libs/auth/token_verifier.h"
#include "libs/cache/cache.h"
#include "libs/gateway/gateway.h"
#include "libs/http/server.h"
#include "libs/server/authenticator.h"
#include "libs/server/budget.h"
#include "libs/server/executor.h"
#include "libs/server/log.h"
#include "libs/server/metrics.h"
#include "libs/server/store_health.h"
#include "libs/server/tls.h"
#include "libs/store/instrumented.h"
#include "libs/store/store.h"
#include "prometheus/registry.h"
#include "services/assignment/assignment_api.h"
#include "services/assignment/assignment_client.h"
#include "services/assignment/assignment_repository.h"
#include "services/assignment/assignment_service.h"
#include "services/capacity/capacity_api.h"
#include "services/capacity/capacity_metrics.h"
#include "services/capacity/capacity_repository.h"
#include "services/capacity/capacity_service.h"
#include "services/catalog/catalog_api.h"
#include "services/catalog/catalog_client.h"
#include "services/catalog/catalog_registry.h"
#include "services/catalog/catalog_repository.h"
#include "services/catalog/catalog_service.h"
#include "services/declaration/declaration_api.h"
#include "services/declaration/declaration_client.h"
#include "services/declaration/declaration_repository.h"
#include "services/declaration/declaration_service.h"
#include "services/declaration/usage_reporter.h"
#include "services/iwmo/iwmo_api.h"
#include "services/iwmo/iwmo_repository.h"
#include "services/iwmo/iwmo_service.h"

namespace wmo {

struct App::State {
  std::shared_ptr<prometheus::Registry> registry =
      std::make_shared<prometheus::Registry>();
  // Each service's store, with the service's name and full gRPC name.
  struct ServiceStore {
    std::string service;
    std::string grpc_service;
    std::unique_ptr<store::Database> db;
  };
  std::vector<ServiceStore> stores;
  std::unique_ptr<server::StoreHealth> store_health;
  // Identity: who calls, for every service.
  std::shared_ptr<auth::TokenVerifier> token_verifier;
  std::unique_ptr<auth::JwksFile> jwks_file;
  std::unique_ptr<server::Authenticator> authenticator;
  // Catalog service.
  std::unique_ptr<catalog::CatalogRepository> catalog_repository;
  std::unique_ptr<cache::Cache> catalog_cache;
  std::unique_ptr<catalog::CatalogRegistry> catalog_registry;
  std::unique_ptr<catalog::CatalogApi> catalog_api;
  std::unique_ptr<server::Executor> catalog_executor;
  std::unique_ptr<catalog::CatalogService> catalog_service;

  // Assignment service.
  std::unique_ptr<catalog::CatalogClient> assignment_catalogs;
  std::unique_ptr<assignment::AssignmentApi> assignment_api;
  std::unique_ptr<server::Executor> assignment_executor;
  std::unique_ptr<assignment::AssignmentService> assignment_service;

  // Declaration service.
  std::unique_ptr<assignment::AssignmentClient> declaration_assignments;
  std::unique_ptr<catalog::CatalogClient> declaration_catalogs;
  // Before the API, which wakes it, and after the client it calls.
  std::unique_ptr<declaration::UsageReporter> declaration_usage;
  std::unique_ptr<declaration::DeclarationApi> declaration_api;
  // Before the executor: its tasks hold leases until it has joined.
  std::unique_ptr<server::Budget> declaration_lines;
  std::unique_ptr<server::Executor> declaration_executor;
  std::unique_ptr<declaration::DeclarationService> declaration_service;

  // Capacity service.
  std::unique_ptr<assignment::AssignmentClient> capacity_assignments;
  std::unique_ptr<catalog::CatalogClient> capacity_catalogs;
  std::unique_ptr<capacity::CapacityApi> capacity_api;
  std::unique_ptr<server::Executor> capacity_executor;
  std::unique_ptr<capacity::CapacityService> capacity_service;
  std::shared_ptr<capacity::CapacityMetrics> capacity_metrics;

  // iWmo message layer.
  std::unique_ptr<declaration::DeclarationClient> iwmo_declarations;
  std::unique_ptr<assignment::AssignmentClient> iwmo_assignments;
  std::unique_ptr<catalog::CatalogClient> iwmo_catalogs;
  std::unique_ptr<iwmo::IwmoApi> iwmo_api;
  std::unique_ptr<server::Executor> iwmo_executor;
  std::unique_ptr<iwmo::IwmoService> iwmo_service;

  std::unique_ptr<grpc::Server> grpc_server;
  int grpc_port = 0;
  std::unique_ptr<gateway::Gateway> gateway;
  std::unique_ptr<http::Server> metrics_server;
  int metrics_port = 0;
};

App::App(server::ServerOptions options) : options_(std::move(options)) {}

App::~App() { Shutdown(); }

namespace {

// Calls waiting for an executor thread, per service: past it (or past
// ServerOptions::max_queue_delay) a call is refused at once
// (RESOURCE_EXHAUSTED), which clients retry with backoff, rather than
// queued past its usefulness.
constexpr size_t kMaxQueuedCalls = 256;
constexpr int kMaxStreamsPerConnection = 256;

// How often the JWKS file is read for changed keys.
constexpr absl::Duration kJwksFilePeriod = absl::Seconds(2);

bool IsLoopback(const std::string& host) {
  if (host == "localhost") return true;
  std::string address = host;
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;  // 127.0.0.0/8
  }
  return inet_pton(AF_INET6, address.c_str(), &v6) == 1 &&
         IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

absl::StatusOr<std::unique_ptr<store::Database>> OpenStoreOf(
    const server::ServerOptions& options, const std::string& service) {
  if (const std::string& url = options.DatabaseUrl(service); !url.empty()) {
    store::PostgresOptions pg;
    pg.url = url;
    pg.schema = service;
    return store::OpenPostgres(pg);
  }
  return store::OpenSqlite(
      (std::filesystem::path(options.data_dir) / (service + ".db")).string());
}

namespace {

// A store failure at start-up, with its detail: the operator reads it.
absl::Status ForOperator(const absl::Status& status, absl::string_view what) {
  const std::string detail = store::ErrorDetail(status);
  return absl::Status(
      status.code(),
      absl::StrCat(what, status.message(), detail.empty() ? "" : ": ", detail));
}

// Opens the store of one service and brings its schema up to date.
absl::StatusOr<std::unique_ptr<store::Database>> OpenServiceStore(
    const server::ServerOptions& options, const std::string& service,
    absl::Span<const store::Migration> migrations,
    prometheus::Registry& registry) {
  absl::StatusOr<std::unique_ptr<store::Database>> db =
      OpenStoreOf(options, service);
  if (!db.ok()) {
    return ForOperator(db.status(),
                       absl::StrCat("cannot open the ", service, " store: "));
  }
  db = store::Instrument(*std::move(db), registry, service);
  if (absl::Status s = store::Migrate(**db, service, migrations); !s.ok()) {
    return absl::FailedPreconditionError(
        ForOperator(s, absl::StrCat("cannot prepare the ", service, " store: "))
            .message());
  }
  return db;
}

// The two-level cache of one service; Redis only with --redis_url.
absl::StatusOr<std::unique_ptr<cache::Cache>> MakeCache(
    const server::ServerOptions& options, const std::string& service,
    prometheus::Registry* registry) {
  cache::CacheOptions cache_options;
  cache_options.service = service;
  if (!options.redis_url.empty()) {
    auto redis = cache::ParseRedisUrl(options.redis_url);
    if (!redis.ok()) return redis.status();
    cache_options.redis = *redis;
  }
  return std::make_unique<cache::Cache>(cache_options, registry);
}

}  // namespace

absl::Status App::StartAuthentication(State& s) {
  if (options_.auth == server::ServerOptions::Auth::kDev) {
    if (!IsLoopback(options_.host)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--auth=dev serves only on loopback (127.0.0.1, ::1, localhost), "
          "not on ",
          options_.host, "; give --jwt_keys and --jwt_issuer to serve others"));
    }
    absl::StatusOr<std::string> key =
        auth::LoadOrCreateDevKey(options_.data_dir);
    if (!key.ok()) return key.status();
    absl::StatusOr<std::vector<auth::VerificationKey>> keys =
        auth::DevVerificationKeys(*key);
    if (!keys.ok()) return keys.status();
    s.token_verifier = std::make_shared<auth::TokenVerifier>(
        auth::VerifierOptions{auth::kDevIssuer, auth::kDevAudience});
    s.token_verifier->SetKeys(*std::move(keys));
  } else {
    if (options_.jwt_keys.empty() || options_.jwt_issuer.empty()) {
      return absl::FailedPreconditionError(
          "no keys for bearer tokens: give --jwt_keys=FILE (a JWKS) and "
          "--jwt_issuer=ISSUER, or --auth=dev for development on this "
          "machine");
    }
    s.token_verifier = std::make_shared<auth::TokenVerifier>(
        auth::VerifierOptions{options_.jwt_issuer, options_.jwt_audience});
    s.jwks_file = std::make_unique<auth::JwksFile>(
        options_.jwt_keys, *s.token_verifier, [](const absl::Status& status) {
          server::LogWarning(
              absl::StrCat("keys not reloaded: ", status.message()));
        });
    if (absl::Status loaded = s.jwks_file->Load(); !loaded.ok()) {
      return absl::FailedPreconditionError(loaded.message());
    }
    s.jwks_file->Watch(kJwksFilePeriod);
  }
  s.authenticator = std::make_unique<server::Authenticator>(s.token_verifier);
  return absl::OkStatus();
}

absl::Status App::Start() {
  state_ = std::make_unique<State>();
  State& s = *state_;
  // Made only when used, so that a container with a read-only root file
  // system and every store on PostgreSQL needs no volume.
  if (options_.UsesDataDir()) {
    std::error_code ec;
    std::filesystem::create_directories(options_.data_dir, ec);
    std::string wrong;
    if (ec) {
      wrong = ec.message();
    } else if (!std::filesystem::is_directory(options_.data_dir)) {
      wrong = "not a directory";
    } else if (access(options_.data_dir.c_str(), W_OK) != 0) {
      wrong = std::strerror(errno);  // A read-only file system, say.
    }
    if (!wrong.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", options_.data_dir, " is not usable: ", wrong,
          "; SQLite stores and --auth=dev need a writable directory there "
          "(a volume), or give --database_url and --auth=jwt"));
    }
  }

  if (absl::Status s_auth = StartAuthentication(s); !s_auth.ok()) {
    return s_auth;
  }

  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> server_credentials =
      server::ServerCredentialsOf(options_);
  if (!server_credentials.ok()) return server_credentials.status();
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
      channel_credentials = server::ChannelCredentialsOf(options_);
  if (!channel_credentials.ok()) return channel_credentials.status();

  server::EnableHealthService();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Without this, a second server would silently share a port in use.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(absl::StrCat(options_.host, ":", options_.grpc_port),
                           *server_credentials, &s.grpc_port);
  // Calls in flight per client connection. Generous on purpose: a call
  // past the bound waits in the client's queue, first in first out, where
  // under sustained overload it reaches this server only when its deadline
  // has nearly passed, and goodput collapses (0.21 of the peak at 4x in
  // load_bench with 16). Here the executors judge: a queue that holds calls
  // longer than ServerOptions::max_queue_delay refuses new ones at once.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             kMaxStreamsPerConnection);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(server::MakeMetricsInterceptorFactory(*s.registry));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  const auto queue_delay = absl::ToChronoMilliseconds(options_.max_queue_delay);
  std::vector<std::string> gateway_services;
  if (options_.services.count("catalog")) {
    auto db =
        OpenServiceStore(options_, "catalog",
                         catalog::CatalogRepository::Migrations(), *s.registry);
    if (!db.ok()) return db.status();
    store::Database& catalog_db = **db;
    s.catalog_repository =
        std::make_unique<catalog::CatalogRepository>(**db, options_.clock);
    s.stores.push_back(
        {"catalog", "wmo.catalog.v1.CatalogService", *std::move(db)});
    auto cache = MakeCache(options_, "catalog", s.registry.get());
    if (!cache.ok()) return cache.status();
    s.catalog_cache = *std::move(cache);
    s.catalog_registry = std::make_unique<catalog::CatalogRegistry>(
        *s.catalog_repository, s.catalog_cache.get());
    s.catalog_api = std::make_unique<catalog::CatalogApi>(
        *s.catalog_registry, catalog_db, options_.clock);
    if (absl::Status st = s.catalog_api->ImportDirectory(options_.catalog_dir);
        !st.ok()) {
      return st;
    }
    s.catalog_executor = std::make_unique<server::Executor>(
        "catalog", 8, kMaxQueuedCalls, queue_delay);
    s.catalog_service = std::make_unique<catalog::CatalogService>(
        *s.catalog_api, *s.catalog_executor, *s.authenticator);
    builder.RegisterService(s.catalog_service.get());
    gateway_services.push_back("wmo.catalog.v1.CatalogService");
  }

  // Where the services each one calls run when this process does not serve
  // them.
  const std::map<std::string, std::string> kAddressFlags = {
      {"catalog", options_.catalog_address},
      {"assignment", options_.assignment_address},
      {"declaration", options_.declaration_address}};
  for (const auto& [service, callees] : server::RoleCallees()) {
    if (!options_.services.count(service)) continue;
    for (const std::string& callee : callees) {
      if (!options_.services.count(callee) &&
          kAddressFlags.at(callee).empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the ", service, " service needs the ", callee,
            " service: serve both, or give --", callee, "_address"));
      }
    }
  }

  if (options_.services.count("assignment")) {
    auto db = OpenServiceStore(options_, "assignment",
                               assignment::AssignmentRepository::Migrations(),
                               *s.registry);
    if (!db.ok()) return db.status();
    s.assignment_catalogs = std::make_unique<catalog::CatalogClient>();
    s.assignment_api = std::make_unique<assignment::AssignmentApi>(
        **db, *s.assignment_catalogs, options_.clock);
    s.stores.push_back(
        {"assignment", "wmo.assignment.v1.AssignmentService", *std::move(db)});
    s.assignment_executor = std::make_unique<server::Executor>(
        "assignment", 16, kMaxQueuedCalls, queue_delay);
    s.assignment_service = std::make_unique<assignment::AssignmentService>(
        *s.assignment_api, *s.assignment_executor, *s.authenticator);
    builder.RegisterService(s.assignment_service.get());
    gateway_services.push_back("wmo.assignment.v1.AssignmentService");
  }

  if (options_.services.count("declaration")) {
    auto db = OpenServiceStore(options_, "declaration",
                               declaration::DeclarationRepository::Migrations(),
                               *s.registry);
    if (!db.ok()) return db.status();
    s.declaration_assignments =
        std::make_unique<assignment::AssignmentClient>();
    s.declaration_catalogs = std::make_unique<catalog::CatalogClient>();
    s.declaration_usage = std::make_unique<declaration::UsageReporter>(
        **db, *s.declaration_assignments);
    s.declaration_api = std::make_unique<declaration::DeclarationApi>(
        **db, *s.declaration_assignments, *s.declaration_catalogs,
        s.registry.get(), options_.clock, s.declaration_usage.get());
    s.stores.push_back({"declaration", "wmo.declaration.v1.DeclarationService",
                        *std::move(db)});
    s.declaration_executor = std::make_unique<server::Executor>(
        "declaration", 8, kMaxQueuedCalls, queue_delay);
    s.declaration_lines = std::make_unique<server::Budget>(
        "declaration lines", options_.max_declaration_lines_in_flight);
    s.declaration_service = std::make_unique<declaration::DeclarationService>(
        *s.declaration_api, *s.declaration_executor, *s.authenticator,
        *s.declaration_lines);
    builder.RegisterService(s.declaration_service.get());
    gateway_services.push_back("wmo.declaration.v1.DeclarationService");
  }

  if (options_.services.count("capacity")) {
    auto db = OpenServiceStore(options_, "capacity",
                               capacity::CapacityRepository::Migrations(),
                               *s.registry);
    if (!db.ok()) return db.status();
    s.capacity_assignments = std::make_unique<assignment::AssignmentClient>();
    s.capacity_catalogs = std::make_unique<catalog::CatalogClient>();
    s.capacity_api = std::make_unique<capacity::CapacityApi>(
        **db, *s.capacity_assignments, *s.capacity_catalogs, s.registry.get(),
        options_.clock);
    s.capacity_metrics =
        std::make_shared<capacity::CapacityMetrics>(**db, options_.clock);
    s.stores.push_back(
        {"capacity", "wmo.capacity.v1.CapacityService", *std::move(db)});
    s.capacity_executor = std::make_unique<server::Executor>(
        "capacity", 16, kMaxQueuedCalls, queue_delay);
    s.capacity_service = std::make_unique<capacity::CapacityService>(
        *s.capacity_api, *s.capacity_executor, *s.authenticator);
    builder.RegisterService(s.capacity_service.get());
    gateway_services.push_back("wmo.capacity.v1.CapacityService");
  }

  if (options_.services.count("iwmo")) {
    auto db = OpenServiceStore(options_, "iwmo",
                               iwmo::IwmoRepository::Migrations(), *s.registry);
    if (!db.ok()) return db.status();
    s.iwmo_declarations = std::make_unique<declaration::DeclarationClient>();
    s.iwmo_catalogs = std::make_unique<catalog::CatalogClient>();
    s.iwmo_assignments = std::make_unique<assignment::AssignmentClient>();
    s.iwmo_api = std::make_unique<iwmo::IwmoApi>(
        **db, *s.iwmo_declarations, *s.iwmo_assignments, *s.iwmo_assignments,
        *s.iwmo_catalogs, options_.clock);
    s.stores.push_back({"iwmo", "wmo.iwmo.v1.IwmoService", *std::move(db)});
    // Few threads and a short queue: each call holds a whole message,
    // tens of megabytes, and its tree several times that while it is
    // checked.
    s.iwmo_executor =
        std::make_unique<server::Executor>("iwmo", 2, 16, queue_delay);
    s.iwmo_service = std::make_unique<iwmo::IwmoService>(
        *s.iwmo_api, *s.iwmo_executor, *s.authenticator);
    builder.RegisterService(s.iwmo_service.get());
    gateway_services.push_back("wmo.iwmo.v1.IwmoService");
  }

  s.grpc_server = builder.BuildAndStart();
  if (s.grpc_server == nullptr || s.grpc_port == 0) {
    s.grpc_server.reset();
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for gRPC on ", options_.host, ":", options_.grpc_port,
        " (port in use or address not local?)"));
  }

  // Services call each other through gRPC: in-process when they share this
  // server, over the network when split, with the same client code.
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(options_.max_message_bytes);
  channel_args.SetMaxSendMessageSize(options_.max_message_bytes);
  // In-process calls carry the authenticator's mark: they come from
  // another role, which may name the caller it acts for.
  auto channel_to =
      [&](const std::string& service) -> std::shared_ptr<grpc::Channel> {
    if (!options_.services.count(service)) {
      return grpc::CreateCustomChannel(kAddressFlags.at(service),
                                       *channel_credentials, channel_args);
    }
    return RoleChannel();
  };
  if (s.assignment_api) {
    s.assignment_catalogs->SetChannel(channel_to("catalog"));
  }
  if (s.declaration_api) {
    s.declaration_assignments->SetChannel(channel_to("assignment"));
    s.declaration_catalogs->SetChannel(channel_to("catalog"));
    s.declaration_usage->Start();
    s.declaration_usage->Wake();  // what earlier runs left pending
  }
  if (s.capacity_api) {
    s.capacity_assignments->SetChannel(channel_to("assignment"));
    s.capacity_catalogs->SetChannel(channel_to("catalog"));
  }
  if (s.iwmo_api) {
    s.iwmo_declarations->SetChannel(channel_to("declaration"));
    s.iwmo_assignments->SetChannel(channel_to("assignment"));
    s.iwmo_catalogs->SetChannel(channel_to("catalog"));
  }

  s.store_health = std::make_unique<server::StoreHealth>(
      s.grpc_server->GetHealthCheckService(), options_.health_check_period);
  for (const State::ServiceStore& st : s.stores) {
    s.store_health->Watch(st.service, st.grpc_service, *st.db);
  }
  s.store_health->Start();

  // The gateway calls the services through the same server, so every
  // interceptor (metrics, later auth) sees gateway traffic too.
  gateway::GatewayOptions gateway_options;
  gateway_options.max_body_bytes = options_.max_message_bytes;
  gateway_options.drain = options_.drain;
  gateway_options.readiness = [health = s.store_health.get()] {
    return health->Readiness();
  };
  s.gateway = std::make_unique<gateway::Gateway>(
      s.grpc_server->InProcessChannel(channel_args), gateway_services,
      s.registry.get(), std::move(gateway_options));
  if (absl::Status st = s.gateway->Start(options_.host, options_.http_port);
      !st.ok()) {
    return st;
  }
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables = {
      s.registry};
  if (s.capacity_metrics) collectables.push_back(s.capacity_metrics);
  auto metrics_server = server::ServeMetrics(
      options_.host, options_.metrics_port, std::move(collectables));
  if (!metrics_server.ok()) return metrics_server.status();
  s.metrics_server = *std::move(metrics_server);
  s.metrics_port = s.metrics_server->port();
  return absl::OkStatus();
}

void App::Shutdown() {
  if (state_ == nullptr) return;
  if (state_->store_health) state_->store_health->Stop();
  if (state_->grpc_server) {
    // Health checkers see NOT_SERVING at once and send no more traffic.
    if (auto* health = state_->grpc_server->GetHealthCheckService()) {
      health->Shutdown();
    }
  }
  if (state_->gateway) state_->gateway->Stop();
  // Its calls go through the server's own channels: it stops first, and
  // what it has not reported waits in the outbox for the next start.
  if (state_->declaration_usage) state_->declaration_usage->Stop();
  if (state_->grpc_server) {
    // In-flight calls get the drain time to finish; then they are
    // cancelled.
    state_->grpc_server->Shutdown(
        absl::ToChronoTime(absl::Now() + options_.drain));
    state_->grpc_server->Wait();
  }
  state_.reset();
}

std::shared_ptr<grpc::Channel> App::RoleChannel() const {
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      mark;
  mark.push_back(state_->authenticator->InProcessMark());
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(options_.max_message_bytes);
  channel_args.SetMaxSendMessageSize(options_.max_message_bytes);
  return state_->grpc_server->experimental().InProcessChannelWithInterceptors(
      channel_args, std::move(mark));
}

int App::grpc_port() const { return state_ ? state_->grpc_port : 0; }
int App::http_port() const {
  return state_ && state_->gateway ? state_->gateway->port() : 0;
}
int App::metrics_port() const { return state_ ? state_->metrics_port : 0; }

}  // namespace wmo
