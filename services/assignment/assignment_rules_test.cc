// The assignment rules against the five real catalogs under catalogs/: for
// every rule id at least one assignment that is accepted and one that is
// refused, named by the rule id. Accepted cases must pass every rule, not
// only the one they are named after.
#include "services/assignment/assignment_rules.h"

#include <algorithm>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "libs/testing/catalogs.h"
#include "libs/testing/temp_dir.h"
#include "services/catalog/catalog_rules.h"

namespace wmo::assignment {
namespace {

namespace cat = ::wmo::catalog::v1;
namespace typ = ::wmo::type::v1;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::wmo::type::v1::RuleViolation;

constexpr char kBsn[] = "111222333";

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

// A catalog with one of its municipalities and the demo contract that holds
// every product.
using testing::kLichtMiddenZwaar;
using testing::kMiddenLimburg;
using testing::kPerspectief;
using testing::kRegulierSpecialistisch;
using testing::kToekomst;
using testing::LoadCatalog;
using testing::Region;

// Builds an assignment; every setter returns the builder so that a case
// reads as one expression.
class Make {
 public:
  Make(const Region& region, const std::string& product, typ::Unit unit,
       int64_t volume, typ::Frequency frequency, const std::string& start,
       const std::string& end) {
    a_.set_municipality(region.municipality);
    a_.set_number(std::to_string(++next_number_));
    a_.mutable_client()->set_bsn(kBsn);
    a_.mutable_client()->set_birth_date("1980-06-15");
    a_.set_provider_agb(region.provider);
    a_.set_catalog(region.catalog);
    a_.set_product(product);
    a_.mutable_extent()->set_volume(volume);
    a_.mutable_extent()->set_unit(unit);
    a_.mutable_extent()->set_frequency(frequency);
    a_.set_start_date(start);
    a_.set_end_date(end);
    a_.set_state(v1::Assignment::ACTIVE);
  }

  Make& Municipality(const std::string& code) {
    a_.set_municipality(code);
    return *this;
  }
  Make& Bsn(const std::string& bsn) {
    a_.mutable_client()->set_bsn(bsn);
    return *this;
  }
  Make& Born(const std::string& date) {
    a_.mutable_client()->set_birth_date(date);
    return *this;
  }
  Make& Provider(const std::string& agb) {
    a_.set_provider_agb(agb);
    return *this;
  }
  Make& Catalog(const std::string& id) {
    a_.set_catalog(id);
    return *this;
  }
  Make& Product(const std::string& id) {
    a_.set_product(id);
    return *this;
  }
  Make& Lot(const std::string& lot) {
    a_.set_lot(lot);
    return *this;
  }
  Make& Basis(const std::string& basis) {
    a_.set_basis(basis);
    return *this;
  }
  Make& Start(const std::string& date) {
    a_.set_start_date(date);
    return *this;
  }
  Make& End(const std::string& date) {
    a_.set_end_date(date);
    return *this;
  }
  Make& Volume(int64_t volume) {
    a_.mutable_extent()->set_volume(volume);
    return *this;
  }
  Make& Unit(int unit) {
    a_.mutable_extent()->set_unit(static_cast<typ::Unit>(unit));
    return *this;
  }
  Make& Frequency(int frequency) {
    a_.mutable_extent()->set_frequency(static_cast<typ::Frequency>(frequency));
    return *this;
  }
  Make& NoExtent() {
    a_.clear_extent();
    return *this;
  }
  Make& Budget(int64_t cents) {
    a_.set_budget_cents(cents);
    return *this;
  }
  Make& Activity(const std::string& activity) {
    a_.add_activities(activity);
    return *this;
  }
  Make& Approved(cat::ApprovalKind kind) {
    v1::Approval* approval = a_.add_approvals();
    approval->set_kind(kind);
    approval->set_approved_by("consulent-17");
    approval->set_date("2023-12-15");
    approval->set_reference("besluit-2023-0042");
    return *this;
  }
  Make& Expedited() {
    a_.set_expedited_start(true);
    return *this;
  }
  Make& Result(const std::string& life_domain, v1::ActivityType type) {
    v1::Result* result = a_.add_results();
    result->set_life_domain(life_domain);
    result->set_activity_type(type);
    result->set_description("zelfstandig boodschappen doen");
    return *this;
  }
  Make& NoResults() {
    a_.clear_results();
    return *this;
  }
  Make& Deleted() {
    a_.set_state(v1::Assignment::DELETED);
    a_.set_change_reason("13");
    return *this;
  }

  operator v1::Assignment() const { return a_; }  // NOLINT: builder

 private:
  static inline int next_number_ = 0;
  v1::Assignment a_;
};

// Midden-Limburg: every assignment records a result (S3-10), and products
// other than vervoer name a basis (S3-04).
Make MiddenLimburg(const std::string& product, const std::string& lot,
                   typ::Unit unit, int64_t volume, typ::Frequency frequency,
                   const std::string& start, const std::string& end) {
  Make m(kMiddenLimburg, product, unit, volume, frequency, start, end);
  m.Lot(lot).Result("Wonen", v1::ACTIVITY_TYPE_HELP);
  if (product != "vervoer") m.Basis("1");
  return m;
}

// A valid KDV assignment in Midden-Limburg, the base of the format cases.
Make Kdv(int64_t volume, const std::string& start, const std::string& end) {
  return MiddenLimburg("kdv", "", kEtmalen, volume, kTotal, start, end);
}

struct Case {
  std::string name;
  v1::Assignment candidate;
  std::vector<v1::Assignment> others;
  // Empty: accepted with no violation at all.
  std::string rule;
  // When set, the violation of `rule` must carry this field / return code.
  std::string field;
  std::string return_code;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

Case Accept(std::string name, v1::Assignment candidate,
            std::vector<v1::Assignment> others = {}) {
  return Case{
      std::move(name), std::move(candidate), std::move(others), "", "", ""};
}

Case Refuse(std::string name, std::string rule, v1::Assignment candidate,
            std::vector<v1::Assignment> others = {}, std::string field = "",
            std::string return_code = "") {
  return Case{std::move(name), std::move(candidate), std::move(others),
              std::move(rule), std::move(field),     std::move(return_code)};
}

// What the service does: format first, the catalog only when that passes,
// with the contract looked up the way the service looks it up.
std::vector<RuleViolation> Check(const v1::Assignment& a,
                                 const std::vector<v1::Assignment>& others) {
  std::vector<RuleViolation> violations = CheckFormat(a);
  if (!violations.empty()) return violations;
  const cat::Catalog& catalog = LoadCatalog(a.catalog());
  const cat::Contract* contract = nullptr;
  for (const cat::Contract& c : catalog.contracts()) {
    if (c.provider_agb() == a.provider_agb()) contract = &c;
  }
  auto start = rules::ParseDate(a.start_date(), "start_date");
  EXPECT_TRUE(start.ok()) << start.status();
  CatalogContext context{
      &catalog, catalog::CheckContract(catalog, contract, a.product(), *start),
      others};
  return CheckAgainstCatalog(a, context);
}

std::string Dump(const std::vector<RuleViolation>& violations) {
  std::vector<std::string> lines;
  lines.reserve(violations.size());
  for (const RuleViolation& v : violations) {
    lines.push_back(absl::StrCat(v.rule_id(), " [", v.return_code(), "] ",
                                 v.field(), ": ", v.message()));
  }
  return absl::StrJoin(lines, "\n");
}

std::vector<std::string> RuleIds(const std::vector<RuleViolation>& violations) {
  std::vector<std::string> ids;
  ids.reserve(violations.size());
  for (const RuleViolation& v : violations) ids.push_back(v.rule_id());
  return ids;
}

std::vector<Case> FormatCases() {
  const Make base = Kdv(10, "2024-03-01", "2024-06-30");
  return {
      Accept("AS_BSN_ElevenProofPasses", Make(base).Bsn("123456782")),
      Refuse("AS_BSN_ElevenProofFails", "AS-BSN", Make(base).Bsn("111222334"),
             {}, "client.bsn"),
      Refuse("AS_BSN_Missing", "AS-BSN", Make(base).Bsn(""), {}, "client.bsn"),
      Accept("AS_AGB_EightDigits", base),
      Refuse("AS_AGB_SevenDigits", "AS-AGB", Make(base).Provider("9999030"), {},
             "provider_agb"),
      Accept("AS_DATE_OneDayPeriod", Kdv(1, "2024-03-01", "2024-03-01")),
      Refuse("AS_DATE_ImpossibleStart", "AS-DATE",
             Make(base).Start("2024-02-30"), {}, "start_date"),
      Refuse("AS_DATE_MissingStart", "AS-DATE", Make(base).Start(""), {},
             "start_date"),
      Refuse("AS_DATE_EndBeforeStart", "AS-DATE", Make(base).End("2024-02-29"),
             {}, "end_date"),
      Refuse("AS_DATE_BirthAfterStart", "AS-DATE",
             Make(base).Born("2024-03-02"), {}, "client.birth_date"),
      Accept("AS_EXTENT_EtmalenPerWeek",
             Make(base).Volume(3).Frequency(kPerWeek).End("2024-04-30")),
      Refuse("AS_EXTENT_EtmalenPerDay", "AS-EXTENT",
             Make(base).Volume(1).Frequency(kPerDay), {}, "extent.frequency"),
      Refuse("AS_EXTENT_ExtentAndBudget", "AS-EXTENT",
             Make(base).Budget(100000), {}, "budget_cents"),
      Refuse("AS_EXTENT_NeitherExtentNorBudget", "AS-EXTENT",
             Make(base).NoExtent(), {}, "extent"),
      Refuse("AS_EXTENT_ZeroVolume", "AS-EXTENT", Make(base).Volume(0), {},
             "extent.volume"),
      Refuse("AS_EXTENT_UnknownUnit", "AS-EXTENT", Make(base).Unit(5), {},
             "extent.unit"),
      Refuse("AS_EXTENT_UnknownFrequency", "AS-EXTENT", Make(base).Frequency(3),
             {}, "extent.frequency"),
      Refuse("AS_EXTENT_PerWeekWithoutEndDate", "AS-EXTENT",
             Make(base).Volume(2).Frequency(kPerWeek).End(""), {}, "end_date"),
      Accept("AS_BUDGET_WithEndDate", Make(base).NoExtent().Budget(250000)),
      Refuse("AS_BUDGET_WithoutEndDate", "AS-BUDGET",
             Make(base).NoExtent().Budget(250000).End(""), {}, "end_date"),
      Refuse("AS_BUDGET_Negative", "AS-BUDGET",
             Make(base).NoExtent().Budget(-100), {}, "budget_cents"),
      Accept("RS005_BudgetAtTheBound",
             Make(base).NoExtent().Budget(99'999'999)),
      Refuse("RS005_BudgetBeyondTheBound", "RS005",
             Make(base).NoExtent().Budget(100'000'000), {}, "budget_cents"),
      Refuse("RS005_VolumeBeyondTheBound", "RS005",
             Make(base).Volume(100'000'000), {}, "extent.volume"),
      Accept("AS_APPROVAL_KnownKind",
             Make(base).Approved(cat::APPROVAL_KIND_EXTRA_SUPPORT)),
      Refuse("AS_APPROVAL_KindMissing", "AS-APPROVAL",
             Make(base).Approved(cat::APPROVAL_KIND_UNSPECIFIED), {},
             "approvals[0].kind"),
      Accept("AS_CATALOG_Named", base),
      Refuse("AS_CATALOG_Missing", "AS-CATALOG", Make(base).Catalog(""), {},
             "catalog"),
      Accept("AS_PRODUCT_KnownProduct", base),
      Refuse("AS_PRODUCT_Missing", "AS-PRODUCT", Make(base).Product(""), {},
             "product"),
      Refuse("AS_PRODUCT_Unknown", "AS-PRODUCT",
             Make(base).Product("logeerzorg"), {}, "product"),
      Accept("TR378_MunicipalityOfTheCatalog", Make(base).Municipality("1711")),
      Refuse("TR378_NotFourDigits", "TR378", Make(base).Municipality("988"), {},
             "municipality", "S300"),
      Refuse("TR378_MunicipalityOfAnotherRegion", "TR378",
             Make(base).Municipality("0228"), {}, "municipality", "S300"),
  };
}

std::vector<Case> ProductFitCases() {
  auto bgi = [](const std::string& lot) {
    return MiddenLimburg("bgi", lot, kHours, 2, kPerWeek, "2024-01-01",
                         "2024-12-31");
  };
  const Make kdv = Kdv(10, "2024-03-01", "2024-06-30");
  return {
      Accept("AS_LOT_OnlyLotOfTheProductImplied", kdv),
      Accept("AS_LOT_NamedLotHoldsTheProduct", bgi("1")),
      Refuse("AS_LOT_ProductInSeveralLotsNeedsOne", "AS-LOT", bgi(""), {},
             "lot"),
      Refuse("AS_LOT_LotDoesNotHoldTheProduct", "AS-LOT", bgi("5"), {}, "lot"),
      Refuse("AS_LOT_UnknownLot", "AS-LOT", bgi("9"), {}, "lot"),
      Accept("AS_BASIS_AllowedBasis", Make(bgi("1")).Basis("4")),
      Refuse("AS_BASIS_MissingWhereTheProductHasBases", "AS-BASIS",
             Make(bgi("1")).Basis(""), {}, "basis"),
      Refuse("AS_BASIS_NotAllowed", "AS-BASIS", Make(bgi("1")).Basis("7"), {},
             "basis"),
      Refuse("AS_BASIS_GivenForAProductWithoutBases", "AS-BASIS",
             Make(kLichtMiddenZwaar, "begeleiding-individueel-licht", kMinutes,
                  60, kPerWeek, "2024-03-01", "2024-05-31")
                 .Basis("1"),
             {}, "basis"),
      Accept("AS_CONTRACT_ProviderOfLot5", Make(kdv).Provider("99990303")),
      Refuse("AS_CONTRACT_ProviderOfLots1And2Only", "AS-CONTRACT",
             Make(kdv).Provider("99990302"), {}, "provider_agb"),
      Refuse("AS_CONTRACT_ProviderWithoutContract", "AS-CONTRACT",
             Make(kdv).Provider("12345678"), {}, "provider_agb"),
      Accept("AS_UNIT_ProductUnit", kdv),
      Refuse("AS_UNIT_HoursForEtmalen", "AS-UNIT", Make(kdv).Unit(kHours), {},
             "extent.unit"),
  };
}

std::vector<Case> LichtMiddenZwaarCases() {
  const Make groep(kLichtMiddenZwaar, "begeleiding-groep-licht", kHours, 4,
                   kPerWeek, "2024-01-01", "2024-12-31");
  auto stay = [](int64_t volume, const std::string& start,
                 const std::string& end) {
    return Make(kLichtMiddenZwaar, "kortdurend-verblijf", kEtmalen, volume,
                kTotal, start, end);
  };
  const Make support(kLichtMiddenZwaar, "begeleiding-individueel-licht",
                     kMinutes, 60, kPerWeek, "2024-03-01", "2024-05-31");
  const Make vervoer(kLichtMiddenZwaar, "vervoer-regulier", kPieces, 2,
                     kPerWeek, "2024-01-01", "2024-06-30");
  const Make open_vervoer =
      Make(vervoer).Volume(8).Frequency(kPerMonth).End("");
  return {
      // S0-03: arbeidsmatige activering from 16.
      Refuse(
          "S0_03_ArbeidsmatigeActiveringAt15", "S0-03",
          Make(groep).Activity("arbeidsmatige activering").Born("2008-06-01"),
          {}, "activities"),
      Accept(
          "S0_03_ArbeidsmatigeActiveringOnThe16thBirthday",
          Make(groep).Activity("arbeidsmatige activering").Born("2008-01-01")),
      Accept("S0_03_YoungerClientWithoutTheActivity",
             Make(groep).Born("2010-01-01")),
      Refuse("S0_03_ActivityWithoutBirthDate", "S0-03",
             Make(groep).Activity("arbeidsmatige activering").Born(""), {},
             "client.birth_date"),
      // S0-06: 42 etmalen per calendar year.
      Accept("S0_06_FortyTwoEtmalenInAYear",
             stay(42, "2024-01-01", "2024-12-31")),
      Refuse("S0_06_FortyThreeEtmalenInAYear", "S0-06",
             stay(43, "2024-01-01", "2024-12-31"), {}, "extent.volume"),
      Refuse("S0_06_SecondStayBreaksTheYearCap", "S0-06",
             stay(20, "2024-06-01", "2024-08-31"),
             {stay(30, "2024-01-01", "2024-03-31")}),
      Accept("S0_06_StaysInDifferentYears",
             stay(30, "2025-01-01", "2025-03-31"),
             {stay(30, "2024-01-01", "2024-03-31")}),
      Refuse("S0_06_WeeklyStaysAddUpOverTheYear", "S0-06",
             stay(1, "2024-01-01", "2024-12-31").Frequency(kPerWeek)),
      // S0-07: begeleiding bundled in kortdurend verblijf is extra support.
      Refuse("S0_07_ExtraSupportDuringAStayWithoutApproval", "S0-07", support,
             {stay(10, "2024-04-01", "2024-04-30")}, "approvals"),
      Accept("S0_07_ExtraSupportDuringAStayWithApproval",
             Make(support).Approved(cat::APPROVAL_KIND_EXTRA_SUPPORT),
             {stay(10, "2024-04-01", "2024-04-30")}),
      Accept("S0_07_SupportOutsideTheStay", support,
             {stay(10, "2024-07-01", "2024-07-31")}),
      // S0-08: vervoer only with begeleiding groep or kortdurend verblijf.
      Refuse("S0_08_VervoerAlone", "S0-08", vervoer, {}, "product"),
      Accept("S0_08_VervoerWithGroupSupport", vervoer, {groep}),
      Accept("S0_08_VervoerCoveredByTwoAssignments", vervoer,
             {Make(groep).End("2024-03-31"),
              stay(20, "2024-04-01", "2024-06-30")}),
      Refuse("S0_08_VervoerPartlyCovered", "S0-08", vervoer,
             {Make(groep).End("2024-03-31")}),
      Refuse("S0_08_OpenEndedVervoerNeedsOpenEndedCover", "S0-08", open_vervoer,
             {groep}),
      Accept("S0_08_OpenEndedVervoerWithOpenEndedCover", open_vervoer,
             {Make(groep).Frequency(kPerMonth).Volume(16).End("")}),
      Refuse("S0_08_DeletedCoverDoesNotCount", "S0-08", vervoer,
             {Make(groep).Deleted()}),
  };
}

std::vector<Case> RegulierSpecialistischCases() {
  auto logeer = [](int64_t volume, const std::string& start,
                   const std::string& end) {
    return Make(kRegulierSpecialistisch, "logeeropvang-volwassenen", kEtmalen,
                volume, kTotal, start, end);
  };
  const Make vervoer(kRegulierSpecialistisch, "vervoer-regulier", kPieces, 2,
                     kPerWeek, "2024-01-01", "2024-06-30");
  const Make dagbesteding(kRegulierSpecialistisch, "dagbesteding-groep",
                          kDagdelen, 4, kPerWeek, "2024-01-01", "2024-12-31");
  return {
      // S1-04: logeeropvang at most 1 year and 104 etmalen per year.
      Accept("S1_04_OneYearOf104Etmalen",
             logeer(104, "2024-01-01", "2024-12-31")),
      Refuse("S1_04_LongerThanOneYear", "S1-04",
             logeer(50, "2024-01-01", "2025-01-01"), {}, "end_date"),
      Refuse("S1_04_OpenEnded", "S1-04", logeer(50, "2024-01-01", ""), {},
             "end_date"),
      Refuse("S1_04_105EtmalenInAYear", "S1-04",
             logeer(105, "2024-01-01", "2024-12-31"), {}, "extent.volume"),
      Refuse("S1_04_RenewalBreaksTheYearCap", "S1-04",
             logeer(50, "2024-07-01", "2024-12-31"),
             {logeer(60, "2024-01-01", "2024-06-30")}),
      Accept("S1_04_RenewalWithinTheYearCap",
             logeer(44, "2024-07-01", "2024-12-31"),
             {logeer(60, "2024-01-01", "2024-06-30")}),
      // S1-06: vervoer only with dagbesteding or logeeropvang.
      Refuse("S1_06_VervoerAlone", "S1-06", vervoer, {}, "product"),
      Accept("S1_06_VervoerWithDagbesteding", vervoer, {dagbesteding}),
      Accept("S1_06_VervoerWithLogeeropvang", vervoer,
             {logeer(30, "2024-01-01", "2024-06-30")}),
      Refuse("S1_06_VervoerWithIndividualSupportOnly", "S1-06", vervoer,
             {Make(kRegulierSpecialistisch, "begeleiding-individueel-regulier",
                   kHours, 2, kPerWeek, "2024-01-01", "2024-12-31")}),
  };
}

std::vector<Case> ToekomstCases() {
  const Make acuut(kToekomst, "begeleiding-acuut", kHours, 4, kPerWeek,
                   "2024-01-01", "2024-06-30");
  const Make leren(kToekomst, "begeleiding-leren-ontwikkelen", kHours, 2,
                   kPerWeek, "2024-01-01", "2024-12-31");
  const Make training(kToekomst, "groepstraining", kSessions, 1, kPerWeek,
                      "2024-01-01", "2024-03-31");
  const Make bereik(kToekomst, "bereik-beschikbaarheid", kHours, 2, kPerWeek,
                    "2024-01-01", "2024-06-30");
  auto waakvlam = [](int64_t volume, typ::Frequency frequency,
                     const std::string& end) {
    return Make(kToekomst, "waakvlamcontact", kHours, volume, frequency,
                "2024-01-01", end);
  };
  const Make dagbesteding(kToekomst, "dagbesteding-ontwikkelen", kDagdelen, 4,
                          kPerWeek, "2024-01-01", "2024-12-31");
  const Make dichtbij(kToekomst, "vervoer-0-5-km", kPieces, 2, kPerWeek,
                      "2024-01-01", "2024-06-30");
  const Make ver = Make(dichtbij).Product("vervoer-10-20-km");
  return {
      // S2-01: acute support at most 6 months; expedited start only with a
      // recorded written approval. 100 hours is a guideline only.
      Accept("S2_01_SixMonths", acuut),
      Accept("S2_01_MoreThanTheHundredHourGuideline", Make(acuut).Volume(5)),
      Refuse("S2_01_LongerThanSixMonths", "S2-01",
             Make(acuut).End("2024-07-01"), {}, "end_date"),
      Accept(
          "S2_01_ExpeditedStartWithApproval",
          Make(acuut).Expedited().Approved(cat::APPROVAL_KIND_EXPEDITED_START)),
      Refuse("S2_01_ExpeditedStartWithoutApproval", "S2-01",
             Make(acuut).Expedited(), {}, "approvals"),
      Accept(
          "AS_EXPEDITED_ProductWithExpeditedStart",
          Make(acuut).Expedited().Approved(cat::APPROVAL_KIND_EXPEDITED_START)),
      Refuse(
          "AS_EXPEDITED_ProductWithoutExpeditedStart", "AS-EXPEDITED",
          Make(leren).Expedited().Approved(cat::APPROVAL_KIND_EXPEDITED_START),
          {}, "expedited_start"),
      // S2-02: leren/ontwikkelen and behouden at most 2 years.
      Accept("S2_02_TwoYears", Make(leren).End("2025-12-31")),
      Refuse("S2_02_LongerThanTwoYears", "S2-02", Make(leren).End("2026-01-01"),
             {}, "end_date"),
      Refuse("S2_02_BehoudenOpenEnded", "S2-02",
             Make(leren)
                 .Product("begeleiding-behouden")
                 .Volume(8)
                 .Frequency(kPerMonth)
                 .End(""),
             {}, "end_date"),
      // S2-03: groepstraining only with leren/ontwikkelen; 4-10 sessions is
      // a guideline (13 weekly sessions here).
      Refuse("S2_03_GroepstrainingAlone", "S2-03", training, {}, "product"),
      Accept("S2_03_GroepstrainingWithLerenOntwikkelen", training, {leren}),
      // S2-04: bereik- en beschikbaarheid only with leren/ontwikkelen.
      Refuse("S2_04_BereikAlone", "S2-04", bereik, {}, "product"),
      Accept("S2_04_BereikWithLerenOntwikkelen", bereik, {leren}),
      // S2-05: waakvlam at most 1 year and 15 hours per assignment.
      Accept("S2_05_FifteenHoursInAYear", waakvlam(15, kTotal, "2024-12-31")),
      Refuse("S2_05_SixteenHours", "S2-05", waakvlam(16, kTotal, "2024-12-31"),
             {}, "extent.volume"),
      Refuse("S2_05_WeeklyHourAddsUpBeyondFifteen", "S2-05",
             waakvlam(1, kPerWeek, "2024-12-31"), {}, "extent.volume"),
      Refuse("S2_05_LongerThanOneYear", "S2-05",
             waakvlam(10, kTotal, "2025-01-01"), {}, "end_date"),
      Refuse("S2_05_OpenEndedMonthlyHasNoTotal", "S2-05",
             waakvlam(1, kPerMonth, ""), {}, "end_date"),
      // S2-07: vervoer only with dagbesteding; 10-20 km only with a recorded
      // consultant approval.
      Refuse("S2_07_VervoerAlone", "S2-07", dichtbij, {}, "product"),
      Accept("S2_07_VervoerWithDagbesteding", dichtbij, {dagbesteding}),
      Refuse("S2_07_FarBandWithoutApproval", "S2-07", ver, {dagbesteding},
             "approvals"),
      Accept("S2_07_FarBandWithApproval",
             Make(ver).Approved(cat::APPROVAL_KIND_DISTANCE_BAND),
             {dagbesteding}),
  };
}

std::vector<Case> MiddenLimburgCases() {
  auto bgi = [](const std::string& lot, const std::string& end) {
    return MiddenLimburg("bgi", lot, kHours, 2, kPerWeek, "2024-01-01", end);
  };
  auto bgg = [](const std::string& lot, const std::string& start,
                const std::string& end) {
    return MiddenLimburg("bgg", lot, kDagdelen, 4, kPerWeek, start, end);
  };
  const Make vervoer = MiddenLimburg("vervoer", "1", kPieces, 2, kPerWeek,
                                     "2024-01-01", "2024-06-30");
  return {
      // S3-02: at most one of lots 1-4 at a time; lot 5 combines with any.
      Refuse("S3_02_BgiInLot1WhileBggInLot2", "S3-02", bgi("1", "2024-12-31"),
             {bgg("2", "2024-06-01", "2024-12-31")}, "lot"),
      Accept("S3_02_BgiAndBggInTheSameLot", bgi("1", "2024-12-31"),
             {bgg("1", "2024-06-01", "2024-12-31")}),
      Accept("S3_02_Lot5CombinesWithAnyLot", bgi("1", "2024-12-31"),
             {Kdv(10, "2024-03-01", "2024-06-30")}),
      Accept("S3_02_OtherLotEndedBefore", bgi("1", "2024-12-31"),
             {bgg("2", "2023-01-01", "2023-12-31")}),
      // TR302: a budget stands for its category (02) at the provider.
      Refuse("TR302_BudgetOverlapsAnotherOfItsCategory", "TR302",
             Make(bgi("1", "2024-12-31")).NoExtent().Budget(250000),
             {bgg("1", "2024-06-01", "2024-12-31")}, "start_date"),
      Accept(
          "TR302_BudgetAfterAnotherOfItsCategory",
          Make(bgg("1", "2024-01-01", "2024-12-31")).NoExtent().Budget(250000),
          {Make(bgi("1", "2023-12-31")).Start("2023-01-01")}),
      Accept("TR302_TwoExtentsOfOneCategory", bgi("1", "2024-12-31"),
             {bgg("1", "2024-06-01", "2024-12-31")}),
      // S3-03: lots 1-2 at most 2 years, lots 3-4 1 to 5 years, KDV 1 year.
      Accept("S3_03_Lot1TwoYears", bgi("1", "2025-12-31")),
      Refuse("S3_03_Lot1LongerThanTwoYears", "S3-03", bgi("1", "2026-01-01"),
             {}, "end_date"),
      Refuse("S3_03_Lot3ShorterThanOneYear", "S3-03", bgi("3", "2024-06-30"),
             {}, "end_date"),
      Accept("S3_03_Lot3FiveYears", bgi("3", "2028-12-31")),
      Refuse("S3_03_Lot3LongerThanFiveYears", "S3-03", bgi("3", "2029-01-01"),
             {}, "end_date"),
      Refuse("S3_03_Lot4OpenEnded", "S3-03",
             Make(bgi("4", "")).Volume(8).Frequency(kPerMonth), {}, "end_date"),
      Accept("S3_03_KdvOneYear", Kdv(40, "2024-01-01", "2024-12-31")),
      Refuse("S3_03_KdvLongerThanOneYear", "S3-03",
             Kdv(40, "2024-01-01", "2025-01-01"), {}, "end_date"),
      // S3-08: vervoer only with BGG.
      Refuse("S3_08_VervoerAlone", "S3-08", vervoer, {}, "product"),
      Accept("S3_08_VervoerWithBgg", vervoer,
             {bgg("1", "2024-01-01", "2024-12-31")}),
      Refuse("S3_08_VervoerWithBgiOnly", "S3-08", vervoer,
             {bgi("1", "2024-12-31")}),
      // S3-09: KDV at most 42 etmalen per calendar year; at most 3 per week
      // unless one contiguous stay of at most 6 weeks.
      Refuse("S3_09_SecondKdvIn2024Exceeds42", "S3-09",
             Kdv(20, "2024-06-01", "2024-08-31"),
             {Kdv(30, "2024-01-01", "2024-03-31")}, "extent.volume"),
      Accept("S3_09_SecondKdvIn2024Within42",
             Kdv(12, "2024-06-01", "2024-08-31"),
             {Kdv(30, "2024-01-01", "2024-03-31")}),
      Accept("S3_09_SecondKdvInTheNextYear",
             Kdv(30, "2025-01-01", "2025-03-31"),
             {Kdv(30, "2024-01-01", "2024-03-31")}),
      Refuse("S3_09_FourEtmalenPerWeek", "S3-09",
             Make(Kdv(4, "2024-03-01", "2024-04-30")).Frequency(kPerWeek), {},
             "extent.volume"),
      Accept("S3_09_ThreeEtmalenPerWeek",
             Make(Kdv(3, "2024-03-01", "2024-04-30")).Frequency(kPerWeek)),
      Accept("S3_09_OneContiguousStayOfSixWeeks",
             Kdv(42, "2024-03-04", "2024-04-14")),
      Refuse("S3_09_StayLongerThanSixWeeksExceedsThreePerWeek", "S3-09",
             Kdv(35, "2024-03-04", "2024-04-15"), {}, "extent.volume"),
      // S3-10: results per life domain with an activity type.
      Refuse("S3_10_NoResults", "S3-10",
             Make(Kdv(10, "2024-03-01", "2024-06-30")).NoResults(), {},
             "results"),
      Refuse("S3_10_UnknownLifeDomain", "S3-10",
             Make(Kdv(10, "2024-03-01", "2024-06-30"))
                 .NoResults()
                 .Result("Sport", v1::ACTIVITY_TYPE_HELP),
             {}, "results[0].life_domain"),
      Refuse("S3_10_ResultWithoutActivityType", "S3-10",
             Make(Kdv(10, "2024-03-01", "2024-06-30"))
                 .Result("Vrije tijd", v1::ACTIVITY_TYPE_UNSPECIFIED),
             {}, "results[1].activity_type"),
      Accept("S3_10_ResultsInTwoLifeDomains",
             Make(Kdv(10, "2024-03-01", "2024-06-30"))
                 .Result("Vrije tijd", v1::ACTIVITY_TYPE_TAKE_OVER)),
      // TR361: the same product twice with overlapping periods.
      Refuse("TR361_OverlappingKdv", "TR361",
             Kdv(10, "2024-04-15", "2024-05-31"),
             {Kdv(10, "2024-03-01", "2024-04-30")}, "start_date", "9361"),
      Accept("TR361_AdjacentKdv", Kdv(10, "2024-05-01", "2024-05-31"),
             {Kdv(10, "2024-03-01", "2024-04-30")}),
      Accept("TR361_DeletedAssignmentDoesNotCount",
             Kdv(10, "2024-04-15", "2024-05-31"),
             {Make(Kdv(10, "2024-03-01", "2024-04-30")).Deleted()}),
  };
}

std::vector<Case> PerspectiefCases() {
  auto waakvlam = [](const std::string& product, const std::string& end,
                     int results) {
    Make m(kPerspectief, product, kHours, 1, kPerWeek, "2024-01-01", end);
    for (int i = 0; i < results; ++i) {
      m.Result(i % 2 == 0 ? "Wonen" : "Financien", v1::ACTIVITY_TYPE_HELP);
    }
    return m;
  };
  const Make verminderd(kPerspectief, "begeleiding-verminderde-zelfredzaamheid",
                        kHours, 2, kPerWeek, "2024-01-01", "2024-12-31");
  auto daginvulling = [](const std::string& product, const std::string& start,
                         const std::string& end) {
    return Make(kPerspectief, product, kDagdelen, 4, kPerWeek, start, end);
  };
  const Make stabilisatie =
      daginvulling("daginvulling-stabilisatie", "2024-01-01", "2024-12-31");
  auto vervoer = [](int64_t volume, typ::Frequency frequency) {
    return Make(kPerspectief, "vervoer-tot-10-regulier", kPieces, volume,
                frequency, "2024-01-01", "2024-12-31")
        .Lot("3");
  };
  auto logeer = [](int64_t volume, const std::string& start,
                   const std::string& end) {
    return Make(kPerspectief, "logeerzorg", kEtmalen, volume, kTotal, start,
                end);
  };
  const Make arbeid(kPerspectief, "arbeidsmatige-dagbesteding", kDagdelen, 4,
                    kPerWeek, "2024-01-01", "2024-12-31");
  return {
      // S4-01: waakvlam at most 2 results; ontwikkeling within 1 year.
      Accept("S4_01_TwoResultsWithinAYear",
             waakvlam("waakvlam-ontwikkeling", "2024-12-31", 2)),
      Refuse("S4_01_ThreeResults", "S4-01",
             waakvlam("waakvlam-ontwikkeling", "2024-12-31", 3), {}, "results"),
      Refuse("S4_01_OntwikkelingLongerThanAYear", "S4-01",
             waakvlam("waakvlam-ontwikkeling", "2025-01-01", 2), {},
             "end_date"),
      Accept("S4_01_StabilisatieHasNoTimeLimit",
             waakvlam("waakvlam-stabilisatie", "2026-12-31", 2)),
      Refuse("S4_01_StabilisatieThreeResults", "S4-01",
             waakvlam("waakvlam-stabilisatie", "2026-12-31", 3), {}, "results"),
      // S4-02: begeleiding verminderde zelfredzaamheid not with daginvulling.
      Refuse("S4_02_BegeleidingWhileDaginvulling", "S4-02", verminderd,
             {daginvulling("daginvulling-stabilisatie", "2024-06-01",
                           "2024-12-31")},
             "product"),
      Refuse("S4_02_DaginvullingWhileBegeleiding", "S4-02",
             daginvulling("daginvulling-verminderde-zelfredzaamheid",
                          "2024-06-01", "2024-12-31"),
             {verminderd}, "product"),
      Accept("S4_02_DaginvullingEndedBefore",
             Make(verminderd).Start("2024-06-01"),
             {daginvulling("daginvulling-stabilisatie", "2024-01-01",
                           "2024-05-31")}),
      // S4-04: vervoer only with daginvulling/dagbesteding; at most 5 days
      // per week.
      Accept("S4_04_FiveDaysPerWeekWithDaginvulling", vervoer(5, kPerWeek),
             {stabilisatie}),
      Refuse("S4_04_SixDaysPerWeek", "S4-04", vervoer(6, kPerWeek),
             {stabilisatie}, "extent.volume"),
      Refuse("S4_04_EveryDay", "S4-04", vervoer(1, kPerDay), {stabilisatie},
             "extent.volume"),
      Refuse("S4_04_VervoerAlone", "S4-04", vervoer(5, kPerWeek), {},
             "product"),
      Accept("S4_04_VervoerWithArbeidsmatigeDagbesteding",
             Make(vervoer(5, kPerWeek)).Lot("5"), {arbeid}),
      // S4-05: logeerzorg at most 15 etmalen per calendar year.
      Accept("S4_05_FifteenEtmalen", logeer(15, "2024-01-01", "2024-12-31")),
      Refuse("S4_05_SixteenEtmalen", "S4-05",
             logeer(16, "2024-01-01", "2024-12-31"), {}, "extent.volume"),
      Refuse("S4_05_TwoStaysOfEight", "S4-05",
             logeer(8, "2024-07-01", "2024-07-31"),
             {logeer(8, "2024-03-01", "2024-03-31")}),
      // S4-06: arbeidsmatige dagbesteding below pension age (67).
      // For the whole period: the client is 66 on the last day.
      Accept("S4_06_Aged66OnTheLastDay", Make(arbeid).Born("1958-01-01")),
      Refuse("S4_06_Aged67", "S4-06", Make(arbeid).Born("1957-01-01"), {},
             "product"),
      Refuse("S4_06_Turns67DuringThePeriod", "S4-06",
             Make(arbeid).Born("1957-06-15"), {}, "end_date"),
      Accept("S4_06_EndsTheDayBeforeTheBirthday",
             Make(arbeid).Born("1957-06-15").End("2024-06-14")),
      Refuse("S4_06_OpenEndedCannotStayBelowTheBound", "S4-06",
             Make(arbeid).Born("1970-06-15").Frequency(kPerMonth).End(""), {},
             "end_date"),
  };
}

std::vector<Case> AllCases() {
  std::vector<Case> all;
  for (auto cases : {FormatCases(), ProductFitCases(), LichtMiddenZwaarCases(),
                     RegulierSpecialistischCases(), ToekomstCases(),
                     MiddenLimburgCases(), PerspectiefCases()}) {
    for (Case& c : cases) all.push_back(std::move(c));
  }
  return all;
}

class AssignmentRulesTest : public ::testing::TestWithParam<Case> {};

TEST_P(AssignmentRulesTest, DecidesAsTheRuleSays) {
  const Case& c = GetParam();
  const std::vector<RuleViolation> violations = Check(c.candidate, c.others);
  if (c.rule.empty()) {
    EXPECT_THAT(violations, IsEmpty()) << Dump(violations);
  } else {
    const bool found = std::any_of(
        violations.begin(), violations.end(), [&](const RuleViolation& v) {
          return v.rule_id() == c.rule &&
                 (c.field.empty() || v.field() == c.field) &&
                 (c.return_code.empty() || v.return_code() == c.return_code);
        });
    EXPECT_TRUE(found) << "want " << c.rule << " on "
                       << (c.field.empty() ? "any field" : c.field)
                       << ", got:\n"
                       << Dump(violations);
  }
  for (const RuleViolation& v : violations) {
    EXPECT_THAT(v.message(), Not(IsEmpty()));
    EXPECT_THAT(v.message(), Not(HasSubstr(kBsn)))
        << "a message carries the BSN";
    if (!c.candidate.client().bsn().empty()) {
      EXPECT_THAT(v.message(), Not(HasSubstr(c.candidate.client().bsn())))
          << "a message carries the BSN";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, AssignmentRulesTest,
                         ::testing::ValuesIn(AllCases()),
                         [](const auto& info) { return info.param.name; });

// Every rule id this suite must cover has an accepted and a refused case,
// and a case named after a rule expects that rule.
TEST(AssignmentRulesCoverageTest, EveryRuleHasAnAcceptedAndARefusedCase) {
  const std::vector<Case> cases = AllCases();
  for (const char* rule :
       {"AS-BSN",      "AS-AGB",      "AS-DATE",      "AS-EXTENT",  "AS-BUDGET",
        "AS-APPROVAL", "AS-CATALOG",  "AS-EXPEDITED", "AS-PRODUCT", "AS-LOT",
        "AS-BASIS",    "AS-CONTRACT", "AS-UNIT",      "S0-03",      "S0-06",
        "S0-07",       "S0-08",       "S1-04",        "S1-06",      "S2-01",
        "S2-02",       "S2-03",       "S2-04",        "S2-05",      "S2-07",
        "S3-02",       "S3-03",       "S3-08",        "S3-09",      "S3-10",
        "S4-01",       "S4-02",       "S4-04",        "S4-05",      "S4-06",
        "TR302",       "TR361",       "TR378",        "RS005"}) {
    std::string prefix = rule;
    std::replace(prefix.begin(), prefix.end(), '-', '_');
    prefix += "_";
    bool accepted = false, refused = false;
    for (const Case& c : cases) {
      if (c.name.rfind(prefix, 0) != 0) continue;
      (c.rule.empty() ? accepted : refused) = true;
      if (!c.rule.empty()) {
        EXPECT_EQ(c.rule, rule) << c.name;
      }
    }
    EXPECT_TRUE(accepted) << rule << " has no accepted case";
    EXPECT_TRUE(refused) << rule << " has no refused case";
  }
}

// Shared rule: a product that needs another needs it on every day, so the
// one it needs may not end or go while it runs (S3-08 here).
TEST(CheckDependentsTest, S3_08_RefusesEndingWhatVervoerNeeds) {
  const cat::Catalog& catalog = LoadCatalog("midden-limburg-2024");
  v1::Assignment before = MiddenLimburg("bgg", "1", kDagdelen, 4, kPerWeek,
                                        "2024-01-01", "2024-12-31");
  before.set_name("municipalities/0988/assignments/1");
  v1::Assignment vervoer = MiddenLimburg("vervoer", "1", kPieces, 2, kPerWeek,
                                         "2024-01-01", "2024-06-30");
  vervoer.set_name("municipalities/1711/assignments/7");
  v1::Assignment bgg = before;
  // Ending on the vervoer's last day or later leaves it covered.
  bgg.set_end_date("2024-06-30");
  EXPECT_THAT(CheckDependents(before, bgg, {vervoer}, catalog), IsEmpty());
  // A day earlier does not; nor does deleting it.
  bgg.set_end_date("2024-06-29");
  std::vector<RuleViolation> v =
      CheckDependents(before, bgg, {vervoer}, catalog);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rule_id(), "S3-08");
  EXPECT_EQ(v[0].field(), "end_date");
  EXPECT_THAT(v[0].message(), HasSubstr(vervoer.name()));
  EXPECT_THAT(v[0].message(), HasSubstr("none from 2024-06-30"));
  bgg.set_state(v1::Assignment::DELETED);
  v = CheckDependents(before, bgg, {vervoer}, catalog);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field(), "name");
  // Another BGG of the client, in another municipality of the region,
  // takes over the cover.
  v1::Assignment other = MiddenLimburg("bgg", "1", kDagdelen, 4, kPerWeek,
                                       "2024-01-01", "2024-12-31");
  other.set_name("municipalities/1711/assignments/8");
  EXPECT_THAT(CheckDependents(before, bgg, {vervoer, other}, catalog),
              IsEmpty());
}

// A gap the dependent had before the change (data from before the rule)
// is not the change's doing: changing something else is not refused.
TEST(CheckDependentsTest, S3_08_AGapFromBeforeDoesNotBlockOtherChanges) {
  const cat::Catalog& catalog = LoadCatalog("midden-limburg-2024");
  v1::Assignment before = MiddenLimburg("bgg", "1", kDagdelen, 4, kPerWeek,
                                        "2024-01-01", "2024-03-31");
  v1::Assignment vervoer = MiddenLimburg("vervoer", "1", kPieces, 2, kPerWeek,
                                         "2024-01-01", "2024-06-30");
  v1::Assignment changed = before;
  changed.add_activities("dagbesteding");
  EXPECT_THAT(CheckDependents(before, changed, {vervoer}, catalog), IsEmpty());
  changed.set_end_date("2024-02-29");  // a larger gap is refused
  EXPECT_THAT(RuleIds(CheckDependents(before, changed, {vervoer}, catalog)),
              ::testing::ElementsAre("S3-08"));
}

// Each dependent is read in the catalog version it was checked against.
TEST(CheckDependentsTest, EachDependentInItsOwnCatalogVersion) {
  const cat::Catalog& catalog = LoadCatalog("midden-limburg-2024");
  cat::Catalog without_vervoer = catalog;
  without_vervoer.clear_products();
  v1::Assignment before = MiddenLimburg("bgg", "1", kDagdelen, 4, kPerWeek,
                                        "2024-01-01", "2024-12-31");
  v1::Assignment vervoer = MiddenLimburg("vervoer", "1", kPieces, 2, kPerWeek,
                                         "2024-01-01", "2024-06-30");
  v1::Assignment deleted = before;
  deleted.set_state(v1::Assignment::DELETED);
  // Read in a version without vervoer, the dependent would go unseen.
  EXPECT_THAT(CheckDependents(before, deleted, {vervoer}, without_vervoer),
              IsEmpty());
  EXPECT_THAT(
      RuleIds(CheckDependents(before, deleted, {vervoer}, without_vervoer,
                              [&](const v1::Assignment& a) {
                                return a.product() == "vervoer" ? &catalog
                                                                : nullptr;
                              })),
      ::testing::ElementsAre("S3-08"));
}

// What the declaration service checks a dependent's lines against: the
// periods of the client's qualifying assignments, none of their other
// details, deleted ones and other products left out.
TEST(QualifyingCoverTest, S3_08_PeriodsOfTheAssignmentsVervoerNeeds) {
  const cat::Catalog& catalog = LoadCatalog("midden-limburg-2024");
  v1::Assignment vervoer = MiddenLimburg("vervoer", "1", kPieces, 2, kPerWeek,
                                         "2024-01-01", "2024-06-30");
  vervoer.set_name("municipalities/0988/assignments/7");
  v1::Assignment late = MiddenLimburg("bgg", "1", kDagdelen, 4, kPerWeek,
                                      "2024-04-01", "2024-12-31");
  v1::Assignment early = late;
  early.set_start_date("2024-01-01");
  early.set_end_date("2024-03-31");
  early.set_name("municipalities/1711/assignments/3");
  v1::Assignment deleted = late;
  deleted.set_state(v1::Assignment::DELETED);
  v1::Assignment bgi = MiddenLimburg("bgi", "1", kHours, 2, kPerWeek,
                                     "2024-01-01", "2024-12-31");
  std::optional<v1::QualifyingCover> cover =
      QualifyingCoverOf(vervoer, {late, bgi, deleted, early}, catalog);
  ASSERT_TRUE(cover.has_value());
  EXPECT_EQ(cover->assignment(), vervoer.name());
  EXPECT_EQ(cover->rule_id(), "S3-08");
  EXPECT_THAT(cover->products(), ::testing::Contains("bgg"));
  ASSERT_EQ(cover->periods_size(), 2);
  EXPECT_EQ(cover->periods(0).start_date(), "2024-01-01");
  EXPECT_EQ(cover->periods(0).end_date(), "2024-03-31");
  EXPECT_EQ(cover->periods(1).start_date(), "2024-04-01");
  EXPECT_EQ(cover->periods(1).end_date(), "2024-12-31");
  // A product that needs none has no cover.
  EXPECT_FALSE(QualifyingCoverOf(late, {vervoer}, catalog).has_value());
}

TEST(CheckAgainstCatalogTest, ReportsEveryViolationAtOnce) {
  // Wrong region, a provider without lot 5, hours instead of etmalen, longer
  // than a year, no results.
  v1::Assignment a = Make(Kdv(10, "2024-03-01", "2025-06-30"))
                         .Municipality("0228")
                         .Provider("99990302")
                         .Unit(kHours)
                         .NoResults();
  const std::vector<std::string> ids = RuleIds(Check(a, {}));
  for (const char* rule :
       {"TR378", "AS-CONTRACT", "AS-UNIT", "S3-03", "S3-10"}) {
    EXPECT_THAT(ids, Contains(rule));
  }
}

TEST(CheckFormatTest, ReportsEveryViolationAtOnce) {
  v1::Assignment a = Make(Kdv(10, "2024-03-01", "2024-02-01"))
                         .Bsn("111222334")
                         .Provider("123")
                         .Volume(-1);
  const std::vector<RuleViolation> violations = CheckFormat(a);
  const std::vector<std::string> ids = RuleIds(violations);
  for (const char* rule : {"AS-BSN", "AS-AGB", "AS-DATE", "AS-EXTENT"}) {
    EXPECT_THAT(ids, Contains(rule));
  }
  for (const RuleViolation& v : violations) {
    EXPECT_THAT(v.message(), Not(HasSubstr("111222334")));
  }
}

TEST(CheckAgainstCatalogTest, ExclusionRecordedOnBothProductsIsReportedOnce) {
  // perspectief-2024 records S4-02 on both products of the pair.
  v1::Assignment candidate =
      Make(kPerspectief, "begeleiding-verminderde-zelfredzaamheid", kHours, 2,
           kPerWeek, "2024-01-01", "2024-12-31");
  v1::Assignment other =
      Make(kPerspectief, "daginvulling-stabilisatie", kDagdelen, 4, kPerWeek,
           "2024-03-01", "2024-12-31");
  const std::vector<std::string> ids = RuleIds(Check(candidate, {other}));
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "S4-02"), 1);
}

TEST(CheckAgainstCatalogTest, YearCapNamesTheRoomLeft) {
  const std::vector<RuleViolation> violations =
      Check(Kdv(20, "2024-06-01", "2024-08-31"),
            {Kdv(30, "2024-01-01", "2024-03-31")});
  ASSERT_THAT(RuleIds(violations), Contains("S3-09"));
  const auto it = std::find_if(
      violations.begin(), violations.end(),
      [](const RuleViolation& v) { return v.rule_id() == "S3-09"; });
  EXPECT_THAT(it->message(), HasSubstr("in 2024"));
  EXPECT_THAT(it->message(), HasSubstr("at most 12"));
}

TEST(CheckAgainstCatalogTest, MissingCatalogIsReported) {
  CatalogContext context;
  EXPECT_THAT(RuleIds(CheckAgainstCatalog(Kdv(10, "2024-03-01", "2024-06-30"),
                                          context)),
              Contains("AS-CATALOG"));
}

TEST(EffectiveLotTest, NamedLotWins) {
  EXPECT_EQ(EffectiveLot(MiddenLimburg("bgi", "3", kHours, 2, kPerWeek,
                                       "2024-01-01", "2024-12-31"),
                         LoadCatalog("midden-limburg-2024")),
            "3");
}

TEST(EffectiveLotTest, TheOnlyLotHoldingTheProduct) {
  EXPECT_EQ(EffectiveLot(Kdv(10, "2024-03-01", "2024-06-30"),
                         LoadCatalog("midden-limburg-2024")),
            "5");
}

TEST(EffectiveLotTest, EmptyWhenSeveralLotsHoldTheProduct) {
  EXPECT_EQ(EffectiveLot(MiddenLimburg("bgi", "", kHours, 2, kPerWeek,
                                       "2024-01-01", "2024-12-31"),
                         LoadCatalog("midden-limburg-2024")),
            "");
}

TEST(EffectiveLotTest, EmptyForAnUnknownProduct) {
  EXPECT_EQ(EffectiveLot(
                Make(Kdv(10, "2024-03-01", "2024-06-30")).Product("logeerzorg"),
                LoadCatalog("midden-limburg-2024")),
            "");
}

}  // namespace
}  // namespace wmo::assignment
