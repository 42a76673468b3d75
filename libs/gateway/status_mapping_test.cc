#include "libs/gateway/status_mapping.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/protobuf/util/type_resolver_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "testdata/gateway_test.pb.h"

namespace wmo::gateway {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<google::protobuf::util::TypeResolver> GeneratedResolver() {
  return std::unique_ptr<google::protobuf::util::TypeResolver>(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          "type.googleapis.com",
          google::protobuf::DescriptorPool::generated_pool()));
}

TEST(HttpStatusForGrpcCodeTest, MapsCanonicalCodes) {
  const std::vector<std::pair<int, int>> expected = {
      {0, 200},  {1, 499},  {2, 500},  {3, 400},  {4, 504},  {5, 404},
      {6, 409},  {7, 403},  {8, 429},  {9, 400},  {10, 409}, {11, 400},
      {12, 501}, {13, 500}, {14, 503}, {15, 500}, {16, 401}};
  for (const auto& [code, http] : expected) {
    EXPECT_EQ(HttpStatusForGrpcCode(code), http) << "gRPC code " << code;
  }
}

TEST(HttpStatusForGrpcCodeTest, MapsUnknownCodesTo500) {
  EXPECT_EQ(HttpStatusForGrpcCode(99), 500);
  EXPECT_EQ(HttpStatusForGrpcCode(-1), 500);
}

// REST clients read field paths in the names they wrote.
TEST(JsonFieldPathTest, NamesFieldsAsTheJsonMappingDoes) {
  EXPECT_EQ(JsonFieldPath("client_bsn"), "clientBsn");
  EXPECT_EQ(JsonFieldPath("extent.volume"), "extent.volume");
  EXPECT_EQ(JsonFieldPath("lines[3].deliveries[0].start_time"),
            "lines[3].deliveries[0].startTime");
  EXPECT_EQ(JsonFieldPath("declaration.lines[12].client_bsn"),
            "declaration.lines[12].clientBsn");
  EXPECT_EQ(JsonFieldPath(""), "");
  // A place in a catalog file keeps that file's names.
  EXPECT_EQ(JsonFieldPath("upload.textproto:4 municipalities[0].cbs_code"),
            "upload.textproto:4 municipalities[0].cbs_code");
}

TEST(ErrorBodyJsonTest, CarriesCodeMessageAndEmptyDetails) {
  EXPECT_EQ(ErrorBodyJson(5, "no such widget", "", nullptr),
            R"({"code":5,"message":"no such widget","details":[]})");
}

TEST(ErrorBodyJsonTest, RendersBadRequestDetailsWithType) {
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field("widget.display_name");
  violation->set_description("must not be empty");
  google::rpc::Status status;
  status.add_details()->PackFrom(bad_request);
  auto resolver = GeneratedResolver();

  std::string json =
      ErrorBodyJson(3, "invalid", status.SerializeAsString(), resolver.get());

  EXPECT_EQ(json, R"({"code":3,"message":"invalid","details":[)"
                  R"({"@type":"type.googleapis.com/google.rpc.BadRequest",)"
                  R"("fieldViolations":[{"field":"widget.displayName",)"
                  R"("description":"must not be empty"}]}]})");
}

// The route's body is the JSON document: paths start below it, in the
// details and where the message repeats them.
TEST(ErrorBodyJsonTest, NamesFieldsFromTheBodyDown) {
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field("widget.display_name");
  violation->set_description("must not be empty");
  bad_request.add_field_violations()->set_field("widgetless");
  google::rpc::Status status;
  status.add_details()->PackFrom(bad_request);
  auto resolver = GeneratedResolver();

  std::string json =
      ErrorBodyJson(3, "invalid; W1 widget.display_name: must not be empty",
                    status.SerializeAsString(), resolver.get(), "widget");

  EXPECT_THAT(json, HasSubstr(R"("message":"invalid; W1 displayName: must)"));
  EXPECT_THAT(json, HasSubstr(R"({"field":"displayName",)"));
  // Only a whole leading field is taken off.
  EXPECT_THAT(json, HasSubstr(R"({"field":"widgetless"})"));
}

// A precondition's subject is a field of the request too.
TEST(ErrorBodyJsonTest, NamesPreconditionSubjectsAsFields) {
  google::rpc::PreconditionFailure failure;
  auto* v = failure.add_violations();
  v->set_type("TR385");
  v->set_subject("widget.display_name");
  google::rpc::Status status;
  status.add_details()->PackFrom(failure);
  auto resolver = GeneratedResolver();
  EXPECT_THAT(ErrorBodyJson(9, "refused", status.SerializeAsString(),
                            resolver.get(), "widget"),
              HasSubstr(R"("subject":"displayName")"));
}

TEST(ErrorBodyJsonTest, RendersDetailsOfAnyLinkedType) {
  wmo::gatewaytest::v1::Caller caller;
  caller.set_request_id("r-1");
  google::rpc::Status status;
  status.add_details()->PackFrom(caller);
  auto resolver = GeneratedResolver();

  EXPECT_THAT(
      ErrorBodyJson(9, "x", status.SerializeAsString(), resolver.get()),
      HasSubstr(R"({"@type":"type.googleapis.com/wmo.gatewaytest.v1.Caller",)"
                R"("requestId":"r-1"})"));
}

TEST(ErrorBodyJsonTest, KeepsUnknownDetailTypeAsBase64) {
  google::rpc::Status status;
  auto* detail = status.add_details();
  detail->set_type_url("type.googleapis.com/unknown.Thing");
  detail->set_value("hi");
  auto resolver = GeneratedResolver();

  EXPECT_THAT(
      ErrorBodyJson(13, "x", status.SerializeAsString(), resolver.get()),
      HasSubstr(R"({"@type":"type.googleapis.com/unknown.Thing",)"
                R"("value":"aGk="})"));
}

TEST(ErrorBodyJsonTest, IgnoresUnparsableDetails) {
  EXPECT_EQ(ErrorBodyJson(13, "x", "\xFF\xFF", nullptr),
            R"({"code":13,"message":"x","details":[]})");
}

TEST(ErrorBodyJsonTest, EscapesTheMessage) {
  EXPECT_THAT(ErrorBodyJson(3, "say \"hi\"\n\\", "", nullptr),
              HasSubstr(R"("message":"say \"hi\"\n\\")"));
}

TEST(JsonQuoteTest, EscapesControlCharacters) {
  EXPECT_EQ(JsonQuote(std::string("a\x01z", 3)), R"("a\u0001z")");
}

TEST(JsonQuoteTest, KeepsValidUtf8) {
  EXPECT_EQ(JsonQuote("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
}

TEST(JsonQuoteTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(JsonQuote("a\xFFz"), "\"a\xEF\xBF\xBDz\"");
}

}  // namespace
}  // namespace wmo::gateway
