// The capacity routes of the REST gateway over real HTTP, on SQLite and
// PostgreSQL: a provider portal creates a location, a bed pool and a group,
// changes them under etags (a stale one is 409), books and cancels beds,
// waits on both waitlist bindings (bed pools and groups) and leaves them,
// searches availability and reads occupancy; refusals come back as JSON
// carrying every rule id.
#include <set>
#include <string>
#include <vector>

#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/databases.h"
#include "libs/testing/http.h"
#include "libs/testing/temp_dir.h"
#include "nlohmann/json.hpp"

namespace wmo {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAlice[] = "111222333";
constexpr char kBob[] = "123456782";

// A KDV assignment (midden-limburg-2024) of the logeerhuis, 20 etmalen.
std::string Kdv(const std::string& bsn) {
  return json{
      {"client", {{"bsn", bsn}, {"birthDate", "1950-03-01"}}},
      {"providerAgb", "99990303"},
      {"catalog", "midden-limburg-2024"},
      {"product", "kdv"},
      {"basis", "1"},
      {"extent",
       {{"volume", 20},
        {"unit", "UNIT_DAY_NIGHT"},
        {"frequency", "FREQUENCY_TOTAL"}}},
      {"startDate", "2024-03-01"},
      {"endDate", "2024-06-30"},
      {"results",
       {{{"lifeDomain", "Wonen"}, {"activityType", "ACTIVITY_TYPE_HELP"}}}}}
      .dump();
}

// Dagbesteding ontwikkelen (toekomst-sociaal-domein-2023), 4 dagdelen a
// week in 2024.
std::string Dagbesteding(const std::string& bsn) {
  return json{{"client", {{"bsn", bsn}, {"birthDate", "1980-06-15"}}},
              {"providerAgb", "99990303"},
              {"catalog", "toekomst-sociaal-domein-2023"},
              {"product", "dagbesteding-ontwikkelen"},
              {"extent",
               {{"volume", 4},
                {"unit", "UNIT_DAY_PART"},
                {"frequency", "FREQUENCY_PER_WEEK"}}},
              {"startDate", "2024-01-01"},
              {"endDate", "2024-12-31"}}
      .dump();
}

// The rule ids in an error body's details.
std::set<std::string> RuleIds(const json& error) {
  std::set<std::string> ids;
  if (!error.contains("details")) return ids;
  for (const json& detail : error["details"]) {
    if (detail.value("@type", "") !=
        "type.googleapis.com/wmo.type.v1.RuleViolations") {
      continue;
    }
    for (const json& v : detail["violations"]) {
      ids.insert(v.value("ruleId", ""));
    }
  }
  return ids;
}

class CapacityGatewayTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { WMO_START_APP_OR_SKIP(app_, GetParam(), dir_); }

  // As the owner of what the path names (a provider for /v1/providers/...,
  // a municipality for /v1/municipalities/...), else municipality 0988.
  json Call(const std::string& method, const std::string& path,
            const std::string& body, int expect_status) {
    const auth::Principal caller = testing::OwnerOfPath(path);
    auto r = testing::HttpRequest(
        app_->http_port(), method, path, body,
        {{"Authorization", testing::BearerFor(*app_, caller)}});
    EXPECT_EQ(r.status, expect_status)
        << method << " " << path << ": " << r.body;
    return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }

  // The Weert logeerhuis with a pool of `beds`, and a Doetinchem location
  // with a day activity group on Monday morning with one staff member, so
  // five clients (S2-06).
  void Sites(int beds) {
    Call("POST", "/v1/providers/99990303/locations?locationId=weert",
         R"({"displayName": "Logeerhuis Weert", "municipality": "0988",
             "postcode": "6001 AB"})",
         200);
    Call("POST",
         "/v1/providers/99990303/locations/weert/bedPools?bedPoolId=logeer",
         json{{"displayName", "Logeerkamers"},
              {"catalog", "midden-limburg-2024"},
              {"products", {"kdv"}},
              {"beds", beds},
              {"wheelchairAccessible", true}}
             .dump(),
         200);
    Call("POST", "/v1/providers/99990303/locations?locationId=doetinchem",
         R"({"displayName": "Dagbesteding Doetinchem",
             "municipality": "0222", "postcode": "7001 AA"})",
         200);
    Call(
        "POST",
        "/v1/providers/99990303/locations/doetinchem/groups?groupId=atelier",
        R"({"displayName": "Atelier", "catalog": "toekomst-sociaal-domein-2023",
             "products": ["dagbesteding-ontwikkelen"],
             "sessions": [{"weekday": "WEEKDAY_MONDAY", "dayPart": "DAY_PART_MORNING",
                           "staff": 1}]})",
        200);
  }

  // Creates an assignment in `municipality`; its name.
  std::string Assignment(const std::string& municipality,
                         const std::string& body) {
    json a = Call("POST", "/v1/municipalities/" + municipality + "/assignments",
                  body, 200);
    return a.value("name", "");
  }

  static json Stay(const std::string& bsn, const std::string& assignment,
                   const std::string& arrival, const std::string& departure) {
    return {{"clientBsn", bsn},
            {"assignment", assignment},
            {"arrivalDate", arrival},
            {"departureDate", departure}};
  }

  testing::TempDir dir_;
  std::unique_ptr<App> app_;
};

INSTANTIATE_TEST_SUITE_P(Backends, CapacityGatewayTest,
                         ::testing::ValuesIn(testing::Backends()),
                         [](const auto& info) { return info.param; });

constexpr char kWeert[] = "/v1/providers/99990303/locations/weert";
constexpr char kPool[] =
    "/v1/providers/99990303/locations/weert/bedPools/logeer";
constexpr char kGroup[] =
    "/v1/providers/99990303/locations/doetinchem/groups/atelier";

TEST_P(CapacityGatewayTest, SitesAreCreatedAndChangedUnderEtags) {
  json location =
      Call("POST", "/v1/providers/99990303/locations?locationId=weert",
           R"({"displayName": "Logeerhuis Weert", "municipality": "0988",
               "postcode": "6001 AB"})",
           200);
  EXPECT_EQ(location["name"], "providers/99990303/locations/weert");
  EXPECT_EQ(location["etag"], "r1");
  // The id is taken; a postcode that is none is refused with its rule.
  Call("POST", "/v1/providers/99990303/locations?locationId=weert",
       R"({"displayName": "Nog een", "municipality": "0988",
           "postcode": "6001 AB"})",
       409);
  json malformed = Call("POST", "/v1/providers/99990303/locations?locationId=x",
                        R"({"displayName": "X", "municipality": "0988",
                            "postcode": "Weert"})",
                        400);
  EXPECT_EQ(malformed["code"], 3);
  EXPECT_EQ(RuleIds(malformed), std::set<std::string>{"CP-FORMAT"});

  // The current etag changes the location; the stale one is 409 ABORTED.
  json renamed = Call("PATCH", std::string(kWeert) + "?etag=r1",
                      R"({"displayName": "Logeerhuis Weert-Zuid"})", 200);
  EXPECT_EQ(renamed["etag"], "r2");
  EXPECT_EQ(renamed["displayName"], "Logeerhuis Weert-Zuid");
  EXPECT_EQ(renamed["postcode"], "6001 AB");
  json stale = Call("PATCH", std::string(kWeert) + "?etag=r1",
                    R"({"displayName": "Logeerhuis Weert-Noord"})", 409);
  EXPECT_EQ(stale["code"], 10);
  EXPECT_THAT(stale.value("message", ""), HasSubstr("etag"));
  EXPECT_EQ(Call("GET", kWeert, "", 200)["displayName"],
            "Logeerhuis Weert-Zuid");

  // A bed pool, then two more beds under its etag.
  json pool = Call("POST", std::string(kWeert) + "/bedPools?bedPoolId=logeer",
                   R"({"displayName": "Logeerkamers",
                       "catalog": "midden-limburg-2024", "products": ["kdv"],
                       "beds": 1, "wheelchairAccessible": true})",
                   200);
  EXPECT_EQ(pool["name"], "providers/99990303/locations/weert/bedPools/logeer");
  json bigger =
      Call("PATCH", std::string(kPool) + "?etag=r1", R"({"beds": 3})", 200);
  EXPECT_EQ(bigger["beds"], 3);
  EXPECT_EQ(bigger["etag"], "r2");
  EXPECT_EQ(bigger["wheelchairAccessible"], true);
  EXPECT_EQ(Call("PATCH", std::string(kPool) + "?etag=r1", R"({"beds": 4})",
                 409)["code"],
            10);
  EXPECT_EQ(Call("GET", kPool, "", 200)["beds"], 3);
  // A group product is no short stay.
  json not_short = Call("POST", std::string(kWeert) + "/bedPools?bedPoolId=bgg",
                        R"({"displayName": "Groep", "catalog":
                            "midden-limburg-2024", "products": ["bgg"],
                            "beds": 2})",
                        400);
  EXPECT_EQ(RuleIds(not_short), std::set<std::string>{"CP-PRODUCT"});

  // A group takes its catalog's staff ratio (S2-06), and no looser one.
  Call("POST", "/v1/providers/99990303/locations?locationId=doetinchem",
       R"({"displayName": "Dagbesteding Doetinchem", "municipality": "0222",
           "postcode": "7001 AA"})",
       200);
  const std::string groups =
      "/v1/providers/99990303/locations/doetinchem/groups";
  const std::string group_body =
      R"({"displayName": "Atelier", "catalog": "toekomst-sociaal-domein-2023",
          "products": ["dagbesteding-ontwikkelen"],
          "sessions": [{"weekday": "WEEKDAY_MONDAY", "dayPart": "DAY_PART_MORNING",
                        "staff": 2}]})";
  json group = Call("POST", groups + "?groupId=atelier", group_body, 200);
  EXPECT_EQ(group["maxClientsPerStaff"], 5);
  json looser = json::parse(group_body);
  looser["maxClientsPerStaff"] = 6;
  json refused = Call("POST", groups + "?groupId=ruim", looser.dump(), 400);
  EXPECT_EQ(refused["code"], 9);
  EXPECT_EQ(RuleIds(refused), std::set<std::string>{"S2-06"});
  json smaller =
      Call("PATCH", std::string(kGroup) + "?etag=r1", R"({"maxSize": 8})", 200);
  EXPECT_EQ(smaller["maxSize"], 8);
  EXPECT_EQ(smaller["etag"], "r2");
  Call("PATCH", std::string(kGroup) + "?etag=r1", R"({"maxSize": 7})", 409);
  EXPECT_EQ(RuleIds(Call("PATCH", std::string(kGroup) + "?etag=r2",
                         R"({"maxClientsPerStaff": 6})", 400)),
            std::set<std::string>{"S2-06"});
  EXPECT_EQ(Call("GET", groups, "", 200)["groups"].size(), 1u);
}

TEST_P(CapacityGatewayTest, BookingsWaitlistsAvailabilityAndOccupancy) {
  Sites(1);
  const std::string alice = Assignment("0988", Kdv(kAlice));
  const std::string bob = Assignment("0988", Kdv(kBob));
  ASSERT_FALSE(alice.empty());
  ASSERT_FALSE(bob.empty());

  // Alice books Monday to Wednesday; Friday too would be four nights that
  // week in two stays (S3-09): 400 with the rule, without her BSN.
  json booked =
      Call("POST", std::string(kPool) + "/bookings",
           Stay(kAlice, alice, "2024-03-04", "2024-03-07").dump(), 200);
  EXPECT_EQ(booked["state"], "BOOKED");
  EXPECT_EQ(booked["bed"], 1);
  json cap = Call("POST", std::string(kPool) + "/bookings",
                  Stay(kAlice, alice, "2024-03-08", "2024-03-09").dump(), 400);
  EXPECT_EQ(cap["code"], 9);
  EXPECT_EQ(RuleIds(cap), std::set<std::string>{"S3-09"});
  EXPECT_THAT(cap.dump(), Not(HasSubstr(kAlice)));
  // The one bed is taken: Bob is told so, and waits.
  json full = Call("POST", std::string(kPool) + "/bookings",
                   Stay(kBob, bob, "2024-03-05", "2024-03-06").dump(), 400);
  EXPECT_EQ(RuleIds(full), std::set<std::string>{"CP-FULL"});
  json first = Call(
      "POST", std::string(kPool) + "/waitlistEntries",
      json{{"booking", Stay(kBob, bob, "2024-03-05", "2024-03-06")}}.dump(),
      200);
  EXPECT_EQ(first["state"], "WAITING");
  json second = Call(
      "POST", std::string(kPool) + "/waitlistEntries",
      json{{"booking", Stay(kBob, bob, "2024-03-06", "2024-03-07")}}.dump(),
      200);
  EXPECT_EQ(second["state"], "WAITING");
  // Bob leaves the second wait, once.
  const std::string second_name = second["name"];
  EXPECT_THAT(second_name, HasSubstr("bedPools/logeer/waitlistEntries/"));
  EXPECT_EQ(Call("POST", "/v1/" + second_name + ":leave", "{}", 200)["state"],
            "LEFT");
  EXPECT_EQ(RuleIds(Call("POST", "/v1/" + second_name + ":leave", "{}", 400)),
            std::set<std::string>{"CP-STATE"});

  // Alice cancels: her nights go to Bob's first wait at once.
  const std::string booking_name = booked["name"];
  json cancelled = Call("POST", "/v1/" + booking_name + ":cancel", "{}", 200);
  EXPECT_EQ(cancelled["state"], "CANCELLED");
  EXPECT_EQ(RuleIds(Call("POST", "/v1/" + booking_name + ":cancel", "{}", 400)),
            std::set<std::string>{"CP-STATE"});
  json waitlist = Call("GET", std::string(kPool) + "/waitlistEntries", "", 200);
  ASSERT_EQ(waitlist["entries"].size(), 2u);
  std::set<std::string> states;
  for (const json& e : waitlist["entries"]) {
    states.insert(e["state"].get<std::string>());
    if (e["name"] == first["name"]) {
      EXPECT_EQ(e["state"], "FULFILLED");
      EXPECT_THAT(e.value("fulfilledBy", ""), HasSubstr("bedPools/logeer/"));
    }
  }
  EXPECT_EQ(states, (std::set<std::string>{"FULFILLED", "LEFT"}));
  json bookings = Call("GET", std::string(kPool) + "/bookings", "", 200);
  ASSERT_EQ(bookings["bookings"].size(), 1u);
  EXPECT_EQ(bookings["bookings"][0]["clientBsn"], kBob);
  EXPECT_EQ(bookings["bookings"][0]["waitlistEntry"], first["name"]);

  // Availability: the wheelchair bed, 3 from 6004, free except Bob's night.
  json found = Call("GET",
                    "/v1/availability?catalog=midden-limburg-2024&product=kdv"
                    "&municipality=0988&fromDate=2024-03-03&toDate=2024-03-05"
                    "&postcode=6004&wheelchair=true",
                    "", 200);
  ASSERT_EQ(found["locations"].size(), 1u);
  const json& here = found["locations"][0];
  EXPECT_EQ(here["location"]["name"], "providers/99990303/locations/weert");
  EXPECT_EQ(here["distance"], 3);
  std::vector<int> free;
  for (const json& n : here["pools"][0]["nights"]) {
    free.push_back(n.value("free", 0));  // 0 is left out of proto JSON
  }
  EXPECT_THAT(free, ElementsAre(1, 1, 0));
  Call("GET", "/v1/availability?fromDate=2024-03-03&toDate=2024-03-05", "",
       400);

  // The group: Alice and four others take its five places on Monday
  // morning (one staff member, S2-06); Bob is refused, waits on the
  // group's binding of the waitlist, then leaves.
  const std::string bob_day = Assignment("0222", Dagbesteding(kBob));
  json monday = {{"weekday", "WEEKDAY_MONDAY"},
                 {"dayPart", "DAY_PART_MORNING"}};
  auto enrolment = [&](const std::string& bsn, const std::string& a) {
    return json{{"clientBsn", bsn},
                {"assignment", a},
                {"sessions", {monday}},
                {"startDate", "2024-03-04"},
                {"endDate", "2024-06-30"}};
  };
  for (const std::string bsn :
       {kAlice, "100000046", "100000010", "100000022", "100000034"}) {
    json enrolled =
        Call("POST", std::string(kGroup) + "/enrolments",
             enrolment(bsn, Assignment("0222", Dagbesteding(bsn))).dump(), 200);
    EXPECT_EQ(enrolled["state"], "ACTIVE");
  }
  json group_full = Call("POST", std::string(kGroup) + "/enrolments",
                         enrolment(kBob, bob_day).dump(), 400);
  EXPECT_EQ(RuleIds(group_full), std::set<std::string>{"S2-06"});
  EXPECT_THAT(group_full.dump(), Not(HasSubstr(kBob)));
  json waiting =
      Call("POST", std::string(kGroup) + "/waitlistEntries",
           json{{"enrolment", enrolment(kBob, bob_day)}}.dump(), 200);
  EXPECT_EQ(waiting["state"], "WAITING");
  const std::string waiting_name = waiting["name"];
  EXPECT_THAT(waiting_name, HasSubstr("groups/atelier/waitlistEntries/"));
  EXPECT_EQ(
      Call("GET", std::string(kGroup) + "/waitlistEntries", "", 200)["entries"]
          .size(),
      1u);
  EXPECT_EQ(Call("POST", "/v1/" + waiting_name + ":leave", "{}", 200)["state"],
            "LEFT");
  // A pool's waitlist takes bookings, not enrolments.
  Call("POST", std::string(kPool) + "/waitlistEntries",
       json{{"enrolment", enrolment(kBob, bob_day)}}.dump(), 400);

  // Occupancy of the logeerhuis: Bob's night of the 5th; of the day
  // activity location: the five places taken on Monday.
  json beds = Call(
      "GET",
      std::string(kWeert) + "/occupancy?fromDate=2024-03-04&toDate=2024-03-06",
      "", 200);
  ASSERT_EQ(beds["days"].size(), 3u);
  EXPECT_EQ(beds["days"][0]["date"], "2024-03-04");
  EXPECT_EQ(beds["days"][0].value("bedsBooked", 0), 0);
  EXPECT_EQ(beds["days"][1].value("bedsBooked", 0), 1);
  EXPECT_EQ(beds["days"][1].value("bedsFree", 0), 0);
  EXPECT_EQ(beds["days"][2].value("bedsFree", 0), 1);
  json places = Call("GET",
                     "/v1/providers/99990303/locations/doetinchem/occupancy"
                     "?fromDate=2024-03-04&toDate=2024-03-05",
                     "", 200);
  ASSERT_EQ(places["days"].size(), 2u);
  EXPECT_EQ(places["days"][0].value("places", 0), 5);
  EXPECT_EQ(places["days"][0].value("placesTaken", 0), 5);
  EXPECT_EQ(places["days"][0].value("placesFree", 0), 0);
  EXPECT_EQ(places["days"][1].value("places", 0), 0);
  Call("GET",
       std::string(kWeert) + "/occupancy?fromDate=2024-03-04&toDate=2025-03-05",
       "", 400);
}

}  // namespace
}  // namespace wmo
