#ifndef WMO_LIBS_SERVER_STORED_PROTOS_H_
#define WMO_LIBS_SERVER_STORED_PROTOS_H_

// Migrations of resources a store keeps as serialized protos: code that
// rewrites each stored body when the API changed its shape.

#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

// Where a store keeps serialized protos of one type: a column of a table
// with primary key `key` ("municipality, number"), in the rows `where`
// selects (SQL, "" for all).
struct StoredColumn {
  absl::string_view table;
  absl::string_view key;
  absl::string_view column = "body";
  absl::string_view where = "";
};

// Rewrites every stored `T` in `stored` by `fix`, row by row through the
// primary key: the keys are read first (small), then each value, so that a
// large table is neither held in memory nor scanned once per row.
// DATA_LOSS when one cannot be read.
template <typename T>
absl::Status RewriteStored(store::Connection& c, const StoredColumn& stored,
                           absl::FunctionRef<absl::Status(T&)> fix) {
  std::vector<absl::string_view> key_columns = absl::StrSplit(stored.key, ", ");
  std::string by_key;
  for (absl::string_view column : key_columns) {
    absl::StrAppend(&by_key, by_key.empty() ? "" : " AND ", column, " = ?");
  }
  auto keys = c.Execute(
      absl::StrCat("SELECT ", stored.key, " FROM ", stored.table,
                   stored.where.empty() ? "" : " WHERE ", stored.where));
  if (!keys.ok()) return keys.status();
  for (const store::ResultSet::Row& key : *keys) {
    auto row = c.Execute(absl::StrCat("SELECT ", stored.column, " FROM ",
                                      stored.table, " WHERE ", by_key),
                         absl::MakeConstSpan(key));
    if (!row.ok()) return row.status();
    if (row->empty()) continue;
    const std::string before(store::ResultSet::Text((*row)[0], 0));
    T message;
    if (!message.ParseFromString(before)) {
      return absl::DataLossError(
          absl::StrCat("a stored record of ", stored.table, " is unreadable"));
    }
    if (absl::Status s = fix(message); !s.ok()) return s;
    std::string after = message.SerializeAsString();
    if (after == before) continue;
    std::vector<store::Value> params = {store::Blob{std::move(after)}};
    params.insert(params.end(), key.begin(), key.end());
    if (absl::Status s =
            c.Execute(absl::StrCat("UPDATE ", stored.table, " SET ",
                                   stored.column, " = ? WHERE ", by_key),
                      params)
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
