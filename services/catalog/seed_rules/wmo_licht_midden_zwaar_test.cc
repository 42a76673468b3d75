// Walks the SEED-RULES.md checklist of catalog `wmo-licht-midden-zwaar`
// (seed 000_062ab7b03751ff1b.txt): every rule S0-01 ... S0-08 must be present
// in catalogs/wmo-licht-midden-zwaar.textproto with its values and its source.

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

constexpr char kCatalogId[] = "wmo-licht-midden-zwaar";
constexpr char kSeed[] = "000_062ab7b03751ff1b.txt";
constexpr char kValidFrom[] = "2024-01-01";

constexpr char kGroepLicht[] = "begeleiding-groep-licht";
constexpr char kGroepMidden[] = "begeleiding-groep-midden";
constexpr char kGroepZwaar[] = "begeleiding-groep-zwaar";
constexpr char kIndividueelLicht[] = "begeleiding-individueel-licht";
constexpr char kIndividueelMidden[] = "begeleiding-individueel-midden";
constexpr char kIndividueelZwaar[] = "begeleiding-individueel-zwaar";
constexpr char kKortdurendVerblijf[] = "kortdurend-verblijf";
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

TEST(WmoLichtMiddenZwaarSeedRulesTest, CatalogFileParses) {
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

TEST(WmoLichtMiddenZwaarSeedRulesTest, S0_01GroupPerHourIndividualPerMinute) {
  for (const char* id : {kGroepLicht, kGroepMidden, kGroepZwaar}) {
    SCOPED_TRACE(id);
    const Product* product = FindProduct(id);
    ASSERT_NE(product, nullptr);
    EXPECT_EQ(product->unit(), wmo::type::v1::UNIT_HOUR);
    EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_GROUP_SUPPORT);
    EXPECT_TRUE(HasSourceRule(*product, "S0-01"));
  }
  for (const char* id :
       {kIndividueelLicht, kIndividueelMidden, kIndividueelZwaar}) {
    SCOPED_TRACE(id);
    const Product* product = FindProduct(id);
    ASSERT_NE(product, nullptr);
    EXPECT_EQ(product->unit(), wmo::type::v1::UNIT_MINUTE);
    EXPECT_EQ(product->kind(),
              wmo::catalog::v1::PRODUCT_KIND_INDIVIDUAL_SUPPORT);
    EXPECT_EQ(product->category(), "02");
    EXPECT_TRUE(HasSourceRule(*product, "S0-01"));
  }
}

TEST(WmoLichtMiddenZwaarSeedRulesTest, S0_02StaffRatioPerGroupLevel) {
  const std::vector<std::pair<std::string, int>> ratios = {
      {kGroepLicht, 8}, {kGroepMidden, 5}, {kGroepZwaar, 3}};
  for (const auto& [id, clients_per_staff] : ratios) {
    SCOPED_TRACE(id);
    const Product* product = FindProduct(id);
    ASSERT_NE(product, nullptr);
    ASSERT_TRUE(product->has_group());
    EXPECT_EQ(product->group().max_clients_per_staff(), clients_per_staff);
    ExpectSource(product->group().source(), "S0-02");
  }
  EXPECT_EQ(FindProduct(kGroepLicht)->level(), "licht");
  EXPECT_EQ(FindProduct(kGroepMidden)->level(), "midden");
  EXPECT_EQ(FindProduct(kGroepZwaar)->level(), "zwaar");
}

TEST(WmoLichtMiddenZwaarSeedRulesTest, S0_03ArbeidsmatigeActiveringFromAge16) {
  for (const char* id : {kGroepLicht, kGroepMidden, kGroepZwaar}) {
    SCOPED_TRACE(id);
    const Product* product = FindProduct(id);
    ASSERT_NE(product, nullptr);
    ASSERT_EQ(product->age_bounds_size(), 1);
    const auto& bound = product->age_bounds(0);
    EXPECT_EQ(bound.min_years(), 16);
    EXPECT_EQ(bound.below_years(), 0);
    EXPECT_EQ(bound.activity(), "arbeidsmatige activering");
    ExpectSource(bound.source(), "S0-03");
  }
}

TEST(WmoLichtMiddenZwaarSeedRulesTest, S0_04TransportTimeOutsideSupportTime) {
  for (const char* id : {kVervoerRegulier, kVervoerRolstoel}) {
    SCOPED_TRACE(id);
    const Product* product = FindProduct(id);
    ASSERT_NE(product, nullptr);
    EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_TRANSPORT);
    ASSERT_TRUE(product->billing().has_separate_from_support());
    ExpectSource(product->billing().separate_from_support().source(), "S0-04");
  }
}

TEST(WmoLichtMiddenZwaarSeedRulesTest,
     S0_05IndividueelLichtAloneMiddenAndZwaarOnlyWithAllLevels) {
  const Catalog& catalog = TheCatalog();
  ASSERT_EQ(catalog.contract_bundles_size(), 1);
  const auto& bundle = catalog.contract_bundles(0);
  EXPECT_THAT(Ids(bundle.product_ids()),
              UnorderedElementsAre(kIndividueelLicht, kIndividueelMidden,
                                   kIndividueelZwaar));
  EXPECT_THAT(Ids(bundle.standalone_product_ids()),
              ElementsAre(kIndividueelLicht));
  ExpectSource(bundle.source(), "S0-05");

  // The demo contracts keep to the bundle, and one holds licht alone.
  bool licht_alone = false;
  for (const Contract& contract : catalog.contracts()) {
    SCOPED_TRACE(contract.provider_agb());
    const std::set<std::string> held = ContractedProducts(contract);
    const bool needs_all =
        held.count(kIndividueelMidden) > 0 || held.count(kIndividueelZwaar) > 0;
    if (needs_all) {
      EXPECT_EQ(held.count(kIndividueelLicht), 1u);
      EXPECT_EQ(held.count(kIndividueelMidden), 1u);
      EXPECT_EQ(held.count(kIndividueelZwaar), 1u);
    }
    if (held == std::set<std::string>{kIndividueelLicht}) licht_alone = true;
  }
  EXPECT_TRUE(licht_alone);
}

TEST(WmoLichtMiddenZwaarSeedRulesTest, S0_06ShortStayAtMost42DayNightsPerYear) {
  const Product* product = FindProduct(kKortdurendVerblijf);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_SHORT_STAY);
  EXPECT_EQ(product->category(), "04");
  EXPECT_EQ(product->unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_TRUE(HasSourceRule(*product, "S0-06"));
  const QuantityLimit* limit =
      FindLimit(*product, wmo::catalog::v1::LIMIT_WINDOW_CALENDAR_YEAR);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->max_quantity(), 42);
  EXPECT_EQ(limit->min_quantity(), 0);
  EXPECT_EQ(limit->unit(), wmo::type::v1::UNIT_DAY_NIGHT);
  EXPECT_FALSE(limit->advisory());
  EXPECT_FALSE(limit->waived_for_contiguous_stay());
  ExpectSource(limit->source(), "S0-06");
}

TEST(WmoLichtMiddenZwaarSeedRulesTest,
     S0_07ShortStayBundlesOneHourLichtExtraNeedsApproval) {
  const Product* product = FindProduct(kKortdurendVerblijf);
  ASSERT_NE(product, nullptr);
  ASSERT_TRUE(product->billing().has_bundled());
  const auto& bundled = product->billing().bundled();
  EXPECT_EQ(bundled.product_id(), kIndividueelLicht);
  EXPECT_NE(FindProduct(bundled.product_id()), nullptr);
  EXPECT_EQ(bundled.minutes_per_unit(), 60);
  ExpectSource(bundled.source(), "S0-07");

  ASSERT_EQ(product->approvals_size(), 1);
  const ApprovalRequirement& approval = product->approvals(0);
  EXPECT_EQ(approval.kind(), wmo::catalog::v1::APPROVAL_KIND_EXTRA_SUPPORT);
  EXPECT_FALSE(approval.always());
  EXPECT_FALSE(approval.situation().empty());
  ExpectSource(approval.source(), "S0-07");
}

TEST(WmoLichtMiddenZwaarSeedRulesTest,
     S0_08TransportOnlyWithGroupOrShortStayPerAttendanceDay) {
  const Product* regulier = FindProduct(kVervoerRegulier);
  const Product* rolstoel = FindProduct(kVervoerRolstoel);
  ASSERT_NE(regulier, nullptr);
  ASSERT_NE(rolstoel, nullptr);
  // Regulier and rolstoel are separate products.
  EXPECT_FALSE(regulier->transport().wheelchair());
  EXPECT_TRUE(rolstoel->transport().wheelchair());
  EXPECT_NE(regulier->code(), rolstoel->code());
  for (const Product* product : {regulier, rolstoel}) {
    SCOPED_TRACE(product->id());
    EXPECT_EQ(product->category(), "08");
    EXPECT_EQ(product->kind(), wmo::catalog::v1::PRODUCT_KIND_TRANSPORT);
    EXPECT_TRUE(HasSourceRule(*product, "S0-08"));
    ExpectSource(product->transport().source(), "S0-08");
    EXPECT_EQ(product->transport().billed_per(), "aanwezigheidsdag");

    EXPECT_THAT(Ids(product->requires_any_of().product_ids()),
                UnorderedElementsAre(kGroepLicht, kGroepMidden, kGroepZwaar,
                                     kKortdurendVerblijf));
    ExpectSource(product->requires_any_of().source(), "S0-08");

    ASSERT_TRUE(product->billing().has_once_per_day());
    ExpectSource(product->billing().once_per_day().source(), "S0-08");
    EXPECT_THAT(Ids(product->billing().only_on_attendance_of().product_ids()),
                UnorderedElementsAre(kGroepLicht, kGroepMidden, kGroepZwaar,
                                     kKortdurendVerblijf));
    ExpectSource(product->billing().only_on_attendance_of().source(), "S0-08");
  }
}

TEST(WmoLichtMiddenZwaarSeedRulesTest, ProductsFollowCatalogConventions) {
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
  EXPECT_EQ(ids.size(), 9u);
}

TEST(WmoLichtMiddenZwaarSeedRulesTest, EveryReferencedProductExists) {
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

TEST(WmoLichtMiddenZwaarSeedRulesTest, LotsAndDemoContractsAreComplete) {
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
