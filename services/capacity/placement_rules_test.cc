// The plans of bookings and enrolments, and the rules they are made of,
// without a server or a store: facts in, plan out.
#include "services/capacity/placement_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/catalogs.h"

namespace wmo::capacity {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using wmo::assignment::v1::Assignment;

rules::Date D(int y, int m, int d) { return rules::Date(y, m, d); }

std::vector<std::string> Ids(const Violations& v) {
  std::vector<std::string> ids;
  for (const auto& x : v) ids.push_back(x.rule_id());
  return ids;
}

const wmo::catalog::v1::Catalog& MiddenLimburg() {
  return testing::LoadCatalog("midden-limburg-2024");
}

const wmo::catalog::v1::Product& ProductOf(const std::string& id) {
  for (const auto& p : MiddenLimburg().products()) {
    if (p.id() == id) return p;
  }
  ADD_FAILURE() << "no product " << id;
  return MiddenLimburg().products(0);
}

// KDV of midden-limburg-2024 (S3-09: 42 a year, 3 a week unless one stay)
// for the client at provider 99990303, over 2024.
Assignment Kdv(int64_t etmalen) {
  Assignment a;
  a.set_name("municipalities/0988/assignments/1");
  a.mutable_client()->set_bsn("111222333");
  a.mutable_client()->set_birth_date("1950-03-01");
  a.set_provider_agb("99990303");
  a.set_catalog("midden-limburg-2024");
  a.set_product("kdv");
  a.set_product_category("04");
  a.mutable_extent()->set_volume(etmalen);
  a.mutable_extent()->set_unit(type::v1::UNIT_DAY_NIGHT);
  a.mutable_extent()->set_frequency(type::v1::FREQUENCY_TOTAL);
  a.set_start_date("2024-01-01");
  a.set_end_date("2024-12-31");
  a.set_state(Assignment::ACTIVE);
  return a;
}

StayFacts Stay(const Assignment& a, rules::Date from, rules::Date to) {
  StayFacts f;
  f.entitlement.assignment = &a;
  f.entitlement.catalog = &MiddenLimburg();
  f.entitlement.product = &ProductOf("kdv");
  f.pool.set_catalog("midden-limburg-2024");
  f.pool.add_products("kdv");
  f.pool.set_beds(2);
  f.provider = "99990303";
  f.client_bsn = "111222333";
  f.nights = {from, to};
  return f;
}

TEST(PlanStayTest, TakesTheLowestBedFreeOnEveryNight) {
  const Assignment a = Kdv(20);
  StayFacts f = Stay(a, D(2024, 3, 4), D(2024, 3, 6));
  f.taken_beds[1] = {D(2024, 3, 5)};
  Plan plan = PlanStay(f);
  EXPECT_THAT(plan.refusals, IsEmpty());
  EXPECT_THAT(plan.full, IsEmpty());
  EXPECT_EQ(plan.bed, 2);
  f.taken_beds[2] = {D(2024, 3, 4)};
  plan = PlanStay(f);
  EXPECT_EQ(plan.bed, 0);
  EXPECT_THAT(Ids(plan.full), ElementsAre("CP-FULL"));
  EXPECT_THAT(plan.refusals, IsEmpty()) << "full is not a refusal: it waits";
}

TEST(PlanStayTest, CP_CLIENT_NIGHT_TheClientSleepsInOneBed) {
  const Assignment a = Kdv(20);
  StayFacts f = Stay(a, D(2024, 3, 4), D(2024, 3, 6));
  f.client_busy = true;
  EXPECT_THAT(Ids(PlanStay(f).refusals), ElementsAre("CP-CLIENT-NIGHT"));
}

// The caps count what the entitlement allows: without one, only it is
// reported, even for 50 nights.
TEST(PlanStayTest, CapsOnlyOnceTheEntitlementHolds) {
  const Assignment a = Kdv(100);
  StayFacts f = Stay(a, D(2024, 3, 1), D(2024, 4, 19));
  f.entitlement = Entitlement();
  EXPECT_THAT(Ids(PlanStay(f).refusals), ElementsAre("CP-ASSIGNMENT"));
  f = Stay(a, D(2024, 3, 1), D(2024, 4, 19));
  EXPECT_THAT(Ids(PlanStay(f).refusals), ElementsAre("S3-09", "S3-09"));
}

TEST(PlanStayTest, CP_CATALOG_WithoutTheAssignmentsCatalog) {
  const Assignment a = Kdv(20);
  StayFacts f = Stay(a, D(2024, 3, 4), D(2024, 3, 6));
  f.entitlement.catalog = nullptr;
  f.entitlement.product = nullptr;
  f.entitlement.problem = "catalog midden-limburg-2024 has no version then";
  EXPECT_THAT(Ids(PlanStay(f).refusals), ElementsAre("CP-CATALOG"));
}

// Nights booked on the assignment per month and in all (TR321, TR322).
TEST(CheckBookedVolumeTest, CP_VOLUME_InAllAndPerMonth) {
  const Assignment a = Kdv(5);
  const std::set<rules::Date> booked = {D(2024, 3, 1), D(2024, 3, 2),
                                        D(2024, 3, 3)};
  EXPECT_THAT(CheckBookedVolume(a, booked, {D(2024, 4, 1), D(2024, 4, 2)}),
              IsEmpty());
  Violations v = CheckBookedVolume(a, booked, {D(2024, 4, 1), D(2024, 4, 3)});
  ASSERT_THAT(Ids(v), ElementsAre("CP-VOLUME"));
  EXPECT_THAT(v[0].message(), HasSubstr("5 nights in all"));
  // Rebooking nights already counted adds none.
  EXPECT_THAT(CheckBookedVolume(a, booked, {D(2024, 3, 1), D(2024, 3, 3)}),
              IsEmpty());
}

v1::Enrolment Enrolment(const std::string& name, const std::string& start,
                        const std::string& end,
                        const std::vector<std::pair<int, v1::DayPart>>& slots) {
  v1::Enrolment e;
  e.set_name(name);
  e.set_client_bsn("111222333");
  e.set_assignment("municipalities/0988/assignments/2");
  e.set_start_date(start);
  e.set_end_date(end);
  for (const auto& [weekday, part] : slots) {
    auto* slot = e.add_sessions();
    slot->set_weekday(static_cast<wmo::catalog::v1::Weekday>(weekday));
    slot->set_day_part(part);
  }
  return e;
}

TEST(CheckSessionClashTest, CP_CLIENT_SESSION_OneSessionAtATime) {
  const v1::Enrolment wanted =
      Enrolment("", "2024-03-01", "2024-05-31", {{1, v1::DAY_PART_MORNING}});
  const rules::Period days{D(2024, 3, 1), D(2024, 5, 31)};
  const std::vector<v1::Enrolment> client = {
      // Same slot, overlapping: a clash.
      Enrolment("a", "2024-05-01", "2024-06-30", {{1, v1::DAY_PART_MORNING}}),
      // Same slot, after: none.
      Enrolment("b", "2024-06-01", "2024-06-30", {{1, v1::DAY_PART_MORNING}}),
      // Overlapping, other day part: none.
      Enrolment("c", "2024-03-01", "2024-05-31",
                {{1, v1::DAY_PART_AFTERNOON}})};
  Violations v = CheckSessionClash(wanted, days, client);
  ASSERT_THAT(Ids(v), ElementsAre("CP-CLIENT-SESSION"));
  EXPECT_THAT(v[0].message(), HasSubstr("(a)"));
}

// Which rule a full session breaks: the catalog's when its bound binds,
// CP-SIZE when the group's own stricter one does; under the minimum size a
// notice.
TEST(CheckSessionRoomTest, TheBoundThatBindsNamesTheRule) {
  v1::Group group;
  group.set_max_size(8);
  group.set_min_size(3);
  auto* s = group.add_sessions();
  s->set_weekday(static_cast<wmo::catalog::v1::Weekday>(1));
  s->set_staff(2);
  GroupBounds bounds;
  bounds.max_size = 8;
  bounds.rule_id = "S1-02";
  Plan plan;
  CheckSessionRoom(group, bounds, {0}, {9}, {2}, plan);
  EXPECT_THAT(Ids(plan.full), ElementsAre("S1-02"));
  EXPECT_THAT(Ids(plan.notices), ElementsAre("S1-02"));
  bounds.max_size = 10;  // the catalog allows more: the group chose 8
  plan = Plan();
  CheckSessionRoom(group, bounds, {0}, {9}, {3}, plan);
  EXPECT_THAT(Ids(plan.full), ElementsAre("CP-SIZE"));
  EXPECT_THAT(plan.notices, IsEmpty());
  plan = Plan();
  CheckSessionRoom(group, bounds, {0}, {8}, {3}, plan);
  EXPECT_THAT(plan.full, IsEmpty());
}

}  // namespace
}  // namespace wmo::capacity
