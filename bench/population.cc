#include "bench/population.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cmd/wmo-server/app_testing.h"
#include "grpcpp/grpcpp.h"
#include "libs/iwmo/test_messages.h"
#include "libs/testing/databases.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"

namespace wmo::bench {

using assignment::v1::Assignment;
using assignment::v1::AssignmentService;
using declaration::v1::Declaration;
using declaration::v1::Line;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && std::atoi(value) > 0 ? std::atoi(value) : fallback;
}

void Die(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

std::vector<Client> MakeClients(int n) {
  std::vector<Client> clients(n);
  for (int i = 0; i < n; ++i) {
    clients[i].bsn = testing::TestBsn(i);
    clients[i].basis = 1 + i % 5;
    clients[i].hours = 2 + i % 4;      // 2 to 5 hours a week
    clients[i].day_parts = 1 + i % 3;  // 1 to 3 day parts a week
  }
  return clients;
}

Assignment AssignmentOf(const Client& c, const std::string& product,
                        wmo::type::v1::Unit unit, int volume, bool basis) {
  Assignment a;
  a.mutable_client()->set_bsn(c.bsn);
  a.mutable_client()->set_birth_date("1968-05-17");
  a.set_provider_agb(kProvider);
  a.set_catalog(kCatalog);
  a.set_lot("1");
  a.set_product(product);
  if (basis) a.set_basis(std::to_string(c.basis));
  a.mutable_extent()->set_volume(volume);
  a.mutable_extent()->set_unit(unit);
  a.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_PER_WEEK);
  a.set_start_date("2024-01-01");
  a.set_end_date("2024-12-31");
  auto* result = a.add_results();
  result->set_life_domain("Sociaal functioneren");
  result->set_activity_type(assignment::v1::ACTIVITY_TYPE_HELP);
  return a;
}

int CreateAssignments(const std::shared_ptr<grpc::Channel>& channel,
                      std::vector<Client>& clients, int threads) {
  auto stub = AssignmentService::NewStub(channel);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::atomic<int> retries{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      auto create = [&](const Assignment& a) -> std::string {
        assignment::v1::CreateAssignmentRequest request;
        request.set_parent(absl::StrCat("municipalities/", kMunicipality));
        request.set_request_id(
            absl::StrCat("bench-", a.client().bsn(), "-", a.product()));
        *request.mutable_assignment() = a;
        Assignment created;
        for (int attempt = 1;; ++attempt) {
          grpc::ClientContext context;
          grpc::Status s = stub->CreateAssignment(&context, request, &created);
          if (s.ok()) break;
          if (s.error_code() == grpc::StatusCode::UNAVAILABLE && attempt < 5) {
            ++retries;
            continue;
          }
          if (!failed.exchange(true)) {
            std::fprintf(stderr, "CreateAssignment %s: %s\n",
                         a.product().c_str(), s.error_message().c_str());
          }
          break;
        }
        return created.number();
      };
      for (size_t i = next++; i < clients.size() && !failed; i = next++) {
        Client& c = clients[i];
        c.bgi = create(AssignmentOf(c, "bgi", wmo::type::v1::UNIT_HOUR, c.hours,
                                    /*basis=*/true));
        c.bgg = create(AssignmentOf(c, "bgg", wmo::type::v1::UNIT_DAY_PART,
                                    c.day_parts, /*basis=*/true));
        if (i % 2000 == 1999) {
          std::fprintf(stderr, "setup: %zu clients after %.1f s\n", i + 1,
                       SecondsSince(start));
        }
        c.vervoer =
            create(AssignmentOf(c, "vervoer", wmo::type::v1::UNIT_PIECES_OUTPUT,
                                c.day_parts, /*basis=*/false));
      }
    });
  }
  for (auto& w : workers) w.join();
  if (failed) std::exit(1);
  return retries;
}

Line DebitLine(const Month& month, std::string reference,
               const std::string& number, const std::string& bsn,
               const char* category, const char* code, int64_t volume,
               wmo::type::v1::Unit unit, int64_t tariff) {
  Line line;
  line.set_reference(std::move(reference));
  line.set_assignment_number(number);
  line.set_client_bsn(bsn);
  line.set_product_category(category);
  line.set_product_code(code);
  line.set_start_date(month.first_day);
  line.set_end_date(month.last_day);
  line.set_volume(volume);
  line.set_unit(unit);
  line.set_tariff_cents(tariff);
  line.set_amount_cents(volume * tariff);
  line.set_direction(Line::DEBIT);
  return line;
}

namespace {

void AddDelivery(Line& line, int day, const char* start, const char* end,
                 int64_t quantity) {
  auto* d = line.add_deliveries();
  d->set_date(absl::StrFormat("2024-03-%02d", day));
  d->set_start_time(start);
  d->set_end_time(end);
  d->set_quantity(quantity);
}

}  // namespace

Declaration MonthOf(const std::vector<Client>& clients, const Month& month,
                    const std::string& number, const std::string& tag,
                    bool detail) {
  Declaration d;
  d.set_number(number);
  d.set_municipality(kMunicipality);
  d.set_period(month.period);
  d.mutable_lines()->Reserve(3 * static_cast<int>(clients.size()));
  int k = 0;
  auto reference = [&] { return absl::StrFormat("%s%08d", tag, k++); };
  for (const Client& c : clients) {
    const int64_t weeks = 4;
    Line bgi = DebitLine(month, reference(), c.bgi, c.bsn, "02", "02BGI",
                         weeks * c.hours, wmo::type::v1::UNIT_HOUR,
                         kBgiTariff[c.basis - 1]);
    Line bgg = DebitLine(month, reference(), c.bgg, c.bsn, "02", "02BGG",
                         weeks * c.day_parts, wmo::type::v1::UNIT_DAY_PART,
                         kBggTariff[c.basis - 1]);
    Line vervoer = DebitLine(month, reference(), c.vervoer, c.bsn, "08",
                             "08VVR", weeks * c.day_parts,
                             wmo::type::v1::UNIT_PIECES_OUTPUT, kVervoerTariff);
    if (detail) {
      static const char* const kBgiEnd[] = {"",      "",      "12:00",
                                            "13:00", "14:00", "15:00"};
      const int kBggDays[] = {0, 3, 2};  // Monday, Thursday, Wednesday
      for (int w = 0; w < weeks; ++w) {
        const int monday = 4 + 7 * w;
        AddDelivery(bgi, monday + 1, "10:00", kBgiEnd[c.hours], c.hours);
        for (int p = 0; p < c.day_parts; ++p) {
          AddDelivery(bgg, monday + kBggDays[p], "09:00", "13:00", 1);
          AddDelivery(vervoer, monday + kBggDays[p], "08:30", "13:30", 1);
        }
      }
    }
    *d.add_lines() = std::move(bgi);
    *d.add_lines() = std::move(bgg);
    *d.add_lines() = std::move(vervoer);
  }
  return d;
}

std::unique_ptr<App> StartApp(server::ServerOptions options) {
  options.grpc_port = options.http_port = options.metrics_port = 0;
  options.auth = server::ServerOptions::Auth::kDev;
  if (const char* store = std::getenv("WMO_BENCH_STORE");
      store != nullptr && std::string(store) == "postgres") {
    auto url = testing::CreateTestPostgresDatabase();
    if (!url.ok()) Die("WMO_BENCH_STORE=postgres", url.status());
    options.database_url = *url;
  }
  auto app = std::make_unique<App>(std::move(options));
  if (absl::Status s = app->Start(); !s.ok()) Die("App::Start", s);
  return app;
}

std::shared_ptr<grpc::Channel> LoopbackChannel(const App& app,
                                               const auth::Principal& caller) {
  auto channel = testing::SeparateChannelTo(app, caller);
  if (channel == nullptr) {
    Die("connect", absl::UnavailableError(absl::StrCat(
                       "127.0.0.1:", app.grpc_port(), " does not answer")));
  }
  return channel;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2]
                      : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1,
                    static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string Wmo323Of(const declaration::v1::Declaration& d,
                     const std::string& sender, const Month& month,
                     const std::string& id, const std::string& date) {
  iwmo::testing::TestWmo323 m;
  m.sender = sender;
  m.receiver = d.municipality();
  m.id = id;
  m.date = date;
  m.number = d.number();
  m.period_start = month.first_day;
  m.period_end = month.last_day;
  m.signed_date = date;
  m.clients.clear();
  std::map<std::string, size_t> client_of;
  for (const declaration::v1::Line& line : d.lines()) {
    auto [at, added] = client_of.emplace(line.client_bsn(), m.clients.size());
    if (added) {
      m.clients.emplace_back();
      m.clients.back().bsn = line.client_bsn();
      m.clients.back().lines.clear();
    }
    iwmo::testing::TestLine l;
    l.reference = line.reference();
    l.assignment_number = line.assignment_number();
    l.product_category = line.product_category();
    l.product_code = line.product_code();
    l.start_date = line.start_date();
    l.end_date = line.end_date();
    l.volume = absl::StrCat(line.volume());
    l.unit = absl::StrFormat("%02d", static_cast<int>(line.unit()));
    l.tariff = absl::StrCat(line.tariff_cents());
    l.amount = absl::StrCat(line.amount_cents());
    m.clients[at->second].lines.push_back(std::move(l));
  }
  return m.Render(/*indent=*/false);
}

}  // namespace wmo::bench
