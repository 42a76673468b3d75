// CreateBooking under contention: 16 callers, each on its own loopback gRPC
// channel to an all-in-one App, book short stays (1 to 3 nights) at random
// arrival dates within 30 nights in one pool of 4 beds, for random clients
// with a KDV assignment, so that the pool fills and most later calls are
// refused CP-FULL (some S3-09 or CP-CLIENT-NIGHT). Each caller first makes a
// few calls the service refuses without writing (warm-up, not counted).
// After the load the pool's bookings are listed and checked: no bed-night
// and no client-night twice, no bed beyond the pool's, and exactly the
// bookings the callers were told they made. For the ratio, in the same run:
// grpc.health.v1.Health/Check served by the same App over the same kind of
// channels, 16 callers. The setup (App, pool, assignments) is timed apart.
// On SQLite, and also on PostgreSQL (a fresh database) when
// WMO_TEST_POSTGRES_URL is set; prints Markdown tables for BENCHMARKS.md:
//   scripts/with-test-services build/bench/capacity_bench
// WMO_BENCH_CLIENTS (default 3200) sets how many clients get an assignment,
// WMO_BENCH_CALLS (default 250) the CreateBooking calls per caller. No
// figure is judged; the run exits 1 when the invariant is broken or a call
// failed other than by a refusal (FAILED_PRECONDITION).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cmd/wmo-server/app.h"
#include "cmd/wmo-server/app_testing.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "libs/rules/dates.h"
#include "libs/testing/temp_dir.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/capacity/v1/capacity_service.grpc.pb.h"

#ifndef WMO_BUILD_TYPE
#define WMO_BUILD_TYPE "unknown"
#endif

namespace wmo {
namespace {

using Clock = std::chrono::steady_clock;
using assignment::v1::Assignment;
using assignment::v1::AssignmentService;
using capacity::v1::CapacityService;

constexpr char kMunicipality[] = "0988";  // Weert, midden-limburg-2024
constexpr char kProvider[] = "99990303";  // contracted for kdv
constexpr char kCatalog[] = "midden-limburg-2024";
constexpr int kCallers = 16;
constexpr int kSetupCallers = 4;
constexpr int kBeds = 4;
// Arrivals fall in the 30 nights from Monday 4 March 2024; every stay ends
// by the morning after the last of them.
constexpr char kFirstNight[] = "2024-03-04";
constexpr int kWindowNights = 30;
constexpr int kMaxStay = 3;
// The assignments end on 31 July: a night in September is refused.
constexpr char kAfterAssignments[] = "2024-09-02";
constexpr int kWarmUpCalls = 5;   // per caller
constexpr int kEchoCalls = 2000;  // per caller

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start)
      .count();
}

// CPU seconds this process (callers and App together) has used so far.
double CpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && std::atoi(value) > 0 ? std::atoi(value) : fallback;
}

[[noreturn]] void Die(const std::string& what, const std::string& why) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), why.c_str());
  std::exit(1);
}

// The authorization every call of the run carries (the app's development
// key), set once the app runs.
std::string bearer;

// Each its own TCP connection, as a separate client process would have.
std::shared_ptr<grpc::Channel> LoopbackChannel(int port) {
  auto channel = testing::SeparateChannelTo(port, bearer);
  if (channel == nullptr) {
    Die("connect", absl::StrCat("127.0.0.1:", port, " does not answer"));
  }
  return channel;
}

// Latency percentile `p` (0 to 100) of unsorted microseconds.
double Percentile(std::vector<double> v, int p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, v.size() * p / 100)];
}

// A KDV assignment over February to July 2024, 42 etmalen in total (the
// catalog's yearly cap, so the assignment itself never limits a booking).
Assignment Kdv(const std::string& bsn) {
  Assignment a;
  a.mutable_client()->set_bsn(bsn);
  a.mutable_client()->set_birth_date("1950-03-01");
  a.set_provider_agb(kProvider);
  a.set_catalog(kCatalog);
  a.set_product("kdv");
  a.set_basis("1");
  a.mutable_extent()->set_volume(42);
  a.mutable_extent()->set_unit(wmo::type::v1::UNIT_DAY_NIGHT);
  a.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_TOTAL);
  a.set_start_date("2024-02-01");
  a.set_end_date("2024-07-31");
  auto* result = a.add_results();
  result->set_life_domain("Wonen");
  result->set_activity_type(assignment::v1::ACTIVITY_TYPE_HELP);
  return a;
}

// One client: its BSN and its assignment's resource name.
struct Client {
  std::string bsn;
  std::string assignment;
};

// Creates a KDV assignment for each of `n` clients through the assignment
// service, kSetupCallers at once. A call refused with UNAVAILABLE (SQLite's
// "database is locked" once the busy timeout ran out) is retried with the
// same request id.
std::vector<Client> CreateClients(int port, int n) {
  auto stub = AssignmentService::NewStub(LoopbackChannel(port));
  std::vector<Client> clients(n);
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  workers.reserve(kSetupCallers);
  for (int t = 0; t < kSetupCallers; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        const std::string bsn = testing::TestBsn(i);
        assignment::v1::CreateAssignmentRequest request;
        request.set_parent(absl::StrCat("municipalities/", kMunicipality));
        request.set_request_id(absl::StrCat("bench-kdv-", bsn));
        *request.mutable_assignment() = Kdv(bsn);
        Assignment created;
        for (int attempt = 1;; ++attempt) {
          grpc::ClientContext context;
          grpc::Status s = stub->CreateAssignment(&context, request, &created);
          if (s.ok()) break;
          if (s.error_code() != grpc::StatusCode::UNAVAILABLE || attempt == 5) {
            Die("CreateAssignment", s.error_message());
          }
        }
        clients[i] = {bsn, created.name()};
      }
    });
  }
  for (auto& w : workers) w.join();
  return clients;
}

// Location "weert" of the KDV provider with pool "logeer" of kBeds beds;
// returns the pool's name.
std::string CreatePool(int port) {
  auto stub = CapacityService::NewStub(LoopbackChannel(port));
  const std::string provider = absl::StrCat("providers/", kProvider);
  {
    grpc::ClientContext context;
    capacity::v1::CreateLocationRequest request;
    request.set_parent(provider);
    request.set_location_id("weert");
    request.mutable_location()->set_display_name("Logeerhuis Weert");
    request.mutable_location()->set_municipality(kMunicipality);
    request.mutable_location()->set_postcode("6001 AB");
    capacity::v1::Location location;
    grpc::Status s = stub->CreateLocation(&context, request, &location);
    if (!s.ok()) Die("CreateLocation", s.error_message());
  }
  grpc::ClientContext context;
  capacity::v1::CreateBedPoolRequest request;
  request.set_parent(provider + "/locations/weert");
  request.set_bed_pool_id("logeer");
  auto* pool = request.mutable_bed_pool();
  pool->set_display_name("Logeerkamers");
  pool->set_catalog(kCatalog);
  pool->add_products("kdv");
  pool->set_beds(kBeds);
  capacity::v1::BedPool created;
  grpc::Status s = stub->CreateBedPool(&context, request, &created);
  if (!s.ok()) Die("CreateBedPool", s.error_message());
  return created.name();
}

// What became of the CreateBooking calls.
struct Load {
  double seconds = 0;
  double cpu_seconds = 0;  // of this process, callers and App
  // When the last booking was made, seconds from the start: the pool was
  // as full as the calls could make it.
  double last_booked = 0;
  // Latencies in µs by outcome: "booked", "CP-FULL", "refused: <rule ids>",
  // "error: <code>".
  std::map<std::string, std::vector<double>> latencies;
  // The bookings made, by name.
  std::set<std::string> booked;
  // The first message of each kind of error.
  std::map<std::string, std::string> errors;

  int Count(const std::string& outcome) const {
    auto it = latencies.find(outcome);
    return it == latencies.end() ? 0 : static_cast<int>(it->second.size());
  }
  int CountPrefix(const std::string& prefix) const {
    int n = 0;
    for (const auto& [outcome, l] : latencies) {
      if (outcome.rfind(prefix, 0) == 0) n += static_cast<int>(l.size());
    }
    return n;
  }
  std::vector<double> All() const {
    std::vector<double> all;
    for (const auto& [outcome, l] : latencies) {
      all.insert(all.end(), l.begin(), l.end());
    }
    return all;
  }
};

// Runs `body(t)` for t = 0 … kCallers - 1, each on its own thread, and
// waits for all of them.
void RunCallers(const std::function<void(int)>& body) {
  std::vector<std::thread> workers;
  workers.reserve(kCallers);
  for (int t = 0; t < kCallers; ++t) workers.emplace_back(body, t);
  for (auto& w : workers) w.join();
}

// kCallers threads, each on its own channel, make `calls` CreateBooking
// calls each: a random client, a stay of 1 to kMaxStay nights arriving on a
// random night of the window, a request id of its own. Before the clock
// starts, each makes kWarmUpCalls calls for a night after the assignments
// end, which the service refuses (CP-ASSIGNMENT) without writing: the
// channels, executors and store connections are warm when timing starts.
Load BookConcurrently(int port, const std::string& pool,
                      const std::vector<Client>& clients, int calls) {
  const rules::Date first = *rules::ParseDate(kFirstNight, "first night");
  const rules::Date after_assignments =
      *rules::ParseDate(kAfterAssignments, "night");
  std::vector<std::unique_ptr<CapacityService::Stub>> stubs;
  stubs.reserve(kCallers);
  for (int t = 0; t < kCallers; ++t) {
    stubs.push_back(CapacityService::NewStub(LoopbackChannel(port)));
  }
  auto book = [&](int t, const Client& client, rules::Date arrival, int nights,
                  std::string request_id, capacity::v1::Booking* response) {
    capacity::v1::CreateBookingRequest request;
    request.set_parent(pool);
    request.set_request_id(std::move(request_id));
    capacity::v1::Booking* b = request.mutable_booking();
    b->set_client_bsn(client.bsn);
    b->set_assignment(client.assignment);
    b->set_arrival_date(rules::FormatDate(arrival));
    b->set_departure_date(rules::FormatDate(arrival + nights));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    return stubs[t]->CreateBooking(&context, request, response);
  };

  RunCallers([&](int t) {
    for (int i = 0; i < kWarmUpCalls; ++i) {
      capacity::v1::Booking response;
      grpc::Status s = book(t, clients[(t * kWarmUpCalls + i) % clients.size()],
                            after_assignments, 1,
                            absl::StrCat("warm-up-", t, "-", i), &response);
      if (testing::RuleIds(s) != std::vector<std::string>{"CP-ASSIGNMENT"}) {
        Die("warm-up CreateBooking",
            s.ok() ? "booked" : s.error_message() + " (not CP-ASSIGNMENT)");
      }
    }
  });

  std::vector<Load> per_caller(kCallers);
  const double cpu = CpuSeconds();
  const auto start = Clock::now();
  RunCallers([&](int t) {
    std::mt19937 random(t + 1);
    std::uniform_int_distribution<int> pick_client(
        0, static_cast<int>(clients.size()) - 1);
    std::uniform_int_distribution<int> pick_nights(1, kMaxStay);
    Load& mine = per_caller[t];
    for (int i = 0; i < calls; ++i) {
      const Client& client = clients[pick_client(random)];
      const int nights = pick_nights(random);
      const rules::Date arrival =
          first +
          std::uniform_int_distribution<int>(0, kWindowNights - nights)(random);
      capacity::v1::Booking response;
      const auto before = Clock::now();
      grpc::Status s = book(t, client, arrival, nights,
                            absl::StrCat("bench-", t, "-", i), &response);
      const double micros = MicrosSince(before);
      std::string outcome;
      if (s.ok()) {
        outcome = "booked";
        mine.booked.insert(response.name());
        mine.last_booked = SecondsSince(start);
      } else if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
        const std::string rules = absl::StrJoin(testing::RuleIds(s), ", ");
        outcome = rules == "CP-FULL" ? rules : "refused: " + rules;
      } else {
        outcome = absl::StrCat("error: ", s.error_code());
        mine.errors.emplace(outcome, s.error_message());
      }
      mine.latencies[outcome].push_back(micros);
    }
  });
  Load total;
  total.seconds = SecondsSince(start);
  total.cpu_seconds = CpuSeconds() - cpu;
  for (Load& l : per_caller) {
    for (auto& [outcome, micros] : l.latencies) {
      auto& into = total.latencies[outcome];
      into.insert(into.end(), micros.begin(), micros.end());
    }
    total.booked.merge(l.booked);
    total.last_booked = std::max(total.last_booked, l.last_booked);
    total.errors.merge(l.errors);
  }
  return total;
}

// The pool as stored.
capacity::v1::BedPool GetPool(int port, const std::string& pool) {
  auto stub = CapacityService::NewStub(LoopbackChannel(port));
  grpc::ClientContext context;
  capacity::v1::GetBedPoolRequest request;
  request.set_name(pool);
  capacity::v1::BedPool out;
  grpc::Status s = stub->GetBedPool(&context, request, &out);
  if (!s.ok()) Die("GetBedPool", s.error_message());
  return out;
}

// The pool's bookings (BOOKED ones), every page.
std::vector<capacity::v1::Booking> ListAll(int port, const std::string& pool) {
  auto stub = CapacityService::NewStub(LoopbackChannel(port));
  std::vector<capacity::v1::Booking> out;
  capacity::v1::ListBookingsRequest request;
  request.set_parent(pool);
  request.set_page_size(500);
  do {
    grpc::ClientContext context;
    capacity::v1::ListBookingsResponse response;
    grpc::Status s = stub->ListBookings(&context, request, &response);
    if (!s.ok()) Die("ListBookings", s.error_message());
    out.insert(out.end(), response.bookings().begin(),
               response.bookings().end());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return out;
}

// Checks the bookings of a pool of `beds` beds: no bed-night and no
// client-night twice, every bed one of the pool's, and the bookings listed
// are the ones the callers were told they made. Returns the bed-nights
// booked, or the first problem.
absl::StatusOr<int> CheckInvariant(
    int beds, const std::vector<capacity::v1::Booking>& all,
    const std::set<std::string>& booked) {
  std::set<std::pair<int, rules::Date>> bed_nights;
  std::set<std::pair<std::string, rules::Date>> client_nights;
  std::set<std::string> listed;
  for (const capacity::v1::Booking& b : all) {
    listed.insert(b.name());
    if (b.state() != capacity::v1::Booking::BOOKED) {
      return absl::InternalError(absl::StrCat(b.name(), " is not BOOKED"));
    }
    if (b.bed() < 1 || b.bed() > beds) {
      return absl::InternalError(
          absl::StrCat(b.name(), " has bed ", b.bed(), " of a pool of ", beds));
    }
    auto from = rules::ParseDate(b.arrival_date(), "arrival_date");
    auto to = rules::ParseDate(b.departure_date(), "departure_date");
    if (!from.ok() || !to.ok() || !(*from < *to)) {
      return absl::InternalError(absl::StrCat(b.name(), " has no nights"));
    }
    for (rules::Date night = *from; night < *to; ++night) {
      if (!bed_nights.insert({b.bed(), night}).second) {
        return absl::InternalError(absl::StrCat(
            "bed ", b.bed(), " is booked twice on ", rules::FormatDate(night)));
      }
      if (!client_nights.insert({b.client_bsn(), night}).second) {
        // The BSN is personal data: name the booking, not the client.
        return absl::InternalError(absl::StrCat("the client of ", b.name(),
                                                " is booked twice on ",
                                                rules::FormatDate(night)));
      }
    }
  }
  if (listed.size() != all.size()) {
    return absl::InternalError("a booking is listed twice");
  }
  if (listed != booked) {
    return absl::InternalError(
        absl::StrCat(listed.size(), " bookings listed, ", booked.size(),
                     " made by the callers, not the same ones"));
  }
  return static_cast<int>(bed_nights.size());
}

struct EchoResult {
  double calls_per_second = 0;
  double cpu_us_per_call = 0;  // of this process, callers and App
  double p50_us = 0;
  double p99_us = 0;
};

// Health/Check calls per second from kCallers threads, each on its own
// channel making `calls` blocking calls on raw bytes.
EchoResult Echo(int port, int calls) {
  const grpc::internal::RpcMethod method("/grpc.health.v1.Health/Check",
                                         grpc::internal::RpcMethod::NORMAL_RPC);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  channels.reserve(kCallers);
  for (int t = 0; t < kCallers; ++t) channels.push_back(LoopbackChannel(port));
  std::vector<std::vector<double>> latencies(kCallers);
  const double cpu = CpuSeconds();
  const auto start = Clock::now();
  RunCallers([&](int t) {
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    latencies[t].reserve(calls);
    for (int i = 0; i < calls; ++i) {
      const auto before = Clock::now();
      grpc::ClientContext context;
      grpc::Status s =
          grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
              channels[t].get(), method, &context, request, &response);
      if (!s.ok()) Die("Health/Check", s.error_message());
      latencies[t].push_back(MicrosSince(before));
    }
  });
  const double seconds = SecondsSince(start);
  const double cpu_seconds = CpuSeconds() - cpu;
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const auto made = static_cast<double>(all.size());
  return {made / seconds, 1e6 * cpu_seconds / made, Percentile(all, 50),
          Percentile(all, 99)};
}

// One backend's run, for the tables.
struct Run {
  std::string backend;
  double start_seconds = 0;  // App::Start
  double pool_seconds = 0;   // location and pool
  double clients_seconds = 0;
  int clients = 0;
  Load load;
  int calls = 0;
  absl::StatusOr<int> bed_nights = 0;
  int listed = 0;
  EchoResult echo;
};

Run RunOn(const std::string& backend, int n_clients, int calls) {
  Run run;
  run.backend = backend;
  run.clients = n_clients;
  run.calls = kCallers * calls;
  testing::TempDir dir;
  auto start = Clock::now();
  auto app = testing::StartApp(backend, dir);
  if (!app.ok()) Die("StartApp " + backend, app.status().ToString());
  run.start_seconds = SecondsSince(start);
  const int port = (*app)->grpc_port();
  bearer = testing::BearerFor(**app);

  start = Clock::now();
  const std::string pool = CreatePool(port);
  run.pool_seconds = SecondsSince(start);
  start = Clock::now();
  const std::vector<Client> clients = CreateClients(port, n_clients);
  run.clients_seconds = SecondsSince(start);
  std::fprintf(stderr, "%s: setup %.1f s, %d clients\n", backend.c_str(),
               run.start_seconds + run.pool_seconds + run.clients_seconds,
               n_clients);

  run.load = BookConcurrently(port, pool, clients, calls);
  std::fprintf(stderr, "%s: %d CreateBooking calls in %.1f s\n",
               backend.c_str(), run.calls, run.load.seconds);
  const std::vector<capacity::v1::Booking> all = ListAll(port, pool);
  run.listed = static_cast<int>(all.size());
  run.bed_nights =
      CheckInvariant(GetPool(port, pool).beds(), all, run.load.booked);

  Echo(port, kEchoCalls / 10);  // warm-up
  run.echo = Echo(port, kEchoCalls);
  return run;
}

int Main() {
  const int n_clients = EnvInt("WMO_BENCH_CLIENTS", 3200);
  const int calls = EnvInt("WMO_BENCH_CALLS", 250);
  std::vector<std::string> backends = {"sqlite"};
  const bool postgres = std::getenv("WMO_TEST_POSTGRES_URL") != nullptr;
  if (postgres) backends.push_back("postgres");
  std::printf(
      "capacity_bench: CreateBooking, %d callers x %d calls, 1 to %d nights "
      "arriving within %d nights from %s, pool of %d beds, %d clients with a "
      "KDV assignment; build %s, %u cores, %s\n\n",
      kCallers, calls, kMaxStay, kWindowNights, kFirstNight, kBeds, n_clients,
      WMO_BUILD_TYPE, std::thread::hardware_concurrency(),
      absl::FormatTime("%Y-%m-%d", absl::Now(), absl::LocalTimeZone()).c_str());
  if (!postgres) {
    std::printf(
        "PostgreSQL skipped: WMO_TEST_POSTGRES_URL is not set (run under "
        "scripts/with-test-services).\n\n");
  }
  std::fflush(stdout);

  std::vector<Run> runs;
  runs.reserve(backends.size());
  for (const std::string& backend : backends) {
    runs.push_back(RunOn(backend, n_clients, calls));
  }

  std::printf(
      "Setup of the all-in-one App, before the load:\n\n"
      "| store | App::Start s | location + pool s | KDV assignments "
      "(%d callers) | s | assignments/s |\n|---|---:|---:|---:|---:|---:|\n",
      kSetupCallers);
  for (const Run& r : runs) {
    std::printf("| %s | %.2f | %.2f | %d | %.1f | %.0f |\n", r.backend.c_str(),
                r.start_seconds, r.pool_seconds, r.clients, r.clients_seconds,
                r.clients / r.clients_seconds);
  }

  std::printf(
      "\nCreateBooking, %d callers each on its own channel (booked/s: over the "
      "whole run, and until the last booking was made):\n\n"
      "| store | calls | s | calls/s | booked | booked/s | last booking at "
      "s | booked/s until then | CP-FULL | refused (other rules) | other "
      "errors | p50 µs | p99 µs |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
      kCallers);
  for (const Run& r : runs) {
    const Load& l = r.load;
    const std::vector<double> all = l.All();
    const int booked = l.Count("booked");
    std::printf(
        "| %s | %zu | %.2f | %.0f | %d | %.1f | %.2f | %.1f | %d | %d | %d | "
        "%.0f | %.0f |\n",
        r.backend.c_str(), all.size(), l.seconds,
        static_cast<double>(all.size()) / l.seconds, booked, booked / l.seconds,
        l.last_booked, booked > 0 ? booked / l.last_booked : 0.0,
        l.Count("CP-FULL"), l.CountPrefix("refused: "),
        l.CountPrefix("error: "), Percentile(all, 50), Percentile(all, 99));
  }

  std::printf(
      "\n| store | outcome | calls | p50 µs | p99 µs |\n"
      "|---|---|---:|---:|---:|\n");
  for (const Run& r : runs) {
    for (const auto& [outcome, micros] : r.load.latencies) {
      std::printf("| %s | %s | %zu | %.0f | %.0f |\n", r.backend.c_str(),
                  outcome.c_str(), micros.size(), Percentile(micros, 50),
                  Percentile(micros, 99));
    }
  }

  std::printf(
      "\nAgainst the echo RPC (grpc.health.v1.Health/Check) served by the same "
      "App, %d callers each on its own channel, measured after the load; "
      "process CPU counts callers and App, not PostgreSQL:\n\n"
      "| store | rpc | calls | calls/s | p50 µs | p99 µs | process CPU µs "
      "per call |\n|---|---|---:|---:|---:|---:|---:|\n",
      kCallers);
  for (const Run& r : runs) {
    const std::vector<double> all = r.load.All();
    std::printf("| %s | CreateBooking | %zu | %.0f | %.0f | %.0f | %.0f |\n",
                r.backend.c_str(), all.size(),
                static_cast<double>(all.size()) / r.load.seconds,
                Percentile(all, 50), Percentile(all, 99),
                1e6 * r.load.cpu_seconds / static_cast<double>(all.size()));
    std::printf("| %s | Health/Check | %d | %.0f | %.0f | %.0f | %.0f |\n",
                r.backend.c_str(), kCallers * kEchoCalls,
                r.echo.calls_per_second, r.echo.p50_us, r.echo.p99_us,
                r.echo.cpu_us_per_call);
  }
  std::printf("\nRatios:\n");
  for (const Run& r : runs) {
    const auto calls = static_cast<double>(r.load.All().size());
    std::printf(
        "- %s: CreateBooking calls/s are %.1f%% of echo calls/s; a "
        "CreateBooking costs the process %.1f× the CPU of an echo call\n",
        r.backend.c_str(),
        100 * calls / r.load.seconds / r.echo.calls_per_second,
        1e6 * r.load.cpu_seconds / calls / r.echo.cpu_us_per_call);
  }

  std::printf("\n");
  int exit_code = 0;
  for (const Run& r : runs) {
    if (r.bed_nights.ok()) {
      std::printf("%s invariant: ok (%d bed-nights in %d bookings)\n",
                  r.backend.c_str(), *r.bed_nights, r.listed);
    } else {
      std::printf("%s invariant: BROKEN: %s\n", r.backend.c_str(),
                  std::string(r.bed_nights.status().message()).c_str());
      exit_code = 1;
    }
    for (const auto& [error, message] : r.load.errors) {
      std::printf("%s %s (%d calls), first: %s\n", r.backend.c_str(),
                  error.c_str(), r.load.Count(error), message.c_str());
      exit_code = 1;
    }
  }
  return exit_code;
}

}  // namespace
}  // namespace wmo

int main() { return wmo::Main(); }
