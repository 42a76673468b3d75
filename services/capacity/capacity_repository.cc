// Every statement of the capacity store, for six tables (the schema is
// capacity_migrations.cc). Over 600 lines on purpose: one place to see
// what the service reads and writes, and which unique keys guard bookings.
#include "services/capacity/capacity_repository.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/rules/capacity.h"
#include "libs/server/api.h"

namespace wmo::capacity {
namespace {

using store::Blob;
using store::ResultSet;
using Kind = CapacityRepository::Kind;

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kLocation:
      return "location";
    case Kind::kGroup:
      return "group";
    case Kind::kPool:
      return "pool";
  }
  return "";
}

template <typename T>
absl::StatusOr<T> ParseBody(const ResultSet::Row& row, size_t column) {
  T message;
  if (!message.ParseFromString(ResultSet::Text(row, column))) {
    return absl::DataLossError("stored capacity record is unreadable");
  }
  return message;
}

template <typename T>
absl::StatusOr<std::vector<T>> ParseAll(const absl::StatusOr<ResultSet>& rows) {
  if (!rows.ok()) return rows.status();
  std::vector<T> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) {
    auto parsed = ParseBody<T>(row, 0);
    if (!parsed.ok()) return parsed.status();
    out.push_back(*std::move(parsed));
  }
  return out;
}

template <typename T>
absl::StatusOr<T> ParseOne(const absl::StatusOr<ResultSet>& rows,
                           absl::string_view what) {
  if (!rows.ok()) return rows.status();
  if (rows->empty())
    return absl::NotFoundError(absl::StrCat(what, " not found"));
  return ParseBody<T>((*rows)[0], 0);
}

absl::Status Done(const absl::StatusOr<ResultSet>& rows) {
  return rows.status();
}

absl::Status InsertSite(store::Connection& c, Kind kind, const SiteKey& key,
                        const std::string& municipality,
                        const std::string& body) {
  return Done(
      c.Execute("INSERT INTO sites (kind, provider_agb, location_id, site_id,"
                " municipality, body) VALUES (?, ?, ?, ?, ?, ?)",
                {KindName(kind), key.provider, key.location, key.id,
                 municipality, Blob{body}}));
}

absl::Status UpdateSite(store::Connection& c, Kind kind, const SiteKey& key,
                        const std::string& municipality,
                        const std::string& body) {
  return Done(
      c.Execute("UPDATE sites SET municipality = ?, body = ? WHERE kind = ? AND"
                " provider_agb = ? AND location_id = ? AND site_id = ?",
                {municipality, Blob{body}, KindName(kind), key.provider,
                 key.location, key.id}));
}

template <typename T>
absl::StatusOr<T> GetSite(store::Connection& c, Kind kind, const SiteKey& key) {
  return ParseOne<T>(
      c.Execute("SELECT body FROM sites WHERE kind = ? AND provider_agb = ?"
                " AND location_id = ? AND site_id = ?",
                {KindName(kind), key.provider, key.location, key.id}),
      KindName(kind));
}

template <typename T>
absl::StatusOr<std::vector<T>> ListChildren(store::Connection& c, Kind kind,
                                            const SiteKey& location,
                                            size_t offset, size_t limit) {
  return ParseAll<T>(
      c.Execute("SELECT body FROM sites WHERE kind = ? AND provider_agb = ?"
                " AND location_id = ? ORDER BY site_id LIMIT ? OFFSET ?",
                {KindName(kind), location.provider, location.location,
                 static_cast<int64_t>(limit), static_cast<int64_t>(offset)}));
}

}  // namespace

absl::Status CapacityRepository::InsertLocation(store::Connection& c,
                                                const SiteKey& key,
                                                const v1::Location& l) {
  return InsertSite(c, Kind::kLocation, key, l.municipality(),
                    l.SerializeAsString());
}

absl::Status CapacityRepository::UpdateLocation(store::Connection& c,
                                                const SiteKey& key,
                                                const v1::Location& l) {
  return UpdateSite(c, Kind::kLocation, key, l.municipality(),
                    l.SerializeAsString());
}

absl::StatusOr<v1::Location> CapacityRepository::GetLocation(
    store::Connection& c, const SiteKey& key) {
  return GetSite<v1::Location>(c, Kind::kLocation, key);
}

absl::StatusOr<std::vector<v1::Location>> CapacityRepository::ListLocations(
    store::Connection& c, const std::string& provider,
    const std::string& municipality, size_t offset, size_t limit) {
  return ParseAll<v1::Location>(c.Execute(
      "SELECT body FROM sites WHERE kind = 'location'"
      " AND (? = '' OR provider_agb = ?) AND (? = '' OR municipality = ?)"
      " ORDER BY provider_agb, location_id LIMIT ? OFFSET ?",
      {provider, provider, municipality, municipality,
       static_cast<int64_t>(limit), static_cast<int64_t>(offset)}));
}

absl::Status CapacityRepository::InsertGroup(store::Connection& c,
                                             const SiteKey& key,
                                             const v1::Group& g) {
  return InsertSite(c, Kind::kGroup, key, "", g.SerializeAsString());
}

absl::Status CapacityRepository::UpdateGroup(store::Connection& c,
                                             const SiteKey& key,
                                             const v1::Group& g) {
  return UpdateSite(c, Kind::kGroup, key, "", g.SerializeAsString());
}

absl::StatusOr<v1::Group> CapacityRepository::GetGroup(store::Connection& c,
                                                       const SiteKey& key) {
  return GetSite<v1::Group>(c, Kind::kGroup, key);
}

absl::StatusOr<std::vector<v1::Group>> CapacityRepository::ListGroups(
    store::Connection& c, const SiteKey& location, size_t offset,
    size_t limit) {
  return ListChildren<v1::Group>(c, Kind::kGroup, location, offset, limit);
}

absl::Status CapacityRepository::InsertPool(store::Connection& c,
                                            const SiteKey& key,
                                            const v1::BedPool& p) {
  return InsertSite(c, Kind::kPool, key, "", p.SerializeAsString());
}

absl::Status CapacityRepository::UpdatePool(store::Connection& c,
                                            const SiteKey& key,
                                            const v1::BedPool& p) {
  return UpdateSite(c, Kind::kPool, key, "", p.SerializeAsString());
}

absl::StatusOr<v1::BedPool> CapacityRepository::GetPool(store::Connection& c,
                                                        const SiteKey& key) {
  return GetSite<v1::BedPool>(c, Kind::kPool, key);
}

absl::StatusOr<std::vector<v1::BedPool>> CapacityRepository::ListPools(
    store::Connection& c, const SiteKey& location, size_t offset,
    size_t limit) {
  return ListChildren<v1::BedPool>(c, Kind::kPool, location, offset, limit);
}

absl::Status CapacityRepository::DeleteSite(store::Connection& c, Kind kind,
                                            const SiteKey& key) {
  return Done(
      c.Execute("DELETE FROM sites WHERE kind = ? AND provider_agb = ?"
                " AND location_id = ? AND site_id = ?",
                {KindName(kind), key.provider, key.location, key.id}));
}

namespace {

// The locations a filter covers, for a join on (provider_agb, location_id):
// the SQL after "FROM <table> t JOIN sites l ON ...", with its parameters.
constexpr char kAtLocations[] =
    " JOIN sites l ON l.kind = 'location' AND l.provider_agb = t.provider_agb"
    " AND l.location_id = t.location_id"
    " WHERE (? = '' OR l.provider_agb = ?) AND (? = '' OR l.location_id = ?)"
    " AND (? = '' OR l.municipality = ?)";

// The parameters of kAtLocations, then `more`.
std::vector<store::Value> AtLocations(
    const CapacityRepository::LocationFilter& f,
    std::initializer_list<store::Value> more = {}) {
  std::vector<store::Value> params{f.provider, f.provider,     f.location,
                                   f.location, f.municipality, f.municipality};
  params.insert(params.end(), more.begin(), more.end());
  return params;
}

template <typename T>
absl::StatusOr<std::vector<T>> SitesAt(
    store::Connection& c, Kind kind,
    const CapacityRepository::LocationFilter& filter) {
  return ParseAll<T>(c.Execute(
      absl::StrCat("SELECT t.body FROM sites t", kAtLocations,
                   " AND t.kind = ? ORDER BY t.provider_agb, t.location_id,"
                   " t.site_id"),
      AtLocations(filter, {std::string(KindName(kind))})));
}

}  // namespace

absl::StatusOr<std::vector<v1::Group>> CapacityRepository::GroupsAt(
    store::Connection& c, const LocationFilter& filter) {
  return SitesAt<v1::Group>(c, Kind::kGroup, filter);
}

absl::StatusOr<std::vector<v1::BedPool>> CapacityRepository::PoolsAt(
    store::Connection& c, const LocationFilter& filter) {
  return SitesAt<v1::BedPool>(c, Kind::kPool, filter);
}

absl::StatusOr<std::map<CapacityRepository::SiteId, std::map<rules::Date, int>>>
CapacityRepository::BookedPerNightAt(store::Connection& c,
                                     const LocationFilter& filter,
                                     const rules::Period& nights) {
  auto rows = c.Execute(
      absl::StrCat("SELECT t.provider_agb, t.location_id, t.pool_id, t.night,"
                   " COUNT(*) FROM bed_nights t",
                   kAtLocations,
                   " AND t.night >= ? AND t.night <= ?"
                   " GROUP BY t.provider_agb, t.location_id, t.pool_id,"
                   " t.night"),
      AtLocations(filter, {rules::FormatDate(nights.from),
                           rules::FormatDate(nights.to)}));
  if (!rows.ok()) return rows.status();
  std::map<SiteId, std::map<rules::Date, int>> booked;
  for (const auto& row : *rows) {
    auto night = rules::ParseDate(ResultSet::Text(row, 3), "night");
    if (!night.ok()) return night.status();
    booked[{ResultSet::Text(row, 0), ResultSet::Text(row, 1),
            ResultSet::Text(row, 2)}][*night] =
        static_cast<int>(ResultSet::Int(row, 4));
  }
  return booked;
}

absl::StatusOr<std::map<CapacityRepository::SiteId, std::vector<v1::Enrolment>>>
CapacityRepository::EnrolmentsAt(store::Connection& c,
                                 const LocationFilter& filter,
                                 const rules::Period& days) {
  auto rows = c.Execute(
      absl::StrCat("SELECT t.provider_agb, t.location_id, t.group_id, t.body"
                   " FROM enrolments t",
                   kAtLocations,
                   " AND t.start_date <= ? AND t.end_date >= ?"
                   " ORDER BY t.start_date, t.id"),
      AtLocations(filter,
                  {rules::FormatDate(days.to), rules::FormatDate(days.from)}));
  if (!rows.ok()) return rows.status();
  std::map<SiteId, std::vector<v1::Enrolment>> enrolled;
  for (const auto& row : *rows) {
    auto e = ParseBody<v1::Enrolment>(row, 3);
    if (!e.ok()) return e.status();
    enrolled[{ResultSet::Text(row, 0), ResultSet::Text(row, 1),
              ResultSet::Text(row, 2)}]
        .push_back(*std::move(e));
  }
  return enrolled;
}

absl::StatusOr<int64_t> CapacityRepository::CountChildren(
    store::Connection& c, const SiteKey& location) {
  auto rows = c.Execute(
      "SELECT COUNT(*) FROM sites WHERE kind <> 'location'"
      " AND provider_agb = ? AND location_id = ?",
      {location.provider, location.location});
  if (!rows.ok()) return rows.status();
  return ResultSet::Int((*rows)[0], 0);
}

absl::Status CapacityRepository::InsertBooking(
    store::Connection& c, const SiteKey& pool, const std::string& id,
    const std::string& assignment, const std::string& catalog,
    const std::string& product, const v1::Booking& b) {
  return Done(
      c.Execute("INSERT INTO bookings (provider_agb, location_id, pool_id, id,"
                " assignment, catalog, product, arrival, departure, state,"
                " body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {pool.provider, pool.location, pool.id, id, assignment, catalog,
                 product, b.arrival_date(), b.departure_date(),
                 int64_t{b.state()}, Blob{b.SerializeAsString()}}));
}

absl::Status CapacityRepository::UpdateBooking(store::Connection& c,
                                               const SiteKey& pool,
                                               const std::string& id,
                                               const v1::Booking& b) {
  return Done(
      c.Execute("UPDATE bookings SET state = ?, body = ? WHERE provider_agb = ?"
                " AND location_id = ? AND pool_id = ? AND id = ?",
                {int64_t{b.state()}, Blob{b.SerializeAsString()}, pool.provider,
                 pool.location, pool.id, id}));
}

absl::StatusOr<v1::Booking> CapacityRepository::GetBooking(
    store::Connection& c, const SiteKey& pool, const std::string& id) {
  return ParseOne<v1::Booking>(
      c.Execute("SELECT body FROM bookings WHERE provider_agb = ?"
                " AND location_id = ? AND pool_id = ? AND id = ?",
                {pool.provider, pool.location, pool.id, id}),
      "booking");
}

absl::StatusOr<std::vector<v1::Booking>> CapacityRepository::ListBookings(
    store::Connection& c, const SiteKey& pool, const std::string& from,
    const std::string& to, bool show_cancelled,
    const std::string& assignment_prefix, const std::string& after,
    size_t limit) {
  // A booking has a night in [from, to] when it arrives on or before `to`
  // and departs after `from`. Pages follow (arrival, id).
  const auto [after_date, after_id] = server::SplitPageKey(after);
  return ParseAll<v1::Booking>(c.Execute(
      "SELECT body FROM bookings WHERE provider_agb = ? AND location_id = ?"
      " AND pool_id = ? AND (? = '' OR departure > ?)"
      " AND (? = '' OR arrival <= ?) AND (? = 1 OR state = 1)"
      " AND (? = '' OR substr(assignment, 1, length(?)) = ?)"
      " AND (? = '' OR arrival > ? OR (arrival = ? AND id > ?))"
      " ORDER BY arrival, id LIMIT ?",
      {pool.provider, pool.location, pool.id, from, from, to, to,
       int64_t{show_cancelled}, assignment_prefix, assignment_prefix,
       assignment_prefix, after_date, after_date, after_date, after_id,
       static_cast<int64_t>(limit)}));
}

absl::StatusOr<std::map<int, std::set<rules::Date>>>
CapacityRepository::TakenBeds(store::Connection& c, const SiteKey& pool,
                              const rules::Period& nights) {
  auto rows = c.Execute(
      "SELECT bed, night FROM bed_nights WHERE provider_agb = ?"
      " AND location_id = ? AND pool_id = ? AND night >= ? AND night <= ?",
      {pool.provider, pool.location, pool.id, rules::FormatDate(nights.from),
       rules::FormatDate(nights.to)});
  if (!rows.ok()) return rows.status();
  std::map<int, std::set<rules::Date>> taken;
  for (const auto& row : *rows) {
    auto night = rules::ParseDate(ResultSet::Text(row, 1), "night");
    if (!night.ok()) return night.status();
    taken[static_cast<int>(ResultSet::Int(row, 0))].insert(*night);
  }
  return taken;
}

absl::StatusOr<std::map<rules::Date, int>> CapacityRepository::BookedPerNight(
    store::Connection& c, const SiteKey& pool, const rules::Period& nights) {
  auto rows = c.Execute(
      "SELECT night, COUNT(*) FROM bed_nights WHERE provider_agb = ?"
      " AND location_id = ? AND pool_id = ? AND night >= ? AND night <= ?"
      " GROUP BY night",
      {pool.provider, pool.location, pool.id, rules::FormatDate(nights.from),
       rules::FormatDate(nights.to)});
  if (!rows.ok()) return rows.status();
  std::map<rules::Date, int> booked;
  for (const auto& row : *rows) {
    auto night = rules::ParseDate(ResultSet::Text(row, 0), "night");
    if (!night.ok()) return night.status();
    booked[*night] = static_cast<int>(ResultSet::Int(row, 1));
  }
  return booked;
}

namespace {

absl::StatusOr<std::set<rules::Date>> Nights(
    const absl::StatusOr<ResultSet>& rows) {
  if (!rows.ok()) return rows.status();
  std::set<rules::Date> nights;
  for (const auto& row : *rows) {
    auto night = rules::ParseDate(ResultSet::Text(row, 0), "night");
    if (!night.ok()) return night.status();
    nights.insert(*night);
  }
  return nights;
}

}  // namespace

absl::StatusOr<std::set<rules::Date>> CapacityRepository::ClientNights(
    store::Connection& c, const std::string& bsn, const std::string& catalog,
    const std::string& product, const rules::Period& window) {
  return Nights(c.Execute(
      "SELECT night FROM client_nights WHERE client_bsn = ? AND catalog = ?"
      " AND product = ? AND night >= ? AND night <= ?",
      {bsn, catalog, product, rules::FormatDate(window.from),
       rules::FormatDate(window.to)}));
}

absl::StatusOr<bool> CapacityRepository::ClientBusy(
    store::Connection& c, const std::string& bsn, const rules::Period& nights) {
  auto rows = c.Execute(
      "SELECT 1 FROM client_nights WHERE client_bsn = ? AND night >= ?"
      " AND night <= ?",
      {bsn, rules::FormatDate(nights.from), rules::FormatDate(nights.to)});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

absl::StatusOr<std::set<rules::Date>> CapacityRepository::AssignmentNights(
    store::Connection& c, const std::string& assignment) {
  return Nights(c.Execute(
      "SELECT night FROM client_nights WHERE assignment = ?", {assignment}));
}

absl::Status CapacityRepository::ClaimNights(
    store::Connection& c, const SiteKey& pool, const std::string& id, int bed,
    const std::string& bsn, const std::string& assignment,
    const std::string& catalog, const std::string& product,
    const rules::Period& nights) {
  for (rules::Date night = nights.from; night <= nights.to; ++night) {
    const std::string date = rules::FormatDate(night);
    if (absl::Status s = Done(c.Execute(
            "INSERT INTO bed_nights (provider_agb, location_id, pool_id, bed,"
            " night, booking_id) VALUES (?, ?, ?, ?, ?, ?)",
            {pool.provider, pool.location, pool.id, int64_t{bed}, date, id}));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Done(c.Execute(
            "INSERT INTO client_nights (client_bsn, night, catalog, product,"
            " assignment, provider_agb, location_id, pool_id, booking_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {bsn, date, catalog, product, assignment, pool.provider,
             pool.location, pool.id, id}));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status CapacityRepository::ReleaseNights(store::Connection& c,
                                               const SiteKey& pool,
                                               const std::string& id) {
  if (absl::Status s = Done(
          c.Execute("DELETE FROM bed_nights WHERE provider_agb = ?"
                    " AND location_id = ? AND pool_id = ? AND booking_id = ?",
                    {pool.provider, pool.location, pool.id, id}));
      !s.ok()) {
    return s;
  }
  return Done(
      c.Execute("DELETE FROM client_nights WHERE provider_agb = ?"
                " AND location_id = ? AND pool_id = ? AND booking_id = ?",
                {pool.provider, pool.location, pool.id, id}));
}

absl::Status CapacityRepository::InsertEnrolment(store::Connection& c,
                                                 const SiteKey& group,
                                                 const std::string& id,
                                                 const v1::Enrolment& e) {
  return Done(c.Execute(
      "INSERT INTO enrolments (provider_agb, location_id, group_id, id,"
      " client_bsn, start_date, end_date, body)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {group.provider, group.location, group.id, id, e.client_bsn(),
       e.start_date(), e.end_date(), Blob{e.SerializeAsString()}}));
}

absl::Status CapacityRepository::UpdateEnrolment(store::Connection& c,
                                                 const SiteKey& group,
                                                 const std::string& id,
                                                 const v1::Enrolment& e) {
  return Done(
      c.Execute("UPDATE enrolments SET start_date = ?, end_date = ?, body = ?"
                " WHERE provider_agb = ? AND location_id = ? AND group_id = ?"
                " AND id = ?",
                {e.start_date(), e.end_date(), Blob{e.SerializeAsString()},
                 group.provider, group.location, group.id, id}));
}

absl::StatusOr<v1::Enrolment> CapacityRepository::GetEnrolment(
    store::Connection& c, const SiteKey& group, const std::string& id) {
  return ParseOne<v1::Enrolment>(
      c.Execute("SELECT body FROM enrolments WHERE provider_agb = ?"
                " AND location_id = ? AND group_id = ? AND id = ?",
                {group.provider, group.location, group.id, id}),
      "enrolment");
}

absl::StatusOr<std::vector<v1::Enrolment>> CapacityRepository::ListEnrolments(
    store::Connection& c, const SiteKey& group, const std::string& active_on,
    const std::string& after, size_t limit) {
  // Pages follow (start_date, id).
  const auto [after_date, after_id] = server::SplitPageKey(after);
  return ParseAll<v1::Enrolment>(c.Execute(
      "SELECT body FROM enrolments WHERE provider_agb = ? AND location_id = ?"
      " AND group_id = ? AND (? = '' OR (start_date <= ? AND end_date >= ?))"
      " AND (? = '' OR start_date > ? OR (start_date = ? AND id > ?))"
      " ORDER BY start_date, id LIMIT ?",
      {group.provider, group.location, group.id, active_on, active_on,
       active_on, after_date, after_date, after_date, after_id,
       static_cast<int64_t>(limit)}));
}

absl::Status CapacityRepository::DeleteEnrolments(store::Connection& c,
                                                  const SiteKey& group) {
  return Done(
      c.Execute("DELETE FROM enrolments WHERE provider_agb = ?"
                " AND location_id = ? AND group_id = ?",
                {group.provider, group.location, group.id}));
}

absl::Status CapacityRepository::DeleteWaitlist(store::Connection& c, Kind kind,
                                                const SiteKey& parent) {
  return Done(
      c.Execute("DELETE FROM waitlist WHERE kind = ? AND provider_agb = ?"
                " AND location_id = ? AND parent_id = ?",
                {KindName(kind), parent.provider, parent.location, parent.id}));
}

absl::StatusOr<std::vector<v1::Enrolment>> CapacityRepository::ClientEnrolments(
    store::Connection& c, const std::string& bsn) {
  return ParseAll<v1::Enrolment>(
      c.Execute("SELECT body FROM enrolments WHERE client_bsn = ?"
                " ORDER BY start_date, id",
                {bsn}));
}

absl::Status CapacityRepository::InsertWaitlistEntry(
    store::Connection& c, Kind kind, const SiteKey& parent,
    const std::string& id, const v1::WaitlistEntry& entry) {
  auto last = c.Execute(
      "SELECT COALESCE(MAX(seq), 0) FROM waitlist WHERE kind = ?"
      " AND provider_agb = ? AND location_id = ? AND parent_id = ?",
      {KindName(kind), parent.provider, parent.location, parent.id});
  if (!last.ok()) return last.status();
  return Done(c.Execute(
      "INSERT INTO waitlist (kind, provider_agb, location_id, parent_id, id,"
      " seq, state, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {KindName(kind), parent.provider, parent.location, parent.id, id,
       ResultSet::Int((*last)[0], 0) + 1, int64_t{entry.state()},
       Blob{entry.SerializeAsString()}}));
}

absl::Status CapacityRepository::UpdateWaitlistEntry(
    store::Connection& c, Kind kind, const SiteKey& parent,
    const std::string& id, const v1::WaitlistEntry& entry) {
  return Done(c.Execute(
      "UPDATE waitlist SET state = ?, body = ? WHERE kind = ?"
      " AND provider_agb = ? AND location_id = ? AND parent_id = ? AND id = ?",
      {int64_t{entry.state()}, Blob{entry.SerializeAsString()}, KindName(kind),
       parent.provider, parent.location, parent.id, id}));
}

absl::StatusOr<v1::WaitlistEntry> CapacityRepository::GetWaitlistEntry(
    store::Connection& c, Kind kind, const SiteKey& parent,
    const std::string& id) {
  return ParseOne<v1::WaitlistEntry>(
      c.Execute(
          "SELECT body FROM waitlist WHERE kind = ? AND provider_agb = ?"
          " AND location_id = ? AND parent_id = ? AND id = ?",
          {KindName(kind), parent.provider, parent.location, parent.id, id}),
      "waitlist entry");
}

absl::StatusOr<std::vector<v1::WaitlistEntry>> CapacityRepository::ListWaitlist(
    store::Connection& c, Kind kind, const SiteKey& parent, size_t offset,
    size_t limit) {
  // WAITING (1) first, in the order they joined.
  return ParseAll<v1::WaitlistEntry>(
      c.Execute("SELECT body FROM waitlist WHERE kind = ? AND provider_agb = ?"
                " AND location_id = ? AND parent_id = ?"
                " ORDER BY CASE WHEN state = 1 THEN 0 ELSE 1 END, seq"
                " LIMIT ? OFFSET ?",
                {KindName(kind), parent.provider, parent.location, parent.id,
                 static_cast<int64_t>(limit), static_cast<int64_t>(offset)}));
}

absl::StatusOr<int64_t> CapacityRepository::CountWaiting(store::Connection& c,
                                                         Kind kind) {
  auto rows =
      c.Execute("SELECT COUNT(*) FROM waitlist WHERE state = 1 AND kind = ?",
                {KindName(kind)});
  if (!rows.ok()) return rows.status();
  return ResultSet::Int((*rows)[0], 0);
}

absl::StatusOr<std::map<std::string, CapacityRepository::Beds>>
CapacityRepository::BedsOn(store::Connection& c, rules::Date night) {
  std::map<std::string, Beds> beds;
  auto name = [](const ResultSet::Row& row) {
    return absl::StrCat("providers/", ResultSet::Text(row, 0), "/locations/",
                        ResultSet::Text(row, 1));
  };
  auto pools = c.Execute(
      "SELECT provider_agb, location_id, body FROM sites WHERE kind = 'pool'");
  if (!pools.ok()) return pools.status();
  for (const auto& row : *pools) {
    auto pool = ParseBody<v1::BedPool>(row, 2);
    if (!pool.ok()) return pool.status();
    beds[name(row)].beds += pool->beds();
  }
  auto booked = c.Execute(
      "SELECT provider_agb, location_id, COUNT(*) FROM bed_nights"
      " WHERE night = ? GROUP BY provider_agb, location_id",
      {rules::FormatDate(night)});
  if (!booked.ok()) return booked.status();
  for (const auto& row : *booked) {
    beds[name(row)].booked = ResultSet::Int(row, 2);
  }
  return beds;
}

}  // namespace wmo::capacity
