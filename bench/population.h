#ifndef WMO_BENCH_POPULATION_H_
#define WMO_BENCH_POPULATION_H_

// What the declaration benchmarks share: a large municipality's clients
// with their assignments in lot 1 of midden-limburg-2024, created through
// the assignment service, and a month of their care as one declaration.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cmd/wmo-server/app.h"
#include "grpcpp/channel.h"
#include "libs/auth/principal.h"
#include "libs/server/options.h"
#include "wmo/assignment/v1/assignment.pb.h"
#include "wmo/declaration/v1/declaration.pb.h"

namespace wmo::bench {

using Clock = std::chrono::steady_clock;

inline constexpr char kMunicipality[] = "0988";  // Weert, midden-limburg-2024
inline constexpr char kProvider[] = "99990301";  // contracted for every lot
inline constexpr char kCatalog[] = "midden-limburg-2024";
// The months declared. March 2024 touches five ISO weeks and has five
// Sundays, April five ISO weeks and four Sundays; every line bills four
// weeks of care, within what an extent per week allows in either.
struct Month {
  const char* period;
  const char* first_day;
  const char* last_day;
};
inline constexpr Month kMarch{"2024-03", "2024-03-01", "2024-03-31"};
inline constexpr Month kApril{"2024-04", "2024-04-01", "2024-04-30"};
// Tariffs of the catalog, in cents, by basis "1" to "5" (the catalog's
// example tariffs; vervoer has one for every basis).
inline constexpr int64_t kBgiTariff[] = {6450, 6450, 6980, 6720, 6610};
inline constexpr int64_t kBggTariff[] = {4380, 4380, 5240, 3960, 4710};
inline constexpr int64_t kVervoerTariff = 2350;

double SecondsSince(Clock::time_point start);

// The positive integer in environment variable `name`, or `fallback`.
int EnvInt(const char* name, int fallback);

// Says what failed and exits 1.
[[noreturn]] void Die(const std::string& what, const absl::Status& status);

// One client: three assignments in lot 1 (bgi hours per week, bgg day parts
// per week, vervoer days per week) and what a month of care gives.
struct Client {
  std::string bsn;
  int basis = 1;                  // "1" to "5"
  int hours = 0;                  // bgi per week
  int day_parts = 0;              // bgg per week, also vervoer days per week
  std::string bgi, bgg, vervoer;  // assignment numbers
};

// `n` clients with distinct valid BSNs, bases and weekly extents.
std::vector<Client> MakeClients(int n);

// An assignment of `product` for `c` in 2024, `volume` of `unit` per week.
assignment::v1::Assignment AssignmentOf(const Client& c,
                                        const std::string& product,
                                        wmo::type::v1::Unit unit, int volume,
                                        bool basis);

// Creates the three assignments of every client through the assignment
// service, `threads` callers at once; vervoer after bgg (it requires bgg).
// A call refused with UNAVAILABLE (SQLite's "database is locked" once the
// busy timeout ran out) is retried with the same request id; returns how
// many were.
int CreateAssignments(const std::shared_ptr<grpc::Channel>& channel,
                      std::vector<Client>& clients, int threads);

// A debit line over the whole month.
declaration::v1::Line DebitLine(const Month& month, std::string reference,
                                const std::string& number,
                                const std::string& bsn, const char* category,
                                const char* code, int64_t volume,
                                wmo::type::v1::Unit unit, int64_t tariff);

// The month of all clients, 3 lines each; `tag` makes the references
// unique per declaration. With `detail` (March only), every line carries its
// days: bgi on the Tuesdays, bgg on Monday (Thursday, Wednesday) mornings,
// vervoer on the bgg days, four weeks from 4 March.
declaration::v1::Declaration MonthOf(const std::vector<Client>& clients,
                                     const Month& month,
                                     const std::string& number,
                                     const std::string& tag,
                                     bool detail = false);

// An all-in-one App on free ports with development keys; exits on failure.
// With WMO_BENCH_STORE=postgres its stores are a new database in the test
// PostgreSQL (scripts/with-test-services) instead of SQLite files.
std::unique_ptr<App> StartApp(server::ServerOptions options);

// A channel of its own to `app`, calling as `caller` (a municipality's
// case system by default; declarations come from their provider).
std::shared_ptr<grpc::Channel> LoopbackChannel(const App& app,
                                               const auth::Principal& caller);

double Median(std::vector<double> v);

// Declaration `d` of `month` as a WMO323 from provider `sender` to the
// municipality it is addressed to, the lines grouped by client in order of
// first appearance (as the message groups them); `date` dates the message
// and its signing.
std::string Wmo323Of(const declaration::v1::Declaration& d,
                     const std::string& sender, const Month& month,
                     const std::string& id, const std::string& date);

// The value at fraction `p` (0 to 1) of `v` sorted; 0 when empty.
double Percentile(std::vector<double> v, double p);

}  // namespace wmo::bench

#endif  // WMO_BENCH_POPULATION_H_
