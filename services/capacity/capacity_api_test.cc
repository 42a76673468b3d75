// CapacityApi without a server: a store of its own (SQLite and PostgreSQL),
// the assignment and catalog services faked (libs/testing/fakes.h) and the
// clock fixed on 2024-03-01.
#include "services/capacity/capacity_api.h"

#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/api.h"
#include "libs/server/status.h"
#include "libs/testing/catalogs.h"
#include "libs/testing/databases.h"
#include "libs/testing/fakes.h"
#include "libs/testing/temp_dir.h"
#include "services/capacity/capacity_repository.h"

namespace wmo::capacity {
namespace {

using ::testing::ElementsAre;

constexpr char kProvider[] = "99990303";  // contracted for KDV in Weert
constexpr char kAssignment[] = "municipalities/0988/assignments/1";
constexpr char kOtherAssignment[] = "municipalities/0988/assignments/2";
const auth::Principal kPortal{auth::PrincipalKind::kProvider, kProvider,
                              "portal"};

std::vector<std::string> RuleIds(const absl::Status& s) {
  std::vector<std::string> ids;
  for (const auto& v : server::Violations(s)) ids.push_back(v.rule_id());
  return ids;
}

class CapacityApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_OPEN_TEST_DATABASE_OR_SKIP(db_, GetParam(), dir_);
    ASSERT_TRUE(
        store::Migrate(*db_, "capacity", CapacityRepository::Migrations())
            .ok());
    // KDV, 10 day-night units from March to June 2024, as the assignment
    // service would answer it.
    assignment::v1::Assignment a = testing::WeertKdv();
    a.set_name(kAssignment);
    a.set_municipality("0988");
    a.set_number("1");
    a.set_state(assignment::v1::Assignment::ACTIVE);
    assignments_.Put(a);
    // The same for another client.
    a.set_name(kOtherAssignment);
    a.set_number("2");
    a.mutable_client()->set_bsn("999993653");
    assignments_.Put(a);
    api_ = std::make_unique<CapacityApi>(*db_, assignments_, catalogs_, nullptr,
                                         [this] { return now_; });
    v1::CreateLocationRequest location;
    location.set_parent(absl::StrCat("providers/", kProvider));
    location.set_location_id("weert");
    location.mutable_location()->set_display_name("Logeerhuis Weert");
    location.mutable_location()->set_municipality("0988");
    location.mutable_location()->set_postcode("6001 AB");
    v1::Location made_location;
    ASSERT_TRUE(
        api_->sites().CreateLocation(kPortal, location, &made_location).ok());
    v1::CreateBedPoolRequest pool;
    pool.set_parent(made_location.name());
    pool.set_bed_pool_id("logeer");
    pool.mutable_bed_pool()->set_display_name("Logeerkamer");
    pool.mutable_bed_pool()->set_catalog("midden-limburg-2024");
    pool.mutable_bed_pool()->add_products("kdv");
    pool.mutable_bed_pool()->set_beds(1);
    v1::BedPool made_pool;
    absl::Status s = api_->sites().CreateBedPool(kPortal, pool, &made_pool);
    ASSERT_TRUE(s.ok()) << s;
    pool_ = made_pool.name();
  }

  absl::Status Book(const std::string& arrival, const std::string& departure,
                    v1::Booking* out, bool other_client = false) {
    v1::CreateBookingRequest request;
    request.set_parent(pool_);
    request.mutable_booking()->set_client_bsn(
        other_client ? "999993653" : testing::WeertKdv().client().bsn());
    request.mutable_booking()->set_assignment(other_client ? kOtherAssignment
                                                           : kAssignment);
    request.mutable_booking()->set_arrival_date(arrival);
    request.mutable_booking()->set_departure_date(departure);
    // What only the service sets is not taken from the caller.
    request.mutable_booking()->set_state(v1::Booking::CANCELLED);
    request.mutable_booking()->set_bed(7);
    return api_->bookings().CreateBooking(kPortal, request, out);
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  testing::FakeAssignments assignments_;
  testing::FakeCatalogs catalogs_;
  absl::Time now_ =
      absl::FromCivil(absl::CivilDay(2024, 3, 1), absl::UTCTimeZone());
  std::unique_ptr<CapacityApi> api_;
  std::string pool_;
};

INSTANTIATE_TEST_SUITE_P(Backends, CapacityApiTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

// A booking takes the one bed, stamped with the injected clock; another
// client's for the same nights finds it taken, and the same client cannot
// be booked twice a night; the list holds the first.
TEST_P(CapacityApiTest, ABookingTakesTheBedOnTheFakedFacts) {
  v1::Booking first;
  absl::Status s = Book("2024-03-04", "2024-03-06", &first);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(first.state(), v1::Booking::BOOKED);
  EXPECT_EQ(first.bed(), 1);
  EXPECT_EQ(server::TimeText(first.create_time()), "2024-03-01T00:00:00Z");

  v1::Booking second;
  s = Book("2024-03-05", "2024-03-07", &second, /*other_client=*/true);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_THAT(RuleIds(s), ElementsAre("CP-FULL"));
  s = Book("2024-03-05", "2024-03-07", &second);
  EXPECT_THAT(RuleIds(s), ElementsAre("CP-CLIENT-NIGHT"));

  v1::ListBookingsRequest list;
  list.set_parent(pool_);
  v1::ListBookingsResponse listed;
  ASSERT_TRUE(api_->bookings().ListBookings(kPortal, list, &listed).ok());
  ASSERT_EQ(listed.bookings_size(), 1);
  EXPECT_EQ(listed.bookings(0).name(), first.name());
}

// With the assignment service away nothing is booked, and the caller is
// told to retry rather than refused.
TEST_P(CapacityApiTest, NoBookingWhileTheAssignmentsAreUnreachable) {
  assignments_.SetStatus(absl::UnavailableError("assignment service down"));
  v1::Booking out;
  absl::Status s = Book("2024-03-04", "2024-03-06", &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  assignments_.SetStatus(absl::OkStatus());
  v1::ListBookingsRequest list;
  list.set_parent(pool_);
  v1::ListBookingsResponse listed;
  ASSERT_TRUE(api_->bookings().ListBookings(kPortal, list, &listed).ok());
  EXPECT_EQ(listed.bookings_size(), 0);
}

}  // namespace
}  // namespace wmo::capacity
