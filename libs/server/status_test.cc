#include "libs/server/status.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace wmo::server {
namespace {

using ::testing::HasSubstr;

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

TEST(StatusTest, PlainErrorHasNoDetails) {
  grpc::Status g = ToGrpcStatus(absl::NotFoundError("gone"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(g.error_message(), "gone");
  EXPECT_TRUE(g.error_details().empty());
}

}  // namespace
}  // namespace wmo::server
