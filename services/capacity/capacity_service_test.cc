// The capacity service over gRPC against the whole app in-process (real
// catalog and assignment services, real stores), on SQLite and PostgreSQL:
// locations, pools and groups; bookings that never overbook, also when
// many race for the last bed-nights; the waitlist; enrolments within group
// size and staff ratio; availability and occupancy.
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/rules/dates.h"
#include "libs/testing/databases.h"
#include "libs/testing/http.h"
#include "libs/testing/retry.h"
#include "libs/testing/temp_dir.h"
#include "wmo/assignment/v1/assignment_service.grpc.pb.h"
#include "wmo/capacity/v1/capacity_service.grpc.pb.h"

namespace wmo::capacity {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using testing::RuleIds;
using testing::TestBsn;
using wmo::assignment::v1::Assignment;
using wmo::assignment::v1::AssignmentService;

constexpr char kMunicipality[] = "0988";  // Weert, midden-limburg-2024
constexpr char kKdvProvider[] = "99990303";

class CapacityServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    WMO_START_APP_OR_SKIP(app_, GetParam(), dir_);
    auto channel = testing::ChannelTo(*app_);
    assignments_ = AssignmentService::NewStub(channel);
    capacity_ = v1::CapacityService::NewStub(channel);
  }

  // A KDV assignment of client `bsn` over [start, end], `volume` etmalen in
  // total.
  Assignment Kdv(const std::string& bsn, const std::string& start,
                 const std::string& end, int volume) {
    Assignment a;
    a.mutable_client()->set_bsn(bsn);
    a.mutable_client()->set_birth_date("1950-03-01");
    a.set_provider_agb(kKdvProvider);
    a.set_catalog("midden-limburg-2024");
    a.set_product("kdv");
    a.set_basis("1");
    a.mutable_extent()->set_volume(volume);
    a.mutable_extent()->set_unit(wmo::type::v1::UNIT_DAY_NIGHT);
    a.mutable_extent()->set_frequency(wmo::type::v1::FREQUENCY_TOTAL);
    a.set_start_date(start);
    a.set_end_date(end);
    auto* result = a.add_results();
    result->set_life_domain("Wonen");
    result->set_activity_type(wmo::assignment::v1::ACTIVITY_TYPE_HELP);
    grpc::ClientContext context;
    wmo::assignment::v1::CreateAssignmentRequest request;
    request.set_parent(std::string("municipalities/") + kMunicipality);
    *request.mutable_assignment() = a;
    Assignment created;
    grpc::Status s =
        assignments_->CreateAssignment(&context, request, &created);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return created;
  }

  // Location "weert" of the KDV provider with a pool "logeer" of `beds`.
  std::string Pool(int beds) {
    {
      grpc::ClientContext context;
      v1::CreateLocationRequest request;
      request.set_parent(std::string("providers/") + kKdvProvider);
      request.set_location_id("weert");
      request.mutable_location()->set_display_name("Logeerhuis Weert");
      request.mutable_location()->set_municipality(kMunicipality);
      request.mutable_location()->set_postcode("6001 AB");
      v1::Location location;
      grpc::Status s = capacity_->CreateLocation(&context, request, &location);
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    grpc::ClientContext context;
    v1::CreateBedPoolRequest request;
    request.set_parent(std::string("providers/") + kKdvProvider +
                       "/locations/weert");
    request.set_bed_pool_id("logeer");
    auto* pool = request.mutable_bed_pool();
    pool->set_display_name("Logeerkamers");
    pool->set_catalog("midden-limburg-2024");
    pool->add_products("kdv");
    pool->set_beds(beds);
    pool->set_wheelchair_accessible(true);
    v1::BedPool created;
    grpc::Status s = capacity_->CreateBedPool(&context, request, &created);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return created.name();
  }

  grpc::Status Book(const std::string& pool, const Assignment& a,
                    const std::string& arrival, const std::string& departure,
                    v1::Booking* out, const std::string& request_id = "") {
    grpc::ClientContext context;
    v1::CreateBookingRequest request;
    request.set_parent(pool);
    request.set_request_id(request_id);
    request.mutable_booking()->set_client_bsn(a.client().bsn());
    request.mutable_booking()->set_assignment(a.name());
    request.mutable_booking()->set_arrival_date(arrival);
    request.mutable_booking()->set_departure_date(departure);
    return capacity_->CreateBooking(&context, request, out);
  }

  std::vector<v1::Booking> Bookings(const std::string& pool) {
    grpc::ClientContext context;
    v1::ListBookingsRequest request;
    request.set_parent(pool);
    request.set_page_size(500);
    v1::ListBookingsResponse response;
    EXPECT_TRUE(capacity_->ListBookings(&context, request, &response).ok());
    return {response.bookings().begin(), response.bookings().end()};
  }

  v1::Booking Cancel(const std::string& booking) {
    grpc::ClientContext context;
    v1::CancelBookingRequest request;
    request.set_name(booking);
    v1::Booking cancelled;
    grpc::Status s = capacity_->CancelBooking(&context, request, &cancelled);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return cancelled;
  }

  std::vector<v1::WaitlistEntry> Waitlist(const std::string& pool) {
    grpc::ClientContext context;
    v1::ListWaitlistRequest request;
    request.set_parent(pool);
    v1::ListWaitlistResponse response;
    grpc::Status s = capacity_->ListWaitlist(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {response.entries().begin(), response.entries().end()};
  }

  // No bed-night and no client-night of the booked bookings twice.
  void ExpectNoNightTwice(const std::string& pool) {
    std::set<std::pair<int, std::string>> beds;
    std::set<std::pair<std::string, std::string>> clients;
    for (const v1::Booking& b : Bookings(pool)) {
      auto from = *rules::ParseDate(b.arrival_date(), "");
      auto to = *rules::ParseDate(b.departure_date(), "");
      for (auto night = from; night < to; ++night) {
        const std::string date = rules::FormatDate(night);
        EXPECT_TRUE(beds.insert({b.bed(), date}).second)
            << "bed " << b.bed() << " twice on " << date;
        EXPECT_TRUE(clients.insert({b.client_bsn(), date}).second)
            << "a client twice on " << date;
      }
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<App> app_;
  std::unique_ptr<AssignmentService::Stub> assignments_;
  std::unique_ptr<v1::CapacityService::Stub> capacity_;
};

INSTANTIATE_TEST_SUITE_P(Backends, CapacityServiceTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

// A provider's sites, bookings, enrolments and waitlists are its own;
// availability is searched by municipalities and providers.
TEST_P(CapacityServiceTest, ProvidersKeepTheirOwnSites) {
  auto as = [&](const auth::Principal& caller) {
    return v1::CapacityService::NewStub(testing::ChannelTo(*app_, caller));
  };
  for (const auth::Principal& stranger :
       {testing::Provider("99990301"), testing::Municipality(kMunicipality),
        testing::Operator()}) {
    grpc::ClientContext context;
    v1::CreateLocationRequest request;
    request.set_parent(std::string("providers/") + kKdvProvider);
    request.set_location_id("elsewhere");
    request.mutable_location()->set_display_name("Elders");
    v1::Location out;
    const grpc::Status s =
        as(stranger)->CreateLocation(&context, request, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << auth::Describe(stranger);
    EXPECT_THAT(
        s.error_message(),
        ::testing::HasSubstr(std::string("only provider ") + kKdvProvider));
  }
  auto search = [&](const auth::Principal& caller) {
    grpc::ClientContext context;
    v1::SearchAvailabilityRequest request;
    request.set_catalog("midden-limburg-2024");
    request.set_product("kdv");
    request.set_municipality(kMunicipality);
    request.set_from_date("2024-03-03");
    request.set_to_date("2024-03-05");
    v1::SearchAvailabilityResponse found;
    return as(caller)
        ->SearchAvailability(&context, request, &found)
        .error_code();
  };
  EXPECT_EQ(search(testing::Municipality(kMunicipality)), grpc::StatusCode::OK);
  EXPECT_EQ(search(testing::Provider("99990301")), grpc::StatusCode::OK);
  EXPECT_EQ(search(testing::Operator()), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(CapacityServiceTest, BookingsTakeTheLowestFreeBedUntilThePoolIsFull) {
  const std::string pool = Pool(2);
  v1::Booking first, second, third;
  ASSERT_TRUE(Book(pool, Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 20),
                   "2024-03-04", "2024-03-06", &first)
                  .ok());
  EXPECT_EQ(first.bed(), 1);
  EXPECT_EQ(first.state(), v1::Booking::BOOKED);
  ASSERT_TRUE(Book(pool, Kdv(TestBsn(2), "2024-03-01", "2024-06-30", 20),
                   "2024-03-05", "2024-03-07", &second)
                  .ok());
  EXPECT_EQ(second.bed(), 2);
  grpc::Status full =
      Book(pool, Kdv(TestBsn(3), "2024-03-01", "2024-06-30", 20), "2024-03-05",
           "2024-03-06", &third);
  EXPECT_EQ(full.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(RuleIds(full), ElementsAre("CP-FULL"));
  ExpectNoNightTwice(pool);
}

// Everything done in a location is in its trail: the token's subject for
// each change, and each read of the bookings (client data).
TEST_P(CapacityServiceTest, TheLocationsTrailNamesWhoChangedAndWhoRead) {
  const std::string pool = Pool(2);
  const Assignment a = Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 20);
  v1::Booking booked;
  {
    grpc::ClientContext context;
    context.AddMetadata(
        "authorization",
        testing::BearerFor(*app_, {auth::PrincipalKind::kProvider, kKdvProvider,
                                   "planner-3"}));
    v1::CreateBookingRequest request;
    request.set_parent(pool);
    request.mutable_booking()->set_client_bsn(a.client().bsn());
    request.mutable_booking()->set_assignment(a.name());
    request.mutable_booking()->set_arrival_date("2024-03-04");
    request.mutable_booking()->set_departure_date("2024-03-06");
    ASSERT_TRUE(capacity_->CreateBooking(&context, request, &booked).ok());
  }
  Bookings(pool);
  Cancel(booked.name());
  grpc::ClientContext context;
  type::v1::ListAuditEntriesRequest request;
  request.set_parent(std::string("providers/") + kKdvProvider +
                     "/locations/weert");
  type::v1::ListAuditEntriesResponse trail;
  ASSERT_TRUE(capacity_->ListAuditEntries(&context, request, &trail).ok());
  std::vector<std::string> operations;
  for (const auto& e : trail.entries()) operations.push_back(e.operation());
  EXPECT_THAT(operations,
              ElementsAre("CreateLocation", "CreateBedPool", "CreateBooking",
                          "ListBookings", "CancelBooking"));
  ASSERT_EQ(trail.entries_size(), 5);
  EXPECT_EQ(trail.entries(2).actor(), "provider 99990303 (subject planner-3)");
  EXPECT_EQ(trail.entries(2).resource(), booked.name());
  EXPECT_THAT(trail.entries(3).resources_read(), ElementsAre(booked.name()));
  // Another provider may not read it.
  grpc::ClientContext other;
  other.AddMetadata("authorization",
                    testing::BearerFor(*app_, testing::Provider("99990302")));
  EXPECT_EQ(capacity_->ListAuditEntries(&other, request, &trail).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A municipality reads the bookings of its own clients in any provider's
// pool, and only those.
TEST_P(CapacityServiceTest, AMunicipalityReadsTheBookingsOfItsClients) {
  const std::string pool = Pool(2);
  const Assignment ours = Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 20);
  Assignment theirs;
  {
    Assignment a = ours;
    a.clear_name();
    a.clear_number();
    a.set_municipality("0946");  // Nederweert, of the same region
    a.mutable_client()->set_bsn(TestBsn(2));
    grpc::ClientContext context;
    wmo::assignment::v1::CreateAssignmentRequest request;
    request.set_parent("municipalities/0946");
    *request.mutable_assignment() = a;
    grpc::Status s = assignments_->CreateAssignment(&context, request, &theirs);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::Booking first, second;
  ASSERT_TRUE(Book(pool, ours, "2024-03-04", "2024-03-06", &first).ok());
  ASSERT_TRUE(Book(pool, theirs, "2024-03-04", "2024-03-06", &second).ok());
  auto list_as = [&](const auth::Principal& who) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", testing::BearerFor(*app_, who));
    v1::ListBookingsRequest request;
    request.set_parent(pool);
    v1::ListBookingsResponse response;
    grpc::Status s = capacity_->ListBookings(&context, request, &response);
    std::vector<std::string> names;
    for (const auto& b : response.bookings()) names.push_back(b.name());
    return std::make_pair(s.error_code(), names);
  };
  EXPECT_EQ(list_as(testing::Municipality(kMunicipality)),
            std::make_pair(grpc::StatusCode::OK,
                           std::vector<std::string>{first.name()}));
  EXPECT_EQ(list_as(testing::Municipality("0946")),
            std::make_pair(grpc::StatusCode::OK,
                           std::vector<std::string>{second.name()}));
  EXPECT_EQ(list_as(testing::Provider("99990302")).first,
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(list_as(testing::Provider(kKdvProvider)).second.size(), 2u);

  // Pages hold only its own: a second client of ours, one per page.
  v1::Booking third;
  ASSERT_TRUE(Book(pool, Kdv(TestBsn(3), "2024-03-01", "2024-06-30", 20),
                   "2024-03-10", "2024-03-12", &third)
                  .ok());
  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext context;
    testing::ActAs(context, *app_, testing::Municipality(kMunicipality));
    v1::ListBookingsRequest request;
    request.set_parent(pool);
    request.set_page_size(1);
    request.set_page_token(token);
    v1::ListBookingsResponse response;
    ASSERT_TRUE(capacity_->ListBookings(&context, request, &response).ok());
    for (const auto& b : response.bookings()) paged.push_back(b.name());
    token = response.next_page_token();
    ASSERT_LE(++pages, 3);
  } while (!token.empty());
  EXPECT_EQ(paged, (std::vector<std::string>{first.name(), third.name()}));
}

// A pool serves the catalog of its location's municipality only: a
// provider contracted in West-Brabant may not open a perspectief-2024 pool
// at a location in Weert (midden-limburg).
TEST_P(CapacityServiceTest, CP_REGION_APoolServesItsLocationsCatalog) {
  const std::string provider = "providers/99990401";
  for (const auto& [id, municipality] :
       std::vector<std::pair<std::string, std::string>>{
           {"weert", "0988"}, {"etten-leur", "0777"}}) {
    grpc::ClientContext context;
    v1::CreateLocationRequest request;
    request.set_parent(provider);
    request.set_location_id(id);
    request.mutable_location()->set_display_name("Logeerhuis");
    request.mutable_location()->set_municipality(municipality);
    request.mutable_location()->set_postcode("6001 AB");
    v1::Location location;
    grpc::Status s = capacity_->CreateLocation(&context, request, &location);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  auto pool_at = [&](const std::string& location) {
    grpc::ClientContext context;
    v1::CreateBedPoolRequest request;
    request.set_parent(provider + "/locations/" + location);
    request.set_bed_pool_id("logeer");
    auto* pool = request.mutable_bed_pool();
    pool->set_display_name("Logeerkamers");
    pool->set_catalog("perspectief-2024");
    pool->add_products("logeerzorg");
    pool->set_beds(2);
    v1::BedPool created;
    return capacity_->CreateBedPool(&context, request, &created);
  };
  grpc::Status s = pool_at("weert");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(RuleIds(s), ElementsAre("CP-REGION"));
  s = pool_at("etten-leur");
  EXPECT_TRUE(s.ok()) << s.error_message();

  // Nor may the location with the pool move into Weert afterwards; a move
  // within the region keeps it.
  auto move = [&](const std::string& municipality) {
    grpc::ClientContext context;
    v1::UpdateLocationRequest request;
    request.mutable_location()->set_name(provider + "/locations/etten-leur");
    request.mutable_location()->set_municipality(municipality);
    request.mutable_update_mask()->add_paths("municipality");
    v1::Location moved;
    return capacity_->UpdateLocation(&context, request, &moved);
  };
  s = move("0988");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(RuleIds(s), ElementsAre("CP-REGION"));
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("perspectief-2024"));
  s = move("1674");  // Roosendaal, of the same region
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_P(CapacityServiceTest, RetryWithTheSameRequestIdBooksOnce) {
  const std::string pool = Pool(2);
  Assignment a = Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 20);
  v1::Booking first, again;
  ASSERT_TRUE(Book(pool, a, "2024-03-04", "2024-03-06", &first, "req-1").ok());
  ASSERT_TRUE(Book(pool, a, "2024-03-04", "2024-03-06", &again, "req-1").ok());
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(Bookings(pool).size(), 1u);
}

TEST_P(CapacityServiceTest, SameRequestIdWithOtherNightsIsAlreadyExists) {
  const std::string pool = Pool(2);
  Assignment a = Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 20);
  v1::Booking first, other;
  ASSERT_TRUE(Book(pool, a, "2024-03-04", "2024-03-06", &first, "req-1").ok());
  grpc::Status s = Book(pool, a, "2024-03-11", "2024-03-13", &other, "req-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("request_id req-1"));
  EXPECT_EQ(Bookings(pool).size(), 1u);
}

TEST_P(CapacityServiceTest, UnusableRequestIdIsInvalidArgumentAndBooksNothing) {
  const std::string pool = Pool(2);
  Assignment a = Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 20);
  v1::Booking out;
  grpc::Status s =
      Book(pool, a, "2024-03-04", "2024-03-06", &out, std::string(65, 'x'));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("request_id"));
  EXPECT_THAT(RuleIds(s), ElementsAre("REQUEST-ID"));
  EXPECT_TRUE(Bookings(pool).empty());
}

TEST_P(CapacityServiceTest, SitesCreatedAgainUnderTheirRequestIdAreReturned) {
  const std::string pool = Pool(2);
  auto create = [&](const std::string& request_id, const std::string& name,
                    v1::Location* out) {
    grpc::ClientContext context;
    v1::CreateLocationRequest request;
    request.set_parent(std::string("providers/") + kKdvProvider);
    request.set_location_id("roermond");
    request.set_request_id(request_id);
    request.mutable_location()->set_display_name(name);
    request.mutable_location()->set_municipality(kMunicipality);
    request.mutable_location()->set_postcode("6041 AB");
    return capacity_->CreateLocation(&context, request, out);
  };
  v1::Location first, again, other;
  ASSERT_TRUE(create("loc-1", "Roermond", &first).ok());
  grpc::Status retried = create("loc-1", "Roermond", &again);
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.create_time().seconds(), first.create_time().seconds());
  // Another body under the same id, and the same id without a request id.
  EXPECT_EQ(create("loc-1", "Roermond-Oost", &other).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(create("", "Roermond", &other).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_P(CapacityServiceTest, BookingNeedsAnAssignmentCoveringEveryNight) {
  const std::string pool = Pool(2);
  Assignment a = Kdv(TestBsn(1), "2024-03-01", "2024-03-31", 10);
  v1::Booking out;
  grpc::Status s = Book(pool, a, "2024-03-30", "2024-04-02", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(RuleIds(s), ElementsAre("CP-ASSIGNMENT"));
}

TEST_P(CapacityServiceTest, WeeklyCapOfThreeIsWaivedForOneStayOnly) {
  const std::string pool = Pool(2);
  Assignment a = Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 42);
  v1::Booking out;
  // Monday to Wednesday, then Friday again in the same week: S3-09.
  ASSERT_TRUE(Book(pool, a, "2024-03-04", "2024-03-07", &out).ok());
  grpc::Status s = Book(pool, a, "2024-03-08", "2024-03-09", &out);
  EXPECT_THAT(RuleIds(s), Contains("S3-09"));
  // One stay of 14 nights is fine.
  ASSERT_TRUE(Book(pool, a, "2024-04-01", "2024-04-15", &out).ok());
}

TEST_P(CapacityServiceTest, CancellationPromotesTheFirstWaitingRequest) {
  const std::string pool = Pool(1);
  Assignment a = Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 20);
  Assignment b = Kdv(TestBsn(2), "2024-03-01", "2024-06-30", 20);
  Assignment c = Kdv(TestBsn(3), "2024-03-01", "2024-06-30", 20);
  v1::Booking booked;
  ASSERT_TRUE(Book(pool, a, "2024-03-04", "2024-03-07", &booked).ok());
  auto join = [&](const Assignment& x) {
    grpc::ClientContext context;
    v1::JoinWaitlistRequest request;
    request.set_parent(pool);
    auto* booking = request.mutable_entry()->mutable_booking();
    booking->set_client_bsn(x.client().bsn());
    booking->set_assignment(x.name());
    booking->set_arrival_date("2024-03-05");
    booking->set_departure_date("2024-03-06");
    v1::WaitlistEntry entry;
    grpc::Status s = capacity_->JoinWaitlist(&context, request, &entry);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return entry;
  };
  v1::WaitlistEntry first = join(b);
  v1::WaitlistEntry second = join(c);
  EXPECT_EQ(first.state(), v1::WaitlistEntry::WAITING);
  EXPECT_EQ(second.state(), v1::WaitlistEntry::WAITING);

  EXPECT_EQ(Cancel(booked.name()).state(), v1::Booking::CANCELLED);
  const std::vector<v1::WaitlistEntry> entries = Waitlist(pool);
  ASSERT_EQ(entries.size(), 2u);
  // The one still waiting is listed first: the second to join.
  EXPECT_EQ(entries[0].name(), second.name());
  EXPECT_EQ(entries[0].state(), v1::WaitlistEntry::WAITING);
  EXPECT_EQ(entries[1].name(), first.name());
  EXPECT_EQ(entries[1].state(), v1::WaitlistEntry::FULFILLED);
  std::vector<v1::Booking> now = Bookings(pool);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].client_bsn(), TestBsn(2));
  EXPECT_EQ(now[0].waitlist_entry(), first.name());
}

TEST_P(CapacityServiceTest, WaitlistRetryWhileFullJoinsOnceAndIsPromoted) {
  const std::string pool = Pool(1);
  Assignment a = Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 20);
  Assignment b = Kdv(TestBsn(2), "2024-03-01", "2024-06-30", 20);
  v1::Booking booked;
  ASSERT_TRUE(Book(pool, a, "2024-03-04", "2024-03-07", &booked).ok());
  auto join = [&](const std::string& departure, v1::WaitlistEntry* entry) {
    grpc::ClientContext context;
    v1::JoinWaitlistRequest request;
    request.set_parent(pool);
    request.set_request_id("wait-1");
    auto* booking = request.mutable_entry()->mutable_booking();
    booking->set_client_bsn(b.client().bsn());
    booking->set_assignment(b.name());
    booking->set_arrival_date("2024-03-05");
    booking->set_departure_date(departure);
    return capacity_->JoinWaitlist(&context, request, entry);
  };
  v1::WaitlistEntry first, again, other;
  ASSERT_TRUE(join("2024-03-06", &first).ok());
  ASSERT_TRUE(join("2024-03-06", &again).ok());
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.state(), v1::WaitlistEntry::WAITING);
  grpc::Status changed = join("2024-03-07", &other);
  EXPECT_EQ(changed.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(changed.error_message(),
              ::testing::HasSubstr("request_id wait-1"));

  EXPECT_EQ(Cancel(booked.name()).state(), v1::Booking::CANCELLED);
  const std::vector<v1::WaitlistEntry> entries = Waitlist(pool);
  // One entry, and the released bed went to it.
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].state(), v1::WaitlistEntry::FULFILLED);
  std::vector<v1::Booking> now = Bookings(pool);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].client_bsn(), TestBsn(2));
}

TEST_P(CapacityServiceTest, ThirtyTwoRacersForTheLastThreeBedNights) {
  // Two beds; one is taken on the nights asked, so three bed-nights are
  // left: bed 2 on 4, 5 and 6 March. 32 clients each ask for one of those
  // nights at once: exactly three get one.
  const std::string pool = Pool(2);
  v1::Booking taken;
  ASSERT_TRUE(Book(pool, Kdv(TestBsn(100), "2024-03-01", "2024-06-30", 20),
                   "2024-03-04", "2024-03-07", &taken)
                  .ok());
  constexpr int kRacers = 32;
  std::vector<Assignment> clients;
  clients.reserve(kRacers);
  for (int i = 0; i < kRacers; ++i) {
    clients.push_back(Kdv(TestBsn(i + 1), "2024-03-01", "2024-06-30", 20));
  }
  std::atomic<int> booked{0}, full{0};
  std::vector<std::thread> threads;
  threads.reserve(kRacers);
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      const std::string night = absl::StrCat("2024-03-0", 4 + i % 3);
      const std::string morning = absl::StrCat("2024-03-0", 5 + i % 3);
      v1::Booking out;
      const grpc::Status s = testing::RetryWhileBusy(
          [&] { return Book(pool, clients[i], night, morning, &out); });
      if (s.ok()) {
        ++booked;
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
            << s.error_message();
        EXPECT_THAT(RuleIds(s), ElementsAre("CP-FULL"));
        ++full;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(booked.load(), 3);
  EXPECT_EQ(full.load(), kRacers - 3);
  ExpectNoNightTwice(pool);
}

TEST_P(CapacityServiceTest, AvailabilityAndOccupancyCountFreeBeds) {
  const std::string pool = Pool(2);
  v1::Booking booked;
  ASSERT_TRUE(Book(pool, Kdv(TestBsn(1), "2024-03-01", "2024-06-30", 20),
                   "2024-03-04", "2024-03-06", &booked)
                  .ok());
  grpc::ClientContext context;
  v1::SearchAvailabilityRequest search;
  search.set_catalog("midden-limburg-2024");
  search.set_product("kdv");
  search.set_municipality(kMunicipality);
  search.set_from_date("2024-03-03");
  search.set_to_date("2024-03-05");
  search.set_postcode("6004");
  v1::SearchAvailabilityResponse found;
  ASSERT_TRUE(capacity_->SearchAvailability(&context, search, &found).ok());
  ASSERT_EQ(found.locations_size(), 1);
  EXPECT_EQ(found.locations(0).distance(), 3);
  ASSERT_EQ(found.locations(0).pools_size(), 1);
  std::vector<int> free;
  for (const auto& n : found.locations(0).pools(0).nights()) {
    free.push_back(n.free());
  }
  EXPECT_THAT(free, ElementsAre(2, 1, 1));

  grpc::ClientContext occupancy_context;
  v1::GetOccupancyRequest occupancy;
  occupancy.set_location(std::string("providers/") + kKdvProvider +
                         "/locations/weert");
  occupancy.set_from_date("2024-03-04");
  occupancy.set_to_date("2024-03-06");
  v1::Occupancy days;
  ASSERT_TRUE(
      capacity_->GetOccupancy(&occupancy_context, occupancy, &days).ok());
  ASSERT_EQ(days.days_size(), 3);
  EXPECT_EQ(days.days(0).beds_booked(), 1);
  EXPECT_EQ(days.days(1).beds_free(), 1);
  EXPECT_EQ(days.days(2).beds_booked(), 0);
}

class CapacityMetricsTest : public CapacityServiceTest {};

INSTANTIATE_TEST_SUITE_P(Backends, CapacityMetricsTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

TEST_P(CapacityMetricsTest, ShowTonightsOccupancyWithoutClientData) {
  const std::string pool = Pool(2);
  const rules::Date today = rules::TodayAt(testing::kTestNow);
  Assignment a = Kdv(TestBsn(1), rules::FormatDate(today),
                     rules::FormatDate(today + 30), 10);
  v1::Booking booked;
  // A retry under the same request id is answered, not counted again.
  for (int call = 0; call < 2; ++call) {
    ASSERT_TRUE(Book(pool, a, rules::FormatDate(today),
                     rules::FormatDate(today + 2), &booked, "req-1")
                    .ok());
  }
  auto scrape = testing::HttpGet(app_->metrics_port(), "/metrics");
  ASSERT_EQ(scrape.status, 200);
  const std::string location =
      "{location=\"providers/99990303/locations/weert\"}";
  EXPECT_THAT(scrape.body,
              ::testing::HasSubstr("wmo_capacity_beds" + location + " 2"));
  EXPECT_THAT(scrape.body, ::testing::HasSubstr("wmo_capacity_beds_booked" +
                                                location + " 1"));
  EXPECT_THAT(scrape.body, ::testing::HasSubstr("wmo_capacity_occupancy_ratio" +
                                                location + " 0.5"));
  EXPECT_THAT(scrape.body,
              ::testing::HasSubstr(
                  "wmo_capacity_bookings_total{outcome=\"booked\"} 1"));
  EXPECT_THAT(
      scrape.body,
      ::testing::HasSubstr("wmo_capacity_waitlist_length{kind=\"pool\"} 0"));
  EXPECT_THAT(scrape.body, ::testing::Not(::testing::HasSubstr(TestBsn(1))));
}

}  // namespace
}  // namespace wmo::capacity
