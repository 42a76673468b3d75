// The capacity store's migrations on data kept before them, on SQLite and
// PostgreSQL.
#include "services/capacity/capacity_repository.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"
#include "wmo/type/v1/audit.pb.h"

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
// from one names, the request id of its create and its trail.
TEST_P(CapacityRepositoryTest, WaitlistEntriesGetTheirPluralCollection) {
  const auto all = Repo::Migrations();
  ASSERT_EQ(all[4].version, 5);
  ASSERT_TRUE(store::Migrate(*db_, "capacity", all.subspan(0, 4)).ok());
  // A location may itself be called "waitlist": only the collection under
  // a pool or group is renamed.
  const SiteKey pool{"99990303", "waitlist", "pool"};
  const std::string location = "providers/99990303/locations/waitlist";
  const std::string old_list = location + "/bedPools/pool/waitlist";
  const std::string old_name = old_list + "/e1";
  const std::string new_list = location + "/bedPools/pool/waitlistEntries";
  const std::string new_name = new_list + "/e1";
  v1::WaitlistEntry entry;
  entry.set_name(old_name);
  v1::Booking booking;
  booking.set_name(location + "/bedPools/pool/bookings/b1");
  booking.set_waitlist_entry(old_name);
  // Trail entries: the entry's, a read of the list, the location's own.
  auto audit = [&](const std::string& resource, const std::string& id,
                   const std::vector<std::string>& read) {
    type::v1::AuditEntry e;
    e.set_resource(resource);
    for (const auto& r : read) e.add_resources_read(r);
    return db_->Execute(
        "INSERT INTO audit_log (owner, resource, time, id, body)"
        " VALUES ('providers/99990303', ?, '2024-03-01T00:00:00.000000Z', ?,"
        " ?)",
        {resource, id, store::Blob{e.SerializeAsString()}});
  };
  ASSERT_TRUE(audit(old_name, "a1", {}).ok());
  ASSERT_TRUE(audit(old_list, "a2", {old_name}).ok());
  ASSERT_TRUE(audit(location, "a3", {}).ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO create_requests (scope, request_id,"
                           " body_sha256, resource) VALUES (?, 'r1', '', ?)",
                           {old_list, old_name})
                  .ok());
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
  ASSERT_TRUE(db_->Transaction([&](store::Connection& c) -> absl::Status {
                   auto e =
                       Repo::GetWaitlistEntry(c, Repo::Kind::kPool, pool, "e1");
                   auto b = Repo::GetBooking(c, pool, "b1");
                   if (!e.ok()) return e.status();
                   if (!b.ok()) return b.status();
                   EXPECT_EQ(e->name(), new_name);
                   EXPECT_EQ(b->waitlist_entry(), new_name);
                   EXPECT_EQ(b->name(), booking.name());
                   return absl::OkStatus();
                 })
                  .ok());
  auto trail =
      db_->Execute("SELECT id, resource, body FROM audit_log ORDER BY id");
  ASSERT_TRUE(trail.ok());
  ASSERT_EQ(trail->size(), 3u);
  std::vector<std::string> resources;
  for (const auto& row : *trail) {
    type::v1::AuditEntry e;
    ASSERT_TRUE(e.ParseFromString(store::ResultSet::Text(row, 2)));
    EXPECT_EQ(e.resource(), store::ResultSet::Text(row, 1));
    resources.push_back(e.resource());
    if (store::ResultSet::Text(row, 0) == "a2") {
      EXPECT_EQ(e.resources_read(0), new_name);
    }
  }
  EXPECT_EQ(resources,
            (std::vector<std::string>{new_name, new_list, location}));
  auto once = db_->Execute("SELECT scope, resource FROM create_requests");
  ASSERT_TRUE(once.ok());
  ASSERT_EQ(once->size(), 1u);
  EXPECT_EQ(store::ResultSet::Text((*once)[0], 0), new_list);
  EXPECT_EQ(store::ResultSet::Text((*once)[0], 1), new_name);
}

INSTANTIATE_TEST_SUITE_P(Backends, CapacityRepositoryTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wmo::capacity
