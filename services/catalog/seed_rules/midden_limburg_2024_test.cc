// Seed-rule checklist for catalogs/midden-limburg-2024.textproto: every rule
// S3-01 ... S3-10 of SEED-RULES.md must be present as data, with its values
// and a source pointing back to seed 003_b2e3b4b8ff40e63d.txt.

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "wmo/catalog/v1/catalog.pb.h"
#include "wmo/type/v1/types.pb.h"

namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ::wmo::catalog::v1::Catalog;
using ::wmo::catalog::v1::LimitWindow;
using ::wmo::catalog::v1::Lot;
using ::wmo::catalog::v1::Product;
using ::wmo::catalog::v1::QuantityLimit;
using ::wmo::catalog::v1::Tariff;

constexpr char kCatalogId[] = "midden-limburg-2024";
constexpr char kSeed[] = "003_b2e3b4b8ff40e63d.txt";

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

const Tariff* FindTariff(const Product& product, const std::string& basis) {
  for (const Tariff& tariff : product.tariffs()) {
    if (tariff.basis() == basis) return &tariff;
  }
  return nullptr;
}

TEST(MiddenLimburg2024SeedRulesTest, CatalogHeaderAndMunicipalities) {
  const Catalog& catalog = GetCatalog();
  EXPECT_EQ(catalog.valid_from(), "2024-01-01");
  EXPECT_EQ(catalog.valid_to(), "");
  EXPECT_TRUE(catalog.example_tariffs());
  EXPECT_EQ(catalog.source().seed(), kSeed);
  std::set<std::string> codes;
  for (const auto& municipality : catalog.municipalities()) {
    codes.insert(municipality.cbs_code());
  }
  // Leudal, Nederweert, Weert, Maasgouw, Echt-Susteren, Roerdalen.
  EXPECT_THAT(codes, UnorderedElementsAre("1640", "0946", "0988", "1641",
                                          "1711", "1669"));
}

TEST(MiddenLimburg2024SeedRulesTest, S3_01FiveLotsKdvOnlyInLotFive) {
  const Catalog& catalog = GetCatalog();
  for (const char* id : {"1", "2", "3", "4"}) {
    const Lot* lot = FindLot(catalog, id);
    ASSERT_NE(lot, nullptr) << "lot " << id;
    EXPECT_THAT(lot->product_ids(),
                UnorderedElementsAre("bgi", "bgg", "vervoer"))
        << "lot " << id;
  }
  const Lot* lot5 = FindLot(catalog, "5");
  ASSERT_NE(lot5, nullptr);
  EXPECT_THAT(lot5->product_ids(), ElementsAre("kdv"));
  EXPECT_EQ(catalog.lots_size(), 5);

  for (const char* id : {"bgi", "bgg", "vervoer", "kdv"}) {
    const Product* product = FindProduct(catalog, id);
    ASSERT_NE(product, nullptr) << id;
    EXPECT_THAT(product->sources(), Contains(IsSource("S3-01"))) << id;
  }
}

TEST(MiddenLimburg2024SeedRulesTest, S3_02OneOfLotsOneToFourLotFiveCombines) {
  const Catalog& catalog = GetCatalog();
  const Lot* lot1 = FindLot(catalog, "1");
  ASSERT_NE(lot1, nullptr);
  const std::string group = lot1->exclusivity_group();
  EXPECT_THAT(group, Not(IsEmpty()));
  for (const char* id : {"1", "2", "3", "4", "5"}) {
    const Lot* lot = FindLot(catalog, id);
    ASSERT_NE(lot, nullptr) << "lot " << id;
    EXPECT_EQ(lot->exclusivity_group(), std::string(id) == "5" ? "" : group)
        << "lot " << id;
    EXPECT_THAT(lot->source(), IsSource("S3-02")) << "lot " << id;
  }
}

TEST(MiddenLimburg2024SeedRulesTest, S3_03AssignmentDurationPerLotAndKdv) {
  const Catalog& catalog = GetCatalog();
  for (const char* id : {"1", "2"}) {
    const Lot* lot = FindLot(catalog, id);
    ASSERT_NE(lot, nullptr) << "lot " << id;
    EXPECT_EQ(lot->assignment_duration().min_months(), 0) << "lot " << id;
    EXPECT_EQ(lot->assignment_duration().max_months(), 24) << "lot " << id;
    EXPECT_THAT(lot->assignment_duration().source(), IsSource("S3-03"));
  }
  for (const char* id : {"3", "4"}) {
    const Lot* lot = FindLot(catalog, id);
    ASSERT_NE(lot, nullptr) << "lot " << id;
    EXPECT_EQ(lot->assignment_duration().min_months(), 12) << "lot " << id;
    EXPECT_EQ(lot->assignment_duration().max_months(), 60) << "lot " << id;
    EXPECT_THAT(lot->assignment_duration().source(), IsSource("S3-03"));
  }
  const Product* kdv = FindProduct(catalog, "kdv");
  ASSERT_NE(kdv, nullptr);
  EXPECT_EQ(kdv->assignment_duration().max_months(), 12);
  EXPECT_THAT(kdv->assignment_duration().source(), IsSource("S3-03"));
}

TEST(MiddenLimburg2024SeedRulesTest, S3_04TariffsPerBasisEqualAcrossLots) {
  const Catalog& catalog = GetCatalog();
  ASSERT_EQ(catalog.bases_size(), 5);
  const char* const names[] = {"somatisch", "lichamelijk", "psychogeriatrisch",
                               "psychisch", "verstandelijk"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(catalog.bases(i).code(), std::to_string(i + 1));
    EXPECT_EQ(catalog.bases(i).display_name(), names[i]);
    EXPECT_THAT(catalog.bases(i).source(), IsSource("S3-04"));
  }
  // Tariffs sit on the product, so they are the same in every lot; one
  // example tariff per basis, open-ended from the catalog's first day.
  for (const char* id : {"bgi", "bgg"}) {
    const Product* product = FindProduct(catalog, id);
    ASSERT_NE(product, nullptr) << id;
    EXPECT_THAT(product->allowed_bases(), ElementsAre("1", "2", "3", "4", "5"));
    EXPECT_EQ(product->tariffs_size(), 5) << id;
    for (const char* basis : {"1", "2", "3", "4", "5"}) {
      const Tariff* tariff = FindTariff(*product, basis);
      ASSERT_NE(tariff, nullptr) << id << " basis " << basis;
      EXPECT_GT(tariff->cents(), 0);
      EXPECT_TRUE(tariff->example());
      EXPECT_EQ(tariff->valid_from(), "2024-01-01");
      EXPECT_EQ(tariff->valid_to(), "");
      EXPECT_THAT(tariff->source(), IsSource("S3-04"));
    }
  }
}

TEST(MiddenLimburg2024SeedRulesTest,
     S3_05BgiPerHourDirectTimeNoShowsNotBilled) {
  const Product* bgi = FindProduct(GetCatalog(), "bgi");
  ASSERT_NE(bgi, nullptr);
  EXPECT_EQ(bgi->unit(), wmo::type::v1::UNIT_HOUR);
  EXPECT_EQ(bgi->category(), "02");
  EXPECT_THAT(bgi->sources(), Contains(IsSource("S3-05")));
  ASSERT_TRUE(bgi->billing().has_direct_time_only());
  EXPECT_THAT(bgi->billing().direct_time_only().source(), IsSource("S3-05"));
  ASSERT_TRUE(bgi->billing().has_no_show_not_billable());
  EXPECT_THAT(bgi->billing().no_show_not_billable().source(),
              IsSource("S3-05"));
}

TEST(MiddenLimburg2024SeedRulesTest, S3_06BggPerDayPartNoShowsNotBilled) {
  const Product* bgg = FindProduct(GetCatalog(), "bgg");
  ASSERT_NE(bgg, nullptr);
  EXPECT_EQ(bgg->unit(), wmo::type::v1::UNIT_DAY_PART);
  EXPECT_EQ(bgg->kind(), wmo::catalog::v1::PRODUCT_KIND_GROUP_SUPPORT);
  EXPECT_THAT(bgg->sources(), Contains(IsSource("S3-06")));
  ASSERT_TRUE(bgg->billing().has_no_show_not_billable());
  EXPECT_THAT(bgg->billing().no_show_not_billable().source(),
              IsSource("S3-06"));
}

TEST(MiddenLimburg2024SeedRulesTest, S3_07BgiNotAtTheSameTimeAsBgg) {
  const Catalog& catalog = GetCatalog();
  const Product* bgi = FindProduct(catalog, "bgi");
  const Product* bgg = FindProduct(catalog, "bgg");
  ASSERT_NE(bgi, nullptr);
  ASSERT_NE(bgg, nullptr);
  EXPECT_THAT(bgi->billing().not_concurrent_with().product_ids(),
              ElementsAre("bgg"));
  EXPECT_THAT(bgi->billing().not_concurrent_with().source(), IsSource("S3-07"));
  EXPECT_THAT(bgg->billing().not_concurrent_with().product_ids(),
              ElementsAre("bgi"));
  EXPECT_THAT(bgg->billing().not_concurrent_with().source(), IsSource("S3-07"));
}

TEST(MiddenLimburg2024SeedRulesTest, S3_08VervoerOnceADayOnlyWithBgg) {
  const Product* vervoer = FindProduct(GetCatalog(), "vervoer");
  ASSERT_NE(vervoer, nullptr);
  EXPECT_EQ(vervoer->category(), "08");
  EXPECT_EQ(vervoer->kind(), wmo::catalog::v1::PRODUCT_KIND_TRANSPORT);
  EXPECT_THAT(vervoer->allowed_bases(), IsEmpty());
  ASSERT_EQ(vervoer->tariffs_size(), 1);
  EXPECT_EQ(vervoer->tariffs(0).basis(), "");
  EXPECT_THAT(vervoer->tariffs(0).source(), IsSource("S3-08"));
  ASSERT_TRUE(vervoer->billing().has_once_per_day());
  EXPECT_THAT(vervoer->billing().once_per_day().source(), IsSource("S3-08"));
  EXPECT_THAT(vervoer->requires_any_of().product_ids(), ElementsAre("bgg"));
  EXPECT_THAT(vervoer->requires_any_of().source(), IsSource("S3-08"));
  EXPECT_THAT(vervoer->billing().only_on_attendance_of().product_ids(),
              ElementsAre("bgg"));
  EXPECT_THAT(vervoer->transport().source(), IsSource("S3-08"));
  EXPECT_THAT(vervoer->sources(), Contains(IsSource("S3-08")));
}

TEST(MiddenLimburg2024SeedRulesTest,
     S3_09ShortStayWeeklyYearlyAndContiguousCaps) {
  const Product* kdv = FindProduct(GetCatalog(), "kdv");
  ASSERT_NE(kdv, nullptr);
  EXPECT_EQ(kdv->unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_EQ(kdv->category(), "04");
  EXPECT_EQ(kdv->kind(), wmo::catalog::v1::PRODUCT_KIND_SHORT_STAY);
  EXPECT_THAT(kdv->sources(), Contains(IsSource("S3-09")));

  const QuantityLimit* week =
      FindLimit(*kdv, wmo::catalog::v1::LIMIT_WINDOW_WEEK);
  ASSERT_NE(week, nullptr);
  EXPECT_EQ(week->max_quantity(), 3);
  EXPECT_EQ(week->unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_TRUE(week->waived_for_contiguous_stay());
  EXPECT_FALSE(week->advisory());
  EXPECT_THAT(week->source(), IsSource("S3-09"));

  const QuantityLimit* year =
      FindLimit(*kdv, wmo::catalog::v1::LIMIT_WINDOW_CALENDAR_YEAR);
  ASSERT_NE(year, nullptr);
  EXPECT_EQ(year->max_quantity(), 42);
  EXPECT_EQ(year->unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_FALSE(year->waived_for_contiguous_stay());
  EXPECT_FALSE(year->advisory());
  EXPECT_THAT(year->source(), IsSource("S3-09"));

  ASSERT_TRUE(kdv->has_contiguous_stay());
  EXPECT_EQ(kdv->contiguous_stay().max_days(), 42);
  EXPECT_THAT(kdv->contiguous_stay().source(), IsSource("S3-09"));
}

TEST(MiddenLimburg2024SeedRulesTest, S3_10ResultsPerLifeDomainAndActivityType) {
  const Catalog& catalog = GetCatalog();
  ASSERT_TRUE(catalog.has_result_recording());
  EXPECT_THAT(catalog.result_recording().life_domains(),
              ElementsAre("Persoonlijk functioneren", "Sociaal functioneren",
                          "Gezondheid en zelfzorg", "Verplaatsen en vervoer",
                          "Wonen", "Regie bij huishouden",
                          "Dagbesteding (werk/school)", "Vrije tijd",
                          "Financiën/administratie", "Justitie", "Verslaving"));
  EXPECT_THAT(catalog.result_recording().activity_types(),
              ElementsAre("toezien", "helpen", "overnemen"));
  EXPECT_THAT(catalog.result_recording().source(), IsSource("S3-10"));
}

TEST(MiddenLimburg2024SeedRulesTest,
     ReferencesResolveAndDemoContractsAreValid) {
  const Catalog& catalog = GetCatalog();
  std::set<std::string> product_ids;
  std::set<std::string> codes;
  for (const Product& product : catalog.products()) {
    EXPECT_TRUE(product_ids.insert(product.id()).second) << product.id();
    EXPECT_EQ(product.code().size(), 5u) << product.id();
    EXPECT_EQ(product.code().substr(0, 2), product.category()) << product.id();
    EXPECT_TRUE(codes.insert(product.code()).second) << product.code();
    EXPECT_NE(product.unit(), wmo::type::v1::UNIT_UNSPECIFIED) << product.id();
    std::set<std::string> tariff_bases;
    for (const Tariff& tariff : product.tariffs()) {
      EXPECT_TRUE(tariff.example()) << product.id();
      EXPECT_EQ(tariff.valid_from(), catalog.valid_from()) << product.id();
      EXPECT_EQ(tariff.valid_to(), "") << product.id();
      // Open-ended periods from one date: one tariff per basis, no overlap.
      EXPECT_TRUE(tariff_bases.insert(tariff.basis()).second) << product.id();
      if (!tariff.basis().empty()) {
        EXPECT_THAT(product.allowed_bases(), Contains(tariff.basis()))
            << product.id();
      }
    }
    EXPECT_FALSE(tariff_bases.empty()) << product.id();
  }
  for (const Product& product : catalog.products()) {
    for (const std::string& id : product.requires_any_of().product_ids()) {
      EXPECT_THAT(product_ids, Contains(id)) << product.id();
    }
    for (const std::string& id :
         product.billing().not_concurrent_with().product_ids()) {
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
  for (const auto& contract : catalog.contracts()) {
    EXPECT_TRUE(contract.demo());
    EXPECT_EQ(contract.provider_agb().size(), 8u);
    EXPECT_EQ(contract.provider_agb().substr(0, 4), "9999");
    EXPECT_TRUE(agbs.insert(contract.provider_agb()).second);
    EXPECT_EQ(contract.valid_from(), catalog.valid_from());
    std::set<std::string> held;
    for (const std::string& id : contract.product_ids()) {
      EXPECT_THAT(product_ids, Contains(id));
      held.insert(id);
    }
    for (const std::string& id : contract.lot_ids()) {
      EXPECT_THAT(lot_ids, Contains(id));
      const Lot* lot = FindLot(catalog, id);
      if (lot != nullptr)
        held.insert(lot->product_ids().begin(), lot->product_ids().end());
    }
    if (held == product_ids) one_holds_everything = true;
  }
  EXPECT_TRUE(one_holds_everything);
}

}  // namespace
