// Every rule the declaration service enforces, over gRPC against the whole
// app in-process with the real catalogs under catalogs/, on SQLite and
// PostgreSQL: for each rule id at least one line that is approved and one
// that is rejected for it (or, for a guideline, approved with a notice).
//
// A case is one client (its own BSN): the assignments it needs, created
// through the assignment service, and the declarations submitted one after
// the other, each line with its expected verdict. A rejected line must carry
// exactly the expected rule ids, with the iWmo return code of
// retourcodes.tsv for TR rules and, for catalog rules, a code of WJ001 (that
// of the closest technical rule); an approved line carries no violation, and
// exactly the expected notices. One app per backend serves every case.
#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/iwmo/retour.h"
#include "libs/rules/dates.h"
#include "libs/testing/catalogs.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"
#include "services/catalog/catalog_rules.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/catalog/v1/catalog.pb.h"
#include "wmo/declaration/v1/declaration_service.grpc.pb.h"

namespace wmo::declaration {
namespace {

namespace asg = ::wmo::assignment::v1;
namespace cat = ::wmo::catalog::v1;
namespace typ = ::wmo::type::v1;
using ::testing::Contains;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::RuleIds;

constexpr typ::Unit kMinutes = typ::UNIT_MINUTE;
constexpr typ::Unit kHours = typ::UNIT_HOUR;
constexpr typ::Unit kEtmalen = typ::UNIT_DAY_NIGHT;
constexpr typ::Unit kDagdelen = typ::UNIT_DAY_PART;
constexpr typ::Unit kPieces = typ::UNIT_PIECES_OUTPUT;
constexpr typ::Unit kSessions = typ::UNIT_PIECES_EFFORT;
constexpr typ::Frequency kPerDay = typ::FREQUENCY_PER_DAY;
constexpr typ::Frequency kPerWeek = typ::FREQUENCY_PER_WEEK;
constexpr typ::Frequency kPerMonth = typ::FREQUENCY_PER_MONTH;
constexpr typ::Frequency kTotal = typ::FREQUENCY_TOTAL;

// A valid BSN that no case uses as its own client (TR304).
constexpr char kOtherBsn[] = "123456782";

// The return codes of retourcodes.tsv for the TR rules a line can break;
// TR137 and TR335, which have none of their own, and the service's format
// rules answer that the message is rejected for technical reasons.
const std::map<std::string, std::string>& ReturnCodes() {
  static const auto* const kCodes = new std::map<std::string, std::string>{
      {"TR304", "8187"},     {"TR307", "9307"},     {"TR308", "9308"},
      {"TR314", "8021"},     {"TR319", "9319"},     {"TR321", "9321"},
      {"CS337", "0001"},     {"TR137", "0001"},     {"TR335", "0001"},
      {"DC-DETAIL", "0001"}, {"DC-FORMAT", "0001"}, {"RS005", "0001"},
      {"TR322", "9322"},     {"TR323", "8017"},     {"TR338", "9338"},
      {"TR339", "9339"},     {"TR340", "9340"},     {"TR341", "9341"},
      {"TR346", "9346"},     {"TR369", "9369"},     {"TR384", "9384"},
      {"TR387", "9387"},     {"TR388", "9388"},     {"TR389", "9389"},
      {"TR390", "9390"},     {"TR418", "0611"}};
  return *kCodes;
}

// Every rule id this suite must cover with an approved line and a rejected
// (or, for a guideline, noticed) one.
const std::vector<std::string>& RequiredRules() {
  static const auto* const kRules = new std::vector<std::string>{
      "TR304", "TR307", "TR308",     "TR314",     "TR319", "TR321", "TR322",
      "CS337", "TR137", "TR335",     "TR323",     "TR338", "TR339", "TR340",
      "TR341", "TR346", "TR369",     "TR384",     "TR387", "TR388", "TR389",
      "TR390", "TR418", "DC-DETAIL", "DC-FORMAT", "S0-06", "S0-08", "S1-02",
      "S1-04", "S1-05", "S2-01",     "S2-02",     "S2-03", "S2-04", "S2-05",
      "S3-05", "S3-06", "S3-07",     "S3-08",     "S3-09", "S4-04", "S4-05",
      "S1-01"};
  return *kRules;
}

// ---------------------------------------------------------------------------
// Catalogs, clients, assignments.

// A catalog with one of its municipalities and the demo contract that holds
// every product.
using testing::kLichtMiddenZwaar;
using testing::kMiddenLimburg;
using testing::kPerspectief;
using testing::kRegulierSpecialistisch;
using testing::kToekomst;
using testing::LoadCatalog;
using testing::Region;

// The catalog tariff of the assignment's product and basis on `date`.
int64_t CatalogTariff(const asg::Assignment& a, const std::string& date) {
  auto day = rules::ParseDate(date, "date");
  EXPECT_TRUE(day.ok()) << day.status();
  if (!day.ok()) return 0;
  for (const cat::Product& p : LoadCatalog(a.catalog()).products()) {
    if (p.id() != a.product()) continue;
    auto tariff = catalog::FindTariff(p, a.basis(), *day);
    EXPECT_TRUE(tariff.ok()) << tariff.status();
    return tariff.ok() ? (*tariff)->cents() : 0;
  }
  ADD_FAILURE() << "catalog " << a.catalog() << " has no product "
                << a.product();
  return 0;
}

// A new client for every case: distinct BSNs passing the 11-proef.
std::string NextBsn() {
  static std::atomic<int> next{0};
  return testing::TestBsn(next++);
}

// An assignment a case creates for its client; every setter returns the
// builder so that a case reads as one expression.
class Grant {
 public:
  Grant(const Region& region, const std::string& product, typ::Unit unit,
        int64_t volume, typ::Frequency frequency, const std::string& start,
        const std::string& end)
      : region_(&region) {
    a_.set_municipality(region.municipality);
    a_.mutable_client()->set_birth_date("1980-06-15");
    a_.set_provider_agb(region.provider);
    a_.set_catalog(region.catalog);
    a_.set_product(product);
    a_.mutable_extent()->set_volume(volume);
    a_.mutable_extent()->set_unit(unit);
    a_.mutable_extent()->set_frequency(frequency);
    a_.set_start_date(start);
    a_.set_end_date(end);
  }

  Grant& Lot(const std::string& lot) {
    a_.set_lot(lot);
    return *this;
  }
  Grant& Basis(const std::string& basis) {
    a_.set_basis(basis);
    return *this;
  }
  Grant& Provider(const std::string& agb) {
    a_.set_provider_agb(agb);
    return *this;
  }
  Grant& Product(const std::string& id) {
    a_.set_product(id);
    return *this;
  }
  // A budget in euro cents instead of the extent.
  Grant& Budget(int64_t cents) {
    a_.clear_extent();
    a_.set_budget_cents(cents);
    return *this;
  }
  Grant& Result(const std::string& life_domain) {
    asg::Result* result = a_.add_results();
    result->set_life_domain(life_domain);
    result->set_activity_type(asg::ACTIVITY_TYPE_HELP);
    return *this;
  }
  // Deleted after creation (change reason 13).
  Grant& Deleted() {
    deleted_ = true;
    return *this;
  }
  // Ended early after creation.
  Grant& EndedOn(const std::string& date) {
    ended_on_ = date;
    return *this;
  }

  const Region& region() const { return *region_; }
  const asg::Assignment& proto() const { return a_; }
  bool deleted() const { return deleted_; }
  const std::string& ended_on() const { return ended_on_; }

 private:
  const Region* region_;
  asg::Assignment a_;
  bool deleted_ = false;
  std::string ended_on_;
};

// Begeleiding individueel regulier (wmo-regulier-specialistisch): hours, no
// billing rules of its own, so the iWmo rules stand alone.
Grant Bir(int64_t volume, typ::Frequency frequency, const std::string& start,
          const std::string& end) {
  return Grant(kRegulierSpecialistisch, "begeleiding-individueel-regulier",
               kHours, volume, frequency, start, end);
}

// Midden-Limburg records a result per life domain (S3-10), and products
// other than vervoer name a basis (S3-04).
Grant MiddenLimburg(const std::string& product, const std::string& lot,
                    typ::Unit unit, int64_t volume, typ::Frequency frequency,
                    const std::string& start, const std::string& end) {
  Grant g(kMiddenLimburg, product, unit, volume, frequency, start, end);
  g.Lot(lot).Result("Wonen");
  if (product != "vervoer") g.Basis("1");
  return g;
}

Grant Kdv(int64_t volume, const std::string& start, const std::string& end) {
  return MiddenLimburg("kdv", "", kEtmalen, volume, kTotal, start, end);
}

// ---------------------------------------------------------------------------
// Declarations and their expected verdicts.

// One delivery of a line's day detail.
struct Day {
  std::string date;
  int64_t quantity = 1;
  std::string start;
  std::string end;
  bool digital = false;
  bool no_show = false;
  bool unplanned = false;
};

Day D(const std::string& date, int64_t quantity = 1,
      const std::string& start = "", const std::string& end = "") {
  return Day{date, quantity, start, end};
}
Day Digital(Day d) {
  d.digital = true;
  return d;
}
Day NoShow(Day d) {
  d.no_show = true;
  return d;
}
Day Unplanned(Day d) {
  d.unplanned = true;
  return d;
}
// One etmaal on every day of [from, to].
std::vector<Day> Stay(const std::string& from, const std::string& to) {
  std::vector<Day> days;
  auto first = rules::ParseDate(from, "from");
  auto last = rules::ParseDate(to, "to");
  EXPECT_TRUE(first.ok() && last.ok()) << from << " " << to;
  if (!first.ok() || !last.ok()) return days;
  for (rules::Date day = *first; day <= *last; ++day) {
    days.push_back(D(rules::FormatDate(day)));
  }
  return days;
}

// What a line's verdict must be. Approved: no violation, exactly `notices`;
// `rules` names the rules the line is the approved case of. Rejected:
// violations of exactly `rules`.
struct Want {
  bool approved = false;
  std::vector<std::string> rules;
  std::vector<std::string> notices;
  // When set, every notice names this field.
  std::string notice_field;
};

Want Approved(std::vector<std::string> rules = {}) {
  return Want{true, std::move(rules), {}, ""};
}
Want Rejected(std::vector<std::string> rules) {
  return Want{false, std::move(rules), {}, ""};
}
// Approved with a notice of a guideline.
Want Noticed(const std::string& rule, const std::string& field) {
  return Want{true, {}, {rule}, field};
}

using Edit = std::function<void(v1::Line&)>;

// A line to declare. By default: a debit on the case's first assignment for
// the whole declared month clipped to the assignment, 4 units (or the sum of
// the day detail), at the catalog tariff (100 cents per euro on a budget).
struct LineSpec {
  std::string label;
  int grant = 0;
  std::string start;
  std::string end;
  std::optional<int64_t> volume;
  std::vector<Day> days;
  std::optional<int64_t> tariff;
  // A credit of the line sent in step `first` as line `second`.
  std::optional<std::pair<int, int>> credit_of;
  // Reuses the reference of an earlier line (step, line).
  std::optional<std::pair<int, int>> reference_of;
  Edit edit;
  Want want;

  LineSpec& Period(const std::string& from, const std::string& to) {
    start = from;
    end = to;
    return *this;
  }
  LineSpec& Volume(int64_t v) {
    volume = v;
    return *this;
  }
  LineSpec& Days(std::vector<Day> d) {
    days = std::move(d);
    return *this;
  }
  LineSpec& Tariff(int64_t cents) {
    tariff = cents;
    return *this;
  }
  LineSpec& ReferenceOf(int step, int line) {
    reference_of = std::make_pair(step, line);
    return *this;
  }
  LineSpec& Then(Edit e) {
    edit = std::move(e);
    return *this;
  }
  LineSpec& Is(Want w) {
    want = std::move(w);
    return *this;
  }
};

LineSpec On(int grant, const std::string& label) {
  LineSpec spec;
  spec.grant = grant;
  spec.label = label;
  return spec;
}
LineSpec CreditOf(int step, int line, const std::string& label) {
  LineSpec spec;
  spec.label = label;
  spec.credit_of = std::make_pair(step, line);
  return spec;
}

// One declaration: its month, its lines, and the provider submitting it
// (empty: the region's).
struct Step {
  Step(std::string period, std::vector<LineSpec> lines,
       std::string provider = "")
      : period(std::move(period)),
        lines(std::move(lines)),
        provider(std::move(provider)) {}

  std::string period;
  std::vector<LineSpec> lines;
  std::string provider;
};

struct Case {
  std::string name;
  std::vector<Grant> grants;
  std::vector<Step> steps;
  // Grants deleted in the assignment store behind the API, after all are
  // made: data from before deleting an assignment that another needs was
  // refused, which the API cannot make any more.
  std::vector<size_t> deleted_in_store = {};
};

// Edits of a built line.
Edit ClientBsn(const std::string& bsn) {
  return [bsn](v1::Line& l) { l.set_client_bsn(bsn); };
}
Edit AssignmentNumber(const std::string& number) {
  return [number](v1::Line& l) { l.set_assignment_number(number); };
}

// ---------------------------------------------------------------------------
// The tables.

// The iWmo rules on a line's fit to its assignment, and the service's own
// format and detail rules.
std::vector<Case> LineCases() {
  const Grant bir = Bir(8, kPerWeek, "2024-03-01", "2024-12-31");
  return {
      {"LineMatchesItsAssignment",
       {bir},
       {{"2024-03",
         {On(0, "another client's BSN")
              .Then(ClientBsn(kOtherBsn))
              .Is(Rejected({"TR304"})),
          On(0, "category 04 on a category 02 assignment")
              .Then([](v1::Line& l) { l.set_product_category("04"); })
              .Is(Rejected({"TR339"})),
          On(0, "code 02A02 on a 02A01 assignment")
              .Then([](v1::Line& l) { l.set_product_code("02A02"); })
              .Is(Rejected({"TR340"})),
          On(0, "minutes on an hours assignment")
              .Then([](v1::Line& l) { l.set_unit(kMinutes); })
              .Is(Rejected({"TR341"})),
          On(0, "amount one cent above volume x tariff")
              .Then(
                  [](v1::Line& l) { l.set_amount_cents(l.amount_cents() + 1); })
              .Is(Rejected({"TR346"})),
          On(0, "tariff 6300 where the contract says 6200")
              .Tariff(6300)
              .Is(Rejected({"TR418"})),
          On(0, "everything as assigned, at 6200")
              .Tariff(6200)
              .Is(Approved(
                  {"TR304", "TR339", "TR340", "TR341", "TR346", "TR418"}))}}}},
      {"TR338_OnlyOwnKnownAssignments",
       // The second assignment goes to another provider (individual support
       // only) for another product, so TR361 does not refuse it.
       {bir, Grant(bir)
                 .Product("begeleiding-individueel-specialistisch")
                 .Provider("99990202")},
       {{"2024-03",
         {On(0, "unknown assignment number")
              .Then(AssignmentNumber("999999999"))
              .Is(Rejected({"TR338"})),
          On(1, "an assignment of another provider").Is(Rejected({"TR338"})),
          On(0, "own assignment").Is(Approved({"TR338"}))}},
        {"2024-03",
         {On(1, "declared by the provider it was given to")
              .Is(Approved({"TR338"}))},
         "99990202"}}},
      {"TR319_ProductPeriodInTheDeclaredMonthOrAnEarlierOne",
       {bir},
       {{"2024-03",
         {On(0, "an April line in the March declaration")
              .Period("2024-04-01", "2024-04-30")
              .Is(Rejected({"TR319"}))}},
        {"2024-05",
         {On(0, "the May line in the May declaration").Is(Approved({"TR319"})),
          On(0, "a late line: April's care in the May declaration")
              .Period("2024-04-01", "2024-04-30")
              .Is(Approved({"TR319"}))}}}},
      {"CS337_ProductPeriodWithinOneCalendarMonth",
       {bir},
       {{"2024-04",
         {On(0, "March and April in one line")
              .Period("2024-03-01", "2024-04-30")
              .Is(Rejected({"CS337"})),
          On(0, "March alone, late")
              .Period("2024-03-01", "2024-03-31")
              .Is(Approved({"CS337"}))}}}},
      {"TR137_CareNotYetGiven",
       {Bir(8, kPerWeek, "2027-01-01", "2027-12-31")},
       {{"2027-02",
         {On(0, "February, over by the day of submission (2027-03-01)")
              .Is(Approved({"TR137"}))}},
        {"2027-03",
         {On(0, "March, which has only begun").Is(Rejected({"TR137"}))}}}},
      {"TR335_CareOlderThanSixtyMonths",
       {Bir(8, kPerWeek, "2024-01-01", "2027-12-31")},
       {{"2024-03",
         {On(0, "March 2024, three years before the day of submission")
              .Is(Approved({"TR335"}))}},
        {"2024-03",
         // Before the assignment and every catalog too, which their own
         // rules say.
         {On(0, "February 2022, a day more than 60 months before")
              .Period("2022-02-01", "2022-02-28")
              .Tariff(100)
              .Is(Rejected({"TR307", "TR308", "TR321", "TR335", "TR418"}))}}}},
      {"TR307_TR387_StartOfTheProductPeriod",
       {Bir(8, kPerWeek, "2024-03-15", "2024-12-31")},
       {{"2024-03",
         {On(0, "from the 1st, before the assignment starts")
              .Period("2024-03-01", "2024-03-31")
              .Is(Rejected({"TR307"})),
          On(0, "from the 20th, neither the 1st nor the assignment start")
              .Period("2024-03-20", "2024-03-31")
              .Is(Rejected({"TR387"})),
          On(0, "from the assignment start on the 15th")
              .Period("2024-03-15", "2024-03-31")
              .Is(Approved({"TR307", "TR387"}))}}}},
      {"TR308_TR388_EndOfTheProductPeriod",
       {Bir(8, kPerWeek, "2024-03-01", "2024-03-20")},
       {{"2024-03",
         {On(0, "to the 31st, after the assignment ends")
              .Period("2024-03-01", "2024-03-31")
              .Is(Rejected({"TR308"})),
          On(0, "to the assignment end on the 20th")
              .Period("2024-03-01", "2024-03-20")
              .Is(Approved({"TR308", "TR388"}))}}}},
      {"TR388_EndsNeitherOnTheLastDayNorTheAssignmentEnd",
       {bir},
       {{"2024-03",
         {On(0, "to the 15th")
              .Period("2024-03-01", "2024-03-15")
              .Is(Rejected({"TR388"})),
          On(0, "to the 31st")
              .Period("2024-03-01", "2024-03-31")
              .Is(Approved({"TR388"}))}}}},
      {"TR384_DeletedAssignment",
       // Deleted: its end becomes its start, so the one-day line fits the
       // period and only the deletion refuses it.
       {Bir(8, kPerWeek, "2024-03-01", "2024-05-31").Deleted()},
       {{"2024-03",
         {On(0, "the assignment's only day")
              .Period("2024-03-01", "2024-03-01")
              .Volume(1)
              .Is(Rejected({"TR384"}))}}}},
      {"TR384_EndedAssignmentStaysDeclarable",
       {Bir(8, kPerWeek, "2024-03-01", "2024-05-31").EndedOn("2024-03-20")},
       {{"2024-03",
         {On(0, "beyond the new end")
              .Period("2024-03-01", "2024-03-31")
              .Is(Rejected({"TR308"})),
          On(0, "up to the new end")
              .Period("2024-03-01", "2024-03-20")
              .Is(Approved({"TR384", "TR388"}))}}}},
      {"TR314_ReferenceUniquePerProvider",
       {bir},
       {{"2024-03",
         {On(0, "first use of the reference").Is(Approved({"TR314"}))}},
        {"2024-04",
         {On(0, "the March line's reference again")
              .ReferenceOf(0, 0)
              .Is(Rejected({"TR314"})),
          On(0, "a new reference").Is(Approved({"TR314"}))}}}},
      {"DC_DETAIL_DayDetailAddsUpWithinThePeriod",
       {bir},
       {{"2024-03",
         {On(0, "detail of 3 hours on a line of 4")
              .Volume(4)
              .Days({D("2024-03-04", 2), D("2024-03-05", 1)})
              .Is(Rejected({"DC-DETAIL"})),
          On(0, "a day of April in the March line")
              .Days({D("2024-03-04", 2), D("2024-04-02", 2)})
              .Is(Rejected({"DC-DETAIL"})),
          On(0, "a delivery of quantity 0")
              .Days({D("2024-03-04", 2), D("2024-03-05", 0)})
              .Is(Rejected({"DC-DETAIL"})),
          On(0, "detail adding up to the volume")
              .Days({D("2024-03-04", 2), D("2024-03-05", 2)})
              .Is(Approved({"DC-DETAIL"}))}}}},
      {"TR314_OfTwoLinesUnderOneReferenceTheApprovedIsKept",
       // A malformed line is refused unchecked, so the checks take the
       // well-formed line under the same reference: that line is what is
       // stored, and what a credit later finds.
       {bir},
       {{"2024-03",
         {On(0, "malformed, under a reference")
              .Then([](v1::Line& l) {
                l.set_client_bsn("111222334");  // Fails the 11-proef.
                l.set_reference("TWICE");
              })
              .Is(Rejected({"DC-FORMAT"})),
          On(0, "well formed, under the same reference")
              .Then([](v1::Line& l) { l.set_reference("TWICE"); })
              .Is(Approved({"TR314"}))}},
        {"2024-04",
         {CreditOf(0, 1, "the credit of the approved line")
              .Is(Approved({"TR323"}))}}}},
      {"DC_FORMAT_MalformedLinesAreRefusedUnchecked",
       {bir},
       {{"2024-03",
         {On(0, "BSN failing the 11-proef")
              .Then(ClientBsn("111222334"))
              .Is(Rejected({"DC-FORMAT"})),
          On(0, "delivery at 25:00")
              .Days({D("2024-03-04", 4, "23:00", "25:00")})
              .Is(Rejected({"DC-FORMAT"})),
          On(0, "start time without end time")
              .Days({D("2024-03-04", 4, "10:00", "")})
              .Is(Rejected({"DC-FORMAT"})),
          On(0, "no direction")
              .Then([](v1::Line& l) {
                l.set_direction(v1::Line::DIRECTION_UNSPECIFIED);
              })
              .Is(Rejected({"DC-FORMAT"})),
          On(0, "volume 0")
              .Then([](v1::Line& l) {
                l.set_volume(0);
                l.set_amount_cents(0);
              })
              .Is(Rejected({"DC-FORMAT"})),
          On(0, "times up to 24:00")
              .Days({D("2024-03-04", 2, "22:00", "24:00"),
                     D("2024-03-05", 2, "09:00", "11:00")})
              .Is(Approved({"DC-FORMAT"}))}}}},
  };
}

// The iWmo volume rules: per product period by frequency (TR321), over the
// whole assignment (TR322), and budgets (TR369).
std::vector<Case> VolumeCases() {
  const Grant groep(kLichtMiddenZwaar, "begeleiding-groep-licht", kHours, 6,
                    kPerWeek, "2024-01-01", "2024-12-31");
  return {
      {"TR321_PerDay",
       {Bir(1, kPerDay, "2024-03-01", "2024-04-30")},
       {{"2024-03",
         {On(0, "32 hours in March").Volume(32).Is(Rejected({"TR321"})),
          On(0, "31 hours, one a day").Volume(31).Is(Approved({"TR321"}))}}}},
      {"TR321_TR322_PerWeekCountsIsoWeek53InBothMonthsOnceInTheTotal",
       // December 2026 touches W49-W53, January 2027 W53 and W1-W4: 5 weeks
       // each, 9 over the assignment.
       {Bir(2, kPerWeek, "2026-12-01", "2027-01-31")},
       {{"2026-12",
         {On(0, "11 hours, more than 2 x 5 weeks")
              .Volume(11)
              .Is(Rejected({"TR321"})),
          On(0, "10 hours").Volume(10).Is(Approved({"TR321"}))}},
        {"2027-01",
         {On(0, "10 more hours: 20, more than 2 x 9 weeks")
              .Volume(10)
              .Is(Rejected({"TR322"})),
          On(0, "8 more hours: 18").Volume(8).Is(Approved({"TR322"}))}}}},
      {"TR321_PerWeekOutputBasedCountsSundays",
       // April 2024 touches 5 ISO weeks but holds 4 Sundays.
       {groep, Grant(kLichtMiddenZwaar, "vervoer-regulier", kPieces, 2,
                     kPerWeek, "2024-01-01", "2024-06-30")},
       {{"2024-04",
         {On(1, "9 trips, more than 2 x 4 Sundays")
              .Volume(9)
              .Is(Rejected({"TR321"})),
          On(1, "8 trips").Volume(8).Is(Approved({"TR321"}))}}}},
      {"TR321_PerMonth",
       {Bir(8, kPerMonth, "2024-03-01", "2024-05-31")},
       {{"2024-03",
         {On(0, "9 hours").Volume(9).Is(Rejected({"TR321"})),
          On(0, "8 hours").Volume(8).Is(Approved({"TR321"}))}}}},
      {"TR321_TR322_Total",
       {Bir(10, kTotal, "2024-03-01", "2024-05-31")},
       {{"2024-03",
         {On(0, "11 of 10 hours at once")
              .Volume(11)
              .Is(Rejected({"TR321", "TR322"})),
          On(0, "6 hours").Volume(6).Is(Approved({"TR321"}))}},
        {"2024-04",
         {On(0, "5 more: 11 of 10").Volume(5).Is(Rejected({"TR322"})),
          On(0, "4 more: 10 of 10").Volume(4).Is(Approved({"TR322"}))}}}},
      {"TR369_Budget",
       // A budget assignment is declared in euros (unit 83) at 100 cents per
       // euro.
       {Bir(1, kTotal, "2024-03-01", "2024-06-30").Budget(250000)},
       {{"2024-03", {On(0, "EUR 1500").Volume(1500).Is(Approved({"TR369"}))}},
        {"2024-04",
         {On(0, "EUR 1100 more: 2600 of 2500")
              .Volume(1100)
              .Is(Rejected({"TR369"})),
          On(0, "EUR 1000 more: 2500 of 2500")
              .Volume(1000)
              .Is(Approved({"TR369"}))}}}},
      {"TR369_BudgetOfAProductWithAYearCapInEtmalen",
       // The assignment service accepts a budget for KDV (S3-09 caps
       // etmalen, and a budget has none). Euros are not etmalen: the 42
       // etmalen a year must not cap a line of EUR 1500.
       {Kdv(1, "2024-03-01", "2024-06-30").Budget(250000)},
       {{"2024-03", {On(0, "EUR 1500").Volume(1500).Is(Approved({"TR369"}))}},
        {"2024-04",
         {On(0, "EUR 1001 more").Volume(1001).Is(Rejected({"TR369"}))}}}},
  };
}

// Credits and corrections: TR323, TR389, TR390.
std::vector<Case> CreditCases() {
  return {
      {"TR389_TR323_TR390_CorrectionsGoByCredits",
       {Bir(8, kPerWeek, "2024-03-01", "2024-12-31")},
       {{"2024-03", {On(0, "the debit").Volume(10).Is(Approved({"TR389"}))}},
        {"2024-03",
         {On(0, "a second debit for March").Volume(8).Is(Rejected({"TR389"}))}},
        {"2024-04",
         {On(0, "a second debit for March, declared late in April")
              .Period("2024-03-01", "2024-03-31")
              .Volume(8)
              .Is(Rejected({"TR389"}))}},
        {"2024-03",
         {CreditOf(0, 0, "a credit naming an unknown line")
              .Then([](v1::Line& l) { l.set_credited_reference("NOSUCHLINE"); })
              .Is(Rejected({"TR323"})),
          CreditOf(0, 0, "a credit of 9 of the 10 hours")
              .Then([](v1::Line& l) {
                l.set_volume(9);
                l.set_amount_cents(9 * l.tariff_cents());
              })
              .Is(Rejected({"TR323"}))}},
        {"2024-03",
         {On(0, "the corrected debit").Volume(8).Is(Approved({"TR389"})),
          CreditOf(0, 0, "the credit of the debit")
              .Is(Approved({"TR323", "TR390"}))}},
        {"2024-03",
         {CreditOf(0, 0, "the same debit credited again")
              .Is(Rejected({"TR390"}))}}}},
      {"TR323_CreditMatchesItsDebitLine",
       // A credit names the debit it cancels and must match it; the service
       // refuses every other mismatch (assignment, dates, volume, amount) as
       // TR323.
       {Bir(8, kPerWeek, "2024-03-01", "2024-12-31")},
       {{"2024-03", {On(0, "the debit").Volume(10).Is(Approved())}},
        {"2024-03",
         {CreditOf(0, 0, "its credit under product code 02A02")
              .Then([](v1::Line& l) { l.set_product_code("02A02"); })
              .Is(Rejected({"TR323"}))}}}},
  };
}

// midden-limburg-2024: S3-04 tariffs by basis (TR418), S3-05 .. S3-09.
std::vector<Case> MiddenLimburgCases() {
  const Grant bgi = MiddenLimburg("bgi", "1", kHours, 4, kPerWeek, "2024-01-01",
                                  "2024-12-31");
  const Grant bgg = MiddenLimburg("bgg", "1", kDagdelen, 4, kPerWeek,
                                  "2024-01-01", "2024-12-31");
  const Grant vervoer = MiddenLimburg("vervoer", "1", kPieces, 5, kPerWeek,
                                      "2024-01-01", "2024-12-31");
  const Day morning = D("", 1, "09:00", "12:30");
  auto bgg_on = [&](const std::string& date) {
    Day d = morning;
    d.date = date;
    return d;
  };
  return {
      {"TR418_S3_04_BgiTariffOfTheBasis",
       {Grant(bgi).Basis("3")},
       {{"2024-03",
         {On(0, "basis 3 at the basis-1 tariff 6450")
              .Tariff(6450)
              .Is(Rejected({"TR418"})),
          On(0, "basis 3 at its tariff 6980")
              .Tariff(6980)
              .Is(Approved({"TR418"}))}}}},
      {"S3_05_BgiNoShowsAreNotBillable",
       {bgi},
       {{"2024-03",
         {On(0, "a no-show in the detail")
              .Days({D("2024-03-04", 2, "10:00", "12:00"),
                     NoShow(D("2024-03-05", 2, "10:00", "12:00"))})
              .Is(Rejected({"S3-05"})),
          On(0, "delivered hours only")
              .Days({D("2024-03-04", 2, "10:00", "12:00"),
                     D("2024-03-06", 2, "10:00", "12:00")})
              .Is(Approved({"S3-05"}))}}}},
      {"S3_06_BggNoShowsAreNotBillable",
       {bgg},
       {{"2024-03",
         {On(0, "a no-show in the detail")
              .Days({bgg_on("2024-03-04"), NoShow(bgg_on("2024-03-05"))})
              .Is(Rejected({"S3-06"})),
          On(0, "attended dagdelen only")
              .Days({bgg_on("2024-03-04"), bgg_on("2024-03-06")})
              .Is(Approved({"S3-06"}))}}}},
      {"S3_07_BgiNotDuringBgg",
       {bgg, bgi},
       {{"2024-03",
         {On(0, "BGG on Monday morning")
              .Days({bgg_on("2024-03-04")})
              .Is(Approved())}},
        {"2024-03",
         {On(1, "BGI 11:00-12:00 during BGG")
              .Days({D("2024-03-04", 1, "11:00", "12:00")})
              .Is(Rejected({"S3-07"})),
          On(1, "BGI 12:30-13:30, when BGG has ended")
              .Days({D("2024-03-04", 1, "12:30", "13:30")})
              .Is(Approved({"S3-07"}))}},
        // The rule stands on BGG too: BGG is refused during BGI.
        {"2024-04",
         {On(1, "BGI on Tuesday 10:00-11:00")
              .Days({D("2024-04-02", 1, "10:00", "11:00")})
              .Is(Approved({"S3-07"}))}},
        {"2024-04",
         {On(0, "BGG on Tuesday morning, during BGI")
              .Days({bgg_on("2024-04-02")})
              .Is(Rejected({"S3-07"})),
          On(0, "BGG on Wednesday morning")
              .Days({bgg_on("2024-04-03")})
              .Is(Approved({"S3-07"}))}}}},
      {"S3_08_VervoerOncePerDayOnBggDays",
       {bgg, vervoer},
       {{"2024-03",
         {On(0, "BGG on Monday and Tuesday")
              .Days({bgg_on("2024-03-04"), bgg_on("2024-03-05")})
              .Is(Approved())}},
        {"2024-03",
         {On(1, "two trips on Monday")
              .Days({D("2024-03-04"), D("2024-03-04")})
              .Is(Rejected({"S3-08"})),
          On(1, "a trip on Wednesday, no BGG that day")
              .Days({D("2024-03-06")})
              .Is(Rejected({"S3-08"})),
          On(1, "one trip on each BGG day")
              .Days({D("2024-03-04"), D("2024-03-05")})
              .Is(Approved({"S3-08"}))}}}},
      {"S3_08_BggOfTheSameDeclarationCounts",
       {bgg, vervoer},
       {{"2024-04",
         {On(1, "the trip, listed before the BGG line")
              .Days({D("2024-04-02")})
              .Is(Approved({"S3-08"})),
          On(0, "BGG on that day")
              .Days({bgg_on("2024-04-02")})
              .Is(Approved())}}}},
      {"S3_08_CreditedBggNoLongerCounts",
       {bgg, vervoer},
       {{"2024-03",
         {On(0, "BGG on Monday").Days({bgg_on("2024-03-04")}).Is(Approved())}},
        {"2024-03", {CreditOf(0, 0, "its credit").Is(Approved())}},
        {"2024-03",
         {On(1, "a trip on the credited day")
              .Days({D("2024-03-04")})
              .Is(Rejected({"S3-08"}))}},
        {"2024-03",
         {On(0, "BGG declared again")
              .Days({bgg_on("2024-03-04")})
              .Is(Approved())}},
        {"2024-03",
         {On(1, "the trip again")
              .Days({D("2024-03-04")})
              .Is(Approved({"S3-08"}))}}}},
      {"S3_09_ThreeEtmalenPerWeekUnlessOneStay",
       {Kdv(42, "2024-03-01", "2024-06-30")},
       {{"2024-03",
         {On(0, "two stays, 4 etmalen in W10")
              .Days({D("2024-03-04"), D("2024-03-05"), D("2024-03-07"),
                     D("2024-03-08")})
              .Is(Rejected({"S3-09"})),
          On(0, "3 etmalen in W10")
              .Days(Stay("2024-03-04", "2024-03-06"))
              .Is(Approved({"S3-09"}))}},
        {"2024-04",
         {On(0, "one stay of 14 days, 7 etmalen a week")
              .Days(Stay("2024-04-01", "2024-04-14"))
              .Is(Approved({"S3-09"}))}}}},
      {"S3_09_OneContiguousStayOfAtMost42Days",
       // The stay spans the turn of the year, so no year cap interferes.
       {Kdv(45, "2024-12-01", "2025-03-31")},
       {{"2024-12",
         {On(0, "22 days from 10 December")
              .Days(Stay("2024-12-10", "2024-12-31"))
              .Is(Approved({"S3-09"}))}},
        {"2025-01",
         {On(0, "21 more days: a stay of 43")
              .Days(Stay("2025-01-01", "2025-01-21"))
              .Is(Rejected({"S3-09"})),
          On(0, "20 more days: a stay of 42")
              .Days(Stay("2025-01-01", "2025-01-20"))
              .Is(Approved({"S3-09"}))}}}},
      {"S3_09_42EtmalenPerCalendarYear",
       // 84 etmalen over July 2024 to June 2025: at most 42 fall in either
       // year, so the assignment service accepts it; the declarations decide.
       {Kdv(84, "2024-07-01", "2025-06-30")},
       {{"2024-07", {On(0, "30 etmalen").Volume(30).Is(Approved())}},
        {"2024-08",
         {On(0, "13 more: 43 in 2024").Volume(13).Is(Rejected({"S3-09"})),
          On(0, "12 more: 42 in 2024").Volume(12).Is(Approved({"S3-09"}))}},
        {"2025-01",
         {On(0, "30 in the new year").Volume(30).Is(Approved({"S3-09"}))}}}},
      {"S3_09_CreditInTheNextYearGivesBackOnlyItsOwnEtmalen",
       // A correction goes by a credit in a later declaration: crediting the
       // 12 August etmalen in January 2025 leaves 30 in 2024, so September
       // may not add 13, and October may add 12.
       {Kdv(84, "2024-07-01", "2025-06-30")},
       {{"2024-07", {On(0, "30 etmalen").Volume(30).Is(Approved())}},
        {"2024-08", {On(0, "12 more: 42").Volume(12).Is(Approved())}},
        {"2025-01",
         {CreditOf(1, 0, "credit of August, a year later").Is(Approved())}},
        {"2024-09",
         {On(0, "13 more: 43 in 2024").Volume(13).Is(Rejected({"S3-09"}))}},
        {"2024-10",
         {On(0, "12 more: 42 in 2024").Volume(12).Is(Approved({"S3-09"}))}}}},
  };
}

// wmo-licht-midden-zwaar: S0-06, S0-08.
std::vector<Case> LichtMiddenZwaarCases() {
  const Grant groep(kLichtMiddenZwaar, "begeleiding-groep-licht", kHours, 6,
                    kPerWeek, "2024-01-01", "2024-12-31");
  const Grant vervoer(kLichtMiddenZwaar, "vervoer-regulier", kPieces, 5,
                      kPerWeek, "2024-01-01", "2024-06-30");
  return {
      {"S0_06_42EtmalenPerCalendarYear",
       // Open-ended with 100 etmalen in total: its extent puts nothing in
       // any one year, so the declarations decide.
       {Grant(kLichtMiddenZwaar, "kortdurend-verblijf", kEtmalen, 100, kTotal,
              "2024-01-01", "")},
       {{"2024-03", {On(0, "30 etmalen").Volume(30).Is(Approved())}},
        {"2024-04",
         {On(0, "13 more: 43 in 2024").Volume(13).Is(Rejected({"S0-06"})),
          On(0, "12 more: 42 in 2024").Volume(12).Is(Approved({"S0-06"}))}}}},
      {"S0_08_VervoerOncePerDayOfAttendance",
       {groep, vervoer},
       {{"2024-03",
         {On(0, "group support Monday and Tuesday")
              .Days({D("2024-03-04", 3), D("2024-03-05", 3)})
              .Is(Approved())}},
        {"2024-03",
         {On(1, "two trips on Monday")
              .Days({D("2024-03-04"), D("2024-03-04")})
              .Is(Rejected({"S0-08"})),
          On(1, "a trip on Wednesday, no attendance")
              .Days({D("2024-03-06")})
              .Is(Rejected({"S0-08"})),
          On(1, "one trip on each day of attendance")
              .Days({D("2024-03-04"), D("2024-03-05")})
              .Is(Approved({"S0-08"}))}}}},
      {"S0_08_VervoerNeedsItsQualifyingAssignmentOnEveryDay",
       // Group support in two assignments, the second (April onwards)
       // deleted in the store: vervoer has cover in March only.
       {Grant(kLichtMiddenZwaar, "begeleiding-groep-licht", kHours, 6, kPerWeek,
              "2024-01-01", "2024-03-31"),
        Grant(kLichtMiddenZwaar, "begeleiding-groep-licht", kHours, 6, kPerWeek,
              "2024-04-01", "2024-12-31"),
        vervoer},
       {{"2024-03",
         {On(2, "March without day detail, covered").Is(Approved({"S0-08"}))}},
        {"2024-04",
         {On(2, "April without day detail, no cover").Is(Rejected({"S0-08"})),
          On(1, "group support on the deleted assignment")
              .Days({D("2024-04-01", 3)})
              .Is(Rejected({"TR384"}))}},
        {"2024-04",
         {On(2, "a trip on Monday 1 April, no cover")
              .Days({D("2024-04-01")})
              .Is(Rejected({"S0-08"}))}}},
       {1}},
      {"S0_08_OneTripPerDayAcrossRegulierAndRolstoel",
       {groep, vervoer,
        Grant(kLichtMiddenZwaar, "vervoer-rolstoel", kPieces, 5, kPerWeek,
              "2024-01-01", "2024-06-30")},
       {{"2024-03",
         {On(0, "group support Monday")
              .Days({D("2024-03-04", 3)})
              .Is(Approved()),
          On(1, "a regular trip on Monday")
              .Days({D("2024-03-04")})
              .Is(Approved({"S0-08"}))}},
        {"2024-03",
         {On(2, "a wheelchair trip on the same Monday")
              .Days({D("2024-03-04")})
              .Is(Rejected({"S0-08"}))}}}},
      {"S0_08_VervoerOnTheDaysOfAStay",
       {Grant(kLichtMiddenZwaar, "kortdurend-verblijf", kEtmalen, 10, kTotal,
              "2024-03-01", "2024-03-31"),
        Grant(kLichtMiddenZwaar, "vervoer-rolstoel", kPieces, 5, kPerWeek,
              "2024-03-01", "2024-03-31")},
       {{"2024-03",
         {On(0, "a stay of 3 etmalen")
              .Days(Stay("2024-03-11", "2024-03-13"))
              .Is(Approved())}},
        {"2024-03",
         {On(1, "a trip the day after the stay")
              .Days({D("2024-03-11"), D("2024-03-14")})
              .Is(Rejected({"S0-08"})),
          On(1, "trips to and from the stay")
              .Days({D("2024-03-11"), D("2024-03-13")})
              .Is(Approved({"S0-08"}))}}}},
  };
}

// wmo-regulier-specialistisch: S1-02 (windows), S1-04, S1-05.
std::vector<Case> RegulierSpecialistischCases() {
  const Grant dagbesteding(kRegulierSpecialistisch, "dagbesteding-groep",
                           kDagdelen, 4, kPerWeek, "2024-01-01", "2024-12-31");
  const Grant vervoer(kRegulierSpecialistisch, "vervoer-regulier", kPieces, 5,
                      kPerWeek, "2024-01-01", "2024-06-30");
  return {
      {"S1_01_RegulierAtPlannedMomentsSpecialistischAlsoUnplanned",
       {Grant(kRegulierSpecialistisch, "begeleiding-individueel-regulier",
              kHours, 6, kPerWeek, "2024-01-01", "2024-12-31"),
        Grant(kRegulierSpecialistisch, "begeleiding-individueel-specialistisch",
              kHours, 6, kPerWeek, "2024-01-01", "2024-12-31")},
       {{"2024-03",
         {On(0, "regulier at an unplanned moment")
              .Days({Unplanned(D("2024-03-04", 1, "22:00", "23:00"))})
              .Is(Rejected({"S1-01"})),
          On(1, "specialistisch at an unplanned moment")
              .Days({Unplanned(D("2024-03-04", 1, "22:00", "23:00"))})
              .Is(Approved({"S1-01"}))}},
        {"2024-04",
         {On(0, "regulier at planned moments")
              .Days({D("2024-04-01", 1, "10:00", "11:00")})
              .Is(Approved({"S1-01"}))}}}},
      {"S1_02_DagbestedingOnWorkingDaysInDaytime",
       {dagbesteding},
       {{"2024-03",
         {On(0, "on Saturday")
              .Days({D("2024-03-09", 1, "09:00", "12:30")})
              .Is(Rejected({"S1-02"})),
          On(0, "until 19:00")
              .Days({D("2024-03-05", 1, "17:00", "19:00")})
              .Is(Rejected({"S1-02"})),
          On(0, "without times")
              .Days({D("2024-03-05")})
              .Is(Rejected({"S1-02"})),
          On(0, "Tuesday morning and Wednesday afternoon")
              .Days({D("2024-03-05", 1, "09:00", "12:30"),
                     D("2024-03-06", 1, "13:00", "17:00")})
              .Is(Approved({"S1-02"}))}}}},
      {"S1_04_104EtmalenPerCalendarYear",
       // 208 etmalen over July 2024 to June 2025: at most 104 fall in either
       // year.
       {Grant(kRegulierSpecialistisch, "logeeropvang-volwassenen", kEtmalen,
              208, kTotal, "2024-07-01", "2025-06-30")},
       {{"2024-07", {On(0, "31 etmalen").Volume(31).Is(Approved())}},
        {"2024-08", {On(0, "31 etmalen").Volume(31).Is(Approved())}},
        {"2024-09", {On(0, "30 etmalen").Volume(30).Is(Approved())}},
        {"2024-10",
         {On(0, "13 more: 105 in 2024").Volume(13).Is(Rejected({"S1-04"})),
          On(0, "12 more: 104 in 2024").Volume(12).Is(Approved({"S1-04"}))}}}},
      {"S1_05_OneReturnTripPerDayOfAttendance",
       {dagbesteding, vervoer},
       {{"2024-03",
         {On(0, "dagbesteding Monday and Tuesday")
              .Days({D("2024-03-04", 1, "09:00", "12:30"),
                     D("2024-03-05", 1, "09:00", "12:30")})
              .Is(Approved({"S1-02"}))}},
        {"2024-03",
         {On(1, "two return trips on Monday")
              .Days({D("2024-03-04"), D("2024-03-04")})
              .Is(Rejected({"S1-05"})),
          On(1, "a return trip on Wednesday, no attendance")
              .Days({D("2024-03-06")})
              .Is(Rejected({"S1-05"})),
          On(1, "one return trip on each day of attendance")
              .Days({D("2024-03-04"), D("2024-03-05")})
              .Is(Approved({"S1-05"}))}}}},
      {"S1_05_OneReturnTripPerDayAcrossRegulierAndRolstoel",
       {dagbesteding, vervoer,
        Grant(kRegulierSpecialistisch, "vervoer-rolstoel", kPieces, 5, kPerWeek,
              "2024-01-01", "2024-06-30")},
       {{"2024-03",
         {On(0, "dagbesteding Monday and Tuesday")
              .Days({D("2024-03-04", 1, "09:00", "12:30"),
                     D("2024-03-05", 1, "09:00", "12:30")})
              .Is(Approved({"S1-02"})),
          On(1, "a regular return trip on Monday")
              .Days({D("2024-03-04")})
              .Is(Approved({"S1-05"}))}},
        {"2024-03",
         {On(2, "a wheelchair return trip on Monday too")
              .Days({D("2024-03-04")})
              .Is(Rejected({"S1-05"})),
          On(2, "a wheelchair return trip on Tuesday")
              .Days({D("2024-03-05")})
              .Is(Approved({"S1-05"}))}}}},
      {"S1_05_OneReturnTripPerLogeeropvangStay",
       {Grant(kRegulierSpecialistisch, "logeeropvang-volwassenen", kEtmalen, 20,
              kTotal, "2024-03-01", "2024-04-30"),
        Grant(kRegulierSpecialistisch, "vervoer-regulier", kPieces, 5, kPerWeek,
              "2024-03-01", "2024-04-30")},
       {{"2024-03",
         {On(0, "a stay from the 11th to the 15th")
              .Days(Stay("2024-03-11", "2024-03-15"))
              .Is(Approved())}},
        {"2024-03",
         {On(1, "a trip every night of the stay")
              .Days({D("2024-03-11"), D("2024-03-12"), D("2024-03-13")})
              .Is(Rejected({"S1-05"})),
          On(1, "a trip there and one home")
              .Days({D("2024-03-11"), D("2024-03-15")})
              .Is(Rejected({"S1-05"})),
          On(1, "one return trip for the stay")
              .Days({D("2024-03-11")})
              .Is(Approved({"S1-05"}))}}}},
  };
}

// toekomst-sociaal-domein-2023: S2-01 .. S2-05.
std::vector<Case> ToekomstCases() {
  const Grant leren(kToekomst, "begeleiding-leren-ontwikkelen", kHours, 4,
                    kPerWeek, "2024-01-01", "2024-12-31");
  std::vector<Day> sessions;
  for (const char* date :
       {"2024-01-02", "2024-01-04", "2024-01-09", "2024-01-11", "2024-01-16",
        "2024-01-18", "2024-01-23", "2024-01-25"}) {
    sessions.push_back(D(date, 1, "10:00", "12:00"));
  }
  return {
      {"S2_01_HundredHourGuidelineIsANotice",
       {Grant(kToekomst, "begeleiding-acuut", kHours, 20, kPerWeek,
              "2024-01-01", "2024-06-30")},
       {{"2024-01", {On(0, "100 hours").Volume(100).Is(Approved({"S2-01"}))}},
        {"2024-02",
         {On(0, "the 101st hour").Volume(1).Is(Noticed("S2-01", "volume"))}}}},
      {"S2_02_DigitalContactAtMostAQuarter",
       {leren},
       {{"2024-01",
         {On(0, "2 of 8 hours digital")
              .Days({D("2024-01-02", 2), D("2024-01-04", 2), D("2024-01-09", 2),
                     Digital(D("2024-01-11", 2))})
              .Is(Approved({"S2-02"}))}},
        {"2024-02",
         {On(0, "2 more of 4 digital: 4 of 12")
              .Days({Digital(D("2024-02-06", 2)), D("2024-02-08", 2)})
              .Is(Rejected({"S2-02"})),
          On(0, "1 more of 4 digital: 3 of 12")
              .Days({Digital(D("2024-02-06", 1)), D("2024-02-08", 3)})
              .Is(Approved({"S2-02"}))}}}},
      {"S2_03_FourToTenSessionsOfTwoHoursAreGuidelines",
       {leren, Grant(kToekomst, "groepstraining", kSessions, 2, kPerWeek,
                     "2024-01-01", "2024-03-31")},
       {{"2024-01",
         {On(1, "8 sessions of 2 hours")
              .Days(sessions)
              .Is(Approved({"S2-03"}))}},
        {"2024-02",
         {On(1, "a session of 90 minutes")
              .Days({D("2024-02-06", 1, "14:00", "15:30")})
              .Is(Noticed("S2-03", "deliveries[0].end_time"))}},
        {"2024-03",
         {On(1, "sessions 10 and 11")
              .Days({D("2024-03-05", 1, "10:00", "12:00"),
                     D("2024-03-07", 1, "10:00", "12:00")})
              .Is(Noticed("S2-03", "volume"))}}}},
      {"S2_04_BereikOnlyInTheEveningNightAndWeekend",
       {leren, Grant(kToekomst, "bereik-beschikbaarheid", kHours, 2, kPerWeek,
                     "2024-01-01", "2024-06-30")},
       {{"2024-03",
         {On(1, "Tuesday 14:00-16:00")
              .Days({D("2024-03-05", 2, "14:00", "16:00")})
              .Is(Rejected({"S2-04"})),
          On(1, "without times")
              .Days({D("2024-03-05", 2)})
              .Is(Rejected({"S2-04"})),
          On(1,
             "Tuesday 21:00-23:00, Wednesday 23:00-01:00, Saturday "
             "14:00-16:00")
              .Days({D("2024-03-05", 2, "21:00", "23:00"),
                     D("2024-03-06", 2, "23:00", "01:00"),
                     D("2024-03-09", 2, "14:00", "16:00")})
              .Is(Approved({"S2-04"}))}}}},
      {"S2_05_FifteenHoursPerAssignment",
       // 5 hours a week over three 7-day weeks from a Wednesday: 15 hours as
       // the assignment service counts, but the period touches 4 ISO weeks,
       // so TR321/TR322 allow 20 and only S2-05 stops the 16th hour.
       {Grant(kToekomst, "waakvlamcontact", kHours, 5, kPerWeek, "2024-01-03",
              "2024-01-23")},
       {{"2024-01",
         {On(0, "16 hours").Volume(16).Is(Rejected({"S2-05"})),
          On(0, "15 hours").Volume(15).Is(Approved({"S2-05"}))}}}},
  };
}

// perspectief-2024: S4-04, S4-05.
std::vector<Case> PerspectiefCases() {
  const Grant daginvulling(kPerspectief, "daginvulling-stabilisatie", kDagdelen,
                           6, kPerWeek, "2024-01-01", "2024-12-31");
  const Grant vervoer = Grant(kPerspectief, "vervoer-tot-10-regulier", kPieces,
                              5, kPerWeek, "2024-01-01", "2024-12-31")
                            .Lot("3");
  return {
      {"S4_04_FiveTransportDaysPerWeekOnDaysOfAttendance",
       {daginvulling, vervoer},
       {{"2024-03",
         {On(0, "daginvulling Monday to Saturday")
              .Days(Stay("2024-03-04", "2024-03-09"))
              .Is(Approved())}},
        {"2024-03",
         {On(1, "transport Monday to Saturday: 6 days in W10")
              .Days(Stay("2024-03-04", "2024-03-09"))
              .Is(Rejected({"S4-04"})),
          On(1, "transport on Sunday, no daginvulling")
              .Days({D("2024-03-10")})
              .Is(Rejected({"S4-04"})),
          On(1, "transport Monday to Friday")
              .Days(Stay("2024-03-04", "2024-03-08"))
              .Is(Approved({"S4-04"}))}}}},
      {"S4_04_WeekAcrossTwoDeclarations",
       // W9 of 2024 runs from Monday 26 February to Sunday 3 March.
       {daginvulling, vervoer},
       {{"2024-02",
         {On(0, "daginvulling Monday to Thursday")
              .Days(Stay("2024-02-26", "2024-02-29"))
              .Is(Approved()),
          On(1, "transport Monday to Thursday")
              .Days(Stay("2024-02-26", "2024-02-29"))
              .Is(Approved({"S4-04"}))}},
        {"2024-03",
         {On(0, "daginvulling Friday and Saturday")
              .Days({D("2024-03-01"), D("2024-03-02")})
              .Is(Approved())}},
        {"2024-03",
         {On(1, "transport Friday and Saturday: 6 days in W9")
              .Days({D("2024-03-01"), D("2024-03-02")})
              .Is(Rejected({"S4-04"})),
          On(1, "transport Friday: 5 days in W9")
              .Days({D("2024-03-01")})
              .Is(Approved({"S4-04"}))}}}},
      {"S4_05_FifteenEtmalenPerCalendarYear",
       {Grant(kPerspectief, "logeerzorg", kEtmalen, 30, kTotal, "2024-01-01",
              "")},
       {{"2024-03", {On(0, "10 etmalen").Volume(10).Is(Approved())}},
        {"2024-04",
         {On(0, "6 more: 16 in 2024").Volume(6).Is(Rejected({"S4-05"})),
          On(0, "5 more: 15 in 2024").Volume(5).Is(Approved({"S4-05"}))}}}},
  };
}

std::vector<std::vector<Case>> AllTables() {
  return {LineCases(),
          VolumeCases(),
          CreditCases(),
          MiddenLimburgCases(),
          LichtMiddenZwaarCases(),
          RegulierSpecialistischCases(),
          ToekomstCases(),
          PerspectiefCases()};
}

// ---------------------------------------------------------------------------
// Running the cases.

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), ": ", status.error_message(), " [",
                      absl::StrJoin(RuleIds(status), ", "), "]");
}

// Checks one violation or notice: message, iWmo return code (a catalog
// rule's is one of WJ001, never empty), no BSN.
void CheckViolation(const typ::RuleViolation& v, const std::string& bsn) {
  SCOPED_TRACE(v.DebugString());
  EXPECT_THAT(v.message(), Not(IsEmpty()));
  EXPECT_THAT(v.message(), Not(HasSubstr(bsn))) << "a message carries the BSN";
  if (auto code = ReturnCodes().find(v.rule_id());
      code != ReturnCodes().end()) {
    EXPECT_EQ(v.return_code(), code->second);
  } else {
    // A code a WMO325 may answer with (the schema's LDT_RetourCode).
    EXPECT_TRUE(iwmo::IsReturnCode(v.return_code())) << v.return_code();
  }
}

void CheckVerdict(const Want& want, const v1::Line& line,
                  const std::string& bsn) {
  const v1::Verdict& verdict = line.verdict();
  std::set<std::string> violated, noticed;
  for (const auto& v : verdict.violations()) {
    CheckViolation(v, bsn);
    violated.insert(v.rule_id());
  }
  for (const auto& n : verdict.notices()) {
    CheckViolation(n, bsn);
    noticed.insert(n.rule_id());
    if (!want.notice_field.empty()) {
      EXPECT_EQ(n.field(), want.notice_field) << n.DebugString();
    }
  }
  if (want.approved) {
    EXPECT_EQ(verdict.outcome(), v1::Verdict::APPROVED)
        << verdict.DebugString();
    EXPECT_THAT(violated, IsEmpty()) << verdict.DebugString();
    EXPECT_THAT(noticed, ElementsAreArray(std::set<std::string>(
                             want.notices.begin(), want.notices.end())))
        << verdict.DebugString();
  } else {
    EXPECT_EQ(verdict.outcome(), v1::Verdict::REJECTED)
        << verdict.DebugString();
    EXPECT_THAT(violated, ElementsAreArray(std::set<std::string>(
                              want.rules.begin(), want.rules.end())))
        << verdict.DebugString();
    EXPECT_THAT(noticed, IsEmpty()) << verdict.DebugString();
  }
}

class DeclarationRulesTest : public ::testing::TestWithParam<std::string> {
 protected:
  // One app per backend, started by the first test that needs it and shared
  // by all of them: every case has its own client, references and numbers.
  struct Running {
    testing::TempDir dir;
    std::unique_ptr<App> app;
    std::unique_ptr<asg::AssignmentService::Stub> assignments;
    std::unique_ptr<v1::DeclarationService::Stub> declarations;
  };

  static std::map<std::string, std::unique_ptr<Running>>& Apps() {
    static auto* apps = new std::map<std::string, std::unique_ptr<Running>>;
    return *apps;
  }

  static void TearDownTestSuite() { Apps().clear(); }

  void SetUp() override {
    std::unique_ptr<Running>& slot = Apps()[GetParam()];
    if (slot == nullptr) {
      auto running = std::make_unique<Running>();
      WMO_START_APP_OR_SKIP(running->app, GetParam(), running->dir);
      auto channel = testing::ChannelTo(*running->app);
      running->assignments = asg::AssignmentService::NewStub(channel);
      running->declarations = v1::DeclarationService::NewStub(channel);
      slot = std::move(running);
    }
    running_ = slot.get();
  }

  // Creates the assignment for `bsn`, then deletes or ends it as asked.
  std::optional<asg::Assignment> Create(const Grant& g,
                                        const std::string& bsn) {
    asg::Assignment a = g.proto();
    a.mutable_client()->set_bsn(bsn);
    const std::string what = absl::StrCat(a.catalog(), "/", a.product(), " ",
                                          a.start_date(), "..", a.end_date());
    asg::Assignment created;
    {
      grpc::ClientContext context;
      testing::ActAs(context, *running_->app,
                     testing::Municipality(a.municipality()));
      asg::CreateAssignmentRequest request;
      request.set_parent(absl::StrCat("municipalities/", a.municipality()));
      *request.mutable_assignment() = a;
      grpc::Status s =
          running_->assignments->CreateAssignment(&context, request, &created);
      if (!s.ok()) {
        ADD_FAILURE() << "CreateAssignment " << what << ": " << Describe(s);
        return std::nullopt;
      }
    }
    if (g.deleted()) {
      grpc::ClientContext context;
      testing::ActAs(context, *running_->app,
                     testing::Municipality(a.municipality()));
      asg::DeleteAssignmentRequest request;
      request.set_name(created.name());
      asg::Assignment deleted;
      grpc::Status s =
          running_->assignments->DeleteAssignment(&context, request, &deleted);
      if (!s.ok()) {
        ADD_FAILURE() << "DeleteAssignment " << what << ": " << Describe(s);
        return std::nullopt;
      }
      created = deleted;
    }
    if (!g.ended_on().empty()) {
      grpc::ClientContext context;
      testing::ActAs(context, *running_->app,
                     testing::Municipality(a.municipality()));
      asg::EndAssignmentRequest request;
      request.set_name(created.name());
      request.set_end_date(g.ended_on());
      request.set_end_reason("19");
      asg::Assignment ended;
      grpc::Status s =
          running_->assignments->EndAssignment(&context, request, &ended);
      if (!s.ok()) {
        ADD_FAILURE() << "EndAssignment " << what << ": " << Describe(s);
        return std::nullopt;
      }
      created = ended;
    }
    return created;
  }

  // The line `spec` describes, as step `step` of case `n` sends it.
  static v1::Line Build(const LineSpec& spec, int n, size_t step, size_t index,
                        const rules::Period& month, const std::string& bsn,
                        const std::vector<asg::Assignment>& made,
                        const std::vector<std::vector<v1::Line>>& sent) {
    const std::string reference = absl::StrCat("R", n, "s", step, "l", index);
    v1::Line line;
    if (spec.credit_of) {
      const v1::Line& debit =
          sent.at(spec.credit_of->first).at(spec.credit_of->second);
      line = debit;
      line.set_reference(reference);
      line.set_direction(v1::Line::CREDIT);
      line.set_credited_reference(debit.reference());
      if (spec.edit) spec.edit(line);
      return line;
    }
    const asg::Assignment& a = made.at(spec.grant);
    line.set_reference(spec.reference_of ? sent.at(spec.reference_of->first)
                                               .at(spec.reference_of->second)
                                               .reference()
                                         : reference);
    line.set_assignment_number(a.number());
    line.set_client_bsn(bsn);
    line.set_product_category(a.product_category());
    line.set_product_code(a.product_code());
    // The whole month, clipped to the assignment.
    std::string start = spec.start, end = spec.end;
    if (start.empty()) {
      start = std::max(rules::FormatDate(month.from), a.start_date());
    }
    if (end.empty()) {
      end = rules::FormatDate(month.to);
      if (!a.end_date().empty()) end = std::min(end, a.end_date());
    }
    line.set_start_date(start);
    line.set_end_date(end);
    int64_t volume = 4;
    if (!spec.days.empty()) {
      volume = 0;
      for (const Day& d : spec.days) {
        if (!d.no_show) volume += d.quantity;
      }
    }
    if (spec.volume) volume = *spec.volume;
    line.set_volume(volume);
    const bool budget = !a.has_extent();
    line.set_unit(budget ? typ::UNIT_EURO : a.extent().unit());
    const int64_t tariff = spec.tariff ? *spec.tariff
                           : budget    ? 100
                                       : CatalogTariff(a, start);
    line.set_tariff_cents(tariff);
    line.set_amount_cents(volume * tariff);
    line.set_direction(v1::Line::DEBIT);
    for (const Day& d : spec.days) {
      v1::Delivery* delivery = line.add_deliveries();
      delivery->set_date(d.date);
      delivery->set_start_time(d.start);
      delivery->set_end_time(d.end);
      delivery->set_quantity(d.quantity);
      delivery->set_digital(d.digital);
      delivery->set_no_show(d.no_show);
      delivery->set_unplanned(d.unplanned);
    }
    if (spec.edit) spec.edit(line);
    return line;
  }

  void Run(const Case& c) {
    SCOPED_TRACE(c.name);
    static std::atomic<int> next_case{0};
    const int n = ++next_case;
    const std::string bsn = NextBsn();
    ASSERT_FALSE(c.grants.empty());
    const Region& region = c.grants[0].region();
    std::vector<asg::Assignment> made;
    for (const Grant& g : c.grants) {
      ASSERT_STREQ(g.region().municipality, region.municipality);
      std::optional<asg::Assignment> a = Create(g, bsn);
      if (!a) return;
      made.push_back(*std::move(a));
    }
    if (!c.deleted_in_store.empty()) {
      auto db = OpenStoreOf(running_->app->options(), "assignment");
      ASSERT_TRUE(db.ok()) << db.status();
      for (size_t g : c.deleted_in_store) {
        // As a delete writes it, column and body, but with nothing else
        // checked.
        asg::Assignment deleted = made.at(g);
        deleted.set_state(asg::Assignment::DELETED);
        absl::Status s = (*db)->Transaction([&](store::Connection& conn) {
          return conn
              .Execute(
                  "UPDATE assignments SET state = ?, body = ? WHERE "
                  "municipality = ? AND number = ?",
                  {int64_t{asg::Assignment::DELETED},
                   store::Blob{deleted.SerializeAsString()},
                   deleted.municipality(), deleted.number()})
              .status();
        });
        ASSERT_TRUE(s.ok()) << s;
      }
    }
    std::vector<std::vector<v1::Line>> sent;
    for (size_t s = 0; s < c.steps.size(); ++s) {
      const Step& step = c.steps[s];
      SCOPED_TRACE(absl::StrCat("declaration ", s, " (", step.period, ")"));
      auto month = rules::ParseMonth(step.period, "period");
      ASSERT_TRUE(month.ok()) << month.status();
      v1::Declaration d;
      d.set_number(absl::StrCat("N", n, "S", s));
      d.set_municipality(region.municipality);
      d.set_period(step.period);
      std::vector<v1::Line> lines;
      for (size_t l = 0; l < step.lines.size(); ++l) {
        lines.push_back(Build(step.lines[l], n, s, l, *month, bsn, made, sent));
        *d.add_lines() = lines.back();
      }
      grpc::ClientContext context;
      v1::SubmitDeclarationRequest request;
      request.set_parent(absl::StrCat("providers/", step.provider.empty()
                                                        ? region.provider
                                                        : step.provider));
      *request.mutable_declaration() = d;
      v1::Declaration out;
      grpc::Status status =
          running_->declarations->SubmitDeclaration(&context, request, &out);
      ASSERT_TRUE(status.ok()) << Describe(status);
      ASSERT_EQ(out.lines_size(), static_cast<int>(lines.size()));
      for (size_t l = 0; l < lines.size(); ++l) {
        SCOPED_TRACE(absl::StrCat("line ", l, ": ", step.lines[l].label));
        CheckVerdict(step.lines[l].want, out.lines(static_cast<int>(l)), bsn);
      }
      sent.push_back(std::move(lines));
    }
  }

  void RunAll(const std::vector<Case>& cases) {
    for (const Case& c : cases) Run(c);
  }

  Running* running_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, DeclarationRulesTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

TEST_P(DeclarationRulesTest, LineFitsItsAssignment) { RunAll(LineCases()); }

TEST_P(DeclarationRulesTest, VolumesAndBudgets) { RunAll(VolumeCases()); }

TEST_P(DeclarationRulesTest, Credits) { RunAll(CreditCases()); }

TEST_P(DeclarationRulesTest, MiddenLimburg) { RunAll(MiddenLimburgCases()); }

TEST_P(DeclarationRulesTest, LichtMiddenZwaar) {
  RunAll(LichtMiddenZwaarCases());
}

TEST_P(DeclarationRulesTest, RegulierSpecialistisch) {
  RunAll(RegulierSpecialistischCases());
}

TEST_P(DeclarationRulesTest, ToekomstSociaalDomein) { RunAll(ToekomstCases()); }

TEST_P(DeclarationRulesTest, Perspectief) { RunAll(PerspectiefCases()); }

// Every rule id above has an approved line and a rejected (or noticed) one
// in the tables, and the tables name no rule outside the list.
TEST(DeclarationRulesCoverageTest, EveryRuleIsApprovedAndRefusedSomewhere) {
  std::set<std::string> approved, refused, named;
  int cases = 0, declarations = 0, lines = 0;
  for (const std::vector<Case>& table : AllTables()) {
    for (const Case& c : table) {
      ++cases;
      declarations += static_cast<int>(c.steps.size());
      for (const Step& step : c.steps) {
        for (const LineSpec& line : step.lines) {
          ++lines;
          const Want& want = line.want;
          named.insert(want.rules.begin(), want.rules.end());
          named.insert(want.notices.begin(), want.notices.end());
          if (want.approved) {
            approved.insert(want.rules.begin(), want.rules.end());
            refused.insert(want.notices.begin(), want.notices.end());
          } else {
            EXPECT_THAT(want.rules, Not(IsEmpty())) << c.name;
            refused.insert(want.rules.begin(), want.rules.end());
          }
        }
      }
    }
  }
  const std::vector<std::string>& required = RequiredRules();
  for (const std::string& rule : required) {
    EXPECT_TRUE(approved.count(rule)) << rule << " has no approved line";
    EXPECT_TRUE(refused.count(rule))
        << rule << " has no rejected or noticed line";
  }
  for (const std::string& rule : named) {
    EXPECT_NE(std::find(required.begin(), required.end(), rule), required.end())
        << rule << " is not in the list of rules to cover";
  }
  RecordProperty("cases", cases);
  RecordProperty("declarations", declarations);
  RecordProperty("lines", lines);
}

}  // namespace
}  // namespace wmo::declaration
