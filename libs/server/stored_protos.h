#ifndef WMO_LIBS_SERVER_STORED_PROTOS_H_
#define WMO_LIBS_SERVER_STORED_PROTOS_H_

// Migrations of resources a store keeps as serialized protos: code that
// rewrites each stored body when the API changed its shape.

#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"
#include "libs/store/store.h"

namespace wmo::server {

// A field that held RFC 3339 text under `number` in message `message` (a
// full name) and is now the google.protobuf.Timestamp field `field`.
struct LegacyTime {
  absl::string_view message;
  int number;
  absl::string_view field;
};

// Moves the text `m` and its sub-messages still carry under a legacy
// number (parsed as an unknown field) into the Timestamp field that took
// its place. DATA_LOSS when such text is not a time.
absl::Status UpgradeLegacyTimes(google::protobuf::Message& m,
                                absl::Span<const LegacyTime> legacy);

// Where a store keeps serialized protos of one type: a column of a table,
// in the rows `where` selects (SQL, "" for all).
struct StoredColumn {
  absl::string_view table;
  absl::string_view column = "body";
  absl::string_view where = "";
};

// Rewrites every stored `T` in `stored` by `fix`, each row found by its
// value. DATA_LOSS when one cannot be read.
template <typename T>
absl::Status RewriteStored(store::Connection& c, const StoredColumn& stored,
                           absl::FunctionRef<absl::Status(T&)> fix) {
  const std::string where =
      stored.where.empty() ? "" : absl::StrCat(" AND ", stored.where);
  auto rows = c.Execute(
      absl::StrCat("SELECT ", stored.column, " FROM ", stored.table,
                   stored.where.empty() ? "" : " WHERE ", stored.where));
  if (!rows.ok()) return rows.status();
  for (const auto& row : *rows) {
    const std::string before(store::ResultSet::Text(row, 0));
    T message;
    if (!message.ParseFromString(before)) {
      return absl::DataLossError(
          absl::StrCat("a stored record of ", stored.table, " is unreadable"));
    }
    if (absl::Status s = fix(message); !s.ok()) return s;
    std::string after = message.SerializeAsString();
    if (after == before) continue;
    if (absl::Status s =
            c.Execute(
                 absl::StrCat("UPDATE ", stored.table, " SET ", stored.column,
                              " = ? WHERE ", stored.column, " = ?", where),
                 {store::Blob{std::move(after)}, store::Blob{before}})
                .status();
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// RewriteStored by UpgradeLegacyTimes.
template <typename T>
absl::Status UpgradeTimesIn(store::Connection& c, const StoredColumn& stored,
                            absl::Span<const LegacyTime> legacy) {
  return RewriteStored<T>(c, stored,
                          [&](T& m) { return UpgradeLegacyTimes(m, legacy); });
}

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_STORED_PROTOS_H_
