// Walks the SEED-RULES.md checklist of catalog `toekomst-sociaal-domein-2023`
// (seed 002_4391f3baeb5519d7.txt): every rule S2-01 ... S2-07 must be present
// in catalogs/toekomst-sociaal-domein-2023.textproto with its values and its
// source.

#include <google/protobuf/text_format.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wmo/catalog/v1/catalog.pb.h"
#include "wmo/type/v1/types.pb.h"

namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using ::wmo::catalog::v1::ApprovalRequirement;
using ::wmo::catalog::v1::Catalog;
using ::wmo::catalog::v1::Contract;
using ::wmo::catalog::v1::LimitWindow;
using ::wmo::catalog::v1::Product;
using ::wmo::catalog::v1::QuantityLimit;
using ::wmo::type::v1::Source;

constexpr char kCatalogId[] = "toekomst-sociaal-domein-2023";
constexpr char kSeed[] = "002_4391f3baeb5519d7.txt";
constexpr char kValidFrom[] = "2023-01-01";

constexpr char kAcuut[] = "begeleiding-acuut";
constexpr char kLerenOntwikkelen[] = "begeleiding-leren-ontwikkelen";
constexpr char kGroepstraining[] = "groepstraining";
constexpr char kBereikBeschikbaarheid[] = "bereik-beschikbaarheid";
constexpr char kBehouden[] = "begeleiding-behouden";
constexpr char kWaakvlam[] = "waakvlamcontact";
constexpr char kDagbestedingOntwikkelen[] = "dagbesteding-ontwikkelen";
constexpr char kDagbestedingBehouden[] = "dagbesteding-behouden";
constexpr char kVervoer0To5[] = "vervoer-0-5-km";
constexpr char kVervoer5To10[] = "vervoer-5-10-km";
constexpr char kVervoer10To20[] = "vervoer-10-20-km";

struct LoadedCatalog {
  bool parsed = false;
  Catalog catalog;
};

// Parses the catalog file once.
const LoadedCatalog& Load() {
  static const LoadedCatalog* const loaded = [] {
    auto* result = new LoadedCatalog;
    std::ifstream in(std::string(WMO_SOURCE_DIR) + "/catalogs/" + kCatalogId +
                     ".textproto");
    std::stringstream text;
    text << in.rdbuf();
    result->parsed =
        in.is_open() && google::protobuf::TextFormat::ParseFromString(
                            text.str(), &result->catalog);
    return result;
  }();
  return *loaded;
}

const Catalog& TheCatalog() { return Load().catalog; }

// The product with `id`, or nullptr.
const Product* FindProduct(std::string_view id) {
  for (const Product& product : TheCatalog().products()) {
    if (product.id() == id) return &product;
  }
  return nullptr;
}

// The first quantity limit of `product` counting over `window`, or nullptr.
const QuantityLimit* FindLimit(const Product& product, LimitWindow window) {
  for (const QuantityLimit& limit : product.limits()) {
    if (limit.window() == window) return &limit;
  }
  return nullptr;
}

// Checks that `source` points at this catalog's seed and rule `rule`.
void ExpectSource(const Source& source, std::string_view rule) {
  EXPECT_EQ(source.seed(), kSeed);
  EXPECT_EQ(source.rule(), rule);
  EXPECT_FALSE(source.section().empty()) << "rule " << rule;
}

// Whether product.sources names rule `rule` of this seed.
bool HasSourceRule(const Product& product, std::string_view rule) {
  for (const Source& source : product.sources()) {
    if (source.seed() == kSeed && source.rule() == rule &&
        !source.section().empty()) {
      return true;
    }
  }
  return false;
}

// Every product a contract holds: its product_ids plus the products of its
// lots.
std::set<std::string> ContractedProducts(const Contract& contract) {
  std::set<std::string> products(contract.product_ids().begin(),
                                 contract.product_ids().end());
  for (const std::string& lot_id : contract.lot_ids()) {
    for (const auto& lot : TheCatalog().lots()) {
      if (lot.id() == lot_id) {
        products.insert(lot.product_ids().begin(), lot.product_ids().end());
      }
    }
  }
  return products;
}

std::vector<std::string> Ids(
    const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return std::vector<std::string>(ids.begin(), ids.end());
}

// A time window as "label weekdays start-end", weekdays as ISO numbers.
std::string DescribeWindow(const wmo::catalog::v1::TimeWindow& window) {
  std::string days;
  for (int day : window.weekdays()) days += std::to_string(day);
  return window.label() + " [" + days + "] " + window.start() + "-" +
         window.end();
}

TEST(ToekomstSociaalDomein2023SeedRulesTest, CatalogFileParses) {
  ASSERT_TRUE(Load().parsed);
  const Catalog& catalog = TheCatalog();
  EXPECT_EQ(catalog.id(), kCatalogId);
  EXPECT_EQ(catalog.valid_from(), kValidFrom);
  EXPECT_EQ(catalog.valid_to(), "");
  EXPECT_TRUE(catalog.example_tariffs());
  EXPECT_EQ(catalog.source().seed(), kSeed);
  // Output-only fields stay empty in the file.
  EXPECT_EQ(catalog.name(), "");
  EXPECT_EQ(catalog.version(), 0);
  EXPECT_EQ(catalog.content_sha256(), "");
  EXPECT_FALSE(catalog.has_import_time());
  EXPECT_FALSE(catalog.municipalities().empty());
  for (const auto& municipality : catalog.municipalities()) {
    EXPECT_THAT(municipality.cbs_code(),
                ::testing::MatchesRegex("[0-9][0-9][0-9][0-9]"));
  }
}

TEST(ToekomstSociaalDomein2023SeedRulesTest,
     S2_01AcuteGuideline100HoursIn6MonthsExpeditedNeedsApproval) {
  const Product* product = FindProduct(kAcuut);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_INDIVIDUAL_SUPPORT);
  EXPECT_EQ(product->unit(), wmo::type::v1::UNIT_HOUR);

  const QuantityLimit* limit =
      FindLimit(*product, wmo::catalog::v1::LIMIT_WINDOW_ASSIGNMENT);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->max_quantity(), 100);
  EXPECT_EQ(limit->unit(), wmo::type::v1::UNIT_HOUR);
  EXPECT_TRUE(limit->advisory());  // a richtlijn
  ExpectSource(limit->source(), "S2-01");

  ASSERT_TRUE(product->has_assignment_duration());
  EXPECT_EQ(product->assignment_duration().max_months(), 6);
  EXPECT_TRUE(product->assignment_duration().contiguous());
  ExpectSource(product->assignment_duration().source(), "S2-01");

  ASSERT_EQ(product->approvals_size(), 1);
  const ApprovalRequirement& approval = product->approvals(0);
  EXPECT_EQ(approval.kind(), wmo::catalog::v1::APPROVAL_KIND_EXPEDITED_START);
  EXPECT_FALSE(approval.always());
  EXPECT_FALSE(approval.situation().empty());
  ExpectSource(approval.source(), "S2-01");
}

TEST(ToekomstSociaalDomein2023SeedRulesTest,
     S2_02LerenAndBehoudenAtMost2YearsAnd25PercentDigital) {
  for (const char* id : {kLerenOntwikkelen, kBehouden}) {
    SCOPED_TRACE(id);
    const Product* product = FindProduct(id);
    ASSERT_NE(product, nullptr);
    EXPECT_EQ(product->kind(),
              wmo::catalog::v1::PRODUCT_KIND_INDIVIDUAL_SUPPORT);
    ASSERT_TRUE(product->has_assignment_duration());
    EXPECT_EQ(product->assignment_duration().min_months(), 0);
    EXPECT_EQ(product->assignment_duration().max_months(), 24);
    EXPECT_TRUE(product->assignment_duration().contiguous());
    ExpectSource(product->assignment_duration().source(), "S2-02");

    ASSERT_TRUE(product->has_digital_contact());
    EXPECT_EQ(product->digital_contact().max_share_percent(), 25);
    ExpectSource(product->digital_contact().source(), "S2-02");
  }
}

TEST(ToekomstSociaalDomein2023SeedRulesTest,
     S2_03GroepstrainingWithLerenGroupOf8And4To10SessionsOf2Hours) {
  const Product* product = FindProduct(kGroepstraining);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_GROUP_SUPPORT);
  // Unit: session, one piece (effort) per session.
  EXPECT_EQ(product->unit(), wmo::type::v1::UNIT_PIECES_EFFORT);
  EXPECT_TRUE(HasSourceRule(*product, "S2-03"));

  EXPECT_THAT(Ids(product->requires_any_of().product_ids()),
              ElementsAre(kLerenOntwikkelen));
  EXPECT_EQ(product->requires_any_of().alternative(), "");
  ExpectSource(product->requires_any_of().source(), "S2-03");

  ASSERT_TRUE(product->has_group());
  EXPECT_EQ(product->group().max_size(), 8);
  EXPECT_EQ(product->group().session_minutes(), 120);
  ExpectSource(product->group().source(), "S2-03");

  const QuantityLimit* limit =
      FindLimit(*product, wmo::catalog::v1::LIMIT_WINDOW_ASSIGNMENT);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->min_quantity(), 4);
  EXPECT_EQ(limit->max_quantity(), 10);
  EXPECT_EQ(limit->unit(), wmo::type::v1::UNIT_PIECES_EFFORT);
  ExpectSource(limit->source(), "S2-03");
}

TEST(ToekomstSociaalDomein2023SeedRulesTest,
     S2_04BereikOnlyWithLerenAndInEveningNightWeekendWindows) {
  const Product* product = FindProduct(kBereikBeschikbaarheid);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_AVAILABILITY);

  EXPECT_THAT(Ids(product->requires_any_of().product_ids()),
              ElementsAre(kLerenOntwikkelen));
  EXPECT_THAT(product->requires_any_of().alternative(),
              ::testing::HasSubstr("Beschermd Wonen"));
  ExpectSource(product->requires_any_of().source(), "S2-04");

  ASSERT_TRUE(product->has_delivery_windows());
  std::vector<std::string> windows;
  for (const auto& window : product->delivery_windows().windows()) {
    windows.push_back(DescribeWindow(window));
  }
  // Weekdays: Monday = 1 ... Sunday = 7; [] means every day.
  EXPECT_THAT(windows, UnorderedElementsAre("avond [] 20:00-24:00",
                                            "nacht [] 00:00-07:00",
                                            "weekend [5] 20:00-24:00",
                                            "weekend [67] 00:00-24:00",
                                            "weekend [1] 00:00-07:00"));
  ExpectSource(product->delivery_windows().source(), "S2-04");
}

TEST(ToekomstSociaalDomein2023SeedRulesTest,
     S2_05WaakvlamAtMost1Year15HoursAndAtLeast2ContactsPerYear) {
  const Product* product = FindProduct(kWaakvlam);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_AVAILABILITY);

  ASSERT_TRUE(product->has_assignment_duration());
  EXPECT_EQ(product->assignment_duration().max_months(), 12);
  EXPECT_TRUE(product->assignment_duration().contiguous());
  ExpectSource(product->assignment_duration().source(), "S2-05");

  const QuantityLimit* total =
      FindLimit(*product, wmo::catalog::v1::LIMIT_WINDOW_ASSIGNMENT);
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->max_quantity(), 15);
  EXPECT_EQ(total->unit(), wmo::type::v1::UNIT_HOUR);
  EXPECT_FALSE(total->advisory());
  ExpectSource(total->source(), "S2-05");

  const QuantityLimit* contacts =
      FindLimit(*product, wmo::catalog::v1::LIMIT_WINDOW_CALENDAR_YEAR);
  ASSERT_NE(contacts, nullptr);
  EXPECT_EQ(contacts->min_quantity(), 2);
  EXPECT_EQ(contacts->max_quantity(), 0);
  // Unspecified unit: counts days with a delivery (contact moments).
  EXPECT_EQ(contacts->unit(), wmo::type::v1::UNIT_UNSPECIFIED);
  ExpectSource(contacts->source(), "S2-05");
}

TEST(ToekomstSociaalDomein2023SeedRulesTest,
     S2_06DagbestedingStaffingAndNoMaximumDuration) {
  const Product* ontwikkelen = FindProduct(kDagbestedingOntwikkelen);
  const Product* behouden = FindProduct(kDagbestedingBehouden);
  ASSERT_NE(ontwikkelen, nullptr);
  ASSERT_NE(behouden, nullptr);

  ASSERT_TRUE(ontwikkelen->has_group());
  EXPECT_EQ(ontwikkelen->group().min_clients_per_staff(), 4);
  EXPECT_EQ(ontwikkelen->group().max_clients_per_staff(), 5);
  ExpectSource(ontwikkelen->group().source(), "S2-06");
  // No maximum duration: the bounds are present and both zero.
  ASSERT_TRUE(ontwikkelen->has_assignment_duration());
  EXPECT_EQ(ontwikkelen->assignment_duration().min_months(), 0);
  EXPECT_EQ(ontwikkelen->assignment_duration().max_months(), 0);
  ExpectSource(ontwikkelen->assignment_duration().source(), "S2-06");

  ASSERT_TRUE(behouden->has_group());
  EXPECT_EQ(behouden->group().min_clients_per_staff(), 6);
  EXPECT_EQ(behouden->group().max_clients_per_staff(), 6);
  ExpectSource(behouden->group().source(), "S2-06");

  for (const Product* product : {ontwikkelen, behouden}) {
    EXPECT_EQ(product->category(), "07");
    EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_DAY_ACTIVITY);
  }
}

TEST(ToekomstSociaalDomein2023SeedRulesTest,
     S2_07VervoerWithDagbestedingInThreeBandsFarBandNeedsApproval) {
  struct Band {
    const char* id;
    int min_km;
    int max_km;
    bool needs_approval;
  };
  for (const Band& band :
       {Band{kVervoer0To5, 0, 5, false}, Band{kVervoer5To10, 5, 10, false},
        Band{kVervoer10To20, 10, 20, true}}) {
    SCOPED_TRACE(band.id);
    const Product* product = FindProduct(band.id);
    ASSERT_NE(product, nullptr);
    EXPECT_EQ(product->category(), "08");
    EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_TRANSPORT);

    EXPECT_THAT(
        Ids(product->requires_any_of().product_ids()),
        UnorderedElementsAre(kDagbestedingOntwikkelen, kDagbestedingBehouden));
    ExpectSource(product->requires_any_of().source(), "S2-07");

    ASSERT_TRUE(product->has_transport());
    EXPECT_EQ(product->transport().min_distance_km(), band.min_km);
    EXPECT_EQ(product->transport().max_distance_km(), band.max_km);
    ExpectSource(product->transport().source(), "S2-07");

    if (band.needs_approval) {
      ASSERT_EQ(product->approvals_size(), 1);
      const ApprovalRequirement& approval = product->approvals(0);
      EXPECT_EQ(approval.kind(), wmo::catalog::v1::APPROVAL_KIND_DISTANCE_BAND);
      EXPECT_TRUE(approval.always());
      ExpectSource(approval.source(), "S2-07");
    } else {
      EXPECT_EQ(product->approvals_size(), 0);
    }
  }
}

TEST(ToekomstSociaalDomein2023SeedRulesTest, ProductsFollowCatalogConventions) {
  std::set<std::string> ids;
  std::set<std::string> codes;
  for (const Product& product : TheCatalog().products()) {
    SCOPED_TRACE(product.id());
    EXPECT_TRUE(ids.insert(product.id()).second);
    EXPECT_THAT(product.id(), ::testing::MatchesRegex("[a-z0-9-]+"));
    EXPECT_EQ(product.category().size(), 2u);
    ASSERT_EQ(product.code().size(), 5u);
    EXPECT_EQ(product.code().substr(0, 2), product.category());
    EXPECT_TRUE(codes.insert(product.code()).second);
    EXPECT_NE(product.unit(), wmo::type::v1::UNIT_UNSPECIFIED);
    EXPECT_NE(product.kind(), wmo::catalog::v1::PRODUCT_KIND_UNSPECIFIED);
    ASSERT_EQ(product.tariffs_size(), 1);
    EXPECT_TRUE(product.tariffs(0).example());
    EXPECT_GT(product.tariffs(0).cents(), 0);
    EXPECT_EQ(product.tariffs(0).valid_from(), kValidFrom);
    EXPECT_EQ(product.tariffs(0).valid_to(), "");
  }
  EXPECT_EQ(ids.size(), 12u);
}

TEST(ToekomstSociaalDomein2023SeedRulesTest, EveryReferencedProductExists) {
  const Catalog& catalog = TheCatalog();
  for (const Product& product : catalog.products()) {
    SCOPED_TRACE(product.id());
    for (const auto* set : {&product.requires_any_of(), &product.excludes(),
                            &product.billing().not_concurrent_with(),
                            &product.billing().only_on_attendance_of()}) {
      for (const std::string& id : set->product_ids()) {
        EXPECT_NE(FindProduct(id), nullptr) << id;
      }
    }
    if (product.billing().has_bundled()) {
      EXPECT_NE(FindProduct(product.billing().bundled().product_id()), nullptr);
    }
  }
  for (const auto& bundle : catalog.contract_bundles()) {
    for (const std::string& id : bundle.product_ids()) {
      EXPECT_NE(FindProduct(id), nullptr) << id;
    }
    for (const std::string& id : bundle.standalone_product_ids()) {
      EXPECT_NE(FindProduct(id), nullptr) << id;
    }
  }
}

TEST(ToekomstSociaalDomein2023SeedRulesTest, LotsAndDemoContractsAreComplete) {
  const Catalog& catalog = TheCatalog();
  std::set<std::string> in_a_lot;
  std::set<std::string> lot_ids;
  for (const auto& lot : catalog.lots()) {
    lot_ids.insert(lot.id());
    for (const std::string& id : lot.product_ids()) {
      EXPECT_NE(FindProduct(id), nullptr) << id;
      in_a_lot.insert(id);
    }
  }
  for (const Product& product : catalog.products()) {
    EXPECT_EQ(in_a_lot.count(product.id()), 1u) << product.id();
  }
  ASSERT_GE(catalog.contracts_size(), 2);
  ASSERT_LE(catalog.contracts_size(), 3);
  std::set<std::string> agbs;
  bool one_holds_all = false;
  for (const Contract& contract : catalog.contracts()) {
    SCOPED_TRACE(contract.provider_agb());
    EXPECT_THAT(contract.provider_agb(),
                ::testing::MatchesRegex("9999[0-9][0-9][0-9][0-9]"));
    EXPECT_TRUE(agbs.insert(contract.provider_agb()).second);
    EXPECT_TRUE(contract.demo());
    EXPECT_EQ(contract.valid_from(), kValidFrom);
    for (const std::string& id : contract.product_ids()) {
      EXPECT_NE(FindProduct(id), nullptr) << id;
    }
    for (const std::string& id : contract.lot_ids()) {
      EXPECT_EQ(lot_ids.count(id), 1u) << id;
    }
    if (ContractedProducts(contract).size() ==
        static_cast<size_t>(catalog.products_size())) {
      one_holds_all = true;
    }
  }
  EXPECT_TRUE(one_holds_all);
}

}  // namespace
