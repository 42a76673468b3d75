#include "libs/server/status.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace wmo::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StatusTest, ViolationsSurviveTheRoundTrip) {
  absl::Status s =
      ViolationStatus(absl::StatusCode::kFailedPrecondition, "refused",
                      {Violation("S3-09", "", "extent", "at most 42 per year"),
                       Violation("TR361", "9361", "period", "overlaps")});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("S3-09 extent: at most 42 per year"));
  auto v = Violations(s);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].return_code(), "9361");
}

// The details of an error, by type.
template <typename Detail>
std::vector<Detail> DetailsOf(const grpc::Status& g) {
  google::rpc::Status rich;
  EXPECT_TRUE(rich.ParseFromString(g.error_details()));
  std::vector<Detail> found;
  for (const auto& any : rich.details()) {
    Detail d;
    if (any.UnpackTo(&d)) found.push_back(d);
  }
  return found;
}

// A request wrong in itself: BadRequest, besides the rules.
TEST(StatusTest, InvalidArgumentCarriesBadRequest) {
  grpc::Status g = ToGrpcStatus(
      ViolationStatus(absl::StatusCode::kInvalidArgument, "",
                      {Violation("TR361", "9361", "period", "overlaps"),
                       Violation("AS-BSN", "", "client.bsn", "11-proef")}));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad = DetailsOf<google::rpc::BadRequest>(g);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].field_violations(0).field(), "period");
  EXPECT_EQ(bad[0].field_violations(0).description(),
            "TR361 (retourcode 9361): overlaps");
  EXPECT_TRUE(DetailsOf<google::rpc::PreconditionFailure>(g).empty());
  auto rules = DetailsOf<wmo::type::v1::RuleViolations>(g);
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].violations_size(), 2);
}

// The system's state refuses it: PreconditionFailure, the rule as type.
TEST(StatusTest, FailedPreconditionCarriesPreconditionFailure) {
  grpc::Status g = ToGrpcStatus(
      ViolationStatus(absl::StatusCode::kFailedPrecondition, "refused",
                      {Violation("TR385", "9385", "name", "billed")}));
  auto failure = DetailsOf<google::rpc::PreconditionFailure>(g);
  ASSERT_EQ(failure.size(), 1u);
  EXPECT_EQ(failure[0].violations(0).type(), "TR385");
  EXPECT_EQ(failure[0].violations(0).subject(), "name");
  EXPECT_TRUE(DetailsOf<google::rpc::BadRequest>(g).empty());
}

// Every error names its cause (AIP-193): by default from its code.
TEST(StatusTest, PlainErrorCarriesOnlyErrorInfo) {
  grpc::Status g = ToGrpcStatus(absl::NotFoundError("gone"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(g.error_message(), "gone");
  auto info = DetailsOf<google::rpc::ErrorInfo>(g);
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].reason(), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(info[0].domain(), "wmo.api");
  // Outside a call's scope there is no request id to name.
  EXPECT_TRUE(info[0].metadata().empty());
  EXPECT_TRUE(DetailsOf<wmo::type::v1::RuleViolations>(g).empty());
}

// Rule violations: RULE_VIOLATED, each rule id and return code once.
TEST(StatusTest, ErrorInfoListsTheRules) {
  grpc::Status g = ToGrpcStatus(
      ViolationStatus(absl::StatusCode::kFailedPrecondition, "refused",
                      {Violation("TR385", "9385", "name", "billed"),
                       Violation("S3-09", "", "extent", "too much"),
                       Violation("TR385", "9385", "name", "credited")}));
  auto info = DetailsOf<google::rpc::ErrorInfo>(g);
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].reason(), "RULE_VIOLATED");
  EXPECT_EQ(info[0].metadata().at("ruleIds"), "TR385,S3-09");
  EXPECT_EQ(info[0].metadata().at("returnCodes"), "9385");
}

// A reason the code gave wins, survives a hop between services, and an
// internal error keeps its reason while its text goes to the log.
TEST(StatusTest, GivenReasonWinsAndTravels) {
  absl::Status busy =
      WithReason(absl::ResourceExhaustedError("busy"), "SERVER_OVERLOADED");
  EXPECT_EQ(ReasonOf(busy), "SERVER_OVERLOADED");
  grpc::Status g = ToGrpcStatus(busy);
  EXPECT_EQ(DetailsOf<google::rpc::ErrorInfo>(g)[0].reason(),
            "SERVER_OVERLOADED");
  absl::Status back = FromGrpcStatus(g, "assignment: ");
  EXPECT_EQ(back.message(), "assignment: busy");
  EXPECT_EQ(ReasonOf(back), "SERVER_OVERLOADED");
  EXPECT_EQ(ReasonOf(absl::AbortedError("x")), "CONCURRENT_CHANGE");
  grpc::Status internal = ToGrpcStatus(
      WithReason(absl::InternalError("secret detail"), "AUDIT_BROKEN"));
  EXPECT_THAT(internal.error_message(), Not(HasSubstr("secret")));
  EXPECT_EQ(DetailsOf<google::rpc::ErrorInfo>(internal)[0].reason(),
            "AUDIT_BROKEN");
}

}  // namespace
}  // namespace wmo::server
