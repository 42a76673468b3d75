#include "libs/server/stored_protos.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "libs/server/api.h"
#include "libs/testing/databases.h"
#include "libs/testing/temp_dir.h"
#include "wmo/capacity/v1/capacity.pb.h"

namespace wmo::server {
namespace {

using capacity::v1::WaitlistEntry;

constexpr LegacyTime kLegacy[] = {
    {"wmo.capacity.v1.WaitlistEntry", 6, "create_time"},
    {"wmo.capacity.v1.Booking", 8, "create_time"},
};

// Text kept under a number that is reserved now, as old records carry it.
void AddLegacyText(google::protobuf::Message& m, int number,
                   const std::string& text) {
  m.GetReflection()->MutableUnknownFields(&m)->AddLengthDelimited(number, text);
}

// The text moves into the Timestamp, in sub-messages too, and nothing of
// it stays behind; a message without legacy text is left as it is.
TEST(StoredProtosTest, LegacyTextBecomesTheTimestamp) {
  WaitlistEntry entry;
  AddLegacyText(entry, 6, "2024-03-01T09:00:00+00:00");
  AddLegacyText(*entry.mutable_booking(), 8, "2024-03-01T09:00:00.250Z");
  entry.mutable_booking()->set_client_bsn("999993653");
  ASSERT_TRUE(UpgradeLegacyTimes(entry, kLegacy).ok());
  EXPECT_EQ(TimeText(entry.create_time()), "2024-03-01T09:00:00Z");
  EXPECT_EQ(entry.booking().create_time().nanos(), 250000000);
  EXPECT_EQ(entry.booking().client_bsn(), "999993653");
  EXPECT_TRUE(entry.GetReflection()->GetUnknownFields(entry).empty());
  EXPECT_TRUE(entry.booking()
                  .GetReflection()
                  ->GetUnknownFields(entry.booking())
                  .empty());

  WaitlistEntry current;
  *current.mutable_create_time() = Timestamp(absl::FromUnixSeconds(7));
  const std::string before = current.SerializeAsString();
  ASSERT_TRUE(UpgradeLegacyTimes(current, kLegacy).ok());
  EXPECT_EQ(current.SerializeAsString(), before);
}

TEST(StoredProtosTest, TextThatIsNoTimeIsDataLoss) {
  WaitlistEntry entry;
  AddLegacyText(entry, 6, "yesterday");
  EXPECT_EQ(UpgradeLegacyTimes(entry, kLegacy).code(),
            absl::StatusCode::kDataLoss);
}

// RewriteStored changes the rows `where` selects, each by its value.
class RewriteStoredTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    ASSERT_TRUE(db_->Execute("CREATE TABLE kept (kind TEXT PRIMARY KEY,"
                             " body BYTEA NOT NULL)")
                    .ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
};

TEST_P(RewriteStoredTest, UpgradesTheSelectedRows) {
  for (const char* kind : {"a", "b"}) {
    WaitlistEntry entry;
    entry.set_name(kind);
    AddLegacyText(entry, 6, "2024-03-01T09:00:00Z");
    ASSERT_TRUE(db_->Execute("INSERT INTO kept (kind, body) VALUES (?, ?)",
                             {std::string(kind),
                              store::Blob{entry.SerializeAsString()}})
                    .ok());
  }
  ASSERT_TRUE(db_->Transaction([](store::Connection& c) {
                   return UpgradeTimesIn<WaitlistEntry>(
                       c, {"kept", "kind", "body", "kind = 'a'"}, kLegacy);
                 })
                  .ok());
  auto rows = db_->Execute("SELECT kind, body FROM kept ORDER BY kind");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& row : *rows) {
    WaitlistEntry entry;
    ASSERT_TRUE(entry.ParseFromString(store::ResultSet::Text(row, 1)));
    EXPECT_EQ(entry.has_create_time(), store::ResultSet::Text(row, 0) == "a");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RewriteStoredTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wmo::server
