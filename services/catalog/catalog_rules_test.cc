#include "services/catalog/catalog_rules.h"

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace wmo::catalog {
namespace {

using rules::Date;
using ::testing::HasSubstr;

v1::Catalog Parse(const char* text) {
  v1::Catalog c;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &c));
  return c;
}

const v1::Catalog& Catalog() {
  static const v1::Catalog* const kCatalog = new v1::Catalog(Parse(R"pb(
    id: "c"
    lots { id: "1" product_ids: "bgg" }
    products {
      id: "bgi"
      allowed_bases: "1"
      allowed_bases: "2"
      tariffs {
        basis: "1"
        valid_from: "2024-01-01"
        valid_to: "2024-12-31"
        cents: 6000
      }
      tariffs { basis: "1" valid_from: "2025-01-01" cents: 6200 }
      tariffs { basis: "2" valid_from: "2024-01-01" cents: 6500 }
    }
    products {
      id: "bgg"
      tariffs { valid_from: "2024-01-01" cents: 4000 }
    }
    contracts {
      provider_agb: "99990001"
      valid_from: "2024-01-01"
      valid_to: "2024-12-31"
      product_ids: "bgi"
    }
    contracts { provider_agb: "99990002" valid_from: "2024-01-01" lot_ids: "1" }
  )pb"));
  return *kCatalog;
}

TEST(CatalogRulesTest, TariffFollowsBasisAndDate) {
  const auto& bgi = Catalog().products(0);
  EXPECT_EQ((*FindTariff(bgi, "1", Date(2024, 6, 1)))->cents(), 6000);
  EXPECT_EQ((*FindTariff(bgi, "1", Date(2025, 1, 1)))->cents(), 6200);
  EXPECT_EQ((*FindTariff(bgi, "2", Date(2025, 1, 1)))->cents(), 6500);
}

TEST(CatalogRulesTest, TariffForBasisNotAllowedSaysWhich) {
  auto t = FindTariff(Catalog().products(0), "5", Date(2024, 6, 1));
  EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(t.status().message(), HasSubstr("allowed: 1, 2"));
}

TEST(CatalogRulesTest, TariffWithoutBasisForProductWithBasesAsksForOne) {
  auto t = FindTariff(Catalog().products(0), "", Date(2024, 6, 1));
  EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(t.status().message(), HasSubstr("name one of 1, 2"));
}

TEST(CatalogRulesTest, NoTariffBeforeTheFirstPeriod) {
  auto t = FindTariff(Catalog().products(1), "", Date(2023, 12, 31));
  EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(t.status().message(), HasSubstr("valid on 2023-12-31"));
}

TEST(CatalogRulesTest, ContractCoversProductsThroughLots) {
  EXPECT_TRUE(ContractCovers(Catalog(), Catalog().contracts(1), "bgg"));
  EXPECT_FALSE(ContractCovers(Catalog(), Catalog().contracts(1), "bgi"));
}

TEST(CatalogRulesTest, ContractCheckSaysWhyNot) {
  const auto& c = Catalog();
  EXPECT_TRUE(
      CheckContract(c, &c.contracts(0), "bgi", Date(2024, 3, 1)).contracted);
  EXPECT_THAT(CheckContract(c, &c.contracts(0), "bgi", Date(2025, 3, 1)).reason,
              HasSubstr("not on 2025-03-01"));
  EXPECT_THAT(CheckContract(c, &c.contracts(0), "bgg", Date(2024, 3, 1)).reason,
              HasSubstr("does not hold product bgg"));
  EXPECT_THAT(CheckContract(c, nullptr, "bgg", Date(2024, 3, 1)).reason,
              HasSubstr("no contract"));
}

TEST(CatalogRulesTest, LooksUpProductsContractsAndLots) {
  EXPECT_EQ(FindProduct(Catalog(), "bgg")->tariffs(0).cents(), 4000);
  EXPECT_EQ(FindProduct(Catalog(), "none"), nullptr);
  EXPECT_EQ(FindContract(Catalog(), "99990002")->lot_ids(0), "1");
  EXPECT_EQ(FindContract(Catalog(), "99990003"), nullptr);
  EXPECT_EQ(FindLot(Catalog(), "1")->product_ids(0), "bgg");
  EXPECT_EQ(FindLot(Catalog(), "2"), nullptr);
  EXPECT_EQ(LotsHolding(Catalog(), "bgg"), std::vector<std::string>{"1"});
  EXPECT_TRUE(LotsHolding(Catalog(), "bgi").empty());
}

// The version in force: its period holds the day; of two, the higher
// version (a corrected re-import) wins; other catalogs do not count.
TEST(CatalogRulesTest, PicksTheVersionInForce) {
  const std::vector<VersionInfo> versions = {
      {"c", 1, "2024-01-01", "2024-12-31"},
      {"c", 2, "2024-01-01", "2024-12-31"},
      {"c", 3, "2025-01-01", ""},
      {"d", 9, "2024-01-01", ""}};
  EXPECT_EQ(PickVersion(versions, "c", Date(2024, 6, 1))->version, 2);
  EXPECT_EQ(PickVersion(versions, "c", Date(2030, 1, 1))->version, 3);
  EXPECT_EQ(PickVersion(versions, "c", Date(2023, 12, 31)), nullptr);
  EXPECT_EQ(PickVersion(versions, "e", Date(2024, 6, 1)), nullptr);
}

}  // namespace
}  // namespace wmo::catalog
