// Load client for the runtime targets of the serving path, run side by side
// in one process against one all-in-one App (SQLite, free ports), every
// caller on its own TCP connection:
//   1. REST GET of a product vs gRPC GetProduct vs the echo RPC
//      (grpc.health.v1.Health/Check), closed loop, 1 and 8 callers;
//   2. open loop at 4x the saturating rate of ValidateDeclaration (20 and
//      200 lines), calls with a deadline: goodput against the closed-loop
//      peak, how calls fail, and the CPU the server and this client used;
//   3. REST with 300 idle connections and 8 slow-body clients held open;
//   (and the server's memory through a burst of large validations);
//   4. declaration submits on PostgreSQL by 8 concurrent submitters of one
//      provider (when WMO_TEST_POSTGRES_URL is set, as under `make bench`).
// Prints Markdown tables for BENCHMARKS.md. Durations: WMO_BENCH_SECONDS
// (default 3) per closed-loop row. WMO_BENCH_ONLY=overload runs only 2.
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/population.h"
#include "cmd/wmo-server/app.h"
#include "cmd/wmo-server/app_testing.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "libs/testing/credentials.h"
#include "libs/testing/http.h"
#include "libs/testing/process.h"
#include "libs/testing/temp_dir.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/catalog/v1/catalog_service.grpc.pb.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

namespace wmo {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kCallers = 8;
// Lines of the declarations validated under overload, from small (the
// call's own cost dominates) to a provider's month for a municipality,
// whose ratio is the target's.
constexpr int kDeclarationSizes[] = {20, 200, 1000};
constexpr int kDeclaration = 1000;
constexpr char kProductPath[] = "/v1/catalogs/midden-limburg-2024/products/kdv";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "load_bench: %s\n", what.c_str());
  std::exit(1);
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : fallback;
}

double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// The server's process, for its CPU time; 0 when it runs in this process.
pid_t server_pid = 0;

// CPU seconds (user and system) the server has used so far.
double ServerCpuSeconds() {
  return server_pid == 0 ? 0 : testing::CpuSeconds(server_pid);
}

// CPU seconds this client has used so far.
double ClientCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Row {
  double per_second = 0;
  double server_cpu = 0;  // Fraction of one core the server used.
  double p50_us = 0;
  double p99_us = 0;
  long failed = 0;
};

// `callers` threads call `call(thread)` back to back for `seconds`; a call
// returns whether it succeeded.
Row ClosedLoop(int callers, double seconds,
               const std::function<bool(int)>& call) {
  std::vector<std::vector<double>> latencies(callers);
  std::atomic<long> failed{0};
  const double cpu_before = ServerCpuSeconds();
  const auto start = Clock::now();
  const auto until =
      start + std::chrono::microseconds(static_cast<long>(seconds * 1e6));
  std::vector<std::thread> threads;
  threads.reserve(callers);
  for (int t = 0; t < callers; ++t) {
    threads.emplace_back([&, t] {
      while (Clock::now() < until) {
        const auto before = Clock::now();
        if (!call(t)) ++failed;
        latencies[t].push_back(Micros(Clock::now() - before));
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = Micros(Clock::now() - start) / 1e6;
  const double cpu = ServerCpuSeconds() - cpu_before;
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  Row row;
  row.per_second = static_cast<double>(all.size() - failed) / elapsed;
  row.server_cpu = cpu / elapsed;
  row.p50_us = bench::Percentile(all, 0.5);
  row.p99_us = bench::Percentile(all, 0.99);
  row.failed = failed;
  return row;
}

// One kept-alive REST connection per caller.
struct RestCallers {
  RestCallers(int port, std::string bearer) : bearer(std::move(bearer)) {
    connections.reserve(kCallers);
    for (int t = 0; t < kCallers; ++t) {
      connections.push_back(std::make_unique<testing::RawConnection>(port));
    }
  }
  bool Get(int t) {
    auto& c = *connections[t];
    if (!c.Send(absl::StrCat("GET ", kProductPath,
                             " HTTP/1.1\r\nHost: bench\r\nAuthorization: ",
                             bearer, "\r\n\r\n"))) {
      return false;
    }
    return c.ReadResponse(5000).status == 200;
  }
  std::vector<std::unique_ptr<testing::RawConnection>> connections;
  const std::string bearer;
};

// gRPC callers, one channel (TCP connection) each.
struct GrpcCallers {
  GrpcCallers(int port, const std::string& bearer) {
    channels.reserve(kCallers);
    products.reserve(kCallers);
    for (int t = 0; t < kCallers; ++t) {
      channels.push_back(testing::SeparateChannelTo(port, bearer));
      if (channels.back() == nullptr) Die("no gRPC connection");
      products.push_back(catalog::v1::CatalogService::NewStub(channels.back()));
    }
  }
  bool GetProduct(int t) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    catalog::v1::GetProductRequest request;
    request.set_name("catalogs/midden-limburg-2024/products/kdv");
    catalog::v1::Product product;
    return products[t]->GetProduct(&context, request, &product).ok();
  }
  bool Echo(int t) {
    static const grpc::internal::RpcMethod kCheck(
        "/grpc.health.v1.Health/Check", grpc::internal::RpcMethod::NORMAL_RPC);
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    grpc::ClientContext context;
    return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer,
                                             grpc::ByteBuffer>(
               channels[t].get(), kCheck, &context, request, &response)
        .ok();
  }
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<catalog::v1::CatalogService::Stub>> products;
};

struct OpenLoopResult {
  double offered = 0;
  double goodput = 0;
  double server_cpu = 0;  // Fraction of one core the server used.
  double client_cpu = 0;  // Fraction of one core this client used.
  double elapsed = 0;     // Seconds from the first call to the last answer.
  std::map<std::string, long> outcomes;  // by gRPC code name
};

// A ValidateDeclaration of `lines` lines (on assignments nobody has): the
// checks, a batched look-up in the assignment service and its store,
// nothing written.
declaration::v1::ValidateDeclarationRequest ValidateRequest(int lines) {
  declaration::v1::ValidateDeclarationRequest request;
  request.set_parent("providers/99990303");
  declaration::v1::Declaration& d = *request.mutable_declaration();
  d.set_number("V1");
  d.set_municipality("0988");
  d.set_period("2024-03");
  for (int i = 0; i < lines; ++i) {
    declaration::v1::Line& line = *d.add_lines();
    line.set_reference(absl::StrCat("R", i));
    line.set_assignment_number(absl::StrCat(900000 + i));
    line.set_client_bsn(testing::TestBsn(i));
    line.set_product_category("04");
    line.set_product_code("04KDV");
    line.set_start_date("2024-03-01");
    line.set_end_date("2024-03-31");
    line.set_volume(1);
    line.set_unit(type::v1::UNIT_DAY_NIGHT);
    line.set_tariff_cents(16400);
    line.set_amount_cents(16400);
    line.set_direction(declaration::v1::Line::DEBIT);
  }
  return request;
}

const char* CodeName(grpc::StatusCode code) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  return kNames[code];
}

// Offers `request` (a ValidateDeclarationRequest, serialized once, so that
// the client's work per call is small) at `rate` per second for `seconds`
// without waiting for answers (asynchronous, deadline `deadline_ms` each),
// round robin over `channels`, paced in 1 ms ticks (sleeping, so that the
// client leaves the CPU to the server); goodput counts the calls answered
// OK.
OpenLoopResult OpenLoop(
    const std::vector<std::shared_ptr<grpc::Channel>>& channels,
    const grpc::ByteBuffer& request, double rate, double seconds,
    int deadline_ms) {
  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
  };
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  stubs.reserve(channels.size());
  for (const auto& channel : channels) {
    stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
  }
  std::mutex mu;
  std::map<std::string, long> outcomes;
  std::atomic<long> pending{0};
  const long total = static_cast<long>(rate * seconds);
  const double cpu_before = ServerCpuSeconds();
  const double client_before = ClientCpuSeconds();
  const auto start = Clock::now();
  long sent = 0;
  for (int tick = 1; sent < total; ++tick) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(tick));
    const long due = std::min(
        total, static_cast<long>(rate * static_cast<double>(tick) / 1000));
    for (; sent < due; ++sent) {
      auto* call = new Call;
      call->context.set_deadline(std::chrono::system_clock::now() +
                                 std::chrono::milliseconds(deadline_ms));
      call->request = request;  // Shares the slices.
      ++pending;
      stubs[sent % stubs.size()]->UnaryCall(
          &call->context,
          "/wmo.declaration.v1.DeclarationService/ValidateDeclaration",
          grpc::StubOptions(), &call->request, &call->response,
          [&, call](const grpc::Status& s) {
            {
              std::lock_guard lock(mu);
              ++outcomes[CodeName(s.error_code())];
            }
            delete call;
            --pending;
          });
    }
  }
  const double sending = Micros(Clock::now() - start) / 1e6;
  while (pending > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  OpenLoopResult r;
  const double elapsed = Micros(Clock::now() - start) / 1e6;
  r.elapsed = elapsed;
  r.server_cpu = (ServerCpuSeconds() - cpu_before) / elapsed;
  r.client_cpu = (ClientCpuSeconds() - client_before) / elapsed;
  r.offered = static_cast<double>(total) / sending;
  r.outcomes = outcomes;
  r.goodput = static_cast<double>(outcomes["OK"]) / sending;
  return r;
}

std::string Ratio(double a, double b) {
  return b > 0 ? absl::StrFormat("%.2f", a / b) : "-";
}

void PrintRow(const char* what, int callers, const Row& r) {
  std::printf("| %s | %d | %.0f | %.0f | %.0f | %ld | %.0f%% |\n", what,
              callers, r.per_second, r.p50_us, r.p99_us, r.failed,
              100 * r.server_cpu);
}

// Declaration submits on PostgreSQL: `submitters` threads, each submitting
// `each` declarations of `lines` lines on assignments of its own clients,
// all for one provider.
void DeclarationsOnPostgres(double seconds) {
  const char* url = std::getenv("WMO_TEST_POSTGRES_URL");
  if (url == nullptr) {
    std::printf(
        "\n(declarations on PostgreSQL skipped: "
        "WMO_TEST_POSTGRES_URL is not set; run `make bench`)\n");
    return;
  }
  testing::TempDir dir;
  auto app = testing::StartApp("postgres", dir);
  if (!app.ok()) Die(std::string(app.status().message()));
  auto channel = testing::SeparateChannelTo(**app);
  auto assignments = assignment::v1::AssignmentService::NewStub(channel);
  constexpr int kSubmitters = 8, kClientsEach = 10;
  // Each submitter's clients with a kdv assignment for 2024.
  std::vector<std::vector<assignment::v1::Assignment>> made(kSubmitters);
  for (int s = 0; s < kSubmitters; ++s) {
    made[s].reserve(kClientsEach);
    for (int c = 0; c < kClientsEach; ++c) {
      assignment::v1::CreateAssignmentRequest request;
      request.set_parent("municipalities/0988");
      assignment::v1::Assignment& a = *request.mutable_assignment();
      a.mutable_client()->set_bsn(testing::TestBsn(s * kClientsEach + c));
      a.mutable_client()->set_birth_date("1950-03-01");
      a.set_provider_agb("99990303");
      a.set_catalog("midden-limburg-2024");
      a.set_product("kdv");
      a.set_basis("1");
      a.mutable_extent()->set_volume(10);
      a.mutable_extent()->set_unit(type::v1::UNIT_DAY_NIGHT);
      a.mutable_extent()->set_frequency(type::v1::FREQUENCY_TOTAL);
      a.set_start_date("2024-01-01");
      a.set_end_date("2024-12-31");
      auto* result = a.add_results();
      result->set_life_domain("Wonen");
      result->set_activity_type(assignment::v1::ACTIVITY_TYPE_HELP);
      grpc::ClientContext context;
      assignment::v1::Assignment created;
      grpc::Status st =
          assignments->CreateAssignment(&context, request, &created);
      if (!st.ok()) Die("CreateAssignment: " + st.error_message());
      made[s].push_back(created);
    }
  }
  std::vector<std::unique_ptr<declaration::v1::DeclarationService::Stub>> stubs;
  stubs.reserve(kSubmitters);
  for (int s = 0; s < kSubmitters; ++s) {
    // As the provider: only it declares (the default caller is a
    // municipality).
    stubs.push_back(declaration::v1::DeclarationService::NewStub(
        testing::SeparateChannelTo(**app, testing::Provider("99990303"))));
  }
  std::vector<int> next(kSubmitters, 0);
  std::mutex mu;
  std::map<std::string, long> errors;
  Row row = ClosedLoop(kSubmitters, seconds, [&](int s) {
    // Day k of 2024 for every client of this submitter: one line each.
    const int k = next[s]++;
    const std::string day = absl::FormatTime(
        "%Y-%m-%d",
        absl::FromCivil(absl::CivilDay(2024, 1, 1) + k, absl::UTCTimeZone()),
        absl::UTCTimeZone());
    declaration::v1::SubmitDeclarationRequest request;
    request.set_parent("providers/99990303");
    declaration::v1::Declaration& d = *request.mutable_declaration();
    d.set_number(absl::StrCat("S", s, "K", k));
    d.set_municipality("0988");
    d.set_period(day.substr(0, 7));
    for (const auto& a : made[s]) {
      declaration::v1::Line& line = *d.add_lines();
      line.set_reference(absl::StrCat("S", s, "K", k, "C", d.lines_size()));
      line.set_assignment_number(a.number());
      line.set_client_bsn(a.client().bsn());
      line.set_product_category(a.product_category());
      line.set_product_code(a.product_code());
      line.set_start_date(day);
      line.set_end_date(day);
      line.set_volume(1);
      line.set_unit(type::v1::UNIT_DAY_NIGHT);
      line.set_tariff_cents(16400);
      line.set_amount_cents(16400);
      line.set_direction(declaration::v1::Line::DEBIT);
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    declaration::v1::Declaration out;
    grpc::Status st = stubs[s]->SubmitDeclaration(&context, request, &out);
    if (!st.ok()) {
      std::lock_guard lock(mu);
      ++errors[st.error_message().substr(0, 60)];
    }
    return st.ok();
  });
  const std::string metrics =
      testing::HttpGet((*app)->metrics_port(), "/metrics").body;
  const std::string series =
      "wmo_store_transaction_reruns_total{backend=\"postgres\",service="
      "\"declaration\"} ";
  const size_t at = metrics.find(series);
  const std::string reruns =
      at == std::string::npos
          ? "?"
          : metrics.substr(at + series.size(),
                           metrics.find('\n', at) - at - series.size());
  std::printf(
      "\n### Declaration submits on PostgreSQL, %d submitters of one "
      "provider\n\n"
      "| submits/s | p50 ms | p99 ms | failed | transaction reruns |\n"
      "|---:|---:|---:|---:|---:|\n| %.1f | %.1f | %.1f | %ld | %s |\n",
      kSubmitters, row.per_second, row.p50_us / 1000, row.p99_us / 1000,
      row.failed, reruns.c_str());
  for (const auto& [message, n] : errors) {
    std::printf("- %ld× %s\n", n, message.c_str());
  }
}

void PinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof(set), &set);
}

// The closed-loop peak of ValidateDeclaration with `lines` lines, then 4x
// that rate offered open loop; prints a row of the overload table and
// returns goodput/peak.
double OverloadRun(GrpcCallers& callers, double seconds, int lines) {
  std::vector<std::unique_ptr<declaration::v1::DeclarationService::Stub>>
      validators;
  validators.reserve(kCallers);
  for (int t = 0; t < kCallers; ++t) {
    validators.push_back(
        declaration::v1::DeclarationService::NewStub(callers.channels[t]));
  }
  const declaration::v1::ValidateDeclarationRequest validate =
      ValidateRequest(lines);
  const Row peak = ClosedLoop(kCallers, seconds, [&](int t) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    declaration::v1::Declaration out;
    return validators[t]->ValidateDeclaration(&context, validate, &out).ok();
  });
  grpc::Slice bytes(validate.SerializeAsString());
  const OpenLoopResult over =
      OpenLoop(callers.channels, grpc::ByteBuffer(&bytes, 1),
               4 * peak.per_second, seconds, 1000);
  // What a refused call cost the server: its CPU time less what the
  // answered calls cost at the peak, over the refused calls.
  long refused = 0;
  for (const auto& [code, n] : over.outcomes) {
    if (code != "OK") refused += n;
  }
  const double answered_cpu = static_cast<double>(over.outcomes.at("OK")) *
                              peak.server_cpu / peak.per_second;
  const double refused_us =
      refused == 0 ? 0
                   : 1e6 * (over.server_cpu * over.elapsed - answered_cpu) /
                         static_cast<double>(refused);
  // Negative when the answered calls cost less than at the peak: no
  // estimate then.
  const std::string refusal =
      refused_us < 0 ? "-" : absl::StrFormat("%.0f", refused_us);
  std::printf("| %d | %.0f | %.0f | %.0f | %.0f | %.0f%% | %.0f%% | %s | %s | ",
              lines, peak.per_second, 1e6 * peak.server_cpu / peak.per_second,
              over.offered, over.goodput, 100 * over.server_cpu,
              100 * over.client_cpu, refusal.c_str(),
              Ratio(over.goodput, peak.per_second).c_str());
  for (const auto& [code, n] : over.outcomes) {
    std::printf("%s %ld; ", code.c_str(), n);
  }
  std::printf("|\n");
  return peak.per_second > 0 ? over.goodput / peak.per_second : 0;
}

// A field of /proc/<server>/status in MB ("VmRSS", "VmHWM").
double ServerMemoryMb(const std::string& field) {
  return testing::MemoryMb(server_pid, field);
}

// `calls` validations of `lines` lines each sent at once; prints the
// server's resident memory before, at its peak and `settle` after the last
// answer: memory a burst took must come back.
void MemoryAfterBurst(GrpcCallers& callers, int calls, int lines,
                      std::chrono::seconds settle) {
  const double before = ServerMemoryMb("VmRSS");
  grpc::Slice bytes(ValidateRequest(lines).SerializeAsString());
  const grpc::ByteBuffer request(&bytes, 1);
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (const auto& channel : callers.channels) {
    stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
  }
  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer request, response;
    std::promise<grpc::Status> done;
  };
  std::vector<std::unique_ptr<Call>> all;
  for (int i = 0; i < calls; ++i) {
    auto call = std::make_unique<Call>();
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(60));
    call->request = request;
    Call* c = call.get();
    stubs[i % stubs.size()]->UnaryCall(
        &c->context,
        "/wmo.declaration.v1.DeclarationService/ValidateDeclaration",
        grpc::StubOptions(), &c->request, &c->response,
        [c](const grpc::Status& s) { c->done.set_value(s); });
    all.push_back(std::move(call));
  }
  int ok = 0;
  for (auto& call : all) ok += call->done.get_future().get().ok() ? 1 : 0;
  all.clear();
  const double peak = ServerMemoryMb("VmHWM");
  const double after_answers = ServerMemoryMb("VmRSS");
  std::this_thread::sleep_for(settle);
  std::printf(
      "\n### Memory: %d validations of %d lines at once\n\n"
      "| answered OK | RSS before MB | peak MB | RSS at last answer MB | "
      "RSS %lld s later MB |\n|---:|---:|---:|---:|---:|\n"
      "| %d | %.0f | %.0f | %.0f | %.0f |\n",
      calls, lines, static_cast<long long>(settle.count()), ok, before, peak,
      after_answers, ServerMemoryMb("VmRSS"));
}

// The overload table: declarations of each size, each in rounds of peak
// then overload (this machine's speed drifts between runs; a round compares
// side by side). Returns the median goodput/peak of kDeclaration lines.
double OverloadTable(GrpcCallers& callers, double seconds) {
  std::printf(
      "\n### Overload: ValidateDeclaration offered open loop at 4x the "
      "closed-loop peak, deadline 1 s\n\n"
      "| lines | peak calls/s | server µs per call | offered calls/s | "
      "goodput calls/s | server CPU | client CPU | server µs per refusal | "
      "goodput/peak | outcomes |\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  constexpr int kRounds = 3;
  std::vector<double> ratios;
  for (int lines : kDeclarationSizes) {
    for (int i = 0; i < kRounds; ++i) {
      const double ratio = OverloadRun(callers, seconds, lines);
      if (lines == kDeclaration) ratios.push_back(ratio);
    }
  }
  return bench::Percentile(ratios, 0.5);
}

int Run() {
  const double seconds = EnvInt("WMO_BENCH_SECONDS", 3);
  // The server is the real binary on CPU 0, this client on CPU 1 (and its
  // threads, made after this): the client's own work does not eat into the
  // server's, and the server's figures are those of one core.
  const bool pinned = std::thread::hardware_concurrency() >= 2;
  if (pinned) PinTo(1);
  testing::TempDir dir;
  std::vector<std::string> argv = {
      std::string(WMO_BINARY_DIR) + "/cmd/wmo-server/wmo-server",
      "--grpc_port=0",
      "--http_port=0",
      "--metrics_port=0",
      "--auth=dev",
      "--data_dir=" + dir.File("var"),
      "--catalog_dir=" + std::string(WMO_SOURCE_DIR) + "/catalogs"};
  if (pinned) argv.insert(argv.begin(), {"/usr/bin/taskset", "-c", "0"});
  testing::Process server(argv);
  server_pid = server.pid();
  if (!server.WaitForOutput("metrics")) Die("wmo-server: " + server.output());
  const int http = testing::PortAfter(server.output(), "REST");
  const int grpc_port = testing::PortAfter(server.output(), "gRPC");
  if (http == 0 || grpc_port == 0) Die("no ports in: " + server.output());
  std::printf("Server: wmo-server (SQLite)%s.\n\n",
              pinned ? " on CPU 0, this client on CPU 1" : "");
  // Calls as a provider, with the server's development key.
  const std::string bearer = testing::DevBearer(
      dir.File("var"),
      {auth::PrincipalKind::kProvider, "99990303", "load-bench"});
  RestCallers rest(http, bearer);
  GrpcCallers grpc_callers(grpc_port, bearer);
  // Warm the caches and connections.
  for (int t = 0; t < kCallers; ++t) {
    if (!rest.Get(t) || !grpc_callers.GetProduct(t) || !grpc_callers.Echo(t)) {
      Die("warm-up call failed");
    }
  }

  // WMO_BENCH_ONLY=overload: only the overload table (to study it).
  const char* only = std::getenv("WMO_BENCH_ONLY");
  if (only != nullptr && std::string(only) == "overload") {
    OverloadTable(grpc_callers, seconds);
    return 0;
  }

  std::printf("### Serving path, closed loop (%.0f s per row)\n\n", seconds);
  std::printf(
      "| call | callers | calls/s | p50 µs | p99 µs | failed | server CPU |\n"
      "|---|---:|---:|---:|---:|---:|---:|\n");
  const Row rest1 = ClosedLoop(1, seconds, [&](int t) { return rest.Get(t); });
  PrintRow("REST GET product", 1, rest1);
  const Row grpc1 =
      ClosedLoop(1, seconds, [&](int t) { return grpc_callers.GetProduct(t); });
  PrintRow("gRPC GetProduct", 1, grpc1);
  // The 8-caller rows in rounds, side by side, and each ratio the median
  // over the rounds: this machine's speed drifts between runs.
  constexpr int kRounds = 3;
  std::vector<double> rest_per_grpc, grpc_per_echo;
  for (int round = 1; round <= kRounds; ++round) {
    const Row rest8 =
        ClosedLoop(kCallers, seconds, [&](int t) { return rest.Get(t); });
    PrintRow(absl::StrCat("REST GET product (round ", round, ")").c_str(),
             kCallers, rest8);
    const Row grpc8 = ClosedLoop(
        kCallers, seconds, [&](int t) { return grpc_callers.GetProduct(t); });
    PrintRow(absl::StrCat("gRPC GetProduct (round ", round, ")").c_str(),
             kCallers, grpc8);
    const Row echo8 = ClosedLoop(kCallers, seconds,
                                 [&](int t) { return grpc_callers.Echo(t); });
    PrintRow(
        absl::StrCat("gRPC Health/Check, the echo (round ", round, ")").c_str(),
        kCallers, echo8);
    rest_per_grpc.push_back(rest8.per_second / grpc8.per_second);
    grpc_per_echo.push_back(grpc8.per_second / echo8.per_second);
  }

  // Idle and slow clients held open while REST callers measure again.
  std::vector<std::unique_ptr<testing::RawConnection>> idle, slow;
  idle.reserve(300);
  slow.reserve(8);
  for (int i = 0; i < 300; ++i) {
    idle.push_back(std::make_unique<testing::RawConnection>(http));
  }
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<testing::RawConnection>(http));
    slow.back()->Send(
        "POST /v1/catalogs:import HTTP/1.1\r\nHost: bench\r\n"
        "Content-Length: 100000\r\n\r\n{");
  }
  std::atomic<bool> trickling{true};
  std::thread trickle([&] {
    while (trickling) {
      for (auto& c : slow) c->Send(" ");
      for (int i = 0; i < 20 && trickling; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
  const Row crowded =
      ClosedLoop(kCallers, seconds, [&](int t) { return rest.Get(t); });
  trickling = false;
  trickle.join();
  PrintRow("REST GET product, 300 idle + 8 slow-body clients open", kCallers,
           crowded);
  idle.clear();
  slow.clear();

  const double overload = OverloadTable(grpc_callers, seconds);
  MemoryAfterBurst(grpc_callers, 60, 5000, std::chrono::seconds(10));

  std::printf(
      "\n### Ratios (targets)\n\n"
      "| ratio | measured | target |\n|---|---:|---|\n"
      "| REST / gRPC GetProduct, %d callers, median of 3 | %.2f | ≥ 0.50 |\n"
      "| GetProduct / echo, %d callers, median of 3 | %.2f | ≥ 0.80 |\n"
      "| REST p50 on one connection | %.0f µs | < 1000 µs |\n"
      "| goodput at 4x offered / peak, %d lines, median of 3 | %.2f | ≥ "
      "0.90 |\n"
      "| REST p99 with 300 idle + 8 slow clients | %.0f µs | < 100000 µs |\n",
      kCallers, bench::Percentile(rest_per_grpc, 0.5), kCallers,
      bench::Percentile(grpc_per_echo, 0.5), rest1.p50_us, kDeclaration,
      overload, crowded.p99_us);
  server.Stop(SIGTERM);

  DeclarationsOnPostgres(seconds * 3);
  return 0;
}

}  // namespace
}  // namespace wmo

int main() {
  try {
    return wmo::Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "load_bench: %s\n", e.what());
    return 1;
  }
}
