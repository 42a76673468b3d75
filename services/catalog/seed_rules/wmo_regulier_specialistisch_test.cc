// Walks the SEED-RULES.md checklist of catalog `wmo-regulier-specialistisch`
// (seed 001_8928bcfffc283412.txt): every rule S1-01 ... S1-07 must be present
// in catalogs/wmo-regulier-specialistisch.textproto with its values and its
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

constexpr char kCatalogId[] = "wmo-regulier-specialistisch";
constexpr char kSeed[] = "001_8928bcfffc283412.txt";
constexpr char kValidFrom[] = "2024-01-01";

constexpr char kRegulier[] = "begeleiding-individueel-regulier";
constexpr char kSpecialistisch[] = "begeleiding-individueel-specialistisch";
constexpr char kDagbestedingGroep[] = "dagbesteding-groep";
constexpr char kDagbestedingGroepExtra[] = "dagbesteding-groep-extra";
constexpr char kLogeeropvang[] = "logeeropvang-volwassenen";
constexpr char kVervoerRegulier[] = "vervoer-regulier";
constexpr char kVervoerRolstoel[] = "vervoer-rolstoel";

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

TEST(WmoRegulierSpecialistischSeedRulesTest, CatalogFileParses) {
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

TEST(WmoRegulierSpecialistischSeedRulesTest,
     S1_01RegulierPlannedOnlySpecialistischAlsoUnplanned) {
  const Product* regulier = FindProduct(kRegulier);
  const Product* specialistisch = FindProduct(kSpecialistisch);
  ASSERT_NE(regulier, nullptr);
  ASSERT_NE(specialistisch, nullptr);
  EXPECT_EQ(regulier->level(), "regulier");
  EXPECT_EQ(specialistisch->level(), "specialistisch");

  ASSERT_TRUE(regulier->has_delivery_moments());
  EXPECT_FALSE(regulier->delivery_moments().unplanned_allowed());
  ExpectSource(regulier->delivery_moments().source(), "S1-01");

  ASSERT_TRUE(specialistisch->has_delivery_moments());
  EXPECT_TRUE(specialistisch->delivery_moments().unplanned_allowed());
  ExpectSource(specialistisch->delivery_moments().source(), "S1-01");

  for (const Product* product : {regulier, specialistisch}) {
    EXPECT_EQ(product->category(), "02");
    EXPECT_EQ(product->kind(),
              wmo::catalog::v1::PRODUCT_KIND_INDIVIDUAL_SUPPORT);
  }
}

TEST(WmoRegulierSpecialistischSeedRulesTest,
     S1_02DagbestedingGroep7To11OnWorkingDaysDaytime) {
  const Product* product = FindProduct(kDagbestedingGroep);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->category(), "07");
  EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_DAY_ACTIVITY);
  ASSERT_TRUE(product->has_group());
  EXPECT_EQ(product->group().min_size(), 7);
  EXPECT_EQ(product->group().max_size(), 11);
  ExpectSource(product->group().source(), "S1-02");

  ASSERT_TRUE(product->has_delivery_windows());
  ASSERT_EQ(product->delivery_windows().windows_size(), 1);
  const auto& window = product->delivery_windows().windows(0);
  EXPECT_THAT(
      std::vector<int>(window.weekdays().begin(), window.weekdays().end()),
      ElementsAre(wmo::catalog::v1::WEEKDAY_MONDAY,
                  wmo::catalog::v1::WEEKDAY_TUESDAY,
                  wmo::catalog::v1::WEEKDAY_WEDNESDAY,
                  wmo::catalog::v1::WEEKDAY_THURSDAY,
                  wmo::catalog::v1::WEEKDAY_FRIDAY));
  EXPECT_EQ(window.start(), "08:00");
  EXPECT_EQ(window.end(), "18:00");
  ExpectSource(product->delivery_windows().source(), "S1-02");
}

TEST(WmoRegulierSpecialistischSeedRulesTest,
     S1_03DagbestedingGroepExtra4To6WithAtLeast40PercentHbo) {
  const Product* product = FindProduct(kDagbestedingGroepExtra);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->category(), "07");
  EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_DAY_ACTIVITY);
  ASSERT_TRUE(product->has_group());
  EXPECT_EQ(product->group().min_size(), 4);
  EXPECT_EQ(product->group().max_size(), 6);
  EXPECT_EQ(product->group().min_hbo_staff_percent(), 40);
  ExpectSource(product->group().source(), "S1-03");
}

TEST(WmoRegulierSpecialistischSeedRulesTest,
     S1_04LogeeropvangPerEtmaalAtMostOneYearAnd104PerYear) {
  const Product* product = FindProduct(kLogeeropvang);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->category(), "04");
  EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_SHORT_STAY);
  EXPECT_EQ(product->unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_TRUE(HasSourceRule(*product, "S1-04"));

  ASSERT_TRUE(product->has_assignment_duration());
  EXPECT_EQ(product->assignment_duration().min_months(), 0);
  EXPECT_EQ(product->assignment_duration().max_months(), 12);
  ExpectSource(product->assignment_duration().source(), "S1-04");

  const QuantityLimit* limit =
      FindLimit(*product, wmo::catalog::v1::LIMIT_WINDOW_CALENDAR_YEAR);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->max_quantity(), 104);
  EXPECT_EQ(limit->unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_FALSE(limit->advisory());
  ExpectSource(limit->source(), "S1-04");
}

TEST(WmoRegulierSpecialistischSeedRulesTest,
     S1_05VervoerCodes08A03And08A04PerReturnTripPerAttendanceDay) {
  const Product* regulier = FindProduct(kVervoerRegulier);
  const Product* rolstoel = FindProduct(kVervoerRolstoel);
  ASSERT_NE(regulier, nullptr);
  ASSERT_NE(rolstoel, nullptr);
  EXPECT_EQ(regulier->code(), "08A03");
  EXPECT_EQ(rolstoel->code(), "08A04");
  EXPECT_FALSE(regulier->transport().wheelchair());
  EXPECT_TRUE(rolstoel->transport().wheelchair());
  for (const Product* product : {regulier, rolstoel}) {
    SCOPED_TRACE(product->id());
    EXPECT_EQ(product->category(), "08");
    EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_TRANSPORT);
    EXPECT_EQ(product->unit(), wmo::type::v1::UNIT_PIECES_OUTPUT);
    EXPECT_TRUE(HasSourceRule(*product, "S1-05"));
    EXPECT_EQ(product->transport().billed_per(), "retourrit");

    ASSERT_TRUE(product->billing().has_once_per_day());
    ExpectSource(product->billing().once_per_day().source(), "S1-05");
    EXPECT_THAT(Ids(product->billing().only_on_attendance_of().product_ids()),
                UnorderedElementsAre(kDagbestedingGroep,
                                     kDagbestedingGroepExtra, kLogeeropvang));
    ExpectSource(product->billing().only_on_attendance_of().source(), "S1-05");
    // One return trip per logeeropvang stay, not per night.
    EXPECT_THAT(Ids(product->billing().once_per_stay_of().product_ids()),
                UnorderedElementsAre(kLogeeropvang));
    ExpectSource(product->billing().once_per_stay_of().source(), "S1-05");
  }
  // One trip per day counts both transport products.
  EXPECT_THAT(regulier->billing().once_per_day().counted_with(),
              ElementsAre(kVervoerRolstoel));
  EXPECT_THAT(rolstoel->billing().once_per_day().counted_with(),
              ElementsAre(kVervoerRegulier));
}

TEST(WmoRegulierSpecialistischSeedRulesTest,
     S1_06VervoerOnlyWithDagbestedingOrLogeeropvang) {
  for (const char* id : {kVervoerRegulier, kVervoerRolstoel}) {
    SCOPED_TRACE(id);
    const Product* product = FindProduct(id);
    ASSERT_NE(product, nullptr);
    EXPECT_THAT(Ids(product->requires_any_of().product_ids()),
                UnorderedElementsAre(kDagbestedingGroep,
                                     kDagbestedingGroepExtra, kLogeeropvang));
    EXPECT_EQ(product->requires_any_of().alternative(), "");
    ExpectSource(product->requires_any_of().source(), "S1-06");
  }
}

TEST(WmoRegulierSpecialistischSeedRulesTest, S1_07SingleRideAtMost30Minutes) {
  for (const char* id : {kVervoerRegulier, kVervoerRolstoel}) {
    SCOPED_TRACE(id);
    const Product* product = FindProduct(id);
    ASSERT_NE(product, nullptr);
    ASSERT_TRUE(product->has_transport());
    EXPECT_EQ(product->transport().max_ride_minutes(), 30);
    ExpectSource(product->transport().source(), "S1-07");
  }
}

TEST(WmoRegulierSpecialistischSeedRulesTest, ProductsFollowCatalogConventions) {
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
  EXPECT_EQ(ids.size(), 7u);
}

TEST(WmoRegulierSpecialistischSeedRulesTest, EveryReferencedProductExists) {
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

TEST(WmoRegulierSpecialistischSeedRulesTest, LotsAndDemoContractsAreComplete) {
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
