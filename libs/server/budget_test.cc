#include "libs/server/budget.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wmo::server {
namespace {

TEST(BudgetTest, LeasesTakeAndGiveBackTheirShare) {
  Budget budget("widgets", 10);
  Budget::Lease a, b;
  ASSERT_TRUE(budget.Take(6, a).ok());
  absl::Status refused = budget.Take(5, b);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(),
              ::testing::HasSubstr("6 of at most 10 widgets"));
  EXPECT_EQ(budget.in_use(), 6);
  {
    Budget::Lease c;
    ASSERT_TRUE(budget.Take(4, c).ok());
    EXPECT_EQ(budget.in_use(), 10);
  }
  EXPECT_EQ(budget.in_use(), 6);
  a = Budget::Lease();
  EXPECT_EQ(budget.in_use(), 0);
}

TEST(BudgetTest, AGrowingLeaseKeepsWhatItHadWhenRefused) {
  Budget budget("lines", 10);
  {
    Budget::Lease stream = budget.Open();
    ASSERT_TRUE(stream.Grow(4).ok());
    ASSERT_TRUE(stream.Grow(4).ok());
    EXPECT_FALSE(stream.Grow(3).ok());
    EXPECT_EQ(stream.amount(), 8);
    Budget::Lease moved = std::move(stream);
    EXPECT_EQ(budget.in_use(), 8);
  }
  EXPECT_EQ(budget.in_use(), 0);
}

TEST(BudgetTest, ResizeGivesBackAnEstimateAndTakesWhatItMissed) {
  Budget budget("lines", 10);
  Budget::Lease lease;
  ASSERT_TRUE(budget.Take(8, lease).ok());  // An estimate.
  ASSERT_TRUE(lease.Resize(3).ok());        // The real count.
  EXPECT_EQ(budget.in_use(), 3);
  EXPECT_EQ(lease.Resize(11).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(lease.amount(), 3);
  ASSERT_TRUE(lease.Resize(10).ok());
  EXPECT_EQ(budget.in_use(), 10);
}

}  // namespace
}  // namespace wmo::server
