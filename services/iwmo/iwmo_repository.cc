#include "services/iwmo/iwmo_repository.h"

namespace wmo::iwmo {
namespace {

using store::ResultSet;

constexpr store::Migration kMigrations[] = {
    {1,
     // One row per message answered. The identification is unique per
     // sender (TR056); the retour's own number is unique in the system.
     "CREATE TABLE iwmo_messages ("
     " sender TEXT NOT NULL,"
     " message_id TEXT NOT NULL,"
     " message TEXT NOT NULL,"
     " content_sha256 TEXT NOT NULL,"
     " retour_number BIGINT NOT NULL,"
     " retour BYTEA NOT NULL,"
     " receive_time TEXT NOT NULL,"
     " PRIMARY KEY (sender, message_id));"
     "CREATE UNIQUE INDEX iwmo_messages_by_retour ON iwmo_messages"
     " (retour_number);"},
};

}  // namespace

absl::Span<const store::Migration> IwmoRepository::Migrations() {
  return kMigrations;
}

absl::StatusOr<std::optional<IwmoRepository::Answered>> IwmoRepository::Find(
    store::Connection& c, const std::string& sender,
    const std::string& message_id) {
  auto rows = c.Execute(
      "SELECT content_sha256, retour FROM iwmo_messages"
      " WHERE sender = ? AND message_id = ?",
      {sender, message_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  return Answered{ResultSet::Text((*rows)[0], 0),
                  ResultSet::Text((*rows)[0], 1)};
}

absl::StatusOr<int64_t> IwmoRepository::NextRetourNumber(store::Connection& c) {
  auto rows = c.Execute(
      "SELECT COALESCE(MAX(retour_number), 0) + 1 FROM iwmo_messages");
  if (!rows.ok()) return rows.status();
  return ResultSet::Int((*rows)[0], 0);
}

absl::Status IwmoRepository::Insert(store::Connection& c, const Record& r) {
  return c
      .Execute(
          "INSERT INTO iwmo_messages (sender, message_id, message,"
          " content_sha256, retour_number, retour, receive_time)"
          " VALUES (?, ?, ?, ?, ?, ?, ?)",
          {r.sender, r.message_id, r.message, r.content_sha256, r.retour_number,
           store::Blob{r.retour}, r.receive_time})
      .status();
}

}  // namespace wmo::iwmo
