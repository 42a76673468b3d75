#include "libs/gateway/request_builder.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "testdata/gateway_test.pb.h"

namespace wmo::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::wmo::gatewaytest::v1::Color;
using ::wmo::gatewaytest::v1::CreateWidgetRequest;
using ::wmo::gatewaytest::v1::ImportWidgetsRequest;
using ::wmo::gatewaytest::v1::InspectWidgetRequest;
using ::wmo::gatewaytest::v1::ListWidgetsRequest;
using ::wmo::gatewaytest::v1::UpdateWidgetRequest;

// Builds a ListWidgetsRequest (no body) from query parameters alone.
absl::StatusOr<ListWidgetsRequest> FromQuery(
    const std::vector<QueryParameter>& query) {
  ListWidgetsRequest request;
  absl::Status s = BuildRequest("", "", {}, query, &request);
  if (!s.ok()) return s;
  return request;
}

TEST(ParseQueryStringTest, SplitsAndDecodes) {
  auto params = ParseQueryString("a=1&b=x+y%21&c");
  ASSERT_TRUE(params.ok()) << params.status();
  ASSERT_EQ(params->size(), 3u);
  EXPECT_EQ((*params)[0].name, "a");
  EXPECT_EQ((*params)[0].value, "1");
  EXPECT_EQ((*params)[1].value, "x y!");
  EXPECT_EQ((*params)[2].name, "c");
  EXPECT_EQ((*params)[2].value, "");
}

TEST(ParseQueryStringTest, KeepsRepeatedNamesInOrder) {
  auto params = ParseQueryString("t=b&t=a");
  ASSERT_TRUE(params.ok());
  EXPECT_EQ((*params)[0].value, "b");
  EXPECT_EQ((*params)[1].value, "a");
}

TEST(ParseQueryStringTest, SkipsEmptyPieces) {
  auto params = ParseQueryString("&a=1&&");
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->size(), 1u);
}

TEST(ParseQueryStringTest, KeepsEqualsSignsInValue) {
  auto params = ParseQueryString("token=YQ==");
  ASSERT_TRUE(params.ok());
  EXPECT_EQ((*params)[0].value, "YQ==");
}

TEST(ParseQueryStringTest, RejectsMalformedEscape) {
  EXPECT_EQ(ParseQueryString("a=%G1").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ParseQueryStringTest, RejectsNamelessParameter) {
  EXPECT_EQ(ParseQueryString("=1").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ResolveFieldPathTest, AcceptsProtoAndJsonNames) {
  const auto& type = *ListWidgetsRequest::descriptor();
  auto proto = ResolveFieldPath(type, "filter.min_width_mm");
  auto json = ResolveFieldPath(type, "filter.minWidthMm");
  ASSERT_TRUE(proto.ok());
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(proto->back(), json->back());
  EXPECT_EQ(proto->back()->name(), "min_width_mm");
}

TEST(ResolveFieldPathTest, NamesTheMissingPart) {
  auto path =
      ResolveFieldPath(*ListWidgetsRequest::descriptor(), "filter.shade");
  EXPECT_THAT(
      path.status().message(),
      HasSubstr("no field \"shade\" in wmo.gatewaytest.v1.WidgetFilter"));
}

TEST(ResolveFieldPathTest, RejectsPathThroughScalar) {
  auto path =
      ResolveFieldPath(*ListWidgetsRequest::descriptor(), "page_size.x");
  EXPECT_THAT(path.status().message(),
              HasSubstr("not a singular message field"));
}

TEST(BuildRequestTest, SetsPathVariable) {
  ListWidgetsRequest request;
  ASSERT_TRUE(
      BuildRequest("", "", {{"parent", "shelves/s1"}}, {}, &request).ok());
  EXPECT_EQ(request.parent(), "shelves/s1");
}

TEST(BuildRequestTest, SetsNestedPathVariable) {
  InspectWidgetRequest request;
  ASSERT_TRUE(BuildRequest("", "", {{"widget.name", "shelves/s/widgets/w"}}, {},
                           &request)
                  .ok());
  EXPECT_EQ(request.widget().name(), "shelves/s/widgets/w");
}

TEST(BuildRequestTest, ParsesWholeBody) {
  CreateWidgetRequest request;
  ASSERT_TRUE(BuildRequest("*",
                           R"({"widget": {"displayName": "Bolt",
                               "color": "COLOR_RED"}, "requestId": "r1"})",
                           {}, {}, &request)
                  .ok());
  EXPECT_EQ(request.widget().display_name(), "Bolt");
  EXPECT_EQ(request.widget().color(), wmo::gatewaytest::v1::COLOR_RED);
  EXPECT_EQ(request.request_id(), "r1");
}

TEST(BuildRequestTest, PathVariableOverridesBody) {
  CreateWidgetRequest request;
  ASSERT_TRUE(BuildRequest("*", R"({"parent": "shelves/body"})",
                           {{"parent", "shelves/path"}}, {}, &request)
                  .ok());
  EXPECT_EQ(request.parent(), "shelves/path");
}

TEST(BuildRequestTest, ParsesBodyIntoNamedField) {
  UpdateWidgetRequest request;
  ASSERT_TRUE(BuildRequest("widget", R"({"displayName": "Nut"})",
                           {{"widget.name", "shelves/s/widgets/w"}}, {},
                           &request)
                  .ok());
  EXPECT_EQ(request.widget().display_name(), "Nut");
  EXPECT_EQ(request.widget().name(), "shelves/s/widgets/w");
}

TEST(BuildRequestTest, ParsesBodyIntoRepeatedField) {
  ImportWidgetsRequest request;
  ASSERT_TRUE(BuildRequest("widgets",
                           R"([{"displayName": "A"}, {"displayName": "B"}])",
                           {}, {}, &request)
                  .ok());
  ASSERT_EQ(request.widgets_size(), 2);
  EXPECT_EQ(request.widgets(1).display_name(), "B");
}

TEST(BuildRequestTest, BodyForRepeatedFieldCannotSetOtherFields) {
  ImportWidgetsRequest request;
  absl::Status s = BuildRequest(
      "widgets", R"([], "parent": "shelves/injected")", {}, {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(request.parent(), "");
}

TEST(BuildRequestTest, EmptyBodyLeavesMessageEmpty) {
  CreateWidgetRequest request;
  ASSERT_TRUE(BuildRequest("*", "  ", {}, {}, &request).ok());
  EXPECT_FALSE(request.has_widget());
}

TEST(BuildRequestTest, IgnoresBodyWhenRuleHasNone) {
  ListWidgetsRequest request;
  EXPECT_TRUE(BuildRequest("", "not json", {}, {}, &request).ok());
}

TEST(BuildRequestTest, RejectsMalformedJson) {
  CreateWidgetRequest request;
  absl::Status s = BuildRequest("*", R"({"widget": {)", {}, {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("invalid JSON body"));
}

// Where the JSON breaks and what was expected there, so that a portal
// developer finds the mistake in a long body.
TEST(BuildRequestTest, MalformedJsonSaysWhereAndWhatWasExpected) {
  CreateWidgetRequest request;
  absl::Status s = BuildRequest(
      "*", "{\n  \"requestId\": \"r1\"\n  \"color\": 1\n}", {}, {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("at line 3, column 9"));
  EXPECT_THAT(s.message(), HasSubstr("expected"));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("json.exception")));
}

TEST(BuildRequestTest, MalformedJsonForBodyFieldNamesTheField) {
  UpdateWidgetRequest request;
  absl::Status s = BuildRequest("widget", "{", {}, {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("field \"widget\""));
}

TEST(BuildRequestTest, RejectsUnknownBodyFieldNamingIt) {
  CreateWidgetRequest request;
  absl::Status s = BuildRequest("*", R"({"colour": 1})", {}, {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("colour"));
}

TEST(BuildRequestTest, RejectsWrongBodyValueTypeNamingField) {
  CreateWidgetRequest request;
  absl::Status s = BuildRequest("*", R"({"widget": {"weightGrams": "heavy"}})",
                                {}, {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("weight_grams"));
}

TEST(BuildRequestTest, SetsIntQueryParameter) {
  auto request = FromQuery({{"pageSize", "25"}});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->page_size(), 25);
}

TEST(BuildRequestTest, AcceptsProtoNameInQuery) {
  auto request = FromQuery({{"page_size", "25"}});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->page_size(), 25);
}

TEST(BuildRequestTest, SetsNestedFieldByDottedName) {
  auto request = FromQuery({{"filter.color", "COLOR_BLUE"}});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->filter().color(), wmo::gatewaytest::v1::COLOR_BLUE);
}

TEST(BuildRequestTest, RepeatedParameterAppends) {
  auto request = FromQuery({{"filter.tags", "b"}, {"filter.tags", "a"}});
  ASSERT_TRUE(request.ok());
  EXPECT_THAT(request->filter().tags(), ElementsAre("b", "a"));
}

TEST(BuildRequestTest, EnumByName) {
  auto request = FromQuery({{"colors", "COLOR_GREEN"}});
  ASSERT_TRUE(request.ok());
  EXPECT_THAT(request->colors(),
              ElementsAre(wmo::gatewaytest::v1::COLOR_GREEN));
}

TEST(BuildRequestTest, EnumByNumber) {
  auto request = FromQuery({{"colors", "3"}});
  ASSERT_TRUE(request.ok());
  EXPECT_THAT(request->colors(), ElementsAre(wmo::gatewaytest::v1::COLOR_BLUE));
}

TEST(BuildRequestTest, RejectsUnknownEnumListingValues) {
  auto request = FromQuery({{"colors", "PURPLE"}});
  EXPECT_THAT(request.status().message(),
              HasSubstr("one of COLOR_UNSPECIFIED, COLOR_RED"));
}

TEST(BuildRequestTest, RejectsUnknownEnumNumber) {
  EXPECT_FALSE(FromQuery({{"colors", "42"}}).ok());
}

TEST(BuildRequestTest, BoolAcceptsTrueAndOne) {
  EXPECT_TRUE(FromQuery({{"includeHidden", "true"}})->include_hidden());
  EXPECT_TRUE(FromQuery({{"includeHidden", "1"}})->include_hidden());
  EXPECT_FALSE(FromQuery({{"includeHidden", "false"}})->include_hidden());
}

TEST(BuildRequestTest, RejectsBadBool) {
  EXPECT_THAT(FromQuery({{"includeHidden", "yes"}}).status().message(),
              HasSubstr("expected true or false"));
}

TEST(BuildRequestTest, SetsInt64) {
  auto request = FromQuery({{"minWeightGrams", "9007199254740993"}});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->min_weight_grams(), 9007199254740993);
}

TEST(BuildRequestTest, RejectsNegativeUnsigned) {
  EXPECT_FALSE(FromQuery({{"maxResults", "-1"}}).ok());
}

TEST(BuildRequestTest, SetsDouble) {
  auto request = FromQuery({{"minScore", "0.75"}});
  ASSERT_TRUE(request.ok());
  EXPECT_DOUBLE_EQ(request->min_score(), 0.75);
}

TEST(BuildRequestTest, DecodesBase64Bytes) {
  auto request = FromQuery({{"cursor", "aGk="}});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->cursor(), "hi");
}

TEST(BuildRequestTest, SetsTimestampFromJsonForm) {
  auto request = FromQuery({{"createdAfter", "2024-01-02T03:04:05Z"}});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(
      google::protobuf::util::TimeUtil::ToString(request->created_after()),
      "2024-01-02T03:04:05Z");
}

TEST(BuildRequestTest, RejectsBadTimestamp) {
  EXPECT_THAT(FromQuery({{"createdAfter", "yesterday"}}).status().message(),
              HasSubstr("google.protobuf.Timestamp"));
}

TEST(BuildRequestTest, SetsWrapperThroughItsValue) {
  auto request = FromQuery({{"filter.minWidthMm", "40"}});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->filter().min_width_mm().value(), 40);
}

TEST(BuildRequestTest, SetsFieldMaskFromJsonForm) {
  UpdateWidgetRequest request;
  ASSERT_TRUE(BuildRequest("widget", "{}", {},
                           {{"updateMask", "displayName,color"}}, &request)
                  .ok());
  EXPECT_THAT(request.update_mask().paths(),
              ElementsAre("display_name", "color"));
}

TEST(BuildRequestTest, RejectsUnknownParameterNamingIt) {
  auto request = FromQuery({{"pageSise", "1"}});
  EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(request.status().message(),
              HasSubstr("unknown query parameter \"pageSise\""));
}

TEST(BuildRequestTest, RejectsBadIntNamingParameter) {
  auto request = FromQuery({{"pageSize", "ten"}});
  EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(request.status().message(),
              HasSubstr("invalid value \"ten\" for query parameter "
                        "\"pageSize\": expected a 32-bit integer"));
}

TEST(BuildRequestTest, RejectsOutOfRangeInt) {
  EXPECT_FALSE(FromQuery({{"pageSize", "3000000000"}}).ok());
}

TEST(BuildRequestTest, RejectsSingularParameterGivenTwice) {
  EXPECT_THAT(
      FromQuery({{"pageSize", "1"}, {"page_size", "2"}}).status().message(),
      HasSubstr("more than once"));
}

TEST(BuildRequestTest, RejectsParameterBoundByPath) {
  ListWidgetsRequest request;
  absl::Status s = BuildRequest("", "", {{"parent", "shelves/a"}},
                                {{"parent", "shelves/b"}}, &request);
  EXPECT_THAT(s.message(), HasSubstr("bound by the URL path"));
}

TEST(BuildRequestTest, RejectsParameterInsidePathBoundField) {
  InspectWidgetRequest request;
  absl::Status s =
      BuildRequest("", "", {{"widget.name", "shelves/s/widgets/w"}},
                   {{"widget.name", "x"}}, &request);
  EXPECT_THAT(s.message(), HasSubstr("bound by the URL path"));
}

TEST(BuildRequestTest, AllowsSiblingOfPathBoundField) {
  InspectWidgetRequest request;
  ASSERT_TRUE(BuildRequest("", "", {{"widget.name", "shelves/s/widgets/w"}},
                           {{"widget.displayName", "x"}}, &request)
                  .ok());
  EXPECT_EQ(request.widget().display_name(), "x");
}

TEST(BuildRequestTest, RejectsAnyParameterWhenBodyTakesEverything) {
  CreateWidgetRequest request;
  absl::Status s = BuildRequest("*", "{}", {}, {{"requestId", "r"}}, &request);
  EXPECT_THAT(s.message(), HasSubstr("the request body carries every field"));
}

TEST(BuildRequestTest, RejectsParameterInsideBodyField) {
  UpdateWidgetRequest request;
  absl::Status s =
      BuildRequest("widget", "{}", {}, {{"widget.displayName", "x"}}, &request);
  EXPECT_THAT(s.message(), HasSubstr("the field is in the body"));
}

TEST(BuildRequestTest, RejectsMessageParameter) {
  EXPECT_THAT(FromQuery({{"filter", "x"}}).status().message(),
              HasSubstr("set its fields with dotted names"));
}

TEST(BuildRequestTest, RejectsMapParameter) {
  EXPECT_THAT(FromQuery({{"labels", "x"}}).status().message(),
              HasSubstr("map fields"));
}

TEST(BuildRequestTest, RejectsInvalidUtf8) {
  EXPECT_THAT(FromQuery({{"pageToken", "\xC3("}}).status().message(),
              HasSubstr("UTF-8"));
}

}  // namespace
}  // namespace wmo::gateway
