// The capacity store's schema as its migrations, in version order: SQL,
// and code where stored protos change shape.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/audit/audit.h"
#include "libs/server/stored_protos.h"
#include "libs/store/request_ids.h"
#include "services/capacity/capacity_repository.h"

namespace wmo::capacity {
namespace {

using store::Blob;
using store::ResultSet;

// A name as migration 5 renames it: a pool's or group's waitlist
// ("…/{bedPools|groups}/{id}/waitlist") or an entry of it ("…/waitlist/{e}")
// in the plural collection "waitlistEntries"; any other name as it is (a
// location or group may itself be called "waitlist").
std::string RenamedWaitlistName(absl::string_view name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  const auto is_waitlist = [&](size_t at) {
    return at >= 2 && at < parts.size() && parts[at] == "waitlist" &&
           (parts[at - 2] == "bedPools" || parts[at - 2] == "groups");
  };
  const size_t n = parts.size();
  if (is_waitlist(n - 1)) {
    parts[n - 1] = "waitlistEntries";
  } else if (n >= 2 && is_waitlist(n - 2)) {
    parts[n - 2] = "waitlistEntries";
  } else {
    return std::string(name);
  }
  return absl::StrJoin(parts, "/");
}

void RenameWaitlistName(std::string* name) {
  *name = RenamedWaitlistName(*name);
}

// Migration 5: the entries, the bookings made from them, the request ids
// of their creates and their audit trail.
absl::Status RenameWaitlistEntries(store::Connection& c) {
  if (absl::Status s = server::RewriteStored<v1::WaitlistEntry>(
          c, {"waitlist", "kind, provider_agb, location_id, parent_id, id"},
          [](v1::WaitlistEntry& e) {
            RenameWaitlistName(e.mutable_name());
            return absl::OkStatus();
          });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = server::RewriteStored<v1::Booking>(
          c, {"bookings", "provider_agb, location_id, pool_id, id"},
          [](v1::Booking& b) {
            RenameWaitlistName(b.mutable_waitlist_entry());
            return absl::OkStatus();
          });
      !s.ok()) {
    return s;
  }
  auto requests = c.Execute(
      "SELECT scope, request_id, resource FROM create_requests"
      " WHERE scope LIKE 'providers/%/waitlist'");
  if (!requests.ok()) return requests.status();
  for (const auto& row : *requests) {
    const std::string scope(ResultSet::Text(row, 0));
    if (absl::Status s =
            c.Execute("UPDATE create_requests SET scope = ?, resource = ?"
                      " WHERE scope = ? AND request_id = ?",
                      {RenamedWaitlistName(scope),
                       RenamedWaitlistName(ResultSet::Text(row, 2)), scope,
                       std::string(ResultSet::Text(row, 1))})
                .status();
        !s.ok()) {
      return s;
    }
  }
  auto entries = c.Execute(
      "SELECT owner, time, id, resource FROM audit_log"
      " WHERE resource LIKE 'providers/%/waitlist%'");
  if (!entries.ok()) return entries.status();
  for (const auto& row : *entries) {
    const std::string resource(ResultSet::Text(row, 3));
    const std::string renamed = RenamedWaitlistName(resource);
    if (renamed == resource) continue;
    std::vector<store::Value> key(row.begin(), row.begin() + 3);
    auto body = c.Execute(
        "SELECT body FROM audit_log WHERE owner = ? AND time = ? AND id = ?",
        key);
    if (!body.ok()) return body.status();
    type::v1::AuditEntry entry;
    if (body->empty() ||
        !entry.ParseFromString(ResultSet::Text((*body)[0], 0))) {
      return absl::DataLossError("an audit entry cannot be read");
    }
    entry.set_resource(renamed);
    for (std::string& read : *entry.mutable_resources_read()) {
      RenameWaitlistName(&read);
    }
    std::vector<store::Value> params = {renamed,
                                        Blob{entry.SerializeAsString()}};
    params.insert(params.end(), key.begin(), key.end());
    if (absl::Status s = c.Execute("UPDATE audit_log SET resource = ?, body = ?"
                                   " WHERE owner = ? AND time = ? AND id = ?",
                                   params)
                             .status();
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// The primary keys of the tables that keep protos.
constexpr char kSiteKey[] = "kind, provider_agb, location_id, site_id";
constexpr char kBookingKey[] = "provider_agb, location_id, pool_id, id";
constexpr char kWaitlistKey[] =
    "kind, provider_agb, location_id, parent_id, id";

// The *_time fields that were RFC 3339 text (see the protos' reserved
// numbers).
constexpr server::LegacyTime kLegacyTimes[] = {
    {"wmo.capacity.v1.Location", 6, "create_time"},
    {"wmo.capacity.v1.Location", 7, "update_time"},
    {"wmo.capacity.v1.Group", 9, "create_time"},
    {"wmo.capacity.v1.Group", 10, "update_time"},
    {"wmo.capacity.v1.BedPool", 7, "create_time"},
    {"wmo.capacity.v1.BedPool", 8, "update_time"},
    {"wmo.capacity.v1.Enrolment", 9, "create_time"},
    {"wmo.capacity.v1.Booking", 8, "create_time"},
    {"wmo.capacity.v1.Booking", 9, "cancel_time"},
    {"wmo.capacity.v1.WaitlistEntry", 6, "create_time"},
    {"wmo.capacity.v1.WaitlistEntry", 7, "update_time"},
};

// Migration 6: times as google.protobuf.Timestamp.
absl::Status UpgradeTimes(store::Connection& c) {
  using server::UpgradeTimesIn;
  absl::Status s = UpgradeTimesIn<v1::Location>(
      c, {"sites", kSiteKey, "body", "kind = 'location'"}, kLegacyTimes);
  if (s.ok()) {
    s = UpgradeTimesIn<v1::Group>(
        c, {"sites", kSiteKey, "body", "kind = 'group'"}, kLegacyTimes);
  }
  if (s.ok()) {
    s = UpgradeTimesIn<v1::BedPool>(
        c, {"sites", kSiteKey, "body", "kind = 'pool'"}, kLegacyTimes);
  }
  if (s.ok())
    s = UpgradeTimesIn<v1::Booking>(c, {"bookings", kBookingKey}, kLegacyTimes);
  if (s.ok()) {
    s = UpgradeTimesIn<v1::Enrolment>(
        c, {"enrolments", "provider_agb, location_id, group_id, id"},
        kLegacyTimes);
  }
  if (s.ok()) {
    s = UpgradeTimesIn<v1::WaitlistEntry>(c, {"waitlist", kWaitlistKey},
                                          kLegacyTimes);
  }
  if (s.ok()) s = audit::UpgradeStoredTimes(c);
  return s;
}

constexpr store::Migration kMigrations[] = {
    {1,
     // Locations, groups and pools; `site_id` is "" for a location.
     "CREATE TABLE sites ("
     " kind TEXT NOT NULL,"
     " provider_agb TEXT NOT NULL,"
     " location_id TEXT NOT NULL,"
     " site_id TEXT NOT NULL,"
     " municipality TEXT NOT NULL,"
     " body BYTEA NOT NULL,"
     " PRIMARY KEY (kind, provider_agb, location_id, site_id));"
     "CREATE INDEX sites_by_municipality ON sites (kind, municipality);"
     "CREATE TABLE bookings ("
     " provider_agb TEXT NOT NULL,"
     " location_id TEXT NOT NULL,"
     " pool_id TEXT NOT NULL,"
     " id TEXT NOT NULL,"
     " request_id TEXT NOT NULL,"
     " assignment TEXT NOT NULL,"
     " catalog TEXT NOT NULL,"
     " product TEXT NOT NULL,"
     " arrival TEXT NOT NULL,"
     " departure TEXT NOT NULL,"
     " state BIGINT NOT NULL,"
     " body BYTEA NOT NULL,"
     " PRIMARY KEY (provider_agb, location_id, pool_id, id));"
     "CREATE UNIQUE INDEX bookings_by_request ON bookings"
     " (provider_agb, location_id, pool_id, request_id)"
     " WHERE request_id <> '';"
     // One row per bed and night: a bed-night is never booked twice.
     "CREATE TABLE bed_nights ("
     " provider_agb TEXT NOT NULL,"
     " location_id TEXT NOT NULL,"
     " pool_id TEXT NOT NULL,"
     " bed BIGINT NOT NULL,"
     " night TEXT NOT NULL,"
     " booking_id TEXT NOT NULL,"
     " PRIMARY KEY (provider_agb, location_id, pool_id, bed, night));"
     // Free beds are looked up by night, whatever the bed.
     "CREATE INDEX bed_nights_by_night ON bed_nights"
     " (provider_agb, location_id, pool_id, night);"
     "CREATE INDEX bed_nights_by_booking ON bed_nights"
     " (provider_agb, location_id, pool_id, booking_id);"
     // One row per client and night: no client sleeps in two beds.
     "CREATE TABLE client_nights ("
     " client_bsn TEXT NOT NULL,"
     " night TEXT NOT NULL,"
     " catalog TEXT NOT NULL,"
     " product TEXT NOT NULL,"
     " assignment TEXT NOT NULL,"
     " provider_agb TEXT NOT NULL,"
     " location_id TEXT NOT NULL,"
     " pool_id TEXT NOT NULL,"
     " booking_id TEXT NOT NULL,"
     " PRIMARY KEY (client_bsn, night));"
     "CREATE INDEX client_nights_by_assignment ON client_nights"
     " (assignment);"
     "CREATE INDEX client_nights_by_booking ON client_nights"
     " (provider_agb, location_id, pool_id, booking_id);"
     "CREATE TABLE enrolments ("
     " provider_agb TEXT NOT NULL,"
     " location_id TEXT NOT NULL,"
     " group_id TEXT NOT NULL,"
     " id TEXT NOT NULL,"
     " client_bsn TEXT NOT NULL,"
     " start_date TEXT NOT NULL,"
     " end_date TEXT NOT NULL,"
     " body BYTEA NOT NULL,"
     " PRIMARY KEY (provider_agb, location_id, group_id, id));"
     "CREATE INDEX enrolments_by_client ON enrolments (client_bsn);"
     "CREATE TABLE waitlist ("
     " kind TEXT NOT NULL,"
     " provider_agb TEXT NOT NULL,"
     " location_id TEXT NOT NULL,"
     " parent_id TEXT NOT NULL,"
     " id TEXT NOT NULL,"
     " seq BIGINT NOT NULL,"
     " state BIGINT NOT NULL,"
     " body BYTEA NOT NULL,"
     " PRIMARY KEY (kind, provider_agb, location_id, parent_id, id));"
     "CREATE INDEX waitlist_in_order ON waitlist"
     " (kind, provider_agb, location_id, parent_id, state, seq)"},
    // Request ids of every create in the table every service shares
    // (store::CreateOnce), which also keeps a digest of the request; the
    // bookings' own column goes, its ids move over without one.
    {2, store::kRequestIdsTable},
    {3,
     "INSERT INTO create_requests (scope, request_id, body_sha256, resource)"
     " SELECT 'providers/' || provider_agb || '/locations/' || location_id"
     " || '/bedPools/' || pool_id || '/bookings', request_id, '',"
     " 'providers/' || provider_agb || '/locations/' || location_id"
     " || '/bedPools/' || pool_id || '/bookings/' || id"
     " FROM bookings WHERE request_id <> '';"
     "DROP INDEX bookings_by_request;"
     "ALTER TABLE bookings DROP COLUMN request_id"},
    {4, audit::kAuditTable},
    // Waitlist entries are a literal plural collection, "waitlistEntries"
    // (AIP-122), in stored names, request ids and the audit trail.
    {5, "", RenameWaitlistEntries},
    {6, "", UpgradeTimes},
};

}  // namespace

absl::Span<const store::Migration> CapacityRepository::Migrations() {
  return kMigrations;
}

}  // namespace wmo::capacity
