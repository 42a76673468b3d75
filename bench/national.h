#ifndef WMO_BENCH_NATIONAL_H_
#define WMO_BENCH_NATIONAL_H_

// The generator of the national-month benchmark: every municipality of the
// five catalogs, made-up providers contracted in them (AGB codes 9998xxxx),
// clients with two assignments each, and a month of declarations per
// (provider, municipality) with a known verdict for every line. Everything
// is a function of the sizes: the same sizes give the same population.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/population.h"
#include "wmo/assignment/v1/assignment.pb.h"
#include "wmo/declaration/v1/declaration.pb.h"

namespace wmo::bench::national {

// The month the lines on another provider's assignment declare: late lines
// that no provider declares, so the only rule they break is TR338.
inline constexpr Month kFebruary{"2024-02", "2024-02-01", "2024-02-29"};

// A product every client of a catalog gets: one that needs no day detail
// and no contract attribute, billed per week.
struct Product {
  const char* id;
  const char* lot;
  const char* category;
  const char* code;
  wmo::type::v1::Unit unit;
  // By basis "1" to "5" where the catalog has bases, else all equal.
  int64_t tariff_cents[5];
};

struct Catalog {
  std::string id;
  std::string file;  // under catalogs/
  // Midden-Limburg asks for a basis and a result per life domain (S3-10).
  bool bases = false;
  Product products[2];
  std::vector<std::string> municipalities;  // CBS codes, as the file lists
};

struct Provider {
  std::string agb;
  int catalog = 0;
  std::vector<int> municipalities;  // indices into Population::municipalities
};

struct NationalClient {
  Client person;  // BSN, basis and weekly extents (MakeClients)
  int municipality = 0;
  int provider = 0;
  std::string numbers[2];  // given by the assignment service
};

struct Municipality {
  std::string cbs;
  int catalog = 0;
};

struct Population {
  int per_client = 2;  // assignments a client: products[0], then products[1]
  std::vector<Catalog> catalogs;
  std::vector<Municipality> municipalities;
  std::vector<Provider> providers;
  std::vector<NationalClient> clients;
};

// `clients` clients with `per_client` (1 or 2) assignments each and
// `providers` providers (at least 5: round robin over the catalogs) over
// every municipality the catalogs under `catalog_dir` list. Each provider
// serves two or more municipalities of its catalog and every municipality
// two or more providers (one where its catalog has one); a municipality's
// clients go round robin to its providers.
absl::StatusOr<Population> MakePopulation(const std::string& catalog_dir,
                                          int clients, int providers,
                                          int per_client);

// Copies the catalogs into `dir` with a contract for every provider
// appended to its catalog.
absl::Status WriteCatalogs(const Population& population,
                           const std::string& catalog_dir,
                           const std::string& dir);

// Assignment `k` (0 or 1) of `client`, for the whole of 2024.
assignment::v1::Assignment AssignmentOf(const Population& population,
                                        const NationalClient& client, int k);

// The verdict a line must get: approved, or rejected by exactly `rule`
// (with iWmo return code `code`).
struct Expected {
  std::string rule;  // empty: approved
  std::string code;
};

// What is made wrong in a line, and the rule that rejects it.
enum class Fault { kTariff, kVolume, kReferenceReused, kOtherProvider };

struct PlannedDeclaration {
  int provider = 0;
  int municipality = 0;
  declaration::v1::Declaration declaration;
  std::vector<Expected> expected;  // by line
};

// One declaration per (provider, municipality) with clients: a debit line
// per assignment for `month`, four weeks of its weekly extent at the
// catalog's tariff. The first line of every 50th client (from client
// `offset`) is made wrong, the faults in turn (starting at `first`): a
// wrong tariff (TR418), a volume above what the assignment allows (TR321),
// the reference of the line before it of another client (TR314), an
// assignment of another provider (TR338). `tag` makes references and
// numbers unique per month. Ordered so that consecutive declarations are of
// different providers.
std::vector<PlannedDeclaration> PlanMonth(const Population& population,
                                          const Month& month,
                                          const std::string& tag, int offset,
                                          int first);

// The planned declaration as a WMO323 from its provider to its
// municipality, the lines grouped by client in order of first appearance;
// `date` dates the message and its signing.
std::string Wmo323Of(const Population& population,
                     const PlannedDeclaration& plan, const Month& month,
                     const std::string& id, const std::string& date);

}  // namespace wmo::bench::national

#endif  // WMO_BENCH_NATIONAL_H_
