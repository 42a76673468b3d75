// The capacity store's migrations on data kept before them, on SQLite and
// PostgreSQL.
#include "services/capacity/capacity_repository.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"

namespace wmo::capacity {
namespace {

using Repo = CapacityRepository;

class CapacityRepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
};

// Entries kept as ".../waitlist/{id}" before migration 5 are
// ".../waitlistEntries/{id}" after it, and so is the entry a booking made
// from one names.
TEST_P(CapacityRepositoryTest, WaitlistEntriesGetTheirPluralCollection) {
  const auto all = Repo::Migrations();
  ASSERT_EQ(all[4].version, 5);
  ASSERT_TRUE(store::Migrate(*db_, "capacity", all.subspan(0, 4)).ok());
  const SiteKey pool{"99990303", "loc", "pool"};
  const std::string old_name =
      "providers/99990303/locations/loc/bedPools/pool/waitlist/e1";
  v1::WaitlistEntry entry;
  entry.set_name(old_name);
  v1::Booking booking;
  booking.set_name(
      "providers/99990303/locations/loc/bedPools/pool/bookings/b1");
  booking.set_waitlist_entry(old_name);
  ASSERT_TRUE(db_->Transaction([&](store::Connection& c) -> absl::Status {
                   if (absl::Status s = Repo::InsertWaitlistEntry(
                           c, Repo::Kind::kPool, pool, "e1", entry);
                       !s.ok()) {
                     return s;
                   }
                   return Repo::InsertBooking(
                       c, pool, "b1", "municipalities/0988/assignments/1",
                       "weert-2024", "kdv", booking);
                 })
                  .ok());
  ASSERT_TRUE(store::Migrate(*db_, "capacity", all).ok());
  const std::string renamed =
      "providers/99990303/locations/loc/bedPools/pool/waitlistEntries/e1";
  ASSERT_TRUE(db_->Transaction([&](store::Connection& c) -> absl::Status {
                   auto e =
                       Repo::GetWaitlistEntry(c, Repo::Kind::kPool, pool, "e1");
                   auto b = Repo::GetBooking(c, pool, "b1");
                   if (!e.ok()) return e.status();
                   if (!b.ok()) return b.status();
                   EXPECT_EQ(e->name(), renamed);
                   EXPECT_EQ(b->waitlist_entry(), renamed);
                   EXPECT_EQ(b->name(), booking.name());
                   return absl::OkStatus();
                 })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, CapacityRepositoryTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wmo::capacity
