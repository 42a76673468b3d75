#include "libs/server/update_mask.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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
  auto fields = FieldsToUpdate({}, patch, {"max_size", "sessions"}, {"name"},
                               "CP-FORMAT");
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_THAT(*fields, ElementsAre("max_size"));
}

TEST(UpdateMaskTest, APathThatCannotChangeIsRefusedNamingIt) {
  google::protobuf::FieldMask mask;
  mask.add_paths("catalog");
  auto fields = FieldsToUpdate(mask, wmo::capacity::v1::Group(),
                               {"max_size", "sessions"}, {}, "CP-FORMAT");
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

}  // namespace
}  // namespace wmo::server
