#include "libs/audit/audit.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "libs/auth/permissions.h"
#include "libs/server/api.h"
#include "libs/server/call_scope.h"
#include "libs/server/stored_protos.h"

namespace wmo::audit {
namespace {

using type::v1::AuditEntry;
using type::v1::FieldChange;

// Fixed width, so that the text order of stored times is their order.
std::string StoredTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// "municipalities/0988" of "municipalities/0988/assignments/7"; "catalogs"
// for catalog resources, which the operator owns.
std::string OwnerOf(absl::string_view resource) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(resource, absl::MaxSplits('/', 2));
  if (parts[0] == "catalogs" || parts.size() < 2) return std::string(parts[0]);
  return absl::StrCat(parts[0], "/", parts[1]);
}

// `text` as a LIKE pattern matching itself, with "-" segments matching any
// one id.
std::string LikePattern(absl::string_view text) {
  std::vector<std::string> segments;
  for (absl::string_view segment : absl::StrSplit(text, '/')) {
    if (segment == "-") {
      segments.push_back("%");
      continue;
    }
    std::string escaped;
    for (char ch : segment) {
      if (ch == '%' || ch == '_' || ch == '\\') escaped.push_back('\\');
      escaped.push_back(ch);
    }
    segments.push_back(std::move(escaped));
  }
  return absl::StrJoin(segments, "/");
}

// The stored form of a list's bound, `none` when the request has none.
std::string TimeBound(const google::protobuf::Message& request,
                      const google::protobuf::Timestamp& bound,
                      absl::string_view field, absl::string_view none) {
  const auto* f = request.GetDescriptor()->FindFieldByName(std::string(field));
  if (!request.GetReflection()->HasField(request, f)) return std::string(none);
  return StoredTime(TimeOf(bound));
}

// Who may read the trail under `parent`, whose tenant id is `tenant`.
absl::Status MayRead(const auth::Principal& caller, absl::string_view parent,
                     absl::string_view tenant) {
  const std::string action = absl::StrCat("read the audit trail of ", parent);
  if (caller.kind == auth::PrincipalKind::kOperator) return absl::OkStatus();
  if (tenant == "-" || absl::StartsWith(parent, "catalogs/")) {
    return auth::RequireOperator(caller, action);
  }
  if (absl::StartsWith(parent, "municipalities/")) {
    return auth::RequireMunicipality(caller, tenant, action);
  }
  return auth::RequireProvider(caller, tenant, action);
}

}  // namespace

absl::Status UpgradeStoredTimes(store::Connection& c) {
  static constexpr server::LegacyTime kLegacy[] = {
      {"wmo.type.v1.AuditEntry", 4, "time"}};
  return server::UpgradeTimesIn<AuditEntry>(c, {"audit_log", "owner, time, id"},
                                            kLegacy);
}

AuditEntry Entry(const auth::Principal& caller, absl::string_view resource,
                 absl::string_view operation, absl::Time now) {
  AuditEntry entry;
  entry.set_resource(std::string(resource));
  entry.set_actor(auth::Describe(caller));
  // To the microsecond, as the stored column keeps it.
  entry.mutable_time()->set_seconds(absl::ToUnixSeconds(now));
  entry.mutable_time()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Microseconds(
          now - absl::FromUnixSeconds(absl::ToUnixSeconds(now))) *
      1000));
  entry.set_operation(std::string(operation));
  entry.set_request_id(server::CallScope::RequestId());
  return entry;
}

std::vector<FieldChange> Diff(const google::protobuf::Message& before,
                              const google::protobuf::Message& after,
                              const std::vector<std::string>& skip) {
  std::vector<FieldChange> changes;
  const auto* descriptor = after.GetDescriptor();
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  // The field's value in `m` as text; repeated values joined by ", ".
  auto text = [&](const google::protobuf::Message& m,
                  const google::protobuf::FieldDescriptor* field) {
    const auto* reflection = m.GetReflection();
    std::string out;
    if (!field->is_repeated()) {
      // Unset ("" for a scalar at its default, which proto3 does not tell
      // from unset).
      if (!reflection->HasField(m, field)) return out;
      if (field->message_type() == google::protobuf::Timestamp::descriptor()) {
        // As the API writes a time, not as its seconds and nanos.
        google::protobuf::Timestamp time;
        time.CopyFrom(reflection->GetMessage(m, field));
        return google::protobuf::util::TimeUtil::ToString(time);
      }
      printer.PrintFieldValueToString(m, field, -1, &out);
      return out;
    }
    for (int j = 0; j < reflection->FieldSize(m, field); ++j) {
      std::string v;
      printer.PrintFieldValueToString(m, field, j, &v);
      absl::StrAppend(&out, j ? ", " : "", v);
    }
    return out;
  };
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (std::find(skip.begin(), skip.end(), field->name()) != skip.end()) {
      continue;
    }
    std::string old_value = text(before, field);
    std::string new_value = text(after, field);
    if (old_value == new_value) continue;
    FieldChange change;
    change.set_field(field->name());
    change.set_old_value(std::move(old_value));
    change.set_new_value(std::move(new_value));
    changes.push_back(std::move(change));
  }
  return changes;
}

AuditEntry Change(const auth::Principal& caller, absl::string_view resource,
                  absl::string_view operation,
                  const google::protobuf::Message& before,
                  const google::protobuf::Message& after) {
  AuditEntry entry = Entry(caller, resource, operation);
  for (FieldChange& change : Diff(before, after)) {
    *entry.add_changes() = std::move(change);
  }
  return entry;
}

absl::Status Record(store::Connection& c, const AuditEntry& entry) {
  thread_local absl::BitGen random;
  return c
      .Execute(
          "INSERT INTO audit_log (owner, resource, time, id, body)"
          " VALUES (?, ?, ?, ?, ?)",
          {OwnerOf(entry.resource()), entry.resource(),
           StoredTime(TimeOf(entry.time())),
           absl::StrFormat("%016x", absl::Uniform<uint64_t>(random)),
           store::Blob{entry.SerializeAsString()}})
      .status();
}

absl::Status RecordRead(store::Database& db, const auth::Principal& caller,
                        absl::string_view resource, absl::string_view operation,
                        std::vector<std::string> read) {
  // A role checking something for its own caller (the declaration service
  // looking up the assignments a declaration names) shows the data to no
  // one; the call that caused it is what is audited.
  if (server::CallScope::FromAnotherRole()) return absl::OkStatus();
  AuditEntry entry = Entry(caller, resource, operation);
  for (std::string& name : read) entry.add_resources_read(std::move(name));
  absl::Status s =
      db.Transaction([&](store::Connection& c) { return Record(c, entry); });
  if (s.ok()) return s;
  return absl::UnavailableError(absl::StrCat(
      "this read of client data could not be written to the audit trail, so "
      "it is not answered; retry after a short backoff (",
      s.message(), ")"));
}

absl::Status List(store::Database& db, const auth::Principal& caller,
                  const std::vector<std::string>& patterns,
                  const type::v1::ListAuditEntriesRequest& request,
                  type::v1::ListAuditEntriesResponse* response) {
  absl::StatusOr<std::vector<std::string>> ids;
  for (const std::string& pattern : patterns) {
    ids = server::ParseName(request.parent(), pattern, "parent");
    if (ids.ok()) break;
  }
  if (!ids.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("parent: \"", request.parent(), "\" is not one of ",
                     absl::StrJoin(patterns, ", ")));
  }
  if (absl::Status s = MayRead(caller, request.parent(), (*ids)[0]); !s.ok()) {
    return s;
  }
  const std::string from =
      TimeBound(request, request.start_time(), "start_time", "");
  const std::string to =
      TimeBound(request, request.end_time(), "end_time", "9999");
  absl::StatusOr<server::Page> page = server::ParseKeyPage(request);
  if (!page.ok()) return page.status();

  const std::string resource = LikePattern(request.parent());
  // "…/assignments/-" also holds the entries of the collection itself (its
  // lists and searches).
  const std::string collection = absl::EndsWith(request.parent(), "/-")
                                     ? resource.substr(0, resource.size() - 2)
                                     : resource;
  // A tenant's own trail is one owner (its primary key); only an
  // operator's "-" ranges over them.
  const std::string owner = OwnerOf(request.parent());
  const bool every_owner = (*ids)[0] == "-";
  const std::string sql = absl::StrCat(
      "SELECT body, time, id, owner FROM audit_log WHERE ",
      every_owner ? "owner LIKE ? ESCAPE '\\'" : "owner = ?",
      " AND (resource LIKE ? ESCAPE '\\' OR resource LIKE ? ESCAPE '\\'"
      " OR resource LIKE ? ESCAPE '\\')"
      " AND time >= ? AND time < ?"
      " AND (time > ? OR (time = ? AND (id > ? OR (id = ? AND owner > ?))))"
      " ORDER BY time, id, owner LIMIT ?");
  // Pages by key: the time, id and owner of the previous page's last entry
  // (its primary key: entries of two tenants may share a time and an id).
  std::vector<std::string> after =
      absl::StrSplit(page->after, absl::MaxSplits('|', 2));
  after.resize(3);
  auto rows =
      db.Execute(sql, {every_owner ? LikePattern(owner) : owner, resource,
                       absl::StrCat(resource, "/%"), collection, from, to,
                       after[0], after[0], after[1], after[1], after[2],
                       static_cast<int64_t>(page->size + 1)});
  if (!rows.ok()) return rows.status();
  // The operator's copy of a tenant's trail leaves out the values (client
  // data); the catalogs' trail is its own and holds none.
  const bool values = caller.kind != auth::PrincipalKind::kOperator ||
                      absl::StartsWith(request.parent(), "catalogs/");
  response->Clear();
  for (size_t i = 0; i < rows->size() && i < page->size; ++i) {
    AuditEntry* entry = response->add_entries();
    if (!entry->ParseFromString(std::get<store::Blob>((*rows)[i][0]).bytes)) {
      return absl::DataLossError("an audit entry cannot be read");
    }
    if (values) continue;
    for (FieldChange& change : *entry->mutable_changes()) {
      change.clear_old_value();
      change.clear_new_value();
    }
  }
  const size_t listed = std::min(rows->size(), page->size);
  response->set_next_page_token(server::NextPageTokenAfter(
      *page,
      listed == 0
          ? ""
          : absl::StrJoin({store::ResultSet::Text((*rows)[listed - 1], 1),
                           store::ResultSet::Text((*rows)[listed - 1], 2),
                           store::ResultSet::Text((*rows)[listed - 1], 3)},
                          "|"),
      rows->size() > page->size));
  // A tenant's trail with its values holds client data: reading it is a
  // look too. (The operator's copy has none; the catalogs' holds none.)
  if (caller.kind == auth::PrincipalKind::kOperator) return absl::OkStatus();
  return RecordRead(db, caller, request.parent(), "ListAuditEntries", {});
}

}  // namespace wmo::audit
