// One month of declarations of a large municipality (10,000 clients x 3
// lines, iWmo 323) checked and stored on SQLite (the Apps on PostgreSQL
// with WMO_BENCH_STORE=postgres), side by side in one run:
// - in-process: DeclarationApi::SubmitDeclaration called directly, on a
//   store of the bench's own;
// - streamed: SubmitDeclarationStream over loopback gRPC to a fresh
//   all-in-one App per run (its own stores, the assignments created in it
//   before timing);
// - echo: grpc.health.v1.Health/Check served by that same server, over the
//   same kind of channel.
// The in-process path looks its assignments and catalog up in one
// all-in-one App (10,000 clients with bgi, bgg and vervoer each, created
// through the assignment service before timing) through an in-process
// channel that counts as another role, as a declaration service sharing
// that App would: the assignment service gives the qualifying cover only
// to another role, and a split role proves it is one by a service
// certificate (mutual TLS), which this bench does not set up. Every run
// starts each path on an empty declaration store. Also measured: the
// in-process path on a new thread, a second month (April) on the same
// store and server, March with day-level detail, and March streamed to the
// look-ups' App. Prints Markdown tables for BENCHMARKS.md:
//   make bench   (runs build/bench/declaration_bench; needs no PostgreSQL
//                 or Redis)
// WMO_BENCH_CLIENTS and WMO_BENCH_RUNS override the 10,000 clients and the
// 5 runs per path (for quick tries; keep more than 333 clients: a streamed
// declaration of at most 1,000 lines gets its verdicts in one part, which
// the service writes with StartWriteLast before Finish, and that call can
// hang).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/population.h"
#include "cmd/wmo-server/app.h"
#include "cmd/wmo-server/app_testing.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "libs/rules/dates.h"
#include "libs/server/call_scope.h"
#include "libs/store/instrumented.h"
#include "libs/store/store.h"
#include "libs/testing/temp_dir.h"
#include "prometheus/registry.h"
#include "services/assignment/assignment_client.h"
#include "services/catalog/catalog_client.h"
#include "services/declaration/declaration_api.h"
#include "services/declaration/declaration_repository.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

#ifndef WMO_BUILD_TYPE
#define WMO_BUILD_TYPE "unknown"
#endif

namespace wmo {
namespace {

using assignment::v1::Assignment;
using assignment::v1::AssignmentService;
using bench::AssignmentOf;
using bench::Client;
using bench::Clock;
using bench::CreateAssignments;
using bench::DebitLine;
using bench::Die;
using bench::EnvInt;
using bench::kApril;
using bench::kCatalog;
using bench::kMarch;
using bench::kMunicipality;
using bench::kProvider;
using bench::LoopbackChannel;
using bench::MakeClients;
using bench::Median;
using bench::Month;
using bench::MonthOf;
using bench::SecondsSince;
using bench::StartApp;
using declaration::v1::Declaration;
using declaration::v1::DeclarationService;
using declaration::v1::Line;

// Lines per message of the streamed path.
constexpr int kLinesPerPart = 1000;

struct Outcome {
  double seconds = 0;
  // Streamed only: when the client had sent everything (WritesDone), read
  // the first verdicts, and read the last ones, seconds from the start.
  double sent = 0, first_verdicts = 0, last_verdicts = 0;
  int approved = 0;
  int rejected = 0;
  // Rejections by rule id, to show what went wrong if anything did.
  std::map<std::string, int> rules;
};

std::string RuleSummary(const Outcome& o) {
  std::string out;
  for (const auto& [rule, n] : o.rules) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", rule, " ", n);
  }
  return out.empty() ? "-" : out;
}

void Tally(const declaration::v1::Verdict& verdict, Outcome& o) {
  if (verdict.outcome() == declaration::v1::Verdict::APPROVED) {
    ++o.approved;
  } else {
    ++o.rejected;
    for (const auto& v : verdict.violations()) ++o.rules[v.rule_id()];
  }
}

// The provider that declares.
const auth::Principal& Provider() {
  static const auth::Principal* const kProviderPrincipal = new auth::Principal{
      auth::PrincipalKind::kProvider, kProvider, "declaration-bench"};
  return *kProviderPrincipal;
}

// The in-process path: a DeclarationApi of the bench's own on an empty
// SQLite store (instrumented and with metrics, as the App builds it), its
// look-ups over `lookups`.
struct InProcess {
  InProcess(const std::string& path,
            const std::shared_ptr<grpc::Channel>& lookups) {
    auto db = store::OpenSqlite(path);
    if (!db.ok()) Die("open " + path, db.status());
    db_ = store::Instrument(*std::move(db), *registry_, "declaration");
    absl::Status s = store::Migrate(
        *db_, "declaration", declaration::DeclarationRepository::Migrations());
    if (!s.ok()) Die("migrate", s);
    assignments_.SetChannel(lookups);
    catalogs_.SetChannel(lookups);
    api_ = std::make_unique<declaration::DeclarationApi>(
        *db_, assignments_, catalogs_, registry_.get());
  }

  // SubmitDeclaration, or ValidateDeclaration (checks only) with
  // `validate`; `out` gets the response when given.
  Outcome Submit(const Declaration& d, bool validate = false,
                 Declaration* out = nullptr) {
    Outcome o;
    Declaration response;
    const std::string parent = absl::StrCat("providers/", kProvider);
    const auto start = Clock::now();
    // As the service runs a call: its look-ups act for the provider.
    grpc::CallbackServerContext context;
    server::CallScope scope(context, Provider());
    const auth::Principal& provider = Provider();
    absl::Status s =
        validate ? api_->ValidateDeclaration(provider, parent, d, &response)
                 : api_->SubmitDeclaration(provider, parent, d, &response);
    o.seconds = SecondsSince(start);
    if (!s.ok()) Die("SubmitDeclaration", s);
    for (const Line& line : response.lines()) Tally(line.verdict(), o);
    if (out != nullptr) *out = std::move(response);
    return o;
  }

  std::shared_ptr<prometheus::Registry> registry_ =
      std::make_shared<prometheus::Registry>();
  std::unique_ptr<store::Database> db_;
  assignment::AssignmentClient assignments_;
  catalog::CatalogClient catalogs_;
  std::unique_ptr<declaration::DeclarationApi> api_;
};

// The streamed path: the header in the first message, then the lines in
// parts of kLinesPerPart (built before the clock starts), then the verdicts
// read back to the last.
Outcome SubmitStreamed(const std::shared_ptr<grpc::Channel>& channel,
                       const Declaration& d) {
  std::vector<declaration::v1::SubmitDeclarationStreamRequest> parts(1);
  parts[0].set_parent(absl::StrCat("providers/", kProvider));
  Declaration& header = *parts[0].mutable_declaration();
  header = d;
  header.clear_lines();
  for (int i = 0; i < d.lines_size(); i += kLinesPerPart) {
    auto& part = parts.emplace_back();
    const int end = std::min(d.lines_size(), i + kLinesPerPart);
    auto* lines = part.mutable_declaration()->mutable_lines();
    lines->Reserve(end - i);
    for (int k = i; k < end; ++k) *lines->Add() = d.lines(k);
  }
  auto stub = DeclarationService::NewStub(channel);
  Outcome o;
  const auto start = Clock::now();
  grpc::ClientContext context;
  // The service writes its last part with StartWriteLast and waits for
  // OnWriteDone before it calls Finish; gRPC may hold such a write until
  // Finish, so a call can hang. Fail instead of waiting forever.
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(120));
  auto stream = stub->SubmitDeclarationStream(&context);
  for (const auto& part : parts) {
    if (!stream->Write(part)) break;
  }
  stream->WritesDone();
  o.sent = SecondsSince(start);
  declaration::v1::SubmitDeclarationStreamResponse response;
  int verdicts = 0;
  while (stream->Read(&response)) {
    if (verdicts == 0) o.first_verdicts = SecondsSince(start);
    o.last_verdicts = SecondsSince(start);
    for (const auto& v : response.verdicts()) Tally(v.verdict(), o);
    verdicts += response.verdicts_size();
  }
  grpc::Status s = stream->Finish();
  o.seconds = SecondsSince(start);
  if (!s.ok() || verdicts != d.lines_size()) {
    std::fprintf(stderr,
                 "SubmitDeclarationStream: %s (%d of %d verdicts read%s)\n",
                 s.error_message().c_str(), verdicts, d.lines_size(),
                 s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
                     ? "; see StartWriteLast at the top"
                     : "");
    std::exit(1);
  }
  return o;
}

// Health/Check calls per second from `callers` threads, each making `calls`
// blocking calls (a generated stub's blocking unary call, on raw bytes).
struct EchoResult {
  double calls_per_second;
  double p50_us;
  double p99_us;
};

EchoResult Echo(const std::shared_ptr<grpc::Channel>& channel, int callers,
                int calls) {
  const grpc::internal::RpcMethod method("/grpc.health.v1.Health/Check",
                                         grpc::internal::RpcMethod::NORMAL_RPC);
  std::vector<std::vector<double>> latencies(callers);
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  workers.reserve(callers);
  for (int t = 0; t < callers; ++t) {
    workers.emplace_back([&, t] {
      grpc::ByteBuffer request, response;
      grpc::Slice empty("");
      request = grpc::ByteBuffer(&empty, 1);
      latencies[t].reserve(calls);
      for (int i = 0; i < calls; ++i) {
        const auto before = Clock::now();
        grpc::ClientContext context;
        grpc::Status s = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer,
                                                           grpc::ByteBuffer>(
            channel.get(), method, &context, request, &response);
        if (!s.ok()) {
          std::fprintf(stderr, "Health/Check: %s\n", s.error_message().c_str());
          std::exit(1);
        }
        latencies[t].push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - before)
                .count());
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds = SecondsSince(start);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  return {static_cast<double>(all.size()) / seconds, all[all.size() / 2],
          all[all.size() * 99 / 100]};
}

int Run() {
  const int n_clients = EnvInt("WMO_BENCH_CLIENTS", 10000);
  const int runs = EnvInt("WMO_BENCH_RUNS", 5);
  const int lines = 3 * n_clients;
  std::printf(
      "declaration_bench: %d clients x 3 lines = %d lines per declaration, "
      "%d runs per path, build %s, %u cores, %s\n\n",
      n_clients, lines, runs, WMO_BUILD_TYPE,
      std::thread::hardware_concurrency(),
      absl::FormatTime("%Y-%m-%d", absl::Now(), absl::LocalTimeZone()).c_str());

  testing::TempDir dir;
  // The catalog and assignment services both declaration paths read.
  server::ServerOptions lookup_options;
  lookup_options.services = {"catalog", "assignment", "declaration"};
  lookup_options.data_dir = dir.File("lookups");
  lookup_options.catalog_dir = testing::SourceDir() + "/catalogs";
  std::unique_ptr<App> lookups = StartApp(lookup_options);

  std::vector<Client> clients = MakeClients(n_clients);
  const int kSetupThreads = EnvInt("WMO_BENCH_SETUP_THREADS", 4);
  auto start = Clock::now();
  const int retries = CreateAssignments(
      LoopbackChannel(*lookups, testing::TestCaller()), clients, kSetupThreads);
  const double setup_seconds = SecondsSince(start);
  std::printf(
      "Setup: %d assignments (bgi, bgg, vervoer per client) created through "
      "the assignment service by %d callers in %.1f s (%.0f/s, %d calls "
      "retried after \"database is locked\")\n\n",
      3 * n_clients, kSetupThreads, setup_seconds,
      3 * n_clients / setup_seconds, retries);
  std::fflush(stdout);

  // A fresh all-in-one server (its own empty SQLite stores) per streamed
  // run, the assignments created in it before the clock starts; its
  // clients carry the numbers it gave them.
  struct Streamed {
    std::unique_ptr<App> app;
    std::vector<Client> clients;
  };
  auto declaration_server = [&](const std::string& name) {
    server::ServerOptions options = lookup_options;
    options.data_dir = dir.File(name);
    Streamed server{StartApp(options), clients};
    CreateAssignments(LoopbackChannel(*server.app, testing::TestCaller()),
                      server.clients, kSetupThreads);
    return server;
  };
  const auto lookup_channel = [&] { return lookups->RoleChannel(); };

  struct Row {
    std::string path;
    std::vector<Outcome> outcomes;
  };
  // Each run: an empty store per path for March; then April on the same
  // store (and server), so the second month finds the first's running
  // totals on both paths. The in-process path once more on a new thread
  // (like a server's executor thread) on another empty store.
  enum {
    kInProcess,
    kStreamed,
    kInProcessThread,
    kInProcessApril,
    kStreamedApril
  };
  std::vector<Row> rows = {
      {"in-process (DeclarationApi), main thread", {}},
      {"streamed (SubmitDeclarationStream)", {}},
      {"in-process, on a new thread", {}},
      {"in-process, 2nd month (April) on the same store", {}},
      {"streamed, 2nd month (April) to the same server", {}}};
  EchoResult echo1{}, echo2{};
  for (int r = 0; r < runs; ++r) {
    {
      InProcess in_process(dir.File(absl::StrCat("ip", r, ".db")),
                           lookup_channel());
      rows[kInProcess].outcomes.push_back(in_process.Submit(MonthOf(
          clients, kMarch, absl::StrCat("IP", r), absl::StrCat("I", r))));
      rows[kInProcessApril].outcomes.push_back(in_process.Submit(MonthOf(
          clients, kApril, absl::StrCat("IPA", r), absl::StrCat("IA", r))));
    }
    {
      auto server = declaration_server(absl::StrCat("st", r));
      auto channel = LoopbackChannel(*server.app, Provider());
      rows[kStreamed].outcomes.push_back(SubmitStreamed(
          channel, MonthOf(server.clients, kMarch, absl::StrCat("ST", r),
                           absl::StrCat("S", r))));
      rows[kStreamedApril].outcomes.push_back(SubmitStreamed(
          channel, MonthOf(server.clients, kApril, absl::StrCat("STA", r),
                           absl::StrCat("SA", r))));
      if (r == 0) {
        Echo(channel, 1, 2000);  // warm-up
        echo1 = Echo(channel, 1, 20000);
        echo2 = Echo(channel, 2, 20000);
      }
    }
    {
      InProcess in_process(dir.File(absl::StrCat("it", r, ".db")),
                           lookup_channel());
      const Declaration d =
          MonthOf(clients, kMarch, absl::StrCat("IT", r), absl::StrCat("T", r));
      Outcome o;
      std::thread([&] { o = in_process.Submit(d); }).join();
      rows[kInProcessThread].outcomes.push_back(std::move(o));
    }
    std::fprintf(stderr,
                 "run %d: in-process %.2f s (thread %.2f s, April %.2f s), "
                 "streamed %.2f s (April %.2f s)\n",
                 r + 1, rows[kInProcess].outcomes.back().seconds,
                 rows[kInProcessThread].outcomes.back().seconds,
                 rows[kInProcessApril].outcomes.back().seconds,
                 rows[kStreamed].outcomes.back().seconds,
                 rows[kStreamedApril].outcomes.back().seconds);
  }

  // March once more with day-level detail (12 to 28 deliveries per client),
  // once per path.
  std::vector<Row> detail_rows = {{"in-process, day detail", {}},
                                  {"streamed, day detail", {}}};
  {
    InProcess in_process(dir.File("ipd.db"), lookup_channel());
    detail_rows[0].outcomes.push_back(
        in_process.Submit(MonthOf(clients, kMarch, "IPD", "ID", true)));
    auto server = declaration_server("std");
    detail_rows[1].outcomes.push_back(
        SubmitStreamed(LoopbackChannel(*server.app, Provider()),
                       MonthOf(server.clients, kMarch, "STD", "SD", true)));
  }
  // And once streamed to the all-in-one App, whose declaration service
  // reaches catalog and assignment through in-process channels.
  Row all_in_one{"streamed, all-in-one App", {}};
  all_in_one.outcomes.push_back(
      SubmitStreamed(LoopbackChannel(*lookups, Provider()),
                     MonthOf(clients, kMarch, "AIO", "A")));

  // Where the in-process path's time goes, each part measured apart on a
  // fresh store: the assignment look-up alone, the catalog look-up alone,
  // ValidateDeclaration (look-ups and checks, nothing written), and
  // SubmitDeclaration (the same plus the writes).
  struct Part {
    std::string what;
    double seconds;
  };
  std::vector<Part> parts;
  size_t request_bytes = 0, response_bytes = 0;
  {
    const Declaration d = MonthOf(clients, kMarch, "PT", "P");
    request_bytes = d.ByteSizeLong();
    std::vector<std::string> numbers;
    for (const Line& line : d.lines()) {
      numbers.push_back(line.assignment_number());
    }
    assignment::AssignmentClient assignments;
    assignments.SetChannel(lookup_channel());
    start = Clock::now();
    grpc::CallbackServerContext context;
    std::optional<server::CallScope> scope(std::in_place, context, Provider());
    auto found = assignments.BatchGet(kMunicipality, numbers);
    scope.reset();
    parts.push_back({absl::StrCat("AssignmentClient::BatchGet of ",
                                  numbers.size(), " assignments (",
                                  (numbers.size() + 999) / 1000, " calls)"),
                     SecondsSince(start)});
    if (!found.ok()) Die("BatchGet", found.status());
    if (found->size() != numbers.size()) {
      std::fprintf(stderr, "BatchGet found %zu of %zu\n", found->size(),
                   numbers.size());
      return 1;
    }
    catalog::CatalogClient catalogs;
    catalogs.SetChannel(lookup_channel());
    start = Clock::now();
    auto catalog = catalogs.CatalogOn(
        kCatalog, *rules::ParseDate(kMarch.first_day, "first day"));
    parts.push_back({"CatalogClient::CatalogOn (1 call)", SecondsSince(start)});
    if (!catalog.ok()) Die("CatalogOn", catalog.status());
    InProcess in_process(dir.File("parts.db"), lookup_channel());
    parts.push_back({"ValidateDeclaration (look-ups + checks, no writes)",
                     in_process.Submit(d, /*validate=*/true).seconds});
    Declaration response;
    parts.push_back({"SubmitDeclaration (look-ups + checks + writes)",
                     in_process.Submit(d, false, &response).seconds});
    response_bytes = response.ByteSizeLong();
  }

  std::printf(
      "| path | runs | s per %d-line declaration (each run) | "
      "median s | lines/s (median) | approved | rejected |\n",
      lines);
  std::printf("|---|---:|---|---:|---:|---:|---:|\n");
  std::vector<double> medians;
  auto print = [&](const Row& row) {
    std::vector<double> seconds;
    std::string each;
    for (const Outcome& o : row.outcomes) {
      seconds.push_back(o.seconds);
      absl::StrAppend(&each, each.empty() ? "" : ", ",
                      absl::StrFormat("%.2f", o.seconds));
    }
    const double median = Median(seconds);
    medians.push_back(median);
    const Outcome& last = row.outcomes.back();
    std::printf("| %s | %zu | %s | %.2f | %.0f | %d | %d |\n", row.path.c_str(),
                row.outcomes.size(), each.c_str(), median, lines / median,
                last.approved, last.rejected);
    for (const Outcome& o : row.outcomes) {
      if (o.rejected > 0) {
        std::printf("|   rejected by rule | | %s | | | | |\n",
                    RuleSummary(o).c_str());
        break;
      }
    }
  };
  for (const Row& row : rows) print(row);
  for (const Row& row : detail_rows) print(row);
  print(all_in_one);
  std::printf(
      "\n| streamed run | sent (WritesDone) s | first verdicts s | last "
      "verdicts s | finished s |\n|---|---:|---:|---:|---:|\n");
  auto phases = [&](const Row& row) {
    for (size_t i = 0; i < row.outcomes.size(); ++i) {
      const Outcome& o = row.outcomes[i];
      std::printf("| %s #%zu | %.2f | %.2f | %.2f | %.2f |\n", row.path.c_str(),
                  i + 1, o.sent, o.first_verdicts, o.last_verdicts, o.seconds);
    }
  };
  phases(rows[kStreamed]);
  phases(rows[kStreamedApril]);
  phases(detail_rows[1]);
  phases(all_in_one);

  std::printf(
      "\n| in-process part (%d lines, request %.1f MB, response %.1f MB) | s "
      "|\n|---|---:|\n",
      lines, static_cast<double>(request_bytes) / 1e6,
      static_cast<double>(response_bytes) / 1e6);
  for (const Part& part : parts) {
    std::printf("| %s | %.2f |\n", part.what.c_str(), part.seconds);
  }

  std::printf(
      "\n| echo (Health/Check, loopback, same server) | calls/s | "
      "p50 µs | p99 µs |\n|---|---:|---:|---:|\n");
  std::printf("| 1 caller, 20000 calls | %.0f | %.1f | %.1f |\n",
              echo1.calls_per_second, echo1.p50_us, echo1.p99_us);
  std::printf("| 2 callers, 2 x 20000 calls | %.0f | %.1f | %.1f |\n",
              echo2.calls_per_second, echo2.p50_us, echo2.p99_us);

  const double in_process = lines / medians[0];
  const double streamed = lines / medians[1];
  std::printf("\nRatios (medians):\n");
  std::printf("- streamed / in-process: %.0f%% (target >= 50%%: %s)\n",
              100 * streamed / in_process,
              streamed >= in_process / 2 ? "met" : "NOT met");
  std::printf(
      "- streamed / in-process on a new thread: %.0f%%; 2nd month (April), "
      "streamed / in-process: %.0f%%\n",
      100 * medians[kInProcessThread] / medians[kStreamed],
      100 * medians[kInProcessApril] / medians[kStreamedApril]);
  std::printf(
      "- lines/s stored (in-process on SQLite, streamed on %s): in-process "
      "%.0f, streamed %.0f (target >= "
      "20000: %s / %s)\n",
      std::getenv("WMO_BENCH_STORE") != nullptr ? std::getenv("WMO_BENCH_STORE")
                                                : "sqlite",
      in_process, streamed, in_process >= 20000 ? "met" : "NOT met",
      streamed >= 20000 ? "met" : "NOT met");
  std::printf(
      "- %d lines end to end: in-process %.2f s, streamed %.2f s (target < "
      "10 s: %s / %s)\n",
      lines, medians[0], medians[1], medians[0] < 10 ? "met" : "NOT met",
      medians[1] < 10 ? "met" : "NOT met");
  std::printf(
      "- one echo call (1 caller) costs as much as %.1f streamed lines; the "
      "streamed declaration took as long as %.0f echo calls\n",
      streamed / echo1.calls_per_second, medians[1] * echo1.calls_per_second);
  return 0;
}

}  // namespace
}  // namespace wmo

int main() { return wmo::Run(); }
