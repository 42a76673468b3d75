// A national month: every municipality of the five catalogs, 100+ made-up
// providers contracted in them, 100,000 clients with two assignments each,
// then a month of declarations of every (provider, municipality) sent by 8
// concurrent callers: March over gRPC (SubmitDeclarationStream, parts of
// 1,000 lines), April as iWmo WMO323 messages (POST /v1/iwmo/messages). The
// real wmo-server binary runs as a separate process, all-in-one, on SQLite
// or (WMO_BENCH_STORE=postgres) on a fresh database of the test PostgreSQL.
// About 1% of the lines are made wrong in ways with a known rule; every
// line's verdict is checked against the one expected (outcome and rule, or
// the WMO325's return codes), and any difference fails the run (exit 1).
// Prints Markdown tables for BENCHMARKS.md:
//   make bench-national   (the full size on PostgreSQL, then on SQLite)
// Sizes: WMO_BENCH_CLIENTS (100000), WMO_BENCH_ASSIGNMENTS_PER_CLIENT (2; 1
// or 2), WMO_BENCH_PROVIDERS (120); WMO_BENCH_STORE (sqlite|postgres).
// Exits 77 (skipped) when asked for PostgreSQL and none runs.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/national.h"
#include "bench/population.h"
#include "cmd/wmo-server/app_testing.h"
#include "grpcpp/grpcpp.h"
#include "libs/store/store.h"
#include "libs/testing/credentials.h"
#include "libs/testing/databases.h"
#include "libs/testing/http.h"
#include "libs/testing/process.h"
#include "libs/testing/temp_dir.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

#ifndef WMO_BUILD_TYPE
#define WMO_BUILD_TYPE "unknown"
#endif

namespace wmo {
namespace {

using bench::Clock;
using bench::SecondsSince;
using bench::national::Expected;
using bench::national::PlannedDeclaration;
using bench::national::Population;
using declaration::v1::Line;
using declaration::v1::SubmitDeclarationStreamRequest;
using declaration::v1::SubmitDeclarationStreamResponse;

constexpr int kCallers = 8;
constexpr int kLinesPerPart = 1000;
// A refused call is sent again after a growing pause, up to 250 ms: over a
// minute in all before the run gives up (a busy iwmo role refuses most of
// 8 callers' messages while it works through the others).
constexpr int kAttempts = 300;
constexpr int kSkipped = 77;

// What a failed run leaves behind, removed at exit: std::exit skips the
// destructors that would stop the server and remove its data.
pid_t running_server = 0;
std::string scratch_dir;

void CleanUp() {
  if (running_server > 0) kill(running_server, SIGKILL);
  if (!scratch_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(scratch_dir, ec);
  }
}

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "national_bench: %s\n", what.c_str());
  std::exit(1);
}

// Server messages may name a client; none is printed.
std::string WithoutBsns(const std::string& text) {
  static const std::regex kNineDigits(R"(\b\d{9}\b)");
  return std::regex_replace(text, kNineDigits, "<bsn>");
}

// The name of a code that refuses a call for now, or nullptr.
const char* RetryableCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    default:
      return nullptr;
  }
}

// Calls sent again, by why they were refused.
class Retries {
 public:
  void Add(const std::string& why) {
    std::lock_guard<std::mutex> lock(mu_);
    ++by_reason_[why];
  }
  // "0", or the count with its reasons: "12 (RESOURCE_EXHAUSTED 12)".
  std::string Text() const {
    std::lock_guard<std::mutex> lock(mu_);
    int total = 0;
    std::string reasons;
    for (const auto& [why, n] : by_reason_) {
      total += n;
      absl::StrAppend(&reasons, reasons.empty() ? "" : ", ", why, " ", n);
    }
    return total == 0 ? "0" : absl::StrCat(total, " (", reasons, ")");
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, int> by_reason_;
};

// Busy and all jiffies of the machine's CPUs so far (/proc/stat): the
// database server's work shows here, not in the server's own CPU time.
std::pair<int64_t, int64_t> MachineJiffies() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  int64_t total = 0, idle = 0, value = 0;
  // user nice system idle iowait irq softirq steal
  for (int i = 0; i < 8 && in >> value; ++i) {
    total += value;
    if (i == 3 || i == 4) idle += value;
  }
  return {total - idle, total};
}

void Backoff(int attempt) {
  std::this_thread::sleep_for(
      std::chrono::milliseconds(std::min(5 * attempt, 250)));
}

double Ms(double seconds) { return 1000 * seconds; }

// The wmo-server process, its stderr read on a thread of its own so that
// its logging never blocks on a full pipe.
class Server {
 public:
  Server(const std::string& data_dir, const std::string& catalog_dir,
         const std::string& database_url)
      : data_dir_(data_dir), process_([&] {
          std::vector<std::string> argv = {
              std::string(WMO_BINARY_DIR) + "/cmd/wmo-server/wmo-server",
              "--grpc_port=0",
              "--http_port=0",
              "--metrics_port=0",
              "--auth=dev",
              "--data_dir=" + data_dir,
              "--catalog_dir=" + catalog_dir};
          if (!database_url.empty()) {
            argv.push_back("--database_url=" + database_url);
          }
          return argv;
        }()) {
    running_server = process_.pid();
    if (!process_.WaitForOutput("metrics")) {
      Fail("wmo-server did not start: " + process_.output());
    }
    grpc_port_ = testing::PortAfter(process_.output(), "gRPC");
    http_port_ = testing::PortAfter(process_.output(), "REST");
    metrics_port_ = testing::PortAfter(process_.output(), "metrics");
    if (grpc_port_ == 0 || http_port_ == 0) {
      Fail("no ports in: " + process_.output());
    }
    drain_ = std::thread([this] { process_.WaitForOutput(std::string(1, 0)); });
    for (int i = 0; i < 300; ++i) {
      if (testing::HttpGet(http_port_, "/readyz").status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Fail("wmo-server not ready within 30 s");
  }

  ~Server() {
    if (!stopped_) Stop();
  }

  // Stops the server; returns its exit code.
  int Stop() {
    stopped_ = true;
    kill(process_.pid(), SIGTERM);
    drain_.join();
    const int code = process_.Wait();
    running_server = 0;
    return code;
  }

  // Transactions rerun after a conflict so far, by service.
  std::map<std::string, int64_t> Reruns() const {
    std::map<std::string, int64_t> reruns;
    const std::string metrics =
        testing::HttpGet(metrics_port_, "/metrics").body;
    const std::regex line(
        R"re(wmo_store_transaction_reruns_total\{[^}]*service="([a-z]+)"[^}]*\} ([0-9.e+]+))re");
    for (auto it = std::sregex_iterator(metrics.begin(), metrics.end(), line);
         it != std::sregex_iterator(); ++it) {
      reruns[(*it)[1]] += static_cast<int64_t>(std::stod((*it)[2]));
    }
    return reruns;
  }

  pid_t pid() const { return process_.pid(); }
  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_port_; }

  // "Bearer <token>" for a municipality or a provider, signed with the
  // server's development key.
  std::string Bearer(auth::PrincipalKind kind, const std::string& tenant) {
    return testing::DevBearer(data_dir_, {kind, tenant, "national-bench"});
  }

 private:
  std::string data_dir_;
  testing::Process process_;
  std::thread drain_;
  int grpc_port_ = 0;
  int http_port_ = 0;
  int metrics_port_ = 0;
  bool stopped_ = false;
};

// The size of the server's data: the PostgreSQL database, or every file
// of the SQLite data directory (its -wal files too); and PostgreSQL's
// statistics.
class DataSize {
 public:
  DataSize(std::string data_dir, const std::string& database_url)
      : data_dir_(std::move(data_dir)) {
    if (database_url.empty()) return;
    store::PostgresOptions options;
    options.url = database_url;
    options.schema = "public";
    options.pool_size = 1;
    auto db = store::OpenPostgres(options);
    if (!db.ok()) bench::Die("connect to measure the database", db.status());
    db_ = *std::move(db);
  }

  // Gives PostgreSQL the statistics a live database has at a month-end:
  // there the assignments are months old, and autovacuum has analyzed
  // them; here they were all made in the last minutes, and the planner
  // would pick its indexes blind.
  void Analyze() {
    if (db_ == nullptr) return;
    if (auto done = db_->Execute("ANALYZE"); !done.ok()) {
      bench::Die("ANALYZE", done.status());
    }
  }

  int64_t Bytes() {
    if (db_ != nullptr) {
      auto rows = db_->Execute("SELECT pg_database_size(current_database())");
      if (!rows.ok() || rows->empty()) {
        bench::Die("pg_database_size", rows.status());
      }
      return store::ResultSet::Int((*rows)[0], 0);
    }
    int64_t bytes = 0;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(data_dir_, ec)) {
      if (entry.is_regular_file(ec)) {
        bytes += static_cast<int64_t>(entry.file_size(ec));
      }
    }
    return bytes;
  }

 private:
  std::string data_dir_;
  std::unique_ptr<store::Database> db_;
};

std::vector<std::shared_ptr<grpc::Channel>> Channels(const Server& server) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  channels.reserve(kCallers);
  for (int t = 0; t < kCallers; ++t) {
    // No default credentials: each call carries its caller's token.
    channels.push_back(testing::SeparateChannelTo(server.grpc_port(), ""));
    if (channels.back() == nullptr) Fail("no gRPC connection");
  }
  return channels;
}

// What the server did during a phase.
struct Usage {
  double cpu_seconds = 0;
  double peak_rss_mb = 0;   // VmHWM at the end: the peak so far
  double machine_busy = 0;  // fraction of all CPUs busy, any process

  // Measures from now until End().
  void Start(pid_t pid) {
    pid_ = pid;
    cpu_seconds = testing::CpuSeconds(pid);
    jiffies_ = MachineJiffies();
  }
  void End() {
    cpu_seconds = testing::CpuSeconds(pid_) - cpu_seconds;
    peak_rss_mb = testing::MemoryMb(pid_, "VmHWM");
    const auto [busy, total] = MachineJiffies();
    machine_busy = total > jiffies_.second
                       ? static_cast<double>(busy - jiffies_.first) /
                             static_cast<double>(total - jiffies_.second)
                       : 0;
  }

 private:
  pid_t pid_ = 0;
  std::pair<int64_t, int64_t> jiffies_;
};

struct Setup {
  double seconds = 0;
  int created = 0;
  std::string retries;
  Usage usage;
};

// Every client's assignments, `kCallers` callers each on its own
// channel, as the client's municipality. A call refused for now
// (UNAVAILABLE, ABORTED, RESOURCE_EXHAUSTED) is sent again with the same
// request id.
Setup CreateAssignments(Server& server, Population& population) {
  std::vector<std::string> bearers;
  for (const auto& m : population.municipalities) {
    bearers.push_back(server.Bearer(auth::PrincipalKind::kMunicipality, m.cbs));
  }
  const auto channels = Channels(server);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  Retries retries;
  Setup setup;
  setup.usage.Start(server.pid());
  const auto start = Clock::now();
  std::vector<std::thread> callers;
  callers.reserve(kCallers);
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      auto stub = assignment::v1::AssignmentService::NewStub(channels[t]);
      for (size_t i = next++; i < population.clients.size() && !failed;
           i = next++) {
        bench::national::NationalClient& c = population.clients[i];
        const auto& municipality = population.municipalities[c.municipality];
        for (int k = 0; k < population.per_client; ++k) {
          assignment::v1::CreateAssignmentRequest request;
          request.set_parent(absl::StrCat("municipalities/", municipality.cbs));
          request.set_request_id(absl::StrCat("national-", i, "-", k));
          *request.mutable_assignment() =
              bench::national::AssignmentOf(population, c, k);
          assignment::v1::Assignment created;
          for (int attempt = 1;; ++attempt) {
            grpc::ClientContext context;
            context.AddMetadata("authorization", bearers[c.municipality]);
            context.set_deadline(std::chrono::system_clock::now() +
                                 std::chrono::seconds(60));
            const grpc::Status s =
                stub->CreateAssignment(&context, request, &created);
            if (s.ok()) break;
            if (RetryableCode(s.error_code()) != nullptr &&
                attempt < kAttempts) {
              retries.Add(RetryableCode(s.error_code()));
              Backoff(attempt);
              continue;
            }
            if (!failed.exchange(true)) {
              std::fprintf(stderr, "CreateAssignment %s in %s: %d %s\n",
                           request.assignment().product().c_str(),
                           request.assignment().catalog().c_str(),
                           s.error_code(),
                           WithoutBsns(s.error_message()).c_str());
            }
            return;
          }
          c.numbers[k] = created.number();
        }
        if (i % 20000 == 19999) {
          std::fprintf(stderr, "setup: %zu clients after %.1f s\n", i + 1,
                       SecondsSince(start));
        }
      }
    });
  }
  for (auto& c : callers) c.join();
  if (failed) std::exit(1);
  setup.seconds = SecondsSince(start);
  setup.created =
      population.per_client * static_cast<int>(population.clients.size());
  setup.retries = retries.Text();
  setup.usage.End();
  return setup;
}

// One month sent one way, and what it cost.
struct MonthResult {
  std::string month;
  std::string path;
  int declarations = 0;
  int64_t lines = 0;
  int64_t wrong = 0;
  double seconds = 0;
  std::vector<double> part_seconds;         // gRPC only
  std::vector<double> declaration_seconds;  // each declaration's last attempt
  std::string retries;
  Usage usage;
  int64_t db_growth = 0;
  std::map<std::string, int> rejected_by_rule;
  int median_lines = 0;  // a declaration's
  int largest = 0;
};

// The sizes of the declarations of `plans` into `r`.
void CountLines(const std::vector<PlannedDeclaration>& plans, MonthResult& r) {
  std::vector<int> sizes;
  for (const auto& plan : plans) {
    r.lines += plan.declaration.lines_size();
    sizes.push_back(plan.declaration.lines_size());
    for (const Expected& e : plan.expected) r.wrong += !e.rule.empty();
  }
  std::sort(sizes.begin(), sizes.end());
  r.median_lines = sizes.empty() ? 0 : sizes[sizes.size() / 2];
  r.largest = sizes.empty() ? 0 : sizes.back();
}

// A line whose verdict differs from the expected one.
struct Mismatch {
  std::string what;
};

void Note(std::mutex& mu, std::vector<Mismatch>& out, std::string what) {
  std::lock_guard<std::mutex> lock(mu);
  out.push_back({std::move(what)});
}

// Runs `send(t, d)` for every declaration, `kCallers` threads taking the
// next one from a shared counter.
template <typename Send>
double ForEachDeclaration(size_t count, Send send) {
  std::atomic<size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  threads.reserve(kCallers);
  for (int t = 0; t < kCallers; ++t) {
    threads.emplace_back([&, t] {
      for (size_t d = next++; d < count; d = next++) send(t, d);
    });
  }
  for (auto& thread : threads) thread.join();
  return SecondsSince(start);
}

std::string Describe(const Population& population,
                     const PlannedDeclaration& plan, int line) {
  const Line& l = plan.declaration.lines(line);
  return absl::StrCat("declaration ", plan.declaration.number(), " of ",
                      population.providers[plan.provider].agb, " line ", line,
                      " (reference ", l.reference(), ", assignment ",
                      l.assignment_number(), ")");
}

std::string ExpectedText(const Expected& e) {
  return e.rule.empty() ? "APPROVED" : absl::StrCat("REJECTED by ", e.rule);
}

// March over SubmitDeclarationStream: per declaration the header with the
// first 1,000 lines, then 1,000 lines a message; the verdicts come back in
// parts of 1,000 once the service has judged the whole declaration.
MonthResult SendGrpc(Server& server, const Population& population,
                     const std::vector<PlannedDeclaration>& plans,
                     std::vector<Mismatch>& mismatches) {
  // Built before the clock starts.
  std::vector<std::vector<SubmitDeclarationStreamRequest>> requests(
      plans.size());
  MonthResult r;
  r.month = bench::kMarch.period;
  r.path = "gRPC SubmitDeclarationStream";
  r.declarations = static_cast<int>(plans.size());
  CountLines(plans, r);
  for (size_t d = 0; d < plans.size(); ++d) {
    const auto& decl = plans[d].declaration;
    for (int i = 0; i == 0 || i < decl.lines_size(); i += kLinesPerPart) {
      auto& part = requests[d].emplace_back();
      if (i == 0) {
        part.set_parent(absl::StrCat(
            "providers/", population.providers[plans[d].provider].agb));
        *part.mutable_declaration() = decl;
        part.mutable_declaration()->clear_lines();
      }
      const int end = std::min(decl.lines_size(), i + kLinesPerPart);
      auto* lines = part.mutable_declaration()->mutable_lines();
      lines->Reserve(end - i);
      for (int k = i; k < end; ++k) *lines->Add() = decl.lines(k);
    }
  }
  std::vector<std::string> bearers;
  for (const auto& p : population.providers) {
    bearers.push_back(server.Bearer(auth::PrincipalKind::kProvider, p.agb));
  }
  const auto channels = Channels(server);
  std::vector<std::vector<declaration::v1::LineVerdict>> verdicts(plans.size());
  std::vector<std::vector<double>> parts(kCallers);
  std::vector<double> declaration_seconds(plans.size());
  Retries retries;
  std::atomic<bool> failed{false};

  r.usage.Start(server.pid());
  r.seconds = ForEachDeclaration(plans.size(), [&](int t, size_t d) {
    auto stub = declaration::v1::DeclarationService::NewStub(channels[t]);
    const auto& request = requests[d];
    const int lines = plans[d].declaration.lines_size();
    for (int attempt = 1;; ++attempt) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", bearers[plans[d].provider]);
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(600));
      std::vector<double> sent(request.size());
      std::vector<double> latencies;
      const auto start = Clock::now();
      auto stream = stub->SubmitDeclarationStream(&context);
      for (size_t p = 0; p < request.size(); ++p) {
        if (!stream->Write(request[p])) break;
        sent[p] = SecondsSince(start);
      }
      stream->WritesDone();
      SubmitDeclarationStreamResponse response;
      std::vector<declaration::v1::LineVerdict> got;
      got.reserve(lines);
      while (stream->Read(&response)) {
        const double now = SecondsSince(start);
        for (auto& v : *response.mutable_verdicts())
          got.push_back(std::move(v));
        if (got.empty()) continue;
        // From when the last line of this part was sent to its verdict.
        const size_t last_part =
            std::min(request.size() - 1,
                     static_cast<size_t>((got.size() - 1) / kLinesPerPart));
        latencies.push_back(now - sent[last_part]);
      }
      const grpc::Status s = stream->Finish();
      if (s.ok() && static_cast<int>(got.size()) == lines) {
        declaration_seconds[d] = SecondsSince(start);
        verdicts[d] = std::move(got);
        parts[t].insert(parts[t].end(), latencies.begin(), latencies.end());
        return;
      }
      if (!s.ok() && got.empty() && RetryableCode(s.error_code()) != nullptr &&
          attempt < kAttempts) {
        retries.Add(RetryableCode(s.error_code()));
        Backoff(attempt);
        continue;
      }
      if (!failed.exchange(true)) {
        std::fprintf(stderr,
                     "SubmitDeclarationStream %s: %d %s (%zu of %d "
                     "verdicts)\n",
                     plans[d].declaration.number().c_str(), s.error_code(),
                     WithoutBsns(s.error_message()).c_str(), got.size(), lines);
      }
      return;
    }
  });
  if (failed) std::exit(1);
  r.usage.End();
  r.retries = retries.Text();
  r.declaration_seconds = std::move(declaration_seconds);
  for (auto& p : parts) {
    r.part_seconds.insert(r.part_seconds.end(), p.begin(), p.end());
  }

  // Every line's verdict against the expected one.
  std::mutex mu;
  for (size_t d = 0; d < plans.size(); ++d) {
    const PlannedDeclaration& plan = plans[d];
    for (int i = 0; i < plan.declaration.lines_size(); ++i) {
      const auto& v = verdicts[d][i];
      const Expected& e = plan.expected[i];
      std::vector<std::string> rules;
      for (const auto& violation : v.verdict().violations()) {
        rules.push_back(violation.rule_id());
      }
      std::sort(rules.begin(), rules.end());
      rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
      const bool approved =
          v.verdict().outcome() == declaration::v1::Verdict::APPROVED;
      bool ok = v.reference() == plan.declaration.lines(i).reference();
      if (e.rule.empty()) {
        ok = ok && approved && rules.empty();
      } else {
        ok = ok && !approved &&
             v.verdict().outcome() == declaration::v1::Verdict::REJECTED &&
             rules == std::vector<std::string>{e.rule};
        if (ok) ++r.rejected_by_rule[e.rule];
      }
      if (!ok) {
        Note(mu, mismatches,
             absl::StrCat(
                 Describe(population, plan, i), ": expected ", ExpectedText(e),
                 ", got ",
                 declaration::v1::Verdict::Outcome_Name(v.verdict().outcome()),
                 rules.empty() ? "" : " by ", absl::StrJoin(rules, ", "),
                 " (reference ", v.reference(), ")"));
      }
    }
  }
  return r;
}

// The text of every `<tag>` element in `xml`, in order.
std::vector<std::string> Elements(const std::string& xml,
                                  const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (size_t at = xml.find(open); at != std::string::npos;
       at = xml.find(open, at)) {
    const size_t from = at + open.size();
    const size_t to = xml.find(close, from);
    if (to == std::string::npos) break;
    out.push_back(xml.substr(from, to - from));
    at = to + close.size();
  }
  return out;
}

// April as WMO323 messages, one a declaration; the WMO325 lists the
// rejected lines with their return codes, or says 8001 (all granted).
MonthResult SendIwmo(Server& server, const Population& population,
                     const std::vector<PlannedDeclaration>& plans,
                     std::vector<Mismatch>& mismatches) {
  MonthResult r;
  r.month = bench::kApril.period;
  r.path = "iWmo WMO323 → WMO325, REST";
  r.declarations = static_cast<int>(plans.size());
  std::vector<std::string> messages(plans.size());
  for (size_t d = 0; d < plans.size(); ++d) {
    messages[d] = bench::national::Wmo323Of(
        population, plans[d], bench::kApril,
        absl::StrCat("NB", plans[d].declaration.number()), "2024-05-02");
  }
  CountLines(plans, r);
  std::vector<std::string> bearers;
  for (const auto& p : population.providers) {
    bearers.push_back(server.Bearer(auth::PrincipalKind::kProvider, p.agb));
  }
  std::vector<std::string> answers(plans.size());
  std::vector<double> declaration_seconds(plans.size());
  Retries retries;
  std::atomic<bool> failed{false};
  r.usage.Start(server.pid());
  r.seconds = ForEachDeclaration(plans.size(), [&](int, size_t d) {
    for (int attempt = 1;; ++attempt) {
      const auto start = Clock::now();
      testing::HttpResponse response = testing::HttpRequest(
          server.http_port(), "POST", "/v1/iwmo/messages", messages[d],
          {{"Authorization", bearers[plans[d].provider]},
           {"Content-Type", "application/xml"}});
      if (response.status == 200) {
        declaration_seconds[d] = SecondsSince(start);
        answers[d] = std::move(response.body);
        return;
      }
      if ((response.status == 429 || response.status == 503) &&
          attempt < kAttempts) {
        retries.Add(absl::StrCat("HTTP ", response.status));
        Backoff(attempt);
        continue;
      }
      if (!failed.exchange(true)) {
        std::fprintf(stderr, "POST /v1/iwmo/messages %s: %d %s\n",
                     plans[d].declaration.number().c_str(), response.status,
                     WithoutBsns(response.body.substr(0, 1000)).c_str());
      }
      return;
    }
  });
  if (failed) std::exit(1);
  r.usage.End();
  r.retries = retries.Text();
  r.declaration_seconds = std::move(declaration_seconds);

  // The rejected lines by (reference, assignment): a reference used twice
  // names two lines, of which only the second is rejected.
  std::mutex mu;
  for (size_t d = 0; d < plans.size(); ++d) {
    const PlannedDeclaration& plan = plans[d];
    std::map<std::pair<std::string, std::string>, std::string> expected, got;
    for (int i = 0; i < plan.declaration.lines_size(); ++i) {
      if (plan.expected[i].rule.empty()) continue;
      const Line& l = plan.declaration.lines(i);
      expected[{l.reference(), l.assignment_number()}] = plan.expected[i].code;
    }
    const std::string& answer = answers[d];
    for (const std::string& line : Elements(answer, "Prestatie")) {
      // The reference is of the base namespace (prefix iwmo).
      const auto reference = Elements(line, "iwmo:ReferentieNummer");
      const auto number = Elements(line, "ToewijzingNummer");
      const auto codes = Elements(line, "RetourCode");
      got[{reference.empty() ? "" : reference[0],
           number.empty() ? "" : number[0]}] = absl::StrJoin(codes, ",");
    }
    const bool granted =
        answer.find("<RetourCode>8001</RetourCode>") != std::string::npos;
    if (expected.empty() && !granted) {
      Note(mu, mismatches,
           absl::StrCat("message of declaration ", plan.declaration.number(),
                        " of ", population.providers[plan.provider].agb,
                        ": expected 8001 (all granted), got ",
                        WithoutBsns(answer.substr(0, 600))));
      continue;
    }
    for (const auto& [key, code] : expected) {
      auto it = got.find(key);
      if (it == got.end() || it->second != code) {
        Note(mu, mismatches,
             absl::StrCat("message of declaration ", plan.declaration.number(),
                          " of ", population.providers[plan.provider].agb,
                          " line ", key.first, " (assignment ", key.second,
                          "): expected return code ", code, ", got ",
                          it == got.end() ? "none (granted)" : it->second));
      } else {
        for (int i = 0; i < plan.declaration.lines_size(); ++i) {
          const Line& l = plan.declaration.lines(i);
          if (l.reference() == key.first &&
              l.assignment_number() == key.second) {
            ++r.rejected_by_rule[plan.expected[i].rule];
            break;
          }
        }
      }
    }
    for (const auto& [key, codes] : got) {
      if (!expected.contains(key)) {
        Note(mu, mismatches,
             absl::StrCat("message of declaration ", plan.declaration.number(),
                          " of ", population.providers[plan.provider].agb,
                          " line ", key.first, " (assignment ", key.second,
                          "): expected granted, got return codes ", codes));
      }
    }
  }
  return r;
}

std::string RuleCounts(const MonthResult& r) {
  std::string out;
  for (const auto& [rule, n] : r.rejected_by_rule) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", rule, " ", n);
  }
  return out;
}

// Fails the run when any verdict differs, printing the first few.
void RequireVerdicts(const MonthResult& r,
                     const std::vector<Mismatch>& mismatches) {
  if (!mismatches.empty()) {
    std::fprintf(stderr, "%s %s: %zu verdicts differ from the expected ones:\n",
                 r.month.c_str(), r.path.c_str(), mismatches.size());
    for (size_t i = 0; i < mismatches.size() && i < 10; ++i) {
      std::fprintf(stderr, "  %s\n", mismatches[i].what.c_str());
    }
    std::exit(1);
  }
  int64_t rejected = 0;
  for (const auto& [rule, n] : r.rejected_by_rule) rejected += n;
  // A check that found nothing wrong proves nothing: lines were made wrong,
  // and from 20 on, each of the four ways.
  if (r.wrong == 0 || rejected != r.wrong ||
      (r.wrong >= 20 && r.rejected_by_rule.size() < 4)) {
    Fail(absl::StrCat(r.month, " ", r.path, ": ", r.wrong,
                      " lines made wrong, ", rejected,
                      " rejected as expected (", RuleCounts(r), ")"));
  }
}

int Run() {
  const int n_clients = bench::EnvInt("WMO_BENCH_CLIENTS", 100000);
  const int n_providers = bench::EnvInt("WMO_BENCH_PROVIDERS", 120);
  const int per_client = bench::EnvInt("WMO_BENCH_ASSIGNMENTS_PER_CLIENT", 2);
  const char* store_env = std::getenv("WMO_BENCH_STORE");
  const std::string store = store_env != nullptr ? store_env : "sqlite";
  if (store != "sqlite" && store != "postgres") {
    Fail("WMO_BENCH_STORE is sqlite or postgres, not " + store);
  }
  std::string database_url;
  if (store == "postgres") {
    auto url = testing::CreateTestPostgresDatabase();
    if (url.status().code() == absl::StatusCode::kFailedPrecondition) {
      std::fprintf(stderr,
                   "national_bench: skipped, no test PostgreSQL (run under "
                   "scripts/with-test-services): %s\n",
                   url.status().ToString().c_str());
      return kSkipped;
    }
    if (!url.ok()) bench::Die("WMO_BENCH_STORE=postgres", url.status());
    database_url = *url;
  }

  const std::string catalogs = std::string(WMO_SOURCE_DIR) + "/catalogs";
  auto made = bench::national::MakePopulation(catalogs, n_clients, n_providers,
                                              per_client);
  if (!made.ok()) bench::Die("population", made.status());
  Population population = *std::move(made);
  testing::TempDir dir;
  scratch_dir = dir.path().string();
  std::atexit(CleanUp);
  std::filesystem::create_directories(dir.File("catalogs"));
  if (absl::Status s = bench::national::WriteCatalogs(population, catalogs,
                                                      dir.File("catalogs"));
      !s.ok()) {
    bench::Die("catalogs", s);
  }

  std::printf(
      "national_bench: WMO_BENCH_STORE=%s WMO_BENCH_CLIENTS=%d "
      "WMO_BENCH_PROVIDERS=%d WMO_BENCH_ASSIGNMENTS_PER_CLIENT=%d "
      "build/bench/national_bench; store %s; build %s, %u cores, %s\n\n",
      store.c_str(), n_clients, n_providers, per_client, store.c_str(),
      WMO_BUILD_TYPE, std::thread::hardware_concurrency(),
      absl::FormatTime("%Y-%m-%d", absl::Now(), absl::LocalTimeZone()).c_str());
  std::fflush(stdout);

  Server server(dir.File("var"), dir.File("catalogs"), database_url);
  DataSize size(dir.File("var"), database_url);

  // Transactions rerun after a conflict, by phase and service.
  std::vector<std::pair<std::string, std::map<std::string, int64_t>>> reruns;
  auto note_reruns = [&](const std::string& phase) {
    std::map<std::string, int64_t> now = server.Reruns();
    std::map<std::string, int64_t> during = now;
    for (const auto& [phase_before, counts] : reruns) {
      for (const auto& [service, n] : counts) during[service] -= n;
    }
    reruns.emplace_back(phase, std::move(during));
  };
  const Setup setup = CreateAssignments(server, population);
  note_reruns("setup");
  size.Analyze();
  int served = 0;
  for (const auto& p : population.providers) {
    served += static_cast<int>(p.municipalities.size());
  }
  std::printf(
      "### Setup: assignments created through the assignment service, %d "
      "callers each on its own channel\n\n"
      "| catalogs | municipalities | providers | (provider, municipality) "
      "pairs | clients | assignments | s | assignments/s | retried | server "
      "CPU s | machine CPU busy | server peak RSS MB |\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n"
      "| %zu | %zu | %zu | %d | %zu | %d | %.1f | %.0f | %s | %.1f | %.0f%% | "
      "%.0f |\n\n",
      kCallers, population.catalogs.size(), population.municipalities.size(),
      population.providers.size(), served, population.clients.size(),
      setup.created, setup.seconds, setup.created / setup.seconds,
      setup.retries.c_str(), setup.usage.cpu_seconds,
      100 * setup.usage.machine_busy, setup.usage.peak_rss_mb);
  std::fflush(stdout);

  std::vector<MonthResult> months;
  {
    const int64_t before = size.Bytes();
    std::vector<Mismatch> mismatches;
    auto plans =
        bench::national::PlanMonth(population, bench::kMarch, "A", 25, 0);
    MonthResult r = SendGrpc(server, population, plans, mismatches);
    r.db_growth = size.Bytes() - before;
    RequireVerdicts(r, mismatches);
    std::fprintf(stderr, "%s %s: %.1f s, verdicts as expected\n",
                 r.month.c_str(), r.path.c_str(), r.seconds);
    note_reruns(r.month + " " + r.path);
    months.push_back(std::move(r));
  }
  {
    const int64_t before = size.Bytes();
    std::vector<Mismatch> mismatches;
    auto plans =
        bench::national::PlanMonth(population, bench::kApril, "B", 40, 2);
    MonthResult r = SendIwmo(server, population, plans, mismatches);
    r.db_growth = size.Bytes() - before;
    RequireVerdicts(r, mismatches);
    std::fprintf(stderr, "%s %s: %.1f s, verdicts as expected\n",
                 r.month.c_str(), r.path.c_str(), r.seconds);
    note_reruns(r.month + " " + r.path);
    months.push_back(std::move(r));
  }
  const double peak_rss = testing::MemoryMb(server.pid(), "VmHWM");
  const int exit_code = server.Stop();

  std::printf(
      "### A month of declarations, %d callers at once (one declaration a "
      "(provider, municipality); parts of %d lines over gRPC)\n\n"
      "| month | path | declarations | lines | lines made wrong | s | lines/s "
      "| part p50 ms | part p99 ms | declaration p50 ms | declaration p99 ms "
      "| retried | server CPU s | machine CPU busy | server peak RSS MB | DB "
      "growth MB | DB growth MB per million lines |\n"
      "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
      "---:|---:|---:|\n",
      kCallers, kLinesPerPart);
  for (const MonthResult& r : months) {
    // Bytes per line are MB per million lines.
    const double per_line =
        static_cast<double>(r.db_growth) / static_cast<double>(r.lines);
    const bool parts = !r.part_seconds.empty();
    std::printf(
        "| %s | %s | %d | %lld | %lld | %.1f | %.0f | %s | %s | %.0f | %.0f | "
        "%s | %.1f | %.0f%% | %.0f | %.1f | %.0f |\n",
        r.month.c_str(), r.path.c_str(), r.declarations,
        static_cast<long long>(r.lines), static_cast<long long>(r.wrong),
        r.seconds, static_cast<double>(r.lines) / r.seconds,
        parts ? absl::StrFormat("%.0f",
                                Ms(bench::Percentile(r.part_seconds, 0.5)))
                    .c_str()
              : "-",
        parts ? absl::StrFormat("%.0f",
                                Ms(bench::Percentile(r.part_seconds, 0.99)))
                    .c_str()
              : "-",
        Ms(bench::Percentile(r.declaration_seconds, 0.5)),
        Ms(bench::Percentile(r.declaration_seconds, 0.99)), r.retries.c_str(),
        r.usage.cpu_seconds, 100 * r.usage.machine_busy, r.usage.peak_rss_mb,
        static_cast<double>(r.db_growth) / 1e6, per_line);
  }
  std::printf(
      "\nA part's time runs from the write of its last line to the arrival "
      "of its verdicts: the service judges a declaration whole once the "
      "client has sent all of it (WritesDone), so every part waits for the "
      "whole declaration. Lines per declaration: median %d, largest %d.\n",
      months[0].median_lines, months[0].largest);
  std::printf(
      "\nTransactions rerun after a conflict with a concurrent one (all "
      "services):");
  for (const auto& [phase, counts] : reruns) {
    int64_t total = 0;
    for (const auto& [service, n] : counts) total += n;
    std::printf(" %s %lld;", phase.c_str(), static_cast<long long>(total));
  }
  std::printf("\n");
  std::printf("\nVerdicts: every line as expected.\n");
  for (const MonthResult& r : months) {
    std::printf("- %s %s: %lld lines, %lld approved, %lld rejected (%s)\n",
                r.month.c_str(), r.path.c_str(),
                static_cast<long long>(r.lines),
                static_cast<long long>(r.lines - r.wrong),
                static_cast<long long>(r.wrong), RuleCounts(r).c_str());
  }
  const double grpc_rate =
      static_cast<double>(months[0].lines) / months[0].seconds;
  const double create_rate = setup.created / setup.seconds;
  std::printf(
      "\n| target (%s) | measured | goal |\n|---|---:|---|\n"
      "| declaration lines/s, gRPC, %d streams | %.0f | ≥ 30000 on "
      "PostgreSQL (%.2f of it) |\n"
      "| assignments created/s, %d callers | %.0f | ≥ 2000 (%.2f of it) |\n"
      "| server peak RSS | %.0f MB | |\n",
      store.c_str(), kCallers, grpc_rate, grpc_rate / 30000, kCallers,
      create_rate, create_rate / 2000, peak_rss);
  if (exit_code != 0) {
    Fail(absl::StrCat("wmo-server exited with ", exit_code));
  }
  return 0;
}

}  // namespace
}  // namespace wmo

int main() {
  try {
    return wmo::Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "national_bench: %s\n", e.what());
    return 1;
  }
}
