// The capacity rules over gRPC against the whole app in-process (real
// catalog and assignment services, the five real catalogs under catalogs/,
// real stores), on SQLite and PostgreSQL. Every cap and rule id has an
// accepted and a refused case: the catalogs' caps on short stays (S0-06,
// S1-04, S3-09, S4-05) counted over all the client's bookings, in every
// pool and at every provider, per calendar year; the service's own rules
// on bookings (CP-VOLUME, CP-ASSIGNMENT, CP-CLIENT-NIGHT, CP-FULL,
// CP-FORMAT); group sizes and staff ratios on enrolments (S0-02, S1-02,
// S1-03, S2-03, S2-06, CP-SIZE) and the enrolment rules (CP-EXTENT,
// CP-SESSION, CP-CLIENT-SESSION, CP-ASSIGNMENT, CP-FORMAT); groups and pools
// no looser than their catalog (CP-PRODUCT). Then the race for the last
// place of a session, the group waitlist, availability and occupancy.
//
// Cases run as tables inside a few tests, so that the app starts a few
// times only; each case has its own clients, assignments, locations, pools
// and groups, so cases do not see each other.
#include "services/capacity/capacity_rules.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "libs/testing/databases.h"
#include "libs/testing/retry.h"
#include "libs/testing/temp_dir.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/capacity/v1/capacity_service.grpc.pb.h"

namespace wmo::capacity {
namespace {

namespace cat = ::wmo::catalog::v1;
namespace typ = ::wmo::type::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using wmo::assignment::v1::Assignment;
using wmo::assignment::v1::AssignmentService;

// The catalogs, with municipalities and demo providers contracted for the
// products used below.
constexpr char kLmz[] = "wmo-licht-midden-zwaar";        // 0228 Ede
constexpr char kRs[] = "wmo-regulier-specialistisch";    // 0200 Apeldoorn
constexpr char kTsd[] = "toekomst-sociaal-domein-2023";  // 0222 Doetinchem
constexpr char kMl[] = "midden-limburg-2024";  // 0988 Weert, 1711 Echt
constexpr char kPsp[] = "perspectief-2024";    // 0748 Bergen op Zoom, 0777

constexpr char kEde[] = "0228";
constexpr char kApeldoorn[] = "0200";
constexpr char kDeventer[] = "0150";
constexpr char kDoetinchem[] = "0222";
constexpr char kWeert[] = "0988";
constexpr char kEcht[] = "1711";
constexpr char kBergenOpZoom[] = "0748";

using testing::TestBsn;
using testing::ViolationsOf;

std::set<std::string> RuleIds(const grpc::Status& status) {
  std::set<std::string> ids;
  for (const auto& v : ViolationsOf(status)) ids.insert(v.rule_id());
  return ids;
}

std::string Dump(const grpc::Status& status) {
  std::vector<std::string> lines = {
      absl::StrCat("code ", status.error_code(), ": ", status.error_message())};
  for (const auto& v : ViolationsOf(status)) {
    lines.push_back(
        absl::StrCat("  ", v.rule_id(), " ", v.field(), ": ", v.message()));
  }
  return absl::StrJoin(lines, "\n");
}

// ---------------------------------------------------------------------------
// Assignments, sessions, sites.

// An assignment to create for one of a case's clients.
struct Entitlement {
  std::string catalog;
  std::string product;
  std::string municipality;
  std::string provider;
  typ::Unit unit = typ::UNIT_DAY_NIGHT;
  int64_t volume = 0;
  typ::Frequency frequency = typ::FREQUENCY_TOTAL;
  std::string start;
  std::string end;
  // Index of the case's client it is for.
  int client = 0;
  // Deleted right after it is created.
  bool deleted = false;
  std::string lot{};
};

Entitlement Grant(const std::string& catalog, const std::string& product,
                  const std::string& municipality, const std::string& provider,
                  typ::Unit unit, int64_t volume, typ::Frequency frequency,
                  const std::string& start, const std::string& end,
                  int client) {
  Entitlement e;
  e.catalog = catalog;
  e.product = product;
  e.municipality = municipality;
  e.provider = provider;
  e.unit = unit;
  e.volume = volume;
  e.frequency = frequency;
  e.start = start;
  e.end = end;
  e.client = client;
  return e;
}

// Kortdurend verblijf of midden-limburg-2024 (S3-09), etmalen in total.
Entitlement Kdv(int client, const std::string& start, const std::string& end,
                int volume, const std::string& provider = "99990303",
                const std::string& municipality = kWeert) {
  return Grant(kMl, "kdv", municipality, provider, typ::UNIT_DAY_NIGHT, volume,
               typ::FREQUENCY_TOTAL, start, end, client);
}

// Kortdurend verblijf of wmo-licht-midden-zwaar (S0-06).
Entitlement Kv(int client, const std::string& start, const std::string& end,
               int volume) {
  return Grant(kLmz, "kortdurend-verblijf", kEde, "99990101",
               typ::UNIT_DAY_NIGHT, volume, typ::FREQUENCY_TOTAL, start, end,
               client);
}

// Logeeropvang volwassenen of wmo-regulier-specialistisch (S1-04).
Entitlement Logeeropvang(int client, const std::string& start,
                         const std::string& end, int volume) {
  return Grant(kRs, "logeeropvang-volwassenen", kApeldoorn, "99990201",
               typ::UNIT_DAY_NIGHT, volume, typ::FREQUENCY_TOTAL, start, end,
               client);
}

// Logeerzorg of perspectief-2024 (S4-05).
Entitlement Logeerzorg(int client, const std::string& start,
                       const std::string& end, int volume,
                       const std::string& provider = "99990401",
                       const std::string& municipality = kBergenOpZoom) {
  return Grant(kPsp, "logeerzorg", municipality, provider, typ::UNIT_DAY_NIGHT,
               volume, typ::FREQUENCY_TOTAL, start, end, client);
}

// Kortdurend verblijf of toekomst-sociaal-domein-2023: no caps at all, for
// the service's own rules.
Entitlement Stay(int client, const std::string& start, const std::string& end,
                 int volume, typ::Frequency frequency = typ::FREQUENCY_TOTAL) {
  return Grant(kTsd, "kortdurend-verblijf", kDoetinchem, "99990301",
               typ::UNIT_DAY_NIGHT, volume, frequency, start, end, client);
}

// Dagbesteding groep (extra) of wmo-regulier-specialistisch, dagdelen per
// week over 2024.
Entitlement DayCare(int client,
                    const std::string& product = "dagbesteding-groep",
                    int per_week = 4, const std::string& provider = "99990203",
                    const std::string& municipality = kApeldoorn) {
  return Grant(kRs, product, municipality, provider, typ::UNIT_DAY_PART,
               per_week, typ::FREQUENCY_PER_WEEK, "2024-01-01", "2024-12-31",
               client);
}

// Begeleiding groep licht/midden/zwaar of wmo-licht-midden-zwaar, hours per
// week over 2024.
Entitlement GroupSupport(int client, const std::string& product,
                         int hours_per_week = 6) {
  return Grant(kLmz, product, kEde, "99990103", typ::UNIT_HOUR, hours_per_week,
               typ::FREQUENCY_PER_WEEK, "2024-01-01", "2024-12-31", client);
}

// Dagbesteding ontwikkelen/behouden of toekomst-sociaal-domein-2023.
Entitlement Toekomst(int client, const std::string& product, int per_week = 4) {
  return Grant(kTsd, product, kDoetinchem, "99990303", typ::UNIT_DAY_PART,
               per_week, typ::FREQUENCY_PER_WEEK, "2024-01-01", "2024-12-31",
               client);
}

// Leren/ontwikkelen, which groepstraining requires (S2-03).
Entitlement Leren(int client) {
  return Grant(kTsd, "begeleiding-leren-ontwikkelen", kDoetinchem, "99990301",
               typ::UNIT_HOUR, 2, typ::FREQUENCY_PER_WEEK, "2024-01-01",
               "2024-12-31", client);
}

// Groepstraining, sessions per week in the first quarter of 2024.
Entitlement Training(int client, int per_week = 1) {
  return Grant(kTsd, "groepstraining", kDoetinchem, "99990301",
               typ::UNIT_PIECES_EFFORT, per_week, typ::FREQUENCY_PER_WEEK,
               "2024-01-01", "2024-03-31", client);
}

// Begeleiding groep (BGG) of midden-limburg-2024, lot 1, dagdelen per week.
Entitlement Bgg(int client, int per_week = 4) {
  Entitlement e =
      Grant(kMl, "bgg", kWeert, "99990301", typ::UNIT_DAY_PART, per_week,
            typ::FREQUENCY_PER_WEEK, "2024-01-01", "2024-12-31", client);
  e.lot = "1";
  return e;
}

Entitlement Deleted(Entitlement e) {
  e.deleted = true;
  return e;
}

Entitlement In(Entitlement e, const std::string& municipality,
               const std::string& provider) {
  e.municipality = municipality;
  e.provider = provider;
  return e;
}

Entitlement During(Entitlement e, const std::string& start,
                   const std::string& end) {
  e.start = start;
  e.end = end;
  return e;
}

struct Slot {
  cat::Weekday weekday;
  v1::DayPart part;
};
constexpr Slot kMonAm{cat::WEEKDAY_MONDAY, v1::DAY_PART_MORNING};
constexpr Slot kMonPm{cat::WEEKDAY_MONDAY, v1::DAY_PART_AFTERNOON};
constexpr Slot kMonEve{cat::WEEKDAY_MONDAY, v1::DAY_PART_EVENING};
constexpr Slot kTueAm{cat::WEEKDAY_TUESDAY, v1::DAY_PART_MORNING};
constexpr Slot kWedAm{cat::WEEKDAY_WEDNESDAY, v1::DAY_PART_MORNING};
constexpr Slot kThuAm{cat::WEEKDAY_THURSDAY, v1::DAY_PART_MORNING};
constexpr Slot kFriPm{cat::WEEKDAY_FRIDAY, v1::DAY_PART_AFTERNOON};

v1::Session Session(Slot slot, int staff) {
  v1::Session s;
  s.set_weekday(slot.weekday);
  s.set_day_part(slot.part);
  s.set_staff(staff);
  return s;
}

// A bed pool on a location of its own.
struct PoolAt {
  std::string provider;
  std::string municipality;
  std::string catalog;
  std::vector<std::string> products;
  int beds = 1;
  bool wheelchair = false;
  std::string postcode = "6001 AB";
};

PoolAt KdvPool(int beds = 1, const std::string& provider = "99990303",
               const std::string& municipality = kWeert) {
  return {provider, municipality, kMl, {"kdv"}, beds};
}
PoolAt KvPool() { return {"99990101", kEde, kLmz, {"kortdurend-verblijf"}}; }
PoolAt LogeeropvangPool() {
  return {"99990201", kApeldoorn, kRs, {"logeeropvang-volwassenen"}};
}
PoolAt LogeerzorgPool(const std::string& provider = "99990401",
                      const std::string& municipality = kBergenOpZoom) {
  return {provider, municipality, kPsp, {"logeerzorg"}};
}
PoolAt StayPool(int beds = 1, const std::string& provider = "99990301") {
  return {provider, kDoetinchem, kTsd, {"kortdurend-verblijf"}, beds};
}

// A group on a location of its own.
struct GroupAt {
  std::string provider;
  std::string municipality;
  std::string catalog;
  std::vector<std::string> products;
  std::vector<v1::Session> sessions;
  int min_size = 0;
  int max_size = 0;
  int max_clients_per_staff = 0;
};

GroupAt DayCareGroup(std::vector<v1::Session> sessions,
                     const std::string& product = "dagbesteding-groep") {
  return {"99990203", kApeldoorn, kRs, {product}, std::move(sessions)};
}
GroupAt GroupSupportGroup(std::vector<std::string> products,
                          std::vector<v1::Session> sessions) {
  return {"99990103", kEde, kLmz, std::move(products), std::move(sessions)};
}
GroupAt ToekomstGroup(const std::string& product,
                      std::vector<v1::Session> sessions) {
  return {"99990303", kDoetinchem, kTsd, {product}, std::move(sessions)};
}
GroupAt TrainingGroup(std::vector<v1::Session> sessions) {
  return {
      "99990301", kDoetinchem, kTsd, {"groepstraining"}, std::move(sessions)};
}
GroupAt BggGroup(std::vector<v1::Session> sessions, int max_size) {
  GroupAt g{"99990301", kWeert, kMl, {"bgg"}, std::move(sessions)};
  g.max_size = max_size;
  return g;
}

// ---------------------------------------------------------------------------
// Tables.

// One step of a booking case: a booking, or the cancellation of the one an
// earlier step made.
struct Night {
  int pool = 0;
  int assignment = 0;
  std::string arrival{};
  std::string departure{};
  // Rule ids of the refusal; empty: accepted.
  std::vector<std::string> refused{};
  // A refusal names this in one of its messages.
  std::string message{};
  // The bed an accepted booking gets; 0: any.
  int bed = 0;
  // Overrides: another of the case's clients, a literal BSN, a literal
  // assignment name.
  int client = -1;
  std::string bsn{};
  std::string assignment_name{};
  // Cancels the booking step `cancel` made instead of booking.
  int cancel = -1;
  // The refusal's first violation names this (the root cause leads), and
  // none names `never` (advice another rule would refuse).
  std::string leading{};
  std::string never{};
};

struct BookingCase {
  std::string name{};
  int clients = 1;
  std::vector<Entitlement> assignments{};
  std::vector<PoolAt> pools{};
  std::vector<Night> steps{};
};

Night Cancel(int step) {
  Night n;
  n.cancel = step;
  return n;
}

// One step of an enrolment case.
struct EnrolStep {
  int group = 0;
  int assignment = 0;
  std::vector<Slot> sessions{};
  std::string start = "2024-03-04";
  std::string end = "2024-06-30";
  // Rule ids of the refusal; empty: accepted.
  std::vector<std::string> refused{};
  // Rule ids of the notices of an accepted enrolment.
  std::vector<std::string> notices{};
  std::string message{};
  int client = -1;
  std::string bsn{};
  std::string assignment_name{};
};

struct EnrolmentCase {
  std::string name{};
  int clients = 1;
  std::vector<Entitlement> assignments{};
  std::vector<GroupAt> groups{};
  std::vector<EnrolStep> steps{};
};

// Refusals for formats are INVALID_ARGUMENT, the others FAILED_PRECONDITION.
grpc::StatusCode CodeFor(const std::vector<std::string>& rules) {
  for (const std::string& r : rules) {
    if (r != "CP-FORMAT") return grpc::StatusCode::FAILED_PRECONDITION;
  }
  return grpc::StatusCode::INVALID_ARGUMENT;
}

// ---------------------------------------------------------------------------
// Booking cases.

std::vector<BookingCase> BookingCases() {
  std::vector<BookingCase> cases;
  const std::vector<std::string> ok;

  // S0-06: 42 etmalen per calendar year. The assignment runs from July to
  // June: the assignment service spreads its 84 over both years (42 + 41),
  // so bookings can put more into one year than the cap allows.
  cases.push_back(
      {"S0_06_FortyTwoNightsAYearOverTwoPools",
       1,
       {Kv(0, "2024-07-01", "2025-06-30", 84)},
       {KvPool(), KvPool()},
       {
           {0, 0, "2024-07-01", "2024-08-10", ok},  // 40 nights
           {1, 0, "2024-09-02", "2024-09-05", {"S0-06"}, "calendar year 2024"},
           {1, 0, "2024-09-02", "2024-09-04", ok},  // 42
           // One night of 2024 on the way into 2025 is the 43rd.
           {0, 0, "2024-12-31", "2025-01-02", {"S0-06"}},
           {0, 0, "2025-01-01", "2025-01-05", ok},
       }});
  cases.push_back(
      {"S0_06_StayOverNewYearCountsInEachYear",
       1,
       {Kv(0, "2024-07-01", "2025-06-30", 84)},
       {KvPool(), KvPool()},
       {
           {0, 0, "2024-11-02", "2024-12-12", ok},  // 40 nights
           {1, 0, "2024-12-29", "2025-01-03", {"S0-06"}, "calendar year 2024"},
           // 1 night in 2024 (41), 40 in 2025.
           {1, 0, "2024-12-31", "2025-02-10", ok},
           {0, 0, "2025-03-03", "2025-03-06", {"S0-06"}, "calendar year 2025"},
           {0, 0, "2025-03-03", "2025-03-05", ok},  // 42 in 2025
       }});

  // S1-04: 104 etmalen per calendar year, over both pools of the provider.
  cases.push_back(
      {"S1_04_HundredAndFourNightsAYearOverTwoPools",
       1,
       {Logeeropvang(0, "2024-07-01", "2025-06-30", 208)},
       {LogeeropvangPool(), LogeeropvangPool()},
       {
           {0, 0, "2024-07-01", "2024-10-12", ok},  // 103 nights
           {1, 0, "2024-11-04", "2024-11-06", {"S1-04"}, "calendar year 2024"},
           {1, 0, "2024-11-04", "2024-11-05", ok},  // 104
           {1, 0, "2024-12-31", "2025-01-02", {"S1-04"}},
           // A new year: 104 again.
           {1, 0, "2025-01-01", "2025-04-15", ok},
       }});

  // S3-09: 42 etmalen per calendar year over two providers, each on an
  // assignment of another municipality.
  cases.push_back(
      {"S3_09_StayOverNewYearCountsInEachYear",
       1,
       {Kdv(0, "2024-07-01", "2025-06-30", 85)},
       {KdvPool()},
       {
           {0, 0, "2024-11-04", "2024-12-14", ok},  // 40 nights
           {0, 0, "2024-12-29", "2025-01-02", {"S3-09"}, "calendar year 2024"},
           {0, 0, "2024-12-30", "2025-01-03", ok},  // 2 + 2 nights
           {0, 0, "2025-02-03", "2025-03-16", {"S3-09"}, "calendar year 2025"},
           {0, 0, "2025-02-03", "2025-03-15", ok},  // 2 + 40 in 2025
       }});
  cases.push_back({"S3_09_FortyThreeNightsLeadWithTheYearlyCap",
                   1,
                   {Kdv(0, "2024-07-01", "2025-06-30", 85)},
                   {KdvPool()},
                   {
                       {.arrival = "2024-09-02",
                        .departure = "2024-10-15",
                        .refused = {"S3-09"},
                        .message = "shorten it to at most 42 nights",
                        .leading = "calendar year 2024",
                        .never = "free in between"},
                       {0, 0, "2024-09-02", "2024-10-14", ok},  // 42 nights
                   }});
  // The client's nights at every provider count together: one assignment
  // ends on a Wednesday at one provider of one municipality, the next
  // starts on the Thursday at another provider of another municipality of
  // the region.
  cases.push_back(
      {"S3_09_NightsAtTwoProvidersCountTogether",
       1,
       {Kdv(0, "2024-03-01", "2024-03-13", 2),
        Kdv(0, "2024-03-14", "2024-06-30", 40, "99990301", kEcht)},
       {KdvPool(), KdvPool(1, "99990301", kEcht)},
       {
           {0, 0, "2024-03-11", "2024-03-13", ok},  // Monday, Tuesday
           // Thursday and Friday: 4 nights that week, in two stays.
           {1, 1, "2024-03-14", "2024-03-16", {"S3-09"}, "ISO week"},
           {1, 1, "2024-03-14", "2024-03-15", ok},  // Thursday: 3
           {1, 1, "2024-03-17", "2024-03-18", {"S3-09"}, "ISO week"},
           {1, 1, "2024-03-18", "2024-03-19", ok},  // the next Monday
       }});
  cases.push_back(
      {"S3_09_ThreeNightsAWeekUnlessOneStay",
       1,
       {Kdv(0, "2024-03-01", "2024-06-30", 42)},
       {KdvPool()},
       {
           {0, 0, "2024-03-04", "2024-03-05", ok},  // Monday
           {0, 0, "2024-03-06", "2024-03-07", ok},  // Wednesday
           {0, 0, "2024-03-08", "2024-03-09", ok},  // Friday
           {0, 0, "2024-03-10", "2024-03-11", {"S3-09"}, "ISO week"},
           {0, 0, "2024-03-11", "2024-03-12", ok},  // the next week
       }});
  cases.push_back(
      {"S3_09_NightsJoiningOneStayAreExempt",
       1,
       {Kdv(0, "2024-03-01", "2024-06-30", 42)},
       {KdvPool()},
       {
           {0, 0, "2024-03-04", "2024-03-07", ok},  // Monday to Wednesday
           {0, 0, "2024-03-08", "2024-03-09", {"S3-09"}, "ISO week"},
           {0, 0, "2024-03-07", "2024-03-08", ok},         // Thursday: one stay
           {0, 0, "2024-03-09", "2024-03-10", {"S3-09"}},  // Saturday apart
           {0, 0, "2024-03-08", "2024-03-11", ok},         // the whole week
       }});
  cases.push_back(
      {"S3_09_OneStayOfAtMostFortyTwoDays",
       1,
       {Kdv(0, "2024-07-01", "2025-06-30", 85)},
       {KdvPool()},
       {
           // 22 + 21 nights: each year keeps its 42, the stay does not.
           {0, 0, "2024-12-10", "2025-01-22", {"S3-09"}, "consecutive nights"},
           {0, 0, "2024-12-10", "2024-12-31",
            ok},  // 21 nights
                  // Joining it, 22 more make one stay of 43.
           {0, 0, "2024-12-31", "2025-01-22", {"S3-09"}, "consecutive nights"},
           {0, 0, "2024-12-31", "2025-01-21", ok},  // one stay of 42
       }});

  // S4-05: 15 etmalen per calendar year at two providers.
  cases.push_back(
      {"S4_05_StayOverNewYearCountsInEachYear",
       1,
       {Logeerzorg(0, "2024-07-01", "2025-06-30", 30)},
       {LogeerzorgPool()},
       {
           {0, 0, "2024-12-16", "2024-12-28", ok},  // 12 nights
           {0, 0, "2024-12-28", "2025-01-05", {"S4-05"}, "calendar year 2024"},
           {0, 0, "2024-12-29", "2025-01-05", ok},  // 3 + 4 nights
           // Past the assignment's 30 nights too.
           {0,
            0,
            "2025-02-03",
            "2025-02-15",
            {"S4-05", "CP-VOLUME"},
            "calendar year 2025"},
           {0, 0, "2025-02-03", "2025-02-14", ok},  // 4 + 11 in 2025
       }});
  cases.push_back(
      {"S4_05_RefusedTogetherWithTheAssignmentsVolume",
       1,
       {Logeerzorg(0, "2024-01-01", "2024-12-31", 15)},
       {LogeerzorgPool()},
       {
           {0, 0, "2024-03-04", "2024-03-20", {"S4-05", "CP-VOLUME"}},
           {0, 0, "2024-03-04", "2024-03-19", ok},  // 15 nights
       }});

  // CP-VOLUME: the nights on one assignment, in every pool, fit its extent.
  cases.push_back({"CP_VOLUME_TotalCountsEveryPoolAndFreesOnCancel",
                   1,
                   {Stay(0, "2024-03-01", "2024-06-30", 10)},
                   {StayPool(), StayPool()},
                   {
                       {0, 0, "2024-03-04", "2024-03-10", ok},  // 6 nights
                       {1, 0, "2024-04-01", "2024-04-06", {"CP-VOLUME"}},
                       {1, 0, "2024-04-01", "2024-04-05", ok},  // 10
                       {0, 0, "2024-05-06", "2024-05-07", {"CP-VOLUME"}},
                       Cancel(0),
                       {0, 0, "2024-05-06", "2024-05-12", ok},  // 10 again
                   }});
  cases.push_back(
      {"CP_VOLUME_TwoAWeekOverFourWeeks",
       1,
       {Stay(0, "2024-03-04", "2024-03-31", 2, typ::FREQUENCY_PER_WEEK)},
       {StayPool()},
       {
           {0, 0, "2024-03-04", "2024-03-12", ok},  // 8 = 2 x 4 weeks
           {0, 0, "2024-03-25", "2024-03-26", {"CP-VOLUME"}},
       }});

  // CP-ASSIGNMENT: an assignment of this client, provider and product,
  // active, covering every night.
  cases.push_back(
      {"CP_ASSIGNMENT_EntitlesTheClientHereOnEveryNight",
       2,
       {Stay(0, "2024-03-01", "2024-06-30", 30),
        Deleted(Stay(0, "2024-07-01", "2024-08-31", 10)),
        In(Toekomst(0, "dagbesteding-ontwikkelen"), kDoetinchem, "99990301"),
        Kdv(0, "2024-03-01", "2024-06-30", 10, "99990303")},
       // Only 99990301 is contracted for kortdurend verblijf in
       // toekomst-sociaal-domein-2023; KDV has two providers.
       {StayPool(), KdvPool(1, "99990301")},
       {
           {0, 0, "2024-03-04", "2024-03-06", ok},
           {.pool = 0,
            .arrival = "2024-04-01",
            .departure = "2024-04-03",
            .refused = {"CP-ASSIGNMENT"},
            .message = "does not exist",
            .assignment_name = "municipalities/0222/assignments/999999"},
           {0, 1, "2024-07-01", "2024-07-03", {"CP-ASSIGNMENT"}, "deleted"},
           {.pool = 0,
            .assignment = 0,
            .arrival = "2024-04-01",
            .departure = "2024-04-03",
            .refused = {"CP-ASSIGNMENT"},
            .message = "another client",
            .client = 1},
           // Another provider's assignment: not found for this one.
           {1,
            3,
            "2024-04-01",
            "2024-04-03",
            {"CP-ASSIGNMENT"},
            "was not given to this provider"},
           {1, 0, "2024-04-01", "2024-04-03", {"CP-ASSIGNMENT"}, "not serve"},
           {0, 2, "2024-04-01", "2024-04-03", {"CP-ASSIGNMENT"}, "not serve"},
           {0, 0, "2024-06-29", "2024-07-02", {"CP-ASSIGNMENT"}, "cover"},
           {0, 0, "2024-02-28", "2024-03-02", {"CP-ASSIGNMENT"}, "cover"},
           {0, 0, "2024-06-28", "2024-07-01", ok},  // the last night is 30 June
       }});

  // CP-CLIENT-NIGHT: one bed a night per client, whatever the pool, the
  // provider or the catalog.
  cases.push_back({"CP_CLIENT_NIGHT_OneBedANightAnywhere",
                   1,
                   {Kdv(0, "2024-03-01", "2024-06-30", 42, "99990301"),
                    Stay(0, "2024-03-01", "2024-06-30", 10)},
                   {KdvPool(1, "99990301"), StayPool()},
                   {
                       {0, 0, "2024-03-04", "2024-03-07", ok},
                       {1, 1, "2024-03-06", "2024-03-08", {"CP-CLIENT-NIGHT"}},
                       // Arriving the morning the other stay ends is fine.
                       {1, 1, "2024-03-07", "2024-03-09", ok},
                       {0, 0, "2024-03-05", "2024-03-06", {"CP-CLIENT-NIGHT"}},
                       Cancel(0),
                       {1, 1, "2024-03-04", "2024-03-06", ok},
                   }});

  // CP-FULL: a stay keeps one bed, the lowest free on every night.
  cases.push_back({"CP_FULL_OneBedFreeOnEveryNight",
                   6,
                   {Stay(0, "2024-03-01", "2024-06-30", 10),
                    Stay(1, "2024-03-01", "2024-06-30", 10),
                    Stay(2, "2024-03-01", "2024-06-30", 10),
                    Stay(3, "2024-03-01", "2024-06-30", 10),
                    Stay(4, "2024-03-01", "2024-06-30", 10),
                    Stay(5, "2024-03-01", "2024-06-30", 10)},
                   {StayPool(1), StayPool(2)},
                   {
                       {.pool = 0,
                        .assignment = 0,
                        .arrival = "2024-03-04",
                        .departure = "2024-03-07",
                        .bed = 1},
                       {0, 1, "2024-03-06", "2024-03-08", {"CP-FULL"}},
                       {.pool = 0,
                        .assignment = 1,
                        .arrival = "2024-03-07",
                        .departure = "2024-03-09",
                        .bed = 1},
                       // Pool of two: bed 1 taken on the 6th, then bed 2 too;
                       // freeing bed 1 leaves bed 2 taken on the 6th only.
                       {.pool = 1,
                        .assignment = 2,
                        .arrival = "2024-03-06",
                        .departure = "2024-03-07",
                        .bed = 1},
                       {.pool = 1,
                        .assignment = 3,
                        .arrival = "2024-03-06",
                        .departure = "2024-03-07",
                        .bed = 2},
                       Cancel(3),
                       {.pool = 1,
                        .assignment = 4,
                        .arrival = "2024-03-04",
                        .departure = "2024-03-05",
                        .bed = 1},
                       // Each night of the 4th to the 6th has a free bed, but
                       // no bed is free on all three.
                       {1, 5, "2024-03-04", "2024-03-07", {"CP-FULL"}},
                       {.pool = 1,
                        .assignment = 5,
                        .arrival = "2024-03-04",
                        .departure = "2024-03-06",
                        .bed = 2},
                   }});

  // CP-FORMAT: INVALID_ARGUMENT before anything is looked up.
  cases.push_back(
      {"CP_FORMAT_BookingFormats",
       1,
       {Stay(0, "2024-03-01", "2024-06-30", 10)},
       {StayPool()},
       {
           {.arrival = "2024-03-04",
            .departure = "2024-03-05",
            .refused = {"CP-FORMAT"},
            .bsn = "111222334"},
           {0, 0, "2024-03-04", "2024-03-04", {"CP-FORMAT"}},
           {0, 0, "2024-03-05", "2024-03-04", {"CP-FORMAT"}},
           {0, 0, "2024-02-30", "2024-03-04", {"CP-FORMAT"}},
           {0, 0, "2024-03-01", "2025-03-03", {"CP-FORMAT"}},  // 367 nights
           {.arrival = "2024-03-04",
            .departure = "2024-03-05",
            .refused = {"CP-FORMAT"},
            .assignment_name = "assignments/1"},
           {0, 0, "2024-03-04", "2024-03-05", ok},
       }});
  return cases;
}

// ---------------------------------------------------------------------------
// Enrolment cases.

// `n` clients (from `first`) each with `entitlement(client)`, enrolled one
// after another in `slots` of group `group`; each accepted, with the notice
// `min_rule` while the sessions stay below `min_size`.
void EnrolAll(EnrolmentCase& c, int first, int n,
              const std::function<Entitlement(int)>& entitlement, int group,
              const std::vector<Slot>& slots, int min_size = 0,
              const std::string& min_rule = "") {
  for (int i = 0; i < n; ++i) {
    const int client = first + i;
    c.assignments.push_back(entitlement(client));
    EnrolStep e;
    e.group = group;
    e.assignment = static_cast<int>(c.assignments.size()) - 1;
    e.sessions = slots;
    if (i + 1 < min_size) e.notices = {min_rule};
    c.steps.push_back(std::move(e));
  }
}

EnrolStep Step(int group, int assignment, std::vector<Slot> sessions,
               std::vector<std::string> refused = {},
               std::vector<std::string> notices = {},
               std::string message = "") {
  EnrolStep e;
  e.group = group;
  e.assignment = assignment;
  e.sessions = std::move(sessions);
  e.refused = std::move(refused);
  e.notices = std::move(notices);
  e.message = std::move(message);
  return e;
}

EnrolStep Dated(EnrolStep e, const std::string& start, const std::string& end) {
  e.start = start;
  e.end = end;
  return e;
}

// A staff ratio case: a group with Monday morning on 1 staff member and
// Tuesday morning on 2; `ratio` clients fill Monday; the next one is
// refused on Monday and accepted on Tuesday.
EnrolmentCase RatioCase(const std::string& name, const std::string& rule,
                        int ratio, GroupAt group,
                        const std::function<Entitlement(int)>& entitlement) {
  EnrolmentCase c{name, ratio + 2, {}, {std::move(group)}, {}};
  EnrolAll(c, 0, ratio, entitlement, 0, {kMonAm, kTueAm});
  c.assignments.push_back(entitlement(ratio));
  const int next = static_cast<int>(c.assignments.size()) - 1;
  c.steps.push_back(Step(0, next, {kMonAm}, {rule}, {}, "with 1 staff"));
  c.steps.push_back(Step(0, next, {kMonAm, kTueAm}, {rule}));
  c.steps.push_back(Step(0, next, {kTueAm}));
  // With 2 staff there is room for one more still.
  c.assignments.push_back(entitlement(ratio + 1));
  c.steps.push_back(
      Step(0, static_cast<int>(c.assignments.size()) - 1, {kTueAm}));
  return c;
}

std::vector<EnrolmentCase> EnrolmentCases() {
  std::vector<EnrolmentCase> cases;
  auto day_care = [](int client) { return DayCare(client); };

  // S1-02: dagbesteding groep of 7 to 11. Below 7 a notice, not a refusal.
  {
    EnrolmentCase c{"S1_02_ElevenAtMostSevenAtLeast",
                    12,
                    {},
                    {DayCareGroup({Session(kMonAm, 2), Session(kTueAm, 2)})},
                    {}};
    EnrolAll(c, 0, 11, day_care, 0, {kMonAm}, 7, "S1-02");
    c.assignments.push_back(DayCare(11));
    c.steps.push_back(Step(0, 11, {kMonAm}, {"S1-02"}, {}, "maximum size"));
    c.steps.push_back(Step(0, 11, {kTueAm}, {}, {"S1-02"}));
    // From July the Monday clients are gone.
    c.steps.push_back(Dated(Step(0, 11, {kMonAm}, {}, {"S1-02"}), "2024-07-01",
                            "2024-09-30"));
    cases.push_back(std::move(c));
  }
  // S1-03: dagbesteding groep extra of 4 to 6.
  {
    EnrolmentCase c{
        "S1_03_SixAtMostFourAtLeast",
        7,
        {},
        {DayCareGroup({Session(kMonAm, 2)}, "dagbesteding-groep-extra")},
        {}};
    EnrolAll(
        c, 0, 6,
        [](int client) { return DayCare(client, "dagbesteding-groep-extra"); },
        0, {kMonAm}, 4, "S1-03");
    c.assignments.push_back(DayCare(6, "dagbesteding-groep-extra"));
    c.steps.push_back(Step(0, 6, {kMonAm}, {"S1-03"}));
    cases.push_back(std::move(c));
  }
  // S0-02: 1 staff per 8 (licht), 5 (midden), 3 (zwaar) clients.
  for (const auto& [level, ratio] : std::vector<std::pair<std::string, int>>{
           {"licht", 8}, {"midden", 5}, {"zwaar", 3}}) {
    const std::string product = "begeleiding-groep-" + level;
    cases.push_back(RatioCase(
        "S0_02_" + level + "_OneStaffPer" + std::to_string(ratio), "S0-02",
        ratio,
        GroupSupportGroup({product}, {Session(kMonAm, 1), Session(kTueAm, 2)}),
        [product](int client) { return GroupSupport(client, product); }));
  }
  // S0-02: a group of several levels keeps the strictest ratio.
  {
    EnrolmentCase c{"S0_02_MixedLevelsKeepTheStrictestRatio",
                    4,
                    {GroupSupport(0, "begeleiding-groep-licht"),
                     GroupSupport(1, "begeleiding-groep-licht"),
                     GroupSupport(2, "begeleiding-groep-zwaar"),
                     GroupSupport(3, "begeleiding-groep-licht")},
                    {GroupSupportGroup(
                        {"begeleiding-groep-licht", "begeleiding-groep-zwaar"},
                        {Session(kMonAm, 1)})},
                    {Step(0, 0, {kMonAm}), Step(0, 1, {kMonAm}),
                     Step(0, 2, {kMonAm}), Step(0, 3, {kMonAm}, {"S0-02"})}};
    cases.push_back(std::move(c));
  }
  // S2-06: dagbesteding ontwikkelen 1 per 5, behouden 1 per 6.
  for (const auto& [name, ratio] : std::vector<std::pair<std::string, int>>{
           {"dagbesteding-ontwikkelen", 5}, {"dagbesteding-behouden", 6}}) {
    const std::string product = name;
    cases.push_back(RatioCase(
        "S2_06_" + product + "_OneStaffPer" + std::to_string(ratio), "S2-06",
        ratio, ToekomstGroup(product, {Session(kMonAm, 1), Session(kTueAm, 2)}),
        [product](int client) { return Toekomst(client, product); }));
  }
  // S2-03: groepstraining of at most 8, even with two trainers; each client
  // has the leren/ontwikkelen assignment it requires.
  {
    EnrolmentCase c{"S2_03_GroepstrainingOfAtMostEight",
                    9,
                    {},
                    {TrainingGroup({Session(kTueAm, 2), Session(kThuAm, 1)})},
                    {}};
    for (int client = 0; client < 9; ++client) {
      c.assignments.push_back(Leren(client));
      c.assignments.push_back(Training(client));
      EnrolStep e =
          Dated(Step(0, 2 * client + 1, {kTueAm}), "2024-01-08", "2024-03-31");
      if (client == 8) {
        e.refused = {"S2-03"};
        e.message = "maximum size";
      }
      c.steps.push_back(std::move(e));
    }
    c.steps.push_back(Dated(Step(0, 17, {kThuAm}), "2024-01-08", "2024-03-31"));
    cases.push_back(std::move(c));
  }
  // CP-SIZE: a product without a group size in its catalog takes the
  // group's own.
  {
    EnrolmentCase c{"CP_SIZE_TheGroupsOwnMaximum",
                    3,
                    {Bgg(0), Bgg(1), Bgg(2)},
                    {BggGroup({Session(kMonAm, 1)}, 2)},
                    {Step(0, 0, {kMonAm}), Step(0, 1, {kMonAm}),
                     Step(0, 2, {kMonAm}, {"CP-SIZE"})}};
    cases.push_back(std::move(c));
  }
  // A group stricter than its catalog (9 where S1-02 allows 11): the 10th
  // client breaks the group's own maximum, not S1-02.
  {
    GroupAt nine = DayCareGroup({Session(kMonAm, 2)});
    nine.max_size = 9;
    EnrolmentCase c{
        "CP_SIZE_AStricterGroupsOwnMaximumIsNoCatalogRule", 10, {}, {nine}, {}};
    EnrolAll(c, 0, 9, day_care, 0, {kMonAm}, 7, "S1-02");
    c.assignments.push_back(DayCare(9));
    c.steps.push_back(Step(0, 9, {kMonAm}, {"CP-SIZE"}));
    cases.push_back(std::move(c));
  }
  // CP-EXTENT: no more sessions a week than the assignment allows:
  // dagdelen one each, hours 3 a session (the catalog gives no length),
  // groepstraining sessions one each.
  {
    EnrolmentCase c{
        "CP_EXTENT_SessionsAWeekWithinTheExtent",
        4,
        {DayCare(0, "dagbesteding-groep", 2),
         DayCare(1, "dagbesteding-groep", 2),
         GroupSupport(2, "begeleiding-groep-licht", 4), Leren(3), Training(3)},
        {DayCareGroup(
             {Session(kMonAm, 2), Session(kTueAm, 2), Session(kWedAm, 2)}),
         GroupSupportGroup({"begeleiding-groep-licht"},
                           {Session(kMonAm, 2), Session(kTueAm, 2)}),
         TrainingGroup({Session(kTueAm, 1), Session(kThuAm, 1)})},
        {
            Step(0, 0, {kMonAm, kTueAm}, {}, {"S1-02"}),
            Step(0, 1, {kMonAm, kTueAm, kWedAm}, {"CP-EXTENT"}),
            Step(0, 1, {kMonAm}, {}, {"S1-02"}),
            // A second enrolment on the same assignment: 3 a week in all.
            Step(0, 0, {kWedAm}, {"CP-EXTENT"}),
            Step(1, 2, {kMonAm, kTueAm}, {"CP-EXTENT"}),  // 6 of 4 hours
            Step(1, 2, {kMonAm}),                         // 3 of 4 hours
            Dated(Step(2, 4, {kTueAm, kThuAm}, {"CP-EXTENT"}), "2024-01-08",
                  "2024-03-31"),
            Dated(Step(2, 4, {kTueAm}), "2024-01-08", "2024-03-31"),
        }};
    cases.push_back(std::move(c));
  }
  // CP-EXTENT: 4 dagdelen a month allow about one session a week; two
  // every week are 8 or more a month.
  {
    Entitlement monthly = DayCare(0);
    monthly.frequency = typ::FREQUENCY_PER_MONTH;
    EnrolmentCase c{"CP_EXTENT_FourAMonthAreNoTwoAWeek",
                    1,
                    {monthly},
                    {DayCareGroup({Session(kMonAm, 2), Session(kTueAm, 2)})},
                    {Step(0, 0, {kMonAm, kTueAm}, {"CP-EXTENT"})}};
    cases.push_back(std::move(c));
  }
  // CP-SESSION: sessions of the group, each once, at least one.
  {
    EnrolmentCase c{"CP_SESSION_SessionsOfTheGroupOnce",
                    1,
                    {DayCare(0)},
                    {DayCareGroup({Session(kMonAm, 2), Session(kTueAm, 2)})},
                    {
                        Step(0, 0, {kFriPm}, {"CP-SESSION"}),
                        Step(0, 0, {kMonEve}, {"CP-SESSION"}),
                        Step(0, 0, {kMonAm, kMonAm}, {"CP-SESSION"}),
                        Step(0, 0, {}, {"CP-SESSION"}),
                        Step(0, 0, {kMonAm}, {}, {"S1-02"}),
                    }};
    cases.push_back(std::move(c));
  }
  // CP-CLIENT-SESSION: a client once in a session at any time.
  {
    EnrolmentCase c{"CP_CLIENT_SESSION_OnceInASessionAtATime",
                    1,
                    {DayCare(0)},
                    {DayCareGroup({Session(kMonAm, 2), Session(kTueAm, 2)})},
                    {
                        Step(0, 0, {kMonAm}, {}, {"S1-02"}),
                        Dated(Step(0, 0, {kMonAm}, {"CP-CLIENT-SESSION"}),
                              "2024-06-01", "2024-08-31"),
                        Dated(Step(0, 0, {kMonAm}, {}, {"S1-02"}), "2024-07-01",
                              "2024-09-30"),
                        Step(0, 0, {kTueAm}, {}, {"S1-02"}),
                        Dated(Step(0, 0, {kMonAm, kTueAm}, {}, {"S1-02"}),
                              "2024-10-01", "2024-12-31"),
                    }};
    cases.push_back(std::move(c));
  }
  // CP-ASSIGNMENT: the client's active assignment with this provider for a
  // product of the group, covering the enrolment.
  {
    EnrolmentCase c{
        "CP_ASSIGNMENT_EntitlesTheClientInThisGroup",
        2,
        {DayCare(0), Deleted(During(DayCare(0), "2025-01-01", "2025-06-30")),
         // Another provider's, in another municipality of the region: a
         // period of its own (the region counts one client's assignments).
         During(In(DayCare(0), kDeventer, "99990201"), "2025-07-01",
                "2025-12-31"),
         DayCare(0, "dagbesteding-groep-extra")},
        {DayCareGroup({Session(kMonAm, 2)})},
        {
            Step(0, 0, {kMonAm}, {}, {"S1-02"}),
            [] {
              EnrolStep e = Dated(
                  Step(0, 0, {kMonAm}, {"CP-ASSIGNMENT"}, {}, "does not exist"),
                  "2024-07-01", "2024-09-30");
              e.assignment_name = "municipalities/0200/assignments/999999";
              return e;
            }(),
            Dated(Step(0, 1, {kMonAm}, {"CP-ASSIGNMENT"}, {}, "deleted"),
                  "2025-01-06", "2025-03-31"),
            [] {
              EnrolStep e = Dated(
                  Step(0, 0, {kMonAm}, {"CP-ASSIGNMENT"}, {}, "another client"),
                  "2024-07-01", "2024-09-30");
              e.client = 1;
              return e;
            }(),
            // Another provider's assignment: not found for this one.
            Dated(Step(0, 2, {kMonAm}, {"CP-ASSIGNMENT"}, {},
                       "was not given to this provider"),
                  "2024-07-01", "2024-09-30"),
            Dated(Step(0, 3, {kMonAm}, {"CP-ASSIGNMENT"}, {}, "not serve"),
                  "2024-07-01", "2024-09-30"),
            Dated(Step(0, 0, {kMonAm}, {"CP-ASSIGNMENT"}, {}, "cover"),
                  "2024-12-01", "2025-01-31"),
            Dated(Step(0, 0, {kMonAm}, {}, {"S1-02"}), "2024-07-01",
                  "2024-12-31"),
        }};
    cases.push_back(std::move(c));
  }
  // CP-FORMAT: INVALID_ARGUMENT.
  {
    EnrolmentCase c{"CP_FORMAT_EnrolmentFormats",
                    1,
                    {DayCare(0)},
                    {DayCareGroup({Session(kMonAm, 2)})},
                    {}};
    EnrolStep bad_bsn = Step(0, 0, {kMonAm}, {"CP-FORMAT"});
    bad_bsn.bsn = "111222334";
    c.steps.push_back(bad_bsn);
    c.steps.push_back(
        Dated(Step(0, 0, {kMonAm}, {"CP-FORMAT"}), "2024-03-04", ""));
    c.steps.push_back(
        Dated(Step(0, 0, {kMonAm}, {"CP-FORMAT"}), "2024-03-04", "2024-03-03"));
    EnrolStep bad_name = Step(0, 0, {kMonAm}, {"CP-FORMAT"});
    bad_name.assignment_name = "assignments/1";
    c.steps.push_back(bad_name);
    c.steps.push_back(Step(0, 0, {kMonAm}, {}, {"S1-02"}));
    cases.push_back(std::move(c));
  }
  return cases;
}

// ---------------------------------------------------------------------------
// The fixture.

class CapacityRulesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_START_APP_OR_SKIP(app_, GetParam(), dir_);
    auto channel = testing::ChannelTo(*app_);
    assignments_ = AssignmentService::NewStub(channel);
    capacity_ = v1::CapacityService::NewStub(channel);
  }

  // New clients' BSNs.
  std::vector<std::string> Clients(int n) {
    std::vector<std::string> bsns;
    bsns.reserve(n);
    for (int i = 0; i < n; ++i) bsns.push_back(TestBsn(next_client_++));
    return bsns;
  }

  // Creates the assignment (and deletes it when asked); a failure here is
  // a mistake in the case, reported as such.
  Assignment Create(const Entitlement& e, const std::string& bsn) {
    Assignment a;
    a.mutable_client()->set_bsn(bsn);
    a.mutable_client()->set_birth_date("1970-03-01");
    a.set_provider_agb(e.provider);
    a.set_catalog(e.catalog);
    a.set_product(e.product);
    a.set_lot(e.lot);
    a.mutable_extent()->set_volume(e.volume);
    a.mutable_extent()->set_unit(e.unit);
    a.mutable_extent()->set_frequency(e.frequency);
    a.set_start_date(e.start);
    a.set_end_date(e.end);
    if (e.catalog == kMl) {
      // midden-limburg-2024: a basis (S3-04) and results (S3-10).
      a.set_basis("1");
      auto* result = a.add_results();
      result->set_life_domain("Wonen");
      result->set_activity_type(wmo::assignment::v1::ACTIVITY_TYPE_HELP);
    }
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Municipality(e.municipality));
    wmo::assignment::v1::CreateAssignmentRequest request;
    request.set_parent("municipalities/" + e.municipality);
    *request.mutable_assignment() = a;
    Assignment created;
    grpc::Status s =
        assignments_->CreateAssignment(&context, request, &created);
    EXPECT_TRUE(s.ok()) << "setup: assignment " << e.product << " " << e.start
                        << ".." << e.end << " refused:\n"
                        << Dump(s);
    if (e.deleted && s.ok()) {
      grpc::ClientContext delete_context;
      testing::ActAs(delete_context, *app_,
                     testing::Municipality(e.municipality));
      wmo::assignment::v1::DeleteAssignmentRequest del;
      del.set_name(created.name());
      grpc::Status d =
          assignments_->DeleteAssignment(&delete_context, del, &created);
      EXPECT_TRUE(d.ok()) << Dump(d);
    }
    return created;
  }

  std::string Location(const std::string& provider,
                       const std::string& municipality,
                       const std::string& postcode = "6001 AB") {
    grpc::ClientContext context;
    v1::CreateLocationRequest request;
    request.set_parent("providers/" + provider);
    request.set_location_id(absl::StrCat("l", ++next_site_));
    request.mutable_location()->set_display_name(
        absl::StrCat("Locatie ", next_site_));
    request.mutable_location()->set_municipality(municipality);
    request.mutable_location()->set_postcode(postcode);
    v1::Location location;
    grpc::Status s = capacity_->CreateLocation(&context, request, &location);
    EXPECT_TRUE(s.ok()) << Dump(s);
    return location.name();
  }

  grpc::Status CreatePool(const std::string& location, const PoolAt& p,
                          v1::BedPool* out) {
    grpc::ClientContext context;
    v1::CreateBedPoolRequest request;
    request.set_parent(location);
    request.set_bed_pool_id(absl::StrCat("p", ++next_site_));
    auto* pool = request.mutable_bed_pool();
    pool->set_display_name("Logeerkamers");
    pool->set_catalog(p.catalog);
    for (const auto& product : p.products) pool->add_products(product);
    pool->set_beds(p.beds);
    pool->set_wheelchair_accessible(p.wheelchair);
    return capacity_->CreateBedPool(&context, request, out);
  }

  std::string Pool(const PoolAt& p) {
    v1::BedPool created;
    grpc::Status s = CreatePool(
        Location(p.provider, p.municipality, p.postcode), p, &created);
    EXPECT_TRUE(s.ok()) << Dump(s);
    return created.name();
  }

  grpc::Status CreateGroup(const std::string& location, const GroupAt& g,
                           v1::Group* out) {
    grpc::ClientContext context;
    v1::CreateGroupRequest request;
    request.set_parent(location);
    request.set_group_id(absl::StrCat("g", ++next_site_));
    auto* group = request.mutable_group();
    group->set_display_name("Groep");
    group->set_catalog(g.catalog);
    for (const auto& product : g.products) group->add_products(product);
    for (const auto& session : g.sessions) *group->add_sessions() = session;
    group->set_min_size(g.min_size);
    group->set_max_size(g.max_size);
    group->set_max_clients_per_staff(g.max_clients_per_staff);
    return capacity_->CreateGroup(&context, request, out);
  }

  std::string Group(const GroupAt& g, const std::string& location = "") {
    v1::Group created;
    grpc::Status s = CreateGroup(
        location.empty() ? Location(g.provider, g.municipality) : location, g,
        &created);
    EXPECT_TRUE(s.ok()) << Dump(s);
    return created.name();
  }

  grpc::Status Book(const std::string& pool, const std::string& bsn,
                    const std::string& assignment, const std::string& arrival,
                    const std::string& departure, v1::Booking* out) {
    grpc::ClientContext context;
    v1::CreateBookingRequest request;
    request.set_parent(pool);
    request.mutable_booking()->set_client_bsn(bsn);
    request.mutable_booking()->set_assignment(assignment);
    request.mutable_booking()->set_arrival_date(arrival);
    request.mutable_booking()->set_departure_date(departure);
    return capacity_->CreateBooking(&context, request, out);
  }

  static v1::Enrolment EnrolmentOf(const std::string& bsn,
                                   const std::string& assignment,
                                   const std::vector<Slot>& sessions,
                                   const std::string& start,
                                   const std::string& end) {
    v1::Enrolment e;
    e.set_client_bsn(bsn);
    e.set_assignment(assignment);
    for (const Slot& slot : sessions) {
      auto* s = e.add_sessions();
      s->set_weekday(slot.weekday);
      s->set_day_part(slot.part);
    }
    e.set_start_date(start);
    e.set_end_date(end);
    return e;
  }

  grpc::Status Enrol(const std::string& group, const v1::Enrolment& enrolment,
                     v1::Enrolment* out, const std::string& request_id = "") {
    grpc::ClientContext context;
    v1::CreateEnrolmentRequest request;
    request.set_parent(group);
    request.set_request_id(request_id);
    *request.mutable_enrolment() = enrolment;
    return capacity_->CreateEnrolment(&context, request, out);
  }

  std::vector<v1::Enrolment> Enrolments(const std::string& group) {
    grpc::ClientContext context;
    v1::ListEnrolmentsRequest request;
    request.set_parent(group);
    request.set_page_size(500);
    v1::ListEnrolmentsResponse response;
    grpc::Status s = capacity_->ListEnrolments(&context, request, &response);
    EXPECT_TRUE(s.ok()) << Dump(s);
    return {response.enrolments().begin(), response.enrolments().end()};
  }

  std::vector<v1::WaitlistEntry> Waitlist(const std::string& parent) {
    grpc::ClientContext context;
    v1::ListWaitlistRequest request;
    request.set_parent(parent);
    v1::ListWaitlistResponse response;
    grpc::Status s = capacity_->ListWaitlist(&context, request, &response);
    EXPECT_TRUE(s.ok()) << Dump(s);
    return {response.entries().begin(), response.entries().end()};
  }

  // Whether every assignment and site of a case was made (a failure was
  // reported where one was not).
  static bool SetUpFine(const std::vector<Assignment>& assignments,
                        const std::vector<std::string>& sites) {
    for (const Assignment& a : assignments) {
      if (a.name().empty()) return false;
    }
    for (const std::string& site : sites) {
      if (site.empty()) return false;
    }
    return true;
  }

  // The refusal has exactly these rule ids, the code they call for, this
  // text in one of its messages, and no client's BSN anywhere.
  static void ExpectRefused(const grpc::Status& s,
                            const std::vector<std::string>& rules,
                            const std::string& message,
                            const std::vector<std::string>& bsns) {
    ASSERT_FALSE(s.ok()) << "accepted, want " << absl::StrJoin(rules, ", ");
    EXPECT_EQ(s.error_code(), CodeFor(rules)) << Dump(s);
    EXPECT_EQ(RuleIds(s), std::set<std::string>(rules.begin(), rules.end()))
        << Dump(s);
    const auto violations = ViolationsOf(s);
    if (!message.empty()) {
      EXPECT_TRUE(std::any_of(violations.begin(), violations.end(),
                              [&](const auto& v) {
                                return v.message().find(message) !=
                                       std::string::npos;
                              }))
          << "no message names \"" << message << "\":\n"
          << Dump(s);
    }
    for (const std::string& bsn : bsns) {
      EXPECT_THAT(s.error_message(), Not(HasSubstr(bsn)));
      for (const auto& v : violations) {
        EXPECT_THAT(v.message(), Not(HasSubstr(bsn))) << "BSN in a message";
      }
    }
  }

  // Every session of `group` holds at most its capacity on every day of
  // `range`, counting every enrolment.
  void ExpectNoSessionOverCapacity(const std::string& group_name,
                                   const std::string& from,
                                   const std::string& to) {
    grpc::ClientContext context;
    v1::GetGroupRequest get;
    get.set_name(group_name);
    v1::Group group;
    ASSERT_TRUE(capacity_->GetGroup(&context, get, &group).ok());
    const std::vector<v1::Enrolment> enrolled = Enrolments(group_name);
    for (rules::Date d = *rules::ParseDate(from, "");
         d <= *rules::ParseDate(to, ""); ++d) {
      const std::string date = rules::FormatDate(d);
      for (const v1::Session& s : group.sessions()) {
        int capacity = group.max_size() > 0 ? group.max_size() : 1 << 20;
        if (group.max_clients_per_staff() > 0) {
          capacity =
              std::min(capacity, s.staff() * group.max_clients_per_staff());
        }
        int clients = 0;
        for (const v1::Enrolment& e : enrolled) {
          if (e.start_date() > date || e.end_date() < date) continue;
          for (const auto& slot : e.sessions()) {
            if (slot.weekday() == s.weekday() &&
                slot.day_part() == s.day_part()) {
              ++clients;
            }
          }
        }
        EXPECT_LE(clients, capacity) << "session " << s.weekday() << "/"
                                     << s.day_part() << " on " << date;
      }
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<App> app_;
  std::unique_ptr<AssignmentService::Stub> assignments_;
  std::unique_ptr<v1::CapacityService::Stub> capacity_;
  int next_client_ = 1;
  int next_site_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, CapacityRulesTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------------------

TEST_P(CapacityRulesTest, BookingsKeepTheCatalogCapsAndTheServiceRules) {
  for (const BookingCase& c : BookingCases()) {
    SCOPED_TRACE(c.name);
    const std::vector<std::string> bsns = Clients(c.clients);
    std::vector<Assignment> assignments;
    for (const Entitlement& e : c.assignments) {
      assignments.push_back(Create(e, bsns[e.client]));
    }
    std::vector<std::string> pools;
    for (const PoolAt& p : c.pools) pools.push_back(Pool(p));
    if (!SetUpFine(assignments, pools)) continue;
    std::vector<v1::Booking> made(c.steps.size());
    for (size_t i = 0; i < c.steps.size(); ++i) {
      const Night& n = c.steps[i];
      if (n.cancel >= 0) {
        SCOPED_TRACE(absl::StrCat("step ", i, ": cancel step ", n.cancel));
        grpc::ClientContext context;
        v1::CancelBookingRequest request;
        request.set_name(made[n.cancel].name());
        v1::Booking cancelled;
        grpc::Status s =
            capacity_->CancelBooking(&context, request, &cancelled);
        EXPECT_TRUE(s.ok()) << Dump(s);
        EXPECT_EQ(cancelled.state(), v1::Booking::CANCELLED);
        continue;
      }
      SCOPED_TRACE(absl::StrCat("step ", i, ": ", n.arrival, " to ",
                                n.departure, " in pool ", n.pool));
      const Assignment& a = assignments[n.assignment];
      const std::string bsn = !n.bsn.empty()  ? n.bsn
                              : n.client >= 0 ? bsns[n.client]
                                              : a.client().bsn();
      const std::string assignment =
          n.assignment_name.empty() ? a.name() : n.assignment_name;
      grpc::Status s = Book(pools[n.pool], bsn, assignment, n.arrival,
                            n.departure, &made[i]);
      if (n.refused.empty()) {
        EXPECT_TRUE(s.ok()) << Dump(s);
        EXPECT_EQ(made[i].state(), v1::Booking::BOOKED);
        if (n.bed > 0) {
          EXPECT_EQ(made[i].bed(), n.bed);
        }
      } else {
        ExpectRefused(s, n.refused, n.message, bsns);
        const auto violations = ViolationsOf(s);
        if (!n.leading.empty() && !violations.empty()) {
          EXPECT_THAT(violations[0].message(), HasSubstr(n.leading)) << Dump(s);
        }
        for (const auto& v : violations) {
          if (!n.never.empty()) {
            EXPECT_THAT(v.message(), Not(HasSubstr(n.never))) << Dump(s);
          }
        }
      }
    }
  }
}

TEST_P(CapacityRulesTest, EnrolmentsKeepGroupSizesStaffRatiosAndRules) {
  for (const EnrolmentCase& c : EnrolmentCases()) {
    SCOPED_TRACE(c.name);
    const std::vector<std::string> bsns = Clients(c.clients);
    std::vector<Assignment> assignments;
    for (const Entitlement& e : c.assignments) {
      assignments.push_back(Create(e, bsns[e.client]));
    }
    std::vector<std::string> groups;
    for (const GroupAt& g : c.groups) groups.push_back(Group(g));
    if (!SetUpFine(assignments, groups)) continue;
    for (size_t i = 0; i < c.steps.size(); ++i) {
      const EnrolStep& step = c.steps[i];
      SCOPED_TRACE(absl::StrCat("step ", i, ": assignment ", step.assignment,
                                " from ", step.start, " to ", step.end));
      const Assignment& a = assignments[step.assignment];
      const std::string bsn = !step.bsn.empty()  ? step.bsn
                              : step.client >= 0 ? bsns[step.client]
                                                 : a.client().bsn();
      const std::string assignment =
          step.assignment_name.empty() ? a.name() : step.assignment_name;
      v1::Enrolment made;
      grpc::Status s = Enrol(
          groups[step.group],
          EnrolmentOf(bsn, assignment, step.sessions, step.start, step.end),
          &made);
      if (step.refused.empty()) {
        EXPECT_TRUE(s.ok()) << Dump(s);
        if (!s.ok()) continue;
        EXPECT_EQ(made.state(), v1::Enrolment::ACTIVE);
        std::set<std::string> notices;
        for (const auto& v : made.notices()) notices.insert(v.rule_id());
        EXPECT_EQ(notices, std::set<std::string>(step.notices.begin(),
                                                 step.notices.end()));
      } else {
        ExpectRefused(s, step.refused, step.message, bsns);
      }
    }
    for (const std::string& group : groups) {
      ExpectNoSessionOverCapacity(group, "2024-01-01", "2024-12-31");
    }
  }
}

TEST_P(CapacityRulesTest, GroupsAndPoolsAreNoLooserThanTheirCatalog) {
  struct GroupCase {
    std::string name;
    GroupAt group;
    // Empty: accepted, with these bounds stored (-1: not checked).
    std::vector<std::string> refused{};
    int min_size = -1;
    int max_size = -1;
    int max_clients_per_staff = -1;
  };
  auto sized = [](GroupAt g, int min_size, int max_size, int ratio) {
    g.min_size = min_size;
    g.max_size = max_size;
    g.max_clients_per_staff = ratio;
    return g;
  };
  const std::vector<v1::Session> monday = {Session(kMonAm, 1)};
  const GroupAt day_care = DayCareGroup(monday);
  const GroupAt extra = DayCareGroup(monday, "dagbesteding-groep-extra");
  auto support = [&](const std::string& level) {
    return GroupSupportGroup({"begeleiding-groep-" + level}, monday);
  };
  const GroupAt ontwikkelen = ToekomstGroup("dagbesteding-ontwikkelen", monday);
  const GroupAt behouden = ToekomstGroup("dagbesteding-behouden", monday);
  const GroupAt training = TrainingGroup(monday);
  auto with_products = [](GroupAt g, std::vector<std::string> products) {
    g.products = std::move(products);
    return g;
  };
  auto with_sessions = [](GroupAt g, std::vector<v1::Session> sessions) {
    g.sessions = std::move(sessions);
    return g;
  };
  const std::vector<GroupCase> groups = {
      {"S1_02_CatalogBoundsTaken", day_care, {}, 7, 11, 0},
      {"S1_02_ElevenAllowed", sized(day_care, 0, 11, 0), {}, 7, 11},
      {"S1_02_StricterAllowed", sized(day_care, 8, 9, 0), {}, 8, 9},
      {"S1_02_TwelveRefused", sized(day_care, 0, 12, 0), {"S1-02"}},
      {"S1_02_MinimumBelowSevenRefused", sized(day_care, 6, 0, 0), {"S1-02"}},
      {"S1_03_CatalogBoundsTaken", extra, {}, 4, 6, 0},
      {"S1_03_SevenRefused", sized(extra, 0, 7, 0), {"S1-03"}},
      {"S1_03_MinimumBelowFourRefused", sized(extra, 3, 0, 0), {"S1-03"}},
      {"S0_02_LichtRatioTaken", support("licht"), {}, 0, 0, 8},
      {"S0_02_LichtNineRefused", sized(support("licht"), 0, 0, 9), {"S0-02"}},
      {"S0_02_MiddenRatioTaken", support("midden"), {}, 0, 0, 5},
      {"S0_02_MiddenSixRefused", sized(support("midden"), 0, 0, 6), {"S0-02"}},
      {"S0_02_ZwaarStricterAllowed",
       sized(support("zwaar"), 0, 6, 2),
       {},
       0,
       6,
       2},
      {"S0_02_ZwaarFourRefused", sized(support("zwaar"), 0, 0, 4), {"S0-02"}},
      {"S0_02_MixedLevelsTakeTheStrictest",
       GroupSupportGroup({"begeleiding-groep-licht", "begeleiding-groep-zwaar"},
                         monday),
       {},
       0,
       0,
       3},
      {"S0_02_MixedLevelsLooserThanTheStrictestRefused",
       sized(
           GroupSupportGroup(
               {"begeleiding-groep-licht", "begeleiding-groep-zwaar"}, monday),
           0, 0, 5),
       {"S0-02"}},
      {"S2_06_OntwikkelenRatioTaken", ontwikkelen, {}, 0, 0, 5},
      {"S2_06_OntwikkelenSixRefused", sized(ontwikkelen, 0, 0, 6), {"S2-06"}},
      {"S2_06_BehoudenRatioTaken", behouden, {}, 0, 0, 6},
      {"S2_06_BehoudenSevenRefused", sized(behouden, 0, 0, 7), {"S2-06"}},
      {"S2_03_GroepstrainingBoundsTaken", training, {}, 0, 8, 8},
      {"S2_03_NineRefused", sized(training, 0, 9, 0), {"S2-03"}},
      {"S2_03_NinePerTrainerRefused", sized(training, 0, 0, 9), {"S2-03"}},
      {"CP_SIZE_NoCatalogSizeNeedsOne", BggGroup(monday, 0), {"CP-SIZE"}},
      {"CP_SIZE_OwnSizeTaken", BggGroup(monday, 10), {}, 0, 10, 0},
      {"CP_PRODUCT_ShortStayIsNoGroupProduct",
       with_products(day_care, {"logeeropvang-volwassenen"}),
       {"CP-PRODUCT"}},
      {"CP_PRODUCT_IndividualSupportIsNoGroupProduct",
       with_products(day_care, {"begeleiding-individueel-regulier"}),
       {"CP-PRODUCT"}},
      {"CP_PRODUCT_TransportIsNoGroupProduct",
       with_products(day_care, {"dagbesteding-groep", "vervoer-regulier"}),
       {"CP-PRODUCT"}},
      {"CP_PRODUCT_UnknownProduct",
       with_products(day_care, {"kdv"}),
       {"CP-PRODUCT"}},
      {"CP_PRODUCT_NoProduct", with_products(day_care, {}), {"CP-PRODUCT"}},
      {"CP_FORMAT_NoSessions", with_sessions(day_care, {}), {"CP-FORMAT"}},
      {"CP_FORMAT_NoStaff",
       with_sessions(day_care, {Session(kMonAm, 0)}),
       {"CP-FORMAT"}},
      {"CP_FORMAT_SessionTwice",
       with_sessions(day_care, {Session(kMonAm, 1), Session(kMonAm, 2)}),
       {"CP-FORMAT"}},
  };
  for (const GroupCase& c : groups) {
    SCOPED_TRACE(c.name);
    v1::Group created;
    grpc::Status s = CreateGroup(
        Location(c.group.provider, c.group.municipality), c.group, &created);
    if (c.refused.empty()) {
      EXPECT_TRUE(s.ok()) << Dump(s);
      if (!s.ok()) continue;
      if (c.min_size >= 0) {
        EXPECT_EQ(created.min_size(), c.min_size);
      }
      if (c.max_size >= 0) {
        EXPECT_EQ(created.max_size(), c.max_size);
      }
      if (c.max_clients_per_staff >= 0) {
        EXPECT_EQ(created.max_clients_per_staff(), c.max_clients_per_staff);
      }
      EXPECT_EQ(created.etag(), "r1");
    } else {
      ASSERT_FALSE(s.ok());
      // Group rules are FAILED_PRECONDITION; a missing size may be either.
      if (c.refused[0] != "CP-FORMAT" && c.refused[0] != "CP-SIZE") {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
            << Dump(s);
      }
      EXPECT_EQ(RuleIds(s),
                std::set<std::string>(c.refused.begin(), c.refused.end()))
          << Dump(s);
    }
  }

  // An update is held to the same bounds.
  {
    SCOPED_TRACE("S1_02_UpdateHeldToTheCatalog");
    v1::Group created;
    ASSERT_TRUE(
        CreateGroup(Location("99990203", kApeldoorn), day_care, &created).ok());
    grpc::ClientContext context;
    v1::UpdateGroupRequest update;
    update.mutable_group()->set_name(created.name());
    update.mutable_group()->set_max_size(12);
    update.mutable_update_mask()->add_paths("max_size");
    update.set_etag(created.etag());
    v1::Group updated;
    grpc::Status s = capacity_->UpdateGroup(&context, update, &updated);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(RuleIds(s), std::set<std::string>{"S1-02"}) << Dump(s);
    grpc::ClientContext again;
    update.mutable_group()->set_max_size(10);
    s = capacity_->UpdateGroup(&again, update, &updated);
    ASSERT_TRUE(s.ok()) << Dump(s);
    EXPECT_EQ(updated.max_size(), 10);
    EXPECT_EQ(updated.etag(), "r2");
  }
  // Nor may an update take away the only bound (CP-SIZE), which would leave
  // every session without a capacity.
  {
    SCOPED_TRACE("CP_SIZE_UpdateKeepsABound");
    v1::Group created;
    ASSERT_TRUE(CreateGroup(Location("99990301", kWeert), BggGroup(monday, 10),
                            &created)
                    .ok());
    grpc::ClientContext context;
    v1::UpdateGroupRequest update;
    update.mutable_group()->set_name(created.name());
    update.mutable_update_mask()->add_paths("max_size");
    v1::Group updated;
    grpc::Status s = capacity_->UpdateGroup(&context, update, &updated);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(RuleIds(s), std::set<std::string>{"CP-SIZE"}) << Dump(s);
  }

  struct PoolCase {
    std::string name;
    PoolAt pool;
    std::vector<std::string> refused;
  };
  auto products = [](PoolAt p, std::vector<std::string> ids) {
    p.products = std::move(ids);
    return p;
  };
  auto beds = [](PoolAt p, int n) {
    p.beds = n;
    return p;
  };
  const std::vector<PoolCase> pools = {
      {"CP_PRODUCT_ShortStayServed", LogeeropvangPool(), {}},
      {"CP_PRODUCT_KdvServed", KdvPool(), {}},
      {"CP_PRODUCT_DayActivityIsNoShortStay",
       products(LogeeropvangPool(), {"dagbesteding-groep"}),
       {"CP-PRODUCT"}},
      {"CP_PRODUCT_TransportIsNoShortStay",
       products(LogeeropvangPool(),
                {"logeeropvang-volwassenen", "vervoer-rolstoel"}),
       {"CP-PRODUCT"}},
      {"CP_PRODUCT_GroupSupportIsNoShortStay",
       products(KdvPool(), {"bgg"}),
       {"CP-PRODUCT"}},
      {"CP_PRODUCT_ProductOfAnotherCatalog",
       products(KdvPool(), {"logeerzorg"}),
       {"CP-PRODUCT"}},
      {"CP_PRODUCT_NoProduct", products(KdvPool(), {}), {"CP-PRODUCT"}},
      {"CP_FORMAT_NoBed", beds(KdvPool(), 0), {"CP-FORMAT"}},
  };
  for (const PoolCase& c : pools) {
    SCOPED_TRACE(c.name);
    v1::BedPool created;
    grpc::Status s = CreatePool(Location(c.pool.provider, c.pool.municipality),
                                c.pool, &created);
    if (c.refused.empty()) {
      EXPECT_TRUE(s.ok()) << Dump(s);
    } else {
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(RuleIds(s),
                std::set<std::string>(c.refused.begin(), c.refused.end()))
          << Dump(s);
    }
  }
}

TEST_P(CapacityRulesTest, SixteenRacersForTheLastPlaceOfASession) {
  // Dagbesteding groep: at most 11 on Monday morning (S1-02), 10 there
  // already. 16 clients ask for the last place at once, half of them from
  // May on only, which still overlaps the 10: exactly one gets it. Four
  // more ask for the empty Tuesday at the same time and all get a place.
  const std::string group =
      Group(DayCareGroup({Session(kMonAm, 2), Session(kTueAm, 2)}));
  constexpr int kSeated = 10, kRacers = 16, kTuesday = 4;
  const std::vector<std::string> bsns = Clients(kSeated + kRacers + kTuesday);
  std::vector<Assignment> a;
  a.reserve(kSeated + kRacers + kTuesday);
  for (int i = 0; i < kSeated + kRacers + kTuesday; ++i) {
    a.push_back(Create(DayCare(0), bsns[i]));
  }
  ASSERT_FALSE(HasFailure());
  for (int i = 0; i < kSeated; ++i) {
    v1::Enrolment out;
    ASSERT_TRUE(Enrol(group,
                      EnrolmentOf(bsns[i], a[i].name(), {kMonAm}, "2024-03-04",
                                  "2024-06-30"),
                      &out)
                    .ok());
  }
  std::atomic<int> won{0}, lost{0}, tuesday{0};
  std::vector<std::thread> threads;
  threads.reserve(kRacers + kTuesday);
  for (int r = 0; r < kRacers + kTuesday; ++r) {
    threads.emplace_back([&, r] {
      const int i = kSeated + r;
      const bool monday = r < kRacers;
      const std::string start =
          !monday || r % 2 == 0 ? "2024-03-04" : "2024-05-06";
      const std::string end =
          !monday || r % 2 == 0 ? "2024-06-30" : "2024-08-31";
      v1::Enrolment out;
      const grpc::Status s = testing::RetryWhileBusy([&] {
        return Enrol(group,
                     EnrolmentOf(bsns[i], a[i].name(),
                                 {monday ? kMonAm : kTueAm}, start, end),
                     &out);
      });
      if (!monday) {
        EXPECT_TRUE(s.ok()) << Dump(s);
        if (s.ok()) ++tuesday;
      } else if (s.ok()) {
        ++won;
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
            << Dump(s);
        EXPECT_EQ(RuleIds(s), std::set<std::string>{"S1-02"}) << Dump(s);
        ++lost;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), kRacers - 1);
  EXPECT_EQ(tuesday.load(), kTuesday);

  const std::vector<v1::Enrolment> enrolled = Enrolments(group);
  int monday = 0;
  for (const auto& e : enrolled) {
    if (e.sessions(0).weekday() == cat::WEEKDAY_MONDAY) ++monday;
  }
  EXPECT_EQ(monday, kSeated + 1);
  EXPECT_EQ(enrolled.size(), static_cast<size_t>(kSeated + 1 + kTuesday));
  ExpectNoSessionOverCapacity(group, "2024-03-01", "2024-09-30");

  // The location's occupancy agrees: never more places taken than there
  // are, 11 of 11 on Monday 6 May.
  grpc::ClientContext context;
  v1::GetOccupancyRequest request;
  request.set_location(group.substr(0, group.find("/groups/")));
  request.set_from_date("2024-03-01");
  request.set_to_date("2024-09-30");
  v1::Occupancy occupancy;
  ASSERT_TRUE(capacity_->GetOccupancy(&context, request, &occupancy).ok());
  for (const auto& day : occupancy.days()) {
    EXPECT_LE(day.places_taken(), day.places()) << day.date();
    if (day.date() == "2024-05-06") {  // a Monday all racers overlap
      EXPECT_EQ(day.places(), 11);
      EXPECT_EQ(day.places_taken(), 11);
      EXPECT_EQ(day.places_free(), 0);
    }
  }
}

TEST_P(CapacityRulesTest, EightRacersForTheLastTwoNightsOfAYearCap) {
  // S0-06: 42 etmalen a calendar year. The client has 40 in 2024; eight
  // bookings of two other nights each, in two pools, run at once: each
  // would fit alone, any two together would not. Exactly one is made.
  const std::vector<std::string> bsns = Clients(1);
  const Assignment a = Create(Kv(0, "2024-07-01", "2025-06-30", 84), bsns[0]);
  const std::vector<std::string> pools = {Pool(KvPool()), Pool(KvPool())};
  ASSERT_FALSE(HasFailure());
  v1::Booking first;
  ASSERT_TRUE(
      Book(pools[0], bsns[0], a.name(), "2024-07-01", "2024-08-10", &first)
          .ok());
  constexpr int kRacers = 8;
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> threads;
  threads.reserve(kRacers);
  for (int r = 0; r < kRacers; ++r) {
    threads.emplace_back([&, r] {
      const rules::Date arrival = rules::Date(2024, 9, 2) + int64_t{3} * r;
      v1::Booking out;
      grpc::Status s =
          Book(pools[r % 2], bsns[0], a.name(), rules::FormatDate(arrival),
               rules::FormatDate(arrival + 2), &out);
      if (s.ok()) {
        ++won;
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
            << Dump(s);
        EXPECT_EQ(RuleIds(s), std::set<std::string>{"S0-06"}) << Dump(s);
        ++lost;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), kRacers - 1);
  int nights = 0;
  for (const std::string& pool : pools) {
    grpc::ClientContext context;
    v1::ListBookingsRequest request;
    request.set_parent(pool);
    v1::ListBookingsResponse response;
    ASSERT_TRUE(capacity_->ListBookings(&context, request, &response).ok());
    for (const auto& b : response.bookings()) {
      nights += static_cast<int>(*rules::ParseDate(b.departure_date(), "") -
                                 *rules::ParseDate(b.arrival_date(), ""));
    }
  }
  EXPECT_EQ(nights, 42);
}

TEST_P(CapacityRulesTest, GroupChangesKeepRoomForRunningEnrolments) {
  // Two clients on Monday morning from today on; the group may not shrink
  // below them or drop their session, but may shrink to exactly two.
  const std::string group =
      Group(BggGroup({Session(kMonAm, 1), Session(kTueAm, 1)}, 3));
  const std::string today =
      rules::FormatDate(rules::TodayAt(testing::kTestNow));
  const std::string later =
      rules::FormatDate(rules::TodayAt(testing::kTestNow) + 60);
  const std::vector<std::string> bsns = Clients(2);
  for (int i = 0; i < 2; ++i) {
    Assignment a = Create(
        During(Bgg(i), today,
               rules::FormatDate(rules::TodayAt(testing::kTestNow) + 90)),
        bsns[i]);
    v1::Enrolment out;
    ASSERT_TRUE(Enrol(group,
                      EnrolmentOf(bsns[i], a.name(), {kMonAm}, today, later),
                      &out)
                    .ok());
  }
  auto update = [&](const std::function<void(v1::Group&)>& change,
                    const std::vector<std::string>& mask) {
    grpc::ClientContext context;
    v1::UpdateGroupRequest request;
    request.mutable_group()->set_name(group);
    change(*request.mutable_group());
    for (auto& path : mask) request.mutable_update_mask()->add_paths(path);
    v1::Group updated;
    return capacity_->UpdateGroup(&context, request, &updated);
  };
  grpc::Status smaller =
      update([](v1::Group& g) { g.set_max_size(1); }, {"max_size"});
  EXPECT_EQ(smaller.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(RuleIds(smaller), std::set<std::string>{"CP-IN-USE"})
      << Dump(smaller);
  grpc::Status dropped =
      update([](v1::Group& g) { *g.add_sessions() = Session(kTueAm, 1); },
             {"sessions"});
  EXPECT_EQ(RuleIds(dropped), std::set<std::string>{"CP-IN-USE"})
      << Dump(dropped);
  EXPECT_TRUE(
      update([](v1::Group& g) { g.set_max_size(2); }, {"max_size"}).ok());
}

TEST_P(CapacityRulesTest, EnrolmentRetryWithTheSameRequestIdEnrolsOnce) {
  const std::string group = Group(BggGroup({Session(kMonAm, 1)}, 2));
  const std::vector<std::string> bsns = Clients(1);
  const Assignment a = Create(Bgg(0), bsns[0]);
  ASSERT_FALSE(HasFailure());
  const v1::Enrolment asked =
      EnrolmentOf(bsns[0], a.name(), {kMonAm}, "2024-03-04", "2024-12-31");
  v1::Enrolment first, again, other;
  ASSERT_TRUE(Enrol(group, asked, &first, "enrol-1").ok());
  grpc::Status retried = Enrol(group, asked, &again, "enrol-1");
  ASSERT_TRUE(retried.ok()) << Dump(retried);
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(Enrolments(group).size(), 1u);
  grpc::Status changed = Enrol(
      group,
      EnrolmentOf(bsns[0], a.name(), {kMonAm}, "2024-04-01", "2024-12-31"),
      &other, "enrol-1");
  EXPECT_EQ(changed.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(changed.error_message(), HasSubstr("request_id enrol-1"));
  EXPECT_EQ(Enrolments(group).size(), 1u);
}

TEST_P(CapacityRulesTest, GroupWaitlistTakesPlacesFreedByEndedEnrolments) {
  // BGG group of at most 2 on Monday morning (CP-SIZE), 2 enrolled all year.
  const std::string group =
      Group(BggGroup({Session(kMonAm, 1), Session(kTueAm, 1)}, 2));
  const std::vector<std::string> bsns = Clients(6);
  std::vector<Assignment> a;
  a.reserve(bsns.size());
  for (int i = 0; i < 6; ++i) a.push_back(Create(Bgg(i), bsns[i]));
  ASSERT_FALSE(HasFailure());
  std::vector<v1::Enrolment> seated(2);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(Enrol(group,
                      EnrolmentOf(bsns[i], a[i].name(), {kMonAm}, "2024-03-04",
                                  "2024-12-31"),
                      &seated[i])
                    .ok());
  }
  v1::Enrolment out;
  grpc::Status full = Enrol(
      group,
      EnrolmentOf(bsns[2], a[2].name(), {kMonAm}, "2024-07-01", "2024-12-31"),
      &out);
  EXPECT_THAT(RuleIds(full), ElementsAre("CP-SIZE")) << Dump(full);

  auto join = [&](int i, Slot slot, const std::string& start,
                  v1::WaitlistEntry* entry) {
    grpc::ClientContext context;
    v1::JoinWaitlistRequest request;
    request.set_parent(group);
    *request.mutable_entry()->mutable_enrolment() =
        EnrolmentOf(bsns[i], a[i].name(), {slot}, start, "2024-12-31");
    return capacity_->JoinWaitlist(&context, request, entry);
  };
  // Client 2 and 3 wait from July, client 4 from June: in order 2, 4, 3.
  v1::WaitlistEntry w2, w4, w3;
  ASSERT_TRUE(join(2, kMonAm, "2024-07-01", &w2).ok());
  ASSERT_TRUE(join(4, kMonAm, "2024-06-03", &w4).ok());
  ASSERT_TRUE(join(3, kMonAm, "2024-07-01", &w3).ok());
  for (const auto* w : {&w2, &w4, &w3}) {
    EXPECT_EQ(w->state(), v1::WaitlistEntry::WAITING);
    EXPECT_THAT(w->name(), HasSubstr(group + "/waitlistEntries/"));
  }
  // A request that breaks another rule than capacity does not wait.
  {
    v1::WaitlistEntry entry;
    grpc::Status s = join(5, kFriPm, "2024-07-01", &entry);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(RuleIds(s), std::set<std::string>{"CP-SESSION"}) << Dump(s);
  }
  // A group's waitlist takes enrolments, not bookings.
  {
    grpc::ClientContext context;
    v1::JoinWaitlistRequest request;
    request.set_parent(group);
    request.mutable_entry()->mutable_booking()->set_client_bsn(bsns[5]);
    v1::WaitlistEntry entry;
    EXPECT_EQ(capacity_->JoinWaitlist(&context, request, &entry).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  // One that fits at once is made at once.
  {
    v1::WaitlistEntry entry;
    ASSERT_TRUE(join(5, kTueAm, "2024-07-01", &entry).ok());
    EXPECT_EQ(entry.state(), v1::WaitlistEntry::FULFILLED);
    EXPECT_THAT(entry.fulfilled_by(), HasSubstr(group + "/enrolments/"));
  }

  // Client 2 leaves the list, once.
  {
    grpc::ClientContext context;
    v1::LeaveWaitlistRequest request;
    request.set_name(w2.name());
    v1::WaitlistEntry left;
    ASSERT_TRUE(capacity_->LeaveWaitlist(&context, request, &left).ok());
    EXPECT_EQ(left.state(), v1::WaitlistEntry::LEFT);
    grpc::ClientContext again;
    grpc::Status s = capacity_->LeaveWaitlist(&again, request, &left);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(RuleIds(s), std::set<std::string>{"CP-STATE"});
  }

  // Client 0 ends on 30 June: client 4 still does not fit (June is full),
  // client 3 does and gets the place; client 2 left and gets nothing.
  auto end = [&](const v1::Enrolment& e, const std::string& date,
                 v1::Enrolment* ended) {
    grpc::ClientContext context;
    v1::EndEnrolmentRequest request;
    request.set_name(e.name());
    request.set_end_date(date);
    return capacity_->EndEnrolment(&context, request, ended);
  };
  v1::Enrolment ended;
  ASSERT_TRUE(end(seated[0], "2024-06-30", &ended).ok());
  EXPECT_EQ(ended.state(), v1::Enrolment::ENDED);
  EXPECT_EQ(ended.end_date(), "2024-06-30");
  {
    const std::vector<v1::WaitlistEntry> entries = Waitlist(group);
    ASSERT_EQ(entries.size(), 4u);
    // Waiting first.
    EXPECT_EQ(entries[0].name(), w4.name());
    EXPECT_EQ(entries[0].state(), v1::WaitlistEntry::WAITING);
    std::map<std::string, v1::WaitlistEntry> by_name;
    for (const auto& e : entries) by_name[e.name()] = e;
    EXPECT_EQ(by_name[w2.name()].state(), v1::WaitlistEntry::LEFT);
    EXPECT_EQ(by_name[w3.name()].state(), v1::WaitlistEntry::FULFILLED);
    const std::string made = by_name[w3.name()].fulfilled_by();
    bool found = false;
    for (const auto& e : Enrolments(group)) {
      if (e.name() != made) continue;
      found = true;
      EXPECT_EQ(e.client_bsn(), bsns[3]);
      EXPECT_EQ(e.start_date(), "2024-07-01");
      EXPECT_EQ(e.state(), v1::Enrolment::ACTIVE);
    }
    EXPECT_TRUE(found) << made;
  }
  // Ending twice, or on a day outside the enrolment, is refused.
  EXPECT_EQ(end(seated[0], "2024-06-01", &ended).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(end(seated[1], "2025-01-31", &ended).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Client 1 ends on 31 May: June has room now, so client 4 gets it.
  ASSERT_TRUE(end(seated[1], "2024-05-31", &ended).ok());
  for (const auto& e : Waitlist(group)) {
    if (e.name() == w4.name()) {
      EXPECT_EQ(e.state(), v1::WaitlistEntry::FULFILLED);
    }
  }
  std::set<std::string> on_monday;
  for (const auto& e : Enrolments(group)) {
    if (e.state() == v1::Enrolment::ACTIVE &&
        e.sessions(0).weekday() == cat::WEEKDAY_MONDAY) {
      on_monday.insert(e.client_bsn());
    }
  }
  EXPECT_EQ(on_monday, (std::set<std::string>{bsns[3], bsns[4]}));
  ExpectNoSessionOverCapacity(group, "2024-01-01", "2024-12-31");
}

TEST_P(CapacityRulesTest, AvailabilityRanksLocationsAndOccupancyCountsAll) {
  // KDV in Weert at two providers: L1 of 99990301 (6001, 2 wheelchair
  // beds, a BGG group), L2 of 99990303 (6006, 1 bed), L3 of 99990303
  // (6003, 1 bed, booked out), L4 of 99990301 in Echt-Susteren.
  const std::string l1 = Location("99990301", kWeert, "6001 AB");
  const std::string l2 = Location("99990303", kWeert, "6006");
  const std::string l3 = Location("99990303", kWeert, "6003 CD");
  const std::string l4 = Location("99990301", kEcht, "6101 AA");
  auto pool_at = [&](const std::string& location, const PoolAt& p) {
    v1::BedPool created;
    grpc::Status s = CreatePool(location, p, &created);
    EXPECT_TRUE(s.ok()) << Dump(s);
    return created.name();
  };
  PoolAt wheelchair = KdvPool(2, "99990301");
  wheelchair.wheelchair = true;
  const std::string p1 = pool_at(l1, wheelchair);
  pool_at(l2, KdvPool(1));
  const std::string p3 = pool_at(l3, KdvPool(1));
  pool_at(l4, KdvPool(2, "99990301", kEcht));
  const std::string group = Group(
      BggGroup({Session(kMonAm, 1), Session(kMonPm, 1), Session(kWedAm, 1)}, 3),
      l1);
  const std::vector<std::string> bsns = Clients(5);
  const Assignment k0 =
      Create(Kdv(0, "2024-03-01", "2024-06-30", 42, "99990301"), bsns[0]);
  const Assignment k1 = Create(Kdv(0, "2024-03-01", "2024-06-30", 42), bsns[1]);
  std::vector<Assignment> bgg;
  for (int i = 2; i < 5; ++i) bgg.push_back(Create(Bgg(i), bsns[i]));
  ASSERT_FALSE(HasFailure());
  v1::Booking booked;
  ASSERT_TRUE(
      Book(p1, bsns[0], k0.name(), "2024-03-04", "2024-03-06", &booked).ok());
  ASSERT_TRUE(
      Book(p3, bsns[1], k1.name(), "2024-03-01", "2024-03-08", &booked).ok());
  v1::Enrolment enrolled;
  ASSERT_TRUE(Enrol(group,
                    EnrolmentOf(bsns[2], bgg[0].name(), {kMonAm}, "2024-03-04",
                                "2024-12-31"),
                    &enrolled)
                  .ok());
  ASSERT_TRUE(
      Enrol(group,
            EnrolmentOf(bsns[3], bgg[1].name(), {kMonAm, kMonPm, kWedAm},
                        "2024-03-04", "2024-12-31"),
            &enrolled)
          .ok());
  ASSERT_TRUE(Enrol(group,
                    EnrolmentOf(bsns[4], bgg[2].name(), {kMonAm}, "2024-03-11",
                                "2024-12-31"),
                    &enrolled)
                  .ok());

  auto search = [&](const std::string& product, const std::string& municipality,
                    const std::string& postcode, bool wheelchair_only,
                    const std::string& from = "2024-03-03",
                    const std::string& to = "2024-03-05") {
    grpc::ClientContext context;
    v1::SearchAvailabilityRequest request;
    request.set_catalog(kMl);
    request.set_product(product);
    request.set_municipality(municipality);
    request.set_postcode(postcode);
    request.set_wheelchair(wheelchair_only);
    request.set_from_date(from);
    request.set_to_date(to);
    v1::SearchAvailabilityResponse response;
    grpc::Status s =
        capacity_->SearchAvailability(&context, request, &response);
    EXPECT_TRUE(s.ok()) << Dump(s);
    return response;
  };
  auto names = [](const v1::SearchAvailabilityResponse& r) {
    std::vector<std::string> out;
    for (const auto& a : r.locations()) out.push_back(a.location().name());
    return out;
  };
  auto distances = [](const v1::SearchAvailabilityResponse& r) {
    std::vector<int> out;
    for (const auto& a : r.locations()) out.push_back(a.distance());
    return out;
  };
  auto free_nights = [](const v1::PoolAvailability& p) {
    std::vector<int> out;
    for (const auto& n : p.nights()) out.push_back(n.free());
    return out;
  };

  {
    SCOPED_TRACE("nearest first from 6005; L3 booked out, L4 elsewhere");
    const auto r = search("kdv", kWeert, "6005", false);
    EXPECT_THAT(names(r), ElementsAre(l2, l1));
    EXPECT_THAT(distances(r), ElementsAre(1, 4));
    ASSERT_EQ(r.locations_size(), 2);
    EXPECT_EQ(r.locations(1).location().postcode(), "6001 AB");
    EXPECT_EQ(r.locations(1).location().municipality(), kWeert);
    ASSERT_EQ(r.locations(1).pools_size(), 1);
    EXPECT_EQ(r.locations(1).pools(0).pool(), p1);
    EXPECT_TRUE(r.locations(1).pools(0).wheelchair_accessible());
    EXPECT_THAT(free_nights(r.locations(1).pools(0)), ElementsAre(2, 1, 1));
    EXPECT_THAT(free_nights(r.locations(0).pools(0)), ElementsAre(1, 1, 1));
    // Only pools serve KDV; the group does not.
    EXPECT_EQ(r.locations(1).groups_size(), 0);
  }
  {
    SCOPED_TRACE("nearest first from 6000");
    const auto r = search("kdv", kWeert, "6000 ZZ", false);
    EXPECT_THAT(names(r), ElementsAre(l1, l2));
    EXPECT_THAT(distances(r), ElementsAre(1, 6));
  }
  {
    SCOPED_TRACE("no postcode: no distance");
    const auto r = search("kdv", kWeert, "", false);
    EXPECT_THAT(distances(r), ElementsAre(0, 0));
    EXPECT_EQ(r.locations_size(), 2);
  }
  {
    SCOPED_TRACE("wheelchair accessible only");
    const auto r = search("kdv", kWeert, "6005", true);
    EXPECT_THAT(names(r), ElementsAre(l1));
  }
  {
    SCOPED_TRACE("L3 has beds again from the 8th");
    const auto r =
        search("kdv", kWeert, "6003", false, "2024-03-03", "2024-03-09");
    EXPECT_THAT(names(r), ElementsAre(l3, l1, l2));
    EXPECT_THAT(free_nights(r.locations(0).pools(0)),
                ElementsAre(0, 0, 0, 0, 0, 1, 1));
  }
  {
    SCOPED_TRACE("every municipality");
    const auto r = search("kdv", "", "6005", false);
    EXPECT_THAT(names(r), ElementsAre(l2, l1, l4));
  }
  {
    SCOPED_TRACE("the nearest one only");
    grpc::ClientContext context;
    v1::SearchAvailabilityRequest request;
    request.set_catalog(kMl);
    request.set_product("kdv");
    request.set_postcode("6005");
    request.set_from_date("2024-03-03");
    request.set_to_date("2024-03-05");
    request.set_page_size(1);
    v1::SearchAvailabilityResponse response;
    ASSERT_TRUE(
        capacity_->SearchAvailability(&context, request, &response).ok());
    EXPECT_THAT(names(response), ElementsAre(l2));
  }
  {
    SCOPED_TRACE("every product of the catalog: the group's places too");
    const auto r =
        search("", kWeert, "6001", false, "2024-03-04", "2024-03-11");
    ASSERT_GE(r.locations_size(), 1);
    EXPECT_EQ(r.locations(0).location().name(), l1);
    ASSERT_EQ(r.locations(0).groups_size(), 1);
    const auto& places = r.locations(0).groups(0);
    EXPECT_EQ(places.group(), group);
    std::map<std::pair<int, int>, std::pair<int, int>> by_slot;
    for (const auto& s : places.sessions()) {
      by_slot[{s.slot().weekday(), s.slot().day_part()}] = {s.capacity(),
                                                            s.free()};
    }
    // Monday morning is full from the 11th, so the least free is 0.
    EXPECT_EQ(by_slot[(std::pair<int, int>{cat::WEEKDAY_MONDAY,
                                           v1::DAY_PART_MORNING})],
              (std::pair<int, int>{3, 0}));
    EXPECT_EQ(by_slot[(std::pair<int, int>{cat::WEEKDAY_MONDAY,
                                           v1::DAY_PART_AFTERNOON})],
              (std::pair<int, int>{3, 2}));
    EXPECT_EQ(by_slot[(std::pair<int, int>{cat::WEEKDAY_WEDNESDAY,
                                           v1::DAY_PART_MORNING})],
              (std::pair<int, int>{3, 2}));
  }

  // Occupancy of L1 from Monday 4 to Monday 11 March: 2 beds, one booked
  // for the nights of the 4th and 5th; 3 places per session, 6 on Mondays,
  // 3 on Wednesdays.
  grpc::ClientContext context;
  v1::GetOccupancyRequest request;
  request.set_location(l1);
  request.set_from_date("2024-03-04");
  request.set_to_date("2024-03-11");
  v1::Occupancy occupancy;
  grpc::Status s = capacity_->GetOccupancy(&context, request, &occupancy);
  ASSERT_TRUE(s.ok()) << Dump(s);
  EXPECT_EQ(occupancy.location(), l1);
  struct Day {
    const char* date;
    int beds, beds_booked, places, places_taken;
  };
  const std::vector<Day> want = {
      {"2024-03-04", 2, 1, 6, 3}, {"2024-03-05", 2, 1, 0, 0},
      {"2024-03-06", 2, 0, 3, 1}, {"2024-03-07", 2, 0, 0, 0},
      {"2024-03-08", 2, 0, 0, 0}, {"2024-03-09", 2, 0, 0, 0},
      {"2024-03-10", 2, 0, 0, 0}, {"2024-03-11", 2, 0, 6, 4},
  };
  ASSERT_EQ(occupancy.days_size(), static_cast<int>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& d = occupancy.days(static_cast<int>(i));
    SCOPED_TRACE(want[i].date);
    EXPECT_EQ(d.date(), want[i].date);
    EXPECT_EQ(d.beds(), want[i].beds);
    EXPECT_EQ(d.beds_booked(), want[i].beds_booked);
    EXPECT_EQ(d.beds_free(), want[i].beds - want[i].beds_booked);
    EXPECT_EQ(d.places(), want[i].places);
    EXPECT_EQ(d.places_taken(), want[i].places_taken);
    EXPECT_EQ(d.places_free(), want[i].places - want[i].places_taken);
  }

  // More than 366 days, or an unknown location.
  grpc::ClientContext too_long;
  request.set_to_date("2025-03-05");
  EXPECT_EQ(
      capacity_->GetOccupancy(&too_long, request, &occupancy).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext unknown;
  request.set_location("providers/99990301/locations/nowhere");
  request.set_to_date("2024-03-11");
  EXPECT_EQ(capacity_->GetOccupancy(&unknown, request, &occupancy).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace wmo::capacity

namespace wmo::capacity {
namespace {

// CP-SIZE as a rule of its own: a bound from the catalog or the provider,
// either size or clients per staff.
TEST(CapacityGroupTest, CP_SIZE_AGroupHoldsAtMostSomeNumber) {
  v1::Group g;
  EXPECT_EQ(CheckBounded(g).size(), 1u);
  EXPECT_EQ(CheckBounded(g)[0].rule_id(), "CP-SIZE");
  EXPECT_EQ(CheckBounded(g)[0].field(), "max_size");
  g.set_max_clients_per_staff(4);
  EXPECT_TRUE(CheckBounded(g).empty());
  g.clear_max_clients_per_staff();
  g.set_max_size(12);
  EXPECT_TRUE(CheckBounded(g).empty());
}

// S4-06 and S0-03 hold on every night booked and every day enrolled, also
// for assignments that predate the rule and run past the bound.
TEST(CapacityAgeTest, S4_06_NoCareOnOrAfterTheDayTheBoundIsReached) {
  wmo::catalog::v1::Product product;
  product.set_id("arbeidsmatige-dagbesteding");
  auto* bound = product.add_age_bounds();
  bound->set_below_years(67);
  bound->mutable_source()->set_rule("S4-06");
  wmo::assignment::v1::Assignment a;
  a.mutable_client()->set_birth_date("1957-06-15");  // 67 on 2024-06-15
  EXPECT_TRUE(
      CheckAgeOnEveryDay(a, product,
                         {rules::Date(2024, 6, 1), rules::Date(2024, 6, 14)},
                         "start_date", "end_date")
          .empty());
  const Violations past = CheckAgeOnEveryDay(
      a, product, {rules::Date(2024, 6, 1), rules::Date(2024, 6, 30)},
      "start_date", "end_date");
  ASSERT_EQ(past.size(), 1u);
  EXPECT_EQ(past[0].rule_id(), "S4-06");
  EXPECT_EQ(past[0].field(), "end_date");
  EXPECT_THAT(past[0].message(), HasSubstr("on or before 2024-06-14"));
}

TEST(CapacityAgeTest, S0_03_TheBoundOfAnActivityConcernsOnlyThatActivity) {
  wmo::catalog::v1::Product product;
  product.set_id("begeleiding-groep-licht");
  auto* bound = product.add_age_bounds();
  bound->set_min_years(16);
  bound->set_activity("arbeidsmatige activering");
  bound->mutable_source()->set_rule("S0-03");
  wmo::assignment::v1::Assignment a;
  a.mutable_client()->set_birth_date("2008-06-01");  // 16 on 2024-06-01
  const rules::Period may{rules::Date(2024, 5, 1), rules::Date(2024, 6, 30)};
  EXPECT_TRUE(
      CheckAgeOnEveryDay(a, product, may, "start_date", "end_date").empty());
  a.add_activities("Arbeidsmatige activering");
  const Violations early =
      CheckAgeOnEveryDay(a, product, may, "start_date", "end_date");
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].rule_id(), "S0-03");
  EXPECT_EQ(early[0].field(), "start_date");
}

}  // namespace
}  // namespace wmo::capacity
