#ifndef WMO_LIBS_AUDIT_AUDIT_H_
#define WMO_LIBS_AUDIT_AUDIT_H_

// The audit trail every service keeps in its own store: who changed what,
// and who looked at which client's data. A change's entry is written in the
// change's own transaction (no change without its entry); a read's entry is
// written before the answer leaves (no look without its entry).

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "libs/auth/principal.h"
#include "libs/store/store.h"
#include "wmo/type/v1/audit.pb.h"

namespace wmo::audit {

// The table, for a service's migrations (the same SQL on both backends).
// `owner` is the tenant part of the resource name ("municipalities/0988",
// "providers/99990303", "catalogs"); `time` is fixed-width RFC 3339 so
// that text order is time order; `id` orders entries of one instant.
inline constexpr char kAuditTable[] =
    "CREATE TABLE audit_log ("
    " owner TEXT NOT NULL,"
    " resource TEXT NOT NULL,"
    " time TEXT NOT NULL,"
    " id TEXT NOT NULL,"
    " body BYTEA NOT NULL,"
    " PRIMARY KEY (owner, time, id));"
    "CREATE INDEX audit_log_by_time ON audit_log (time);";

// Migrations: entries stored while their time was RFC 3339 text get it as
// a google.protobuf.Timestamp (each service's store, in the step that
// moves its own resources' times).
absl::Status UpgradeStoredTimes(store::Connection& c);

// An entry for the current call (server::CallScope: its request id) by
// `caller`, at `now`, about `resource`.
type::v1::AuditEntry Entry(const auth::Principal& caller,
                           absl::string_view resource,
                           absl::string_view operation,
                           absl::Time now = absl::Now());

// The fields of two versions of a resource that differ, in text format;
// fields named in `skip` (bookkeeping that changes with every version) are
// left out. An empty `before` records a create, an empty `after` a delete.
std::vector<type::v1::FieldChange> Diff(const google::protobuf::Message& before,
                                        const google::protobuf::Message& after,
                                        const std::vector<std::string>& skip = {
                                            "revision", "update_time", "etag"});

// An entry for a change from `before` to `after` (Entry plus Diff).
type::v1::AuditEntry Change(const auth::Principal& caller,
                            absl::string_view resource,
                            absl::string_view operation,
                            const google::protobuf::Message& before,
                            const google::protobuf::Message& after);

// Appends `entry` inside the caller's transaction.
absl::Status Record(store::Connection& c, const type::v1::AuditEntry& entry);

// Appends the entry for a read of personal data on its own: `read` names
// what the answer holds. A failure fails the read (UNAVAILABLE): an
// unrecorded look at client data must not happen. Nothing is recorded for
// a call from another role of this system (server::CallScope::
// FromAnotherRole), which reads for its own checks, not for anyone to see.
absl::Status RecordRead(store::Database& db, const auth::Principal& caller,
                        absl::string_view resource, absl::string_view operation,
                        std::vector<std::string> read);

// A service's ListAuditEntries: `parent` must match one of `patterns`
// ("municipalities/*/assignments/*"); its first id is the tenant, which the
// caller must be (a municipality for "municipalities/...", a provider for
// "providers/..."), or any tenant ("-") for an operator, whose answer
// leaves out the old and new values (personal data). "catalogs/*" is the
// operator's own. "-" for a later id reads the whole collection: its
// members' entries and its own (lists, searches).
absl::Status List(store::Database& db, const auth::Principal& caller,
                  const std::vector<std::string>& patterns,
                  const type::v1::ListAuditEntriesRequest& request,
                  type::v1::ListAuditEntriesResponse* response);

}  // namespace wmo::audit

#endif  // WMO_LIBS_AUDIT_AUDIT_H_
