#include "services/catalog/catalog_validation.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/status.h"
#include "libs/testing/temp_dir.h"

namespace wmo::catalog {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Property;
using wmo::type::v1::RuleViolation;

// A small valid catalog; tests break one thing at a time.
// Not a "pb" raw string: clang-format would re-flow it and the tests
// below edit it by exact text.
constexpr char kCatalog[] = R"txt(id: "test-catalog"
display_name: "Test"
valid_from: "2024-01-01"
municipalities { cbs_code: "0988" name: "Weert" }
bases { code: "1" display_name: "somatisch" }
lots { id: "1" product_ids: "a" product_ids: "b" product_ids: "c" }
products {
  id: "a"
  display_name: "A"
  category: "02"
  code: "02A01"
  kind: PRODUCT_KIND_INDIVIDUAL_SUPPORT
  unit: UNIT_HOUR
  allowed_bases: "1"
  tariffs { basis: "1" valid_from: "2024-01-01" cents: 6000 example: true }
}
products {
  id: "b"
  display_name: "B"
  category: "02"
  code: "02A02"
  kind: PRODUCT_KIND_INDIVIDUAL_SUPPORT
  unit: UNIT_HOUR
  tariffs { valid_from: "2024-01-01" cents: 7000 example: true }
}
products {
  id: "c"
  display_name: "C"
  category: "02"
  code: "02A03"
  kind: PRODUCT_KIND_INDIVIDUAL_SUPPORT
  unit: UNIT_HOUR
  tariffs { valid_from: "2024-01-01" cents: 8000 example: true }
  contract_requirement {
    attributes: "REACHABLE_24_7"
    source { rule: "S4-03" }
  }
}
contract_bundles {
  product_ids: "a"
  product_ids: "b"
  standalone_product_ids: "a"
  source { rule: "S0-05" }
}
contracts { provider_agb: "99990001" valid_from: "2024-01-01" product_ids: "a" }
)txt";

std::vector<RuleViolation> ViolationsOf(const std::string& text) {
  auto parsed = ParseCatalogText(text, "test.textproto");
  if (parsed.ok()) return {};
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return server::Violations(parsed.status());
}

auto Rule(const std::string& rule, const std::string& field_part) {
  return AllOf(Property(&RuleViolation::rule_id, rule),
               Property(&RuleViolation::field, HasSubstr(field_part)));
}

TEST(CatalogValidationTest, SmallCatalogIsValid) {
  EXPECT_THAT(ViolationsOf(kCatalog), IsEmpty());
}

TEST(CatalogValidationTest, EveryShippedCatalogIsValid) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           testing::SourceDir() + "/catalogs")) {
    ++files;
    auto parsed = ParseCatalogText(testing::ReadFile(entry.path().string()),
                                   entry.path().filename().string());
    EXPECT_TRUE(parsed.ok()) << parsed.status();
  }
  EXPECT_EQ(files, 5);
}

TEST(CatalogValidationTest, SyntaxErrorNamesFileLineAndColumn) {
  const auto v = ViolationsOf("id: \"x\"\nproducts { id: }\n");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rule_id(), "CAT-SYNTAX");
  EXPECT_THAT(v[0].field(), HasSubstr("test.textproto:2:"));
}

TEST(CatalogValidationTest, UnknownProductInLotNamesItsLine) {
  const std::string text = absl::StrReplaceAll(
      kCatalog,
      {{"product_ids: \"c\" }", "product_ids: \"c\" product_ids: \"zz\" }"}});
  EXPECT_THAT(
      ViolationsOf(text),
      Contains(Rule("CAT-REF", "test.textproto:6 lots[0].product_ids[3]")));
}

TEST(CatalogValidationTest, OverlappingTariffPeriodsAreRefused) {
  const std::string text = absl::StrReplaceAll(
      kCatalog,
      {{"tariffs { valid_from: \"2024-01-01\" cents: 7000 example: true }",
        "tariffs { valid_from: \"2024-01-01\" valid_to: \"2024-06-30\" cents: "
        "7000 }\n tariffs { valid_from: \"2024-06-30\" cents: 7100 }"}});
  EXPECT_THAT(ViolationsOf(text),
              Contains(Rule("CAT-TARIFF-OVERLAP", "products[1].tariffs[1]")));
}

TEST(CatalogValidationTest, UnitOutsideWj756IsRefused) {
  const std::string text = absl::StrReplaceAll(
      kCatalog,
      {{"unit: UNIT_HOUR\n  allowed_bases", "unit: 5\n  allowed_bases"}});
  EXPECT_THAT(ViolationsOf(text),
              Contains(Rule("CAT-UNIT", "products[0].unit")));
}

TEST(CatalogValidationTest, UnknownUnitNameIsASyntaxError) {
  const std::string text = absl::StrReplaceAll(
      kCatalog, {{"unit: UNIT_HOUR\n  allowed_bases",
                  "unit: UNIT_FORTNIGHT\n  allowed_bases"}});
  EXPECT_THAT(ViolationsOf(text),
              Contains(Rule("CAT-SYNTAX", "test.textproto:")));
}

TEST(CatalogValidationTest, BadCodesAndDatesAreAllReportedAtOnce) {
  const std::string text = absl::StrReplaceAll(
      kCatalog, {{"code: \"02A01\"", "code: \"02A1\""},
                 {"category: \"02\"\n  code: \"02A02\"",
                  "category: \"99\"\n  code: \"02A02\""},
                 {"cbs_code: \"0988\"", "cbs_code: \"988\""},
                 {"valid_from: \"2024-01-01\"\nmunicipalities",
                  "valid_from: \"2024-02-30\"\nmunicipalities"}});
  EXPECT_THAT(ViolationsOf(text),
              AllOf(Contains(Rule("CAT-CODE", "products[0].code")),
                    Contains(Rule("CAT-CATEGORY", "products[1].category")),
                    Contains(Rule("CAT-MUNICIPALITY", "municipalities[0]")),
                    Contains(Rule("CAT-DATE", "catalog"))));
}

TEST(CatalogValidationTest, TariffForBasisNotAllowedIsRefused) {
  const std::string text = absl::StrReplaceAll(
      kCatalog,
      {{"tariffs { valid_from: \"2024-01-01\" cents: 7000",
        "tariffs { basis: \"1\" valid_from: \"2024-01-01\" cents: 7000"}});
  EXPECT_THAT(ViolationsOf(text),
              Contains(Rule("CAT-TARIFF", "products[1].tariffs[0].basis")));
}

TEST(CatalogValidationTest, ContractBreakingBundleRuleNamesTheCatalogRule) {
  const std::string text = absl::StrReplaceAll(
      kCatalog, {{"product_ids: \"a\" }\n", "product_ids: \"b\" }\n"}});
  EXPECT_THAT(ViolationsOf(text),
              Contains(AllOf(Rule("S0-05", "contracts[0].product_ids"),
                             Property(&RuleViolation::message,
                                      HasSubstr("together with a")))));
}

TEST(CatalogValidationTest, ContractLackingRequiredAttributeIsRefused) {
  const std::string text = absl::StrReplaceAll(
      kCatalog, {{"product_ids: \"a\" }\n", "product_ids: \"c\" }\n"}});
  EXPECT_THAT(ViolationsOf(text),
              Contains(Rule("S4-03", "contracts[0].attributes")));
}

TEST(CatalogValidationTest, ContractWithAgbOfSevenDigitsIsRefused) {
  const std::string text =
      absl::StrReplaceAll(kCatalog, {{"99990001", "9999001"}});
  EXPECT_THAT(ViolationsOf(text),
              Contains(Rule("CAT-AGB", "contracts[0].provider_agb")));
}

TEST(CatalogValidationTest, OutputOnlyFieldsAreRefused) {
  EXPECT_THAT(ViolationsOf(absl::StrCat(kCatalog, "version: 3\n")),
              Contains(Rule("CAT-OUTPUT", "version")));
}

TEST(CatalogValidationTest, ProductOutsideEveryLotIsRefused) {
  const std::string text =
      absl::StrReplaceAll(kCatalog, {{" product_ids: \"c\" }", " }"}});
  EXPECT_THAT(ViolationsOf(text), Contains(Rule("CAT-LOT", "products[2]")));
}

}  // namespace
}  // namespace wmo::catalog
