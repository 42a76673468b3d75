#include "libs/server/update_mask.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/api.h"
#include "libs/server/status.h"
#include "wmo/capacity/v1/capacity.pb.h"

namespace wmo::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A group with a name, a size and two sessions.
wmo::capacity::v1::Group Group(int max_size, int sessions) {
  wmo::capacity::v1::Group g;
  g.set_name("providers/1/locations/a/groups/b");
  g.set_display_name("Dagbesteding");
  g.set_max_size(max_size);
  for (int i = 0; i < sessions; ++i) g.add_sessions()->set_staff(i + 1);
  return g;
}

TEST(UpdateMaskTest, WithoutAMaskWhatThePatchSets) {
  wmo::capacity::v1::Group patch;
  patch.set_name("providers/1/locations/a/groups/b");
  patch.set_max_size(12);
  // Its name, what the server sets and the etag are not changes.
  *patch.mutable_create_time() = Timestamp(absl::FromUnixSeconds(1));
  patch.set_etag("r3");
  auto fields = FieldsToUpdate({}, patch, "CP-FORMAT");
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_THAT(*fields, ElementsAre("max_size"));
}

TEST(UpdateMaskTest, APathThatCannotChangeIsRefusedNamingIt) {
  google::protobuf::FieldMask mask;
  mask.add_paths("catalog");
  auto fields = FieldsToUpdate(mask, wmo::capacity::v1::Group(), "CP-FORMAT");
  EXPECT_EQ(fields.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(Violations(fields.status()).size(), 1u);
  EXPECT_EQ(Violations(fields.status())[0].field(), "update_mask");
  EXPECT_THAT(fields.status().message(), HasSubstr("\"catalog\" cannot"));
}

// Lists are replaced, not appended to; a field the patch leaves unset is
// cleared; the fields not named stay.
TEST(UpdateMaskTest, NamedFieldsAreReplacedWhole) {
  wmo::capacity::v1::Group target = Group(10, 2);
  CopyFields({"sessions", "max_size"}, Group(0, 1), target);
  EXPECT_EQ(target.sessions_size(), 1);
  EXPECT_EQ(target.max_size(), 0);
  EXPECT_EQ(target.display_name(), "Dagbesteding");
}

// With a mask: what the server sets is ignored (AIP-203), an IMMUTABLE
// field is refused; the refusal lists what may change, from the proto.
TEST(UpdateMaskTest, AMaskIgnoresServerSetFields) {
  google::protobuf::FieldMask mask;
  mask.add_paths("update_time");
  mask.add_paths("max_size");
  auto fields = FieldsToUpdate(mask, wmo::capacity::v1::Group(), "CP-FORMAT");
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_THAT(*fields, ElementsAre("max_size"));
  mask.add_paths("products");
  fields = FieldsToUpdate(mask, wmo::capacity::v1::Group(), "CP-FORMAT");
  EXPECT_THAT(fields.status().message(),
              HasSubstr("changeable are display_name, min_size, max_size, "
                        "max_clients_per_staff, sessions"));
}

// An IMMUTABLE field sent back as stored passes; changed, it is refused
// naming it.
TEST(UpdateMaskTest, ImmutableFieldsKeepTheirValue) {
  wmo::capacity::v1::Group stored = Group(10, 2);
  stored.set_catalog("weert-2024");
  wmo::capacity::v1::Group patch = stored;
  patch.set_max_size(12);
  EXPECT_TRUE(KeepsImmutable(patch, stored, "group.", "CP-FORMAT").ok());
  patch.set_catalog("roermond-2024");
  absl::Status changed = KeepsImmutable(patch, stored, "group.", "CP-FORMAT");
  ASSERT_EQ(Violations(changed).size(), 1u);
  EXPECT_EQ(Violations(changed)[0].field(), "group.catalog");
  patch.clear_catalog();  // Left out: nothing to compare.
  EXPECT_TRUE(KeepsImmutable(patch, stored, "group.", "CP-FORMAT").ok());
}

// What a caller cannot set goes, in nested messages too; the rest stays.
TEST(UpdateMaskTest, ClearOutputOnlyLeavesTheInput) {
  wmo::capacity::v1::WaitlistEntry entry;
  entry.set_name("providers/1/locations/a/bedPools/b/waitlistEntries/c");
  entry.set_fulfilled_by("providers/1/locations/a/bedPools/b/bookings/d");
  entry.set_state(wmo::capacity::v1::WaitlistEntry::FULFILLED);
  entry.mutable_booking()->set_client_bsn("999993653");
  entry.mutable_booking()->set_state(wmo::capacity::v1::Booking::CANCELLED);
  *entry.mutable_booking()->mutable_create_time() =
      Timestamp(absl::FromUnixSeconds(1));
  ClearOutputOnly(entry);
  EXPECT_EQ(entry.name(), "");
  EXPECT_EQ(entry.fulfilled_by(), "");
  EXPECT_EQ(entry.state(), wmo::capacity::v1::WaitlistEntry::STATE_UNSPECIFIED);
  EXPECT_EQ(entry.booking().client_bsn(), "999993653");
  EXPECT_EQ(entry.booking().state(),
            wmo::capacity::v1::Booking::STATE_UNSPECIFIED);
  EXPECT_FALSE(entry.booking().has_create_time());
}

}  // namespace
}  // namespace wmo::server
