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

TEST(StatusTest, GrpcStatusCarriesRichDetails) {
  grpc::Status g = ToGrpcStatus(
      ViolationStatus(absl::StatusCode::kInvalidArgument, "",
                      {Violation("TR361", "9361", "period", "overlaps")}));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(g.error_details()));
  google::rpc::BadRequest bad;
  ASSERT_TRUE(rich.details(1).UnpackTo(&bad));
  EXPECT_EQ(bad.field_violations(0).field(), "period");
  EXPECT_EQ(bad.field_violations(0).description(),
            "TR361 (retourcode 9361): overlaps");
}

TEST(StatusTest, PlainErrorHasNoDetails) {
  grpc::Status g = ToGrpcStatus(absl::NotFoundError("gone"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(g.error_message(), "gone");
  EXPECT_TRUE(g.error_details().empty());
}

}  // namespace
}  // namespace wmo::server
