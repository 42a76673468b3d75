// Seed-rule checklist for catalogs/perspectief-2024.textproto: every rule
// S4-01 ... S4-06 of SEED-RULES.md must be present as data, with its values
// and a source pointing back to seed 004_6467cfbcff7c486b.txt.

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "wmo/catalog/v1/catalog.pb.h"
#include "wmo/type/v1/types.pb.h"

namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;
using ::wmo::catalog::v1::Catalog;
using ::wmo::catalog::v1::Contract;
using ::wmo::catalog::v1::LimitWindow;
using ::wmo::catalog::v1::Lot;
using ::wmo::catalog::v1::Product;
using ::wmo::catalog::v1::QuantityLimit;

constexpr char kCatalogId[] = "perspectief-2024";
constexpr char kSeed[] = "004_6467cfbcff7c486b.txt";

// The products vervoer requires (S4-04).
const std::vector<std::string>& DayActivityIds() {
  static const auto* const ids = new std::vector<std::string>{
      "daginvulling-stabilisatie", "daginvulling-verminderde-zelfredzaamheid",
      "arbeidsmatige-dagbesteding", "dagbesteding-ontwikkelingsgericht"};
  return *ids;
}

// True when a wmo.type.v1.Source names this catalog's seed, the given rule id
// and a non-empty section.
MATCHER_P(IsSource, rule, "is a source for rule " + std::string(rule)) {
  return arg.seed() == kSeed && arg.rule() == rule && !arg.section().empty();
}

// Loads and parses the catalog file once; a failure is reported in every test.
const Catalog& GetCatalog() {
  static const Catalog* const catalog = [] {
    auto* parsed = new Catalog();
    const std::string path =
        std::string(WMO_SOURCE_DIR) + "/catalogs/" + kCatalogId + ".textproto";
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    if (!file.good() ||
        !google::protobuf::TextFormat::ParseFromString(text.str(), parsed)) {
      parsed->Clear();
    }
    return parsed;
  }();
  EXPECT_EQ(catalog->id(), kCatalogId) << "catalog file did not load";
  return *catalog;
}

const Product* FindProduct(const Catalog& catalog, const std::string& id) {
  for (const Product& product : catalog.products()) {
    if (product.id() == id) return &product;
  }
  return nullptr;
}

const Lot* FindLot(const Catalog& catalog, const std::string& id) {
  for (const Lot& lot : catalog.lots()) {
    if (lot.id() == id) return &lot;
  }
  return nullptr;
}

const QuantityLimit* FindLimit(const Product& product, LimitWindow window) {
  for (const QuantityLimit& limit : product.limits()) {
    if (limit.window() == window) return &limit;
  }
  return nullptr;
}

// Products a contract holds, directly or through its lots.
std::set<std::string> HeldProducts(const Catalog& catalog,
                                   const Contract& contract) {
  std::set<std::string> held(contract.product_ids().begin(),
                             contract.product_ids().end());
  for (const std::string& lot_id : contract.lot_ids()) {
    const Lot* lot = FindLot(catalog, lot_id);
    if (lot != nullptr) {
      held.insert(lot->product_ids().begin(), lot->product_ids().end());
    }
  }
  return held;
}

bool HasAttribute(const Contract& contract, const std::string& attribute) {
  for (const std::string& a : contract.attributes()) {
    if (a == attribute) return true;
  }
  return false;
}

TEST(Perspectief2024SeedRulesTest, CatalogHeaderAndMunicipalities) {
  const Catalog& catalog = GetCatalog();
  EXPECT_EQ(catalog.valid_from(), "2024-01-01");
  EXPECT_EQ(catalog.valid_to(), "");
  EXPECT_TRUE(catalog.example_tariffs());
  EXPECT_EQ(catalog.source().seed(), kSeed);
  ASSERT_GT(catalog.municipalities_size(), 0);
  std::set<std::string> codes;
  for (const auto& municipality : catalog.municipalities()) {
    EXPECT_EQ(municipality.cbs_code().size(), 4u) << municipality.name();
    EXPECT_EQ(municipality.cbs_code().find_first_not_of("0123456789"),
              std::string::npos)
        << municipality.name();
    EXPECT_TRUE(codes.insert(municipality.cbs_code()).second);
  }
}

TEST(Perspectief2024SeedRulesTest, EachProductSitsInThePerceelTheSeedNames) {
  const Catalog& catalog = GetCatalog();
  const std::map<std::string, std::vector<std::string>> expected = {
      {"waakvlam-ontwikkeling", {"1"}},
      {"begeleiding-ontwikkeling", {"1"}},
      {"dagbesteding-ontwikkelingsgericht", {"4"}},
      {"waakvlam-stabilisatie", {"1"}},
      {"begeleiding-stabilisatie-laag", {"1"}},
      {"begeleiding-stabilisatie-midden", {"1"}},
      {"begeleiding-stabilisatie-hoog", {"2"}},
      {"arbeidsmatige-dagbesteding", {"5"}},
      {"daginvulling-stabilisatie", {"3"}},
      {"begeleiding-verminderde-zelfredzaamheid", {"1"}},
      {"daginvulling-verminderde-zelfredzaamheid", {"3"}},
      {"vervoer-tot-10-regulier", {"3", "4", "5"}},
      {"vervoer-tot-10-rolstoel", {"3", "4", "5"}},
      {"vervoer-10-30-regulier", {"3", "4", "5"}},
      {"vervoer-10-30-rolstoel", {"3", "4", "5"}},
      {"vervoer-30-40-regulier", {"3", "4", "5"}},
      {"vervoer-30-40-rolstoel", {"3", "4", "5"}},
      {"vervoer-40-plus-regulier", {"3", "4", "5"}},
      {"vervoer-40-plus-rolstoel", {"3", "4", "5"}},
      // The seed names no perceel for logeerzorg; it has a lot of its own.
      {"logeerzorg", {"6"}},
  };
  ASSERT_EQ(catalog.products_size(), static_cast<int>(expected.size()));
  std::map<std::string, std::vector<std::string>> actual;
  for (const Lot& lot : catalog.lots()) {
    EXPECT_EQ(lot.exclusivity_group(), "") << "lot " << lot.id();
    for (const std::string& id : lot.product_ids()) {
      actual[id].push_back(lot.id());
    }
  }
  for (const auto& [id, lots] : expected) {
    EXPECT_NE(FindProduct(catalog, id), nullptr) << id;
    EXPECT_THAT(actual[id], UnorderedElementsAreArray(lots)) << id;
  }
}

TEST(Perspectief2024SeedRulesTest, S4_01WaakvlamAtMostTwoResultsWithinAYear) {
  const Catalog& catalog = GetCatalog();
  const Product* ontwikkeling = FindProduct(catalog, "waakvlam-ontwikkeling");
  ASSERT_NE(ontwikkeling, nullptr);
  ASSERT_TRUE(ontwikkeling->has_result_limits());
  EXPECT_EQ(ontwikkeling->result_limits().max_results(), 2);
  EXPECT_EQ(ontwikkeling->result_limits().within_months(), 12);
  EXPECT_THAT(ontwikkeling->result_limits().source(), IsSource("S4-01"));
  EXPECT_EQ(ontwikkeling->perspective(), "ontwikkeling");

  const Product* stabilisatie = FindProduct(catalog, "waakvlam-stabilisatie");
  ASSERT_NE(stabilisatie, nullptr);
  ASSERT_TRUE(stabilisatie->has_result_limits());
  EXPECT_EQ(stabilisatie->result_limits().max_results(), 2);
  EXPECT_EQ(stabilisatie->result_limits().within_months(), 0);
  EXPECT_THAT(stabilisatie->result_limits().source(), IsSource("S4-01"));
  EXPECT_EQ(stabilisatie->perspective(), "stabilisatie");
}

TEST(Perspectief2024SeedRulesTest,
     S4_02VerminderdeZelfredzaamheidExcludesDaginvulling) {
  const Catalog& catalog = GetCatalog();
  const Product* begeleiding =
      FindProduct(catalog, "begeleiding-verminderde-zelfredzaamheid");
  ASSERT_NE(begeleiding, nullptr);
  EXPECT_THAT(begeleiding->excludes().product_ids(),
              UnorderedElementsAre("daginvulling-stabilisatie",
                                   "daginvulling-verminderde-zelfredzaamheid"));
  EXPECT_THAT(begeleiding->excludes().source(), IsSource("S4-02"));
  // Mirrored on both daginvulling products.
  for (const char* id : {"daginvulling-stabilisatie",
                         "daginvulling-verminderde-zelfredzaamheid"}) {
    const Product* daginvulling = FindProduct(catalog, id);
    ASSERT_NE(daginvulling, nullptr) << id;
    EXPECT_THAT(daginvulling->excludes().product_ids(),
                ElementsAre("begeleiding-verminderde-zelfredzaamheid"));
    EXPECT_THAT(daginvulling->excludes().source(), IsSource("S4-02"));
  }
}

TEST(Perspectief2024SeedRulesTest, S4_03StabilisatieHoogNeedsReachable247) {
  const Catalog& catalog = GetCatalog();
  const Product* hoog = FindProduct(catalog, "begeleiding-stabilisatie-hoog");
  ASSERT_NE(hoog, nullptr);
  EXPECT_EQ(hoog->level(), "hoog");
  EXPECT_THAT(hoog->contract_requirement().attributes(),
              ElementsAre("REACHABLE_24_7"));
  EXPECT_THAT(hoog->contract_requirement().source(), IsSource("S4-03"));
  // No other product asks for a contract attribute.
  for (const Product& product : catalog.products()) {
    if (product.id() != hoog->id()) {
      EXPECT_FALSE(product.has_contract_requirement()) << product.id();
    }
  }
  // Demo contracts: one with the attribute holding the product, one without.
  bool with_attribute = false;
  bool without_attribute = false;
  for (const Contract& contract : catalog.contracts()) {
    const bool holds_hoog =
        HeldProducts(catalog, contract).count(hoog->id()) > 0;
    if (HasAttribute(contract, "REACHABLE_24_7")) {
      with_attribute = with_attribute || holds_hoog;
    } else {
      without_attribute = true;
    }
  }
  EXPECT_TRUE(with_attribute);
  EXPECT_TRUE(without_attribute);
}

TEST(Perspectief2024SeedRulesTest, S4_04EightTransportCategoriesFiveDaysAWeek) {
  const Catalog& catalog = GetCatalog();
  struct Band {
    const char* name;
    int min_km;
    int max_km;
  };
  const Band bands[] = {{"tot-10", 0, 10},
                        {"10-30", 10, 30},
                        {"30-40", 30, 40},
                        {"40-plus", 40, 0}};
  int transport_products = 0;
  for (const Product& product : catalog.products()) {
    if (product.kind() == wmo::catalog::v1::PRODUCT_KIND_TRANSPORT) {
      ++transport_products;
    }
  }
  EXPECT_EQ(transport_products, 8);
  for (const Band& band : bands) {
    for (const bool wheelchair : {false, true}) {
      const std::string id = std::string("vervoer-") + band.name +
                             (wheelchair ? "-rolstoel" : "-regulier");
      const Product* product = FindProduct(catalog, id);
      ASSERT_NE(product, nullptr) << id;
      EXPECT_EQ(product->category(), "08") << id;
      EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_TRANSPORT);
      EXPECT_THAT(product->sources(), Contains(IsSource("S4-04"))) << id;

      ASSERT_TRUE(product->has_transport()) << id;
      EXPECT_EQ(product->transport().min_distance_km(), band.min_km) << id;
      EXPECT_EQ(product->transport().max_distance_km(), band.max_km) << id;
      EXPECT_EQ(product->transport().wheelchair(), wheelchair) << id;
      EXPECT_THAT(product->transport().source(), IsSource("S4-04")) << id;

      const QuantityLimit* week =
          FindLimit(*product, wmo::catalog::v1::LIMIT_WINDOW_WEEK);
      ASSERT_NE(week, nullptr) << id;
      EXPECT_EQ(week->max_quantity(), 5) << id;
      // No unit: the limit counts days with a delivery.
      EXPECT_EQ(week->unit(), wmo::type::v1::UNIT_UNSPECIFIED) << id;
      EXPECT_FALSE(week->advisory()) << id;
      EXPECT_THAT(week->source(), IsSource("S4-04")) << id;

      EXPECT_THAT(product->requires_any_of().product_ids(),
                  UnorderedElementsAreArray(DayActivityIds()))
          << id;
      EXPECT_THAT(product->requires_any_of().source(), IsSource("S4-04"));
      EXPECT_THAT(product->billing().only_on_attendance_of().product_ids(),
                  UnorderedElementsAreArray(DayActivityIds()))
          << id;
    }
  }
}

TEST(Perspectief2024SeedRulesTest, S4_05LogeerzorgAtMostFifteenEtmalenAYear) {
  const Product* logeerzorg = FindProduct(GetCatalog(), "logeerzorg");
  ASSERT_NE(logeerzorg, nullptr);
  EXPECT_EQ(logeerzorg->unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_EQ(logeerzorg->category(), "04");
  EXPECT_EQ(logeerzorg->kind(), wmo::catalog::v1::PRODUCT_KIND_SHORT_STAY);
  EXPECT_THAT(logeerzorg->sources(), Contains(IsSource("S4-05")));
  const QuantityLimit* year =
      FindLimit(*logeerzorg, wmo::catalog::v1::LIMIT_WINDOW_CALENDAR_YEAR);
  ASSERT_NE(year, nullptr);
  EXPECT_EQ(year->max_quantity(), 15);
  EXPECT_EQ(year->unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_FALSE(year->advisory());
  EXPECT_THAT(year->source(), IsSource("S4-05"));
}

TEST(Perspectief2024SeedRulesTest,
     S4_06ArbeidsmatigeDagbestedingBelowPensionAge) {
  const Product* product =
      FindProduct(GetCatalog(), "arbeidsmatige-dagbesteding");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->category(), "07");
  ASSERT_EQ(product->age_bounds_size(), 1);
  EXPECT_EQ(product->age_bounds(0).below_years(), 67);  // AOW age 2024-2027
  EXPECT_EQ(product->age_bounds(0).min_years(), 0);
  EXPECT_EQ(product->age_bounds(0).activity(), "");
  EXPECT_THAT(product->age_bounds(0).source(), IsSource("S4-06"));
}

TEST(Perspectief2024SeedRulesTest, ReferencesResolveAndDemoContractsAreValid) {
  const Catalog& catalog = GetCatalog();
  std::set<std::string> product_ids;
  std::set<std::string> codes;
  for (const Product& product : catalog.products()) {
    EXPECT_TRUE(product_ids.insert(product.id()).second) << product.id();
    EXPECT_EQ(product.code().size(), 5u) << product.id();
    EXPECT_EQ(product.code().substr(0, 2), product.category()) << product.id();
    EXPECT_TRUE(codes.insert(product.code()).second) << product.code();
    EXPECT_NE(product.unit(), wmo::type::v1::UNIT_UNSPECIFIED) << product.id();
    EXPECT_GT(product.tariffs_size(), 0) << product.id();
    for (const auto& tariff : product.tariffs()) {
      EXPECT_TRUE(tariff.example()) << product.id();
      EXPECT_EQ(tariff.valid_from(), catalog.valid_from()) << product.id();
    }
  }
  for (const Product& product : catalog.products()) {
    for (const std::string& id : product.requires_any_of().product_ids()) {
      EXPECT_THAT(product_ids, Contains(id)) << product.id();
    }
    for (const std::string& id : product.excludes().product_ids()) {
      EXPECT_THAT(product_ids, Contains(id)) << product.id();
    }
    for (const std::string& id :
         product.billing().only_on_attendance_of().product_ids()) {
      EXPECT_THAT(product_ids, Contains(id)) << product.id();
    }
  }
  std::set<std::string> in_lot;
  std::set<std::string> lot_ids;
  for (const Lot& lot : catalog.lots()) {
    lot_ids.insert(lot.id());
    for (const std::string& id : lot.product_ids()) {
      EXPECT_THAT(product_ids, Contains(id)) << "lot " << lot.id();
      in_lot.insert(id);
    }
  }
  EXPECT_EQ(in_lot, product_ids) << "every product sits in a lot";

  ASSERT_GE(catalog.contracts_size(), 2);
  std::set<std::string> agbs;
  bool one_holds_everything = false;
  for (const Contract& contract : catalog.contracts()) {
    EXPECT_TRUE(contract.demo());
    EXPECT_EQ(contract.provider_agb().size(), 8u);
    EXPECT_EQ(contract.provider_agb().substr(0, 4), "9999");
    EXPECT_TRUE(agbs.insert(contract.provider_agb()).second);
    EXPECT_EQ(contract.valid_from(), catalog.valid_from());
    for (const std::string& id : contract.product_ids()) {
      EXPECT_THAT(product_ids, Contains(id));
    }
    for (const std::string& id : contract.lot_ids()) {
      EXPECT_THAT(lot_ids, Contains(id));
    }
    if (HeldProducts(catalog, contract) == product_ids) {
      one_holds_everything = true;
      EXPECT_TRUE(HasAttribute(contract, "REACHABLE_24_7"));
    }
  }
  EXPECT_TRUE(one_holds_everything);
}

}  // namespace
