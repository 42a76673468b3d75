#include "libs/gateway/http_rule.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wmo::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Kind = TemplateSegment::Kind;

MATCHER_P2(Bound, field, value, "") {
  return arg.field_path == field && arg.value == value;
}

PathTemplate MustParse(const std::string& text) {
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : PathTemplate();
}

std::vector<Kind> Kinds(const PathTemplate& t) {
  std::vector<Kind> kinds;
  for (const TemplateSegment& s : t.segments()) kinds.push_back(s.kind);
  return kinds;
}

TEST(PathTemplateTest, ParsesLiteralSegments) {
  PathTemplate t = MustParse("/v1/catalogs");
  EXPECT_THAT(Kinds(t), ElementsAre(Kind::kLiteral, Kind::kLiteral));
  EXPECT_EQ(t.segments()[1].literal, "catalogs");
  EXPECT_TRUE(t.variables().empty());
  EXPECT_EQ(t.verb(), "");
}

TEST(PathTemplateTest, ParsesVariableWithPattern) {
  PathTemplate t = MustParse("/v1/{name=catalogs/*/products/*}");
  EXPECT_THAT(Kinds(t),
              ElementsAre(Kind::kLiteral, Kind::kLiteral, Kind::kSingle,
                          Kind::kLiteral, Kind::kSingle));
  ASSERT_EQ(t.variables().size(), 1u);
  EXPECT_EQ(t.variables()[0].field_path, "name");
  EXPECT_EQ(t.variables()[0].first_segment, 1);
  EXPECT_EQ(t.variables()[0].end_segment, 5);
}

TEST(PathTemplateTest, ParsesBareVariableAsOneSegment) {
  PathTemplate t = MustParse("/v1/widgets/{id}");
  EXPECT_THAT(Kinds(t),
              ElementsAre(Kind::kLiteral, Kind::kLiteral, Kind::kSingle));
  EXPECT_EQ(t.variables()[0].first_segment, 2);
  EXPECT_EQ(t.variables()[0].end_segment, 3);
}

TEST(PathTemplateTest, ParsesNestedFieldPath) {
  PathTemplate t = MustParse("/v1/{widget.name=shelves/*/widgets/*}");
  EXPECT_EQ(t.variables()[0].field_path, "widget.name");
}

TEST(PathTemplateTest, ParsesCustomVerbAfterVariable) {
  PathTemplate t =
      MustParse("/v1/{product=catalogs/*/products/*}:resolveTariff");
  EXPECT_EQ(t.verb(), "resolveTariff");
  EXPECT_EQ(t.segments().size(), 5u);
}

TEST(PathTemplateTest, ParsesCustomVerbAfterLiteral) {
  PathTemplate t = MustParse("/v1/catalogs:import");
  EXPECT_EQ(t.verb(), "import");
  EXPECT_EQ(t.segments().back().literal, "catalogs");
}

TEST(PathTemplateTest, ParsesDoubleWildcard) {
  PathTemplate t = MustParse("/v1/{path=files/**}");
  EXPECT_THAT(Kinds(t),
              ElementsAre(Kind::kLiteral, Kind::kLiteral, Kind::kMulti));
}

TEST(PathTemplateTest, ParsesWildcardOutsideVariable) {
  PathTemplate t = MustParse("/v1/*/widgets");
  EXPECT_THAT(Kinds(t),
              ElementsAre(Kind::kLiteral, Kind::kSingle, Kind::kLiteral));
  EXPECT_TRUE(t.variables().empty());
}

TEST(PathTemplateTest, KeepsText) {
  EXPECT_EQ(MustParse("/v1/{name=a/*}:x").text(), "/v1/{name=a/*}:x");
}

TEST(PathTemplateTest, RejectsMissingLeadingSlash) {
  EXPECT_THAT(PathTemplate::Parse("v1/catalogs").status().message(),
              HasSubstr("must start with '/'"));
}

TEST(PathTemplateTest, RejectsDoubleWildcardBeforeTheEnd) {
  EXPECT_THAT(PathTemplate::Parse("/v1/**/x").status().message(),
              HasSubstr("'**' must be the last segment"));
}

TEST(PathTemplateTest, RejectsNestedVariables) {
  EXPECT_THAT(PathTemplate::Parse("/v1/{a={b}}").status().message(),
              HasSubstr("cannot nest"));
}

TEST(PathTemplateTest, RejectsUnterminatedVariable) {
  EXPECT_THAT(PathTemplate::Parse("/v1/{name=a/*").status().message(),
              HasSubstr("unterminated"));
}

TEST(PathTemplateTest, RejectsBadFieldPath) {
  EXPECT_THAT(PathTemplate::Parse("/v1/{na-me}").status().message(),
              HasSubstr("is not a field path"));
}

TEST(PathTemplateTest, RejectsFieldBoundTwice) {
  EXPECT_THAT(PathTemplate::Parse("/v1/{a}/{a}").status().message(),
              HasSubstr("bound twice"));
}

TEST(PathTemplateTest, RejectsEmptySegment) {
  EXPECT_THAT(PathTemplate::Parse("/v1//x").status().message(),
              HasSubstr("empty segment"));
}

TEST(PathTemplateTest, RejectsTrailingSlash) {
  EXPECT_FALSE(PathTemplate::Parse("/v1/x/").ok());
}

TEST(PathTemplateTest, RejectsEmptyVerb) {
  EXPECT_THAT(PathTemplate::Parse("/v1/x:").status().message(),
              HasSubstr("custom verb"));
}

TEST(PathTemplateTest, RejectsVerbInsideVariable) {
  EXPECT_FALSE(PathTemplate::Parse("/v1/{name=a:b}").ok());
}

TEST(PathTemplateTest, RejectsUnbalancedBrace) {
  EXPECT_FALSE(PathTemplate::Parse("/v1/x}").ok());
}

TEST(PathTemplateMatchTest, ExtractsVariables) {
  PathTemplate t = MustParse("/v1/{name=catalogs/*/products/*}");
  auto bound = t.Match("/v1/catalogs/utrecht/products/02A01");
  ASSERT_TRUE(bound.has_value());
  EXPECT_THAT(*bound,
              ElementsAre(Bound("name", "catalogs/utrecht/products/02A01")));
}

TEST(PathTemplateMatchTest, ExtractsSeveralVariables) {
  PathTemplate t = MustParse("/v1/{parent=providers/*}/declarations/{id}");
  auto bound = t.Match("/v1/providers/12345678/declarations/D1");
  ASSERT_TRUE(bound.has_value());
  EXPECT_THAT(*bound, ElementsAre(Bound("parent", "providers/12345678"),
                                  Bound("id", "D1")));
}

TEST(PathTemplateMatchTest, RequiresLiterals) {
  PathTemplate t = MustParse("/v1/{name=catalogs/*}");
  EXPECT_FALSE(t.Match("/v1/contracts/x").has_value());
}

TEST(PathTemplateMatchTest, RequiresSameSegmentCount) {
  PathTemplate t = MustParse("/v1/{name=catalogs/*}");
  EXPECT_FALSE(t.Match("/v1/catalogs/x/products").has_value());
  EXPECT_FALSE(t.Match("/v1/catalogs").has_value());
}

TEST(PathTemplateMatchTest, RejectsEmptySegments) {
  PathTemplate t = MustParse("/v1/{name=catalogs/*}");
  EXPECT_FALSE(t.Match("/v1/catalogs/").has_value());
}

TEST(PathTemplateMatchTest, RequiresTheVerb) {
  PathTemplate t = MustParse("/v1/{name=catalogs/*}:check");
  EXPECT_TRUE(t.Match("/v1/catalogs/x:check").has_value());
  EXPECT_FALSE(t.Match("/v1/catalogs/x").has_value());
  EXPECT_FALSE(t.Match("/v1/catalogs/x:other").has_value());
}

TEST(PathTemplateMatchTest, StripsVerbBeforeBinding) {
  PathTemplate t = MustParse("/v1/{name=catalogs/*}:check");
  EXPECT_THAT(*t.Match("/v1/catalogs/x:check"),
              ElementsAre(Bound("name", "catalogs/x")));
}

TEST(PathTemplateMatchTest, KeepsColonInValueWithoutVerb) {
  PathTemplate t = MustParse("/v1/{name=catalogs/*}");
  EXPECT_THAT(*t.Match("/v1/catalogs/a:b"),
              ElementsAre(Bound("name", "catalogs/a:b")));
}

TEST(PathTemplateMatchTest, MatchesLiteralWithVerb) {
  PathTemplate t = MustParse("/v1/catalogs:import");
  EXPECT_TRUE(t.Match("/v1/catalogs:import").has_value());
  EXPECT_FALSE(t.Match("/v1/catalogs").has_value());
}

TEST(PathTemplateMatchTest, DecodesSingleSegmentVariableFully) {
  PathTemplate t = MustParse("/v1/widgets/{id}");
  EXPECT_THAT(*t.Match("/v1/widgets/a%2Fb%20c"),
              ElementsAre(Bound("id", "a/b c")));
}

TEST(PathTemplateMatchTest, KeepsEncodedSlashInMultiSegmentVariable) {
  PathTemplate t = MustParse("/v1/{name=shelves/*}");
  EXPECT_THAT(*t.Match("/v1/shelves/a%2Fb%20c"),
              ElementsAre(Bound("name", "shelves/a%2Fb c")));
}

TEST(PathTemplateMatchTest, DecodesLiterals) {
  PathTemplate t = MustParse("/v1/catalogs");
  EXPECT_TRUE(t.Match("/v1/c%61talogs").has_value());
}

TEST(PathTemplateMatchTest, RejectsMalformedEscape) {
  PathTemplate t = MustParse("/v1/widgets/{id}");
  EXPECT_FALSE(t.Match("/v1/widgets/a%zz").has_value());
}

TEST(PathTemplateMatchTest, DoubleWildcardTakesTheRest) {
  PathTemplate t = MustParse("/v1/{path=files/**}");
  EXPECT_THAT(*t.Match("/v1/files/a/b/c"),
              ElementsAre(Bound("path", "files/a/b/c")));
}

TEST(PathTemplateMatchTest, DoubleWildcardMatchesZeroSegments) {
  PathTemplate t = MustParse("/v1/{path=files/**}");
  EXPECT_THAT(*t.Match("/v1/files"), ElementsAre(Bound("path", "files")));
}

TEST(PathTemplateMatchTest, SingleWildcardOutsideVariableBindsNothing) {
  PathTemplate t = MustParse("/v1/*/widgets");
  auto bound = t.Match("/v1/anything/widgets");
  ASSERT_TRUE(bound.has_value());
  EXPECT_TRUE(bound->empty());
}

TEST(PathTemplateMatchTest, RejectsPathWithoutLeadingSlash) {
  EXPECT_FALSE(MustParse("/v1").Match("v1").has_value());
}

TEST(PathTemplateSpecificityTest, VerbBeatsNoVerb) {
  PathTemplate with_verb = MustParse("/v1/{name=catalogs/*}:check");
  PathTemplate without = MustParse("/v1/{name=catalogs/*}");
  EXPECT_TRUE(with_verb.MoreSpecificThan(without));
  EXPECT_FALSE(without.MoreSpecificThan(with_verb));
}

TEST(PathTemplateSpecificityTest, LiteralBeatsWildcard) {
  PathTemplate literal = MustParse("/v1/shelves/special");
  PathTemplate wildcard = MustParse("/v1/{name=shelves/*}");
  EXPECT_TRUE(literal.MoreSpecificThan(wildcard));
  EXPECT_FALSE(wildcard.MoreSpecificThan(literal));
}

TEST(PathTemplateSpecificityTest, SingleBeatsDoubleWildcard) {
  PathTemplate single = MustParse("/v1/files/*");
  PathTemplate multi = MustParse("/v1/files/**");
  EXPECT_TRUE(single.MoreSpecificThan(multi));
}

TEST(PercentDecodeTest, DecodesEscapes) {
  EXPECT_EQ(*PercentDecode("a%20b%C3%A9", false), "a b\xC3\xA9");
}

TEST(PercentDecodeTest, LeavesPlusAlone) {
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
}

TEST(PercentDecodeTest, CanKeepEncodedSlash) {
  EXPECT_EQ(*PercentDecode("a%2Fb%2fc", true), "a%2Fb%2fc");
  EXPECT_EQ(*PercentDecode("a%2Fb", false), "a/b");
}

TEST(PercentDecodeTest, RejectsTruncatedEscape) {
  EXPECT_FALSE(PercentDecode("abc%4", false).ok());
}

}  // namespace
}  // namespace wmo::gateway
