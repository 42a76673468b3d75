#include "services/iwmo/iwmo_repository.h"

namespace wmo::iwmo {
namespace {

using store::ResultSet;

constexpr store::Migration kMigrations[] = {
    {1,
     // One row per message taken in; `retour` and `answer_time` are NULL
     // while it is processed. The retour's own number is unique in the
     // system: its identification is "R" and the number.
     "CREATE TABLE iwmo_messages ("
     " sender TEXT NOT NULL,"
     " message TEXT NOT NULL,"
     " message_id TEXT NOT NULL,"
     " content_sha256 TEXT NOT NULL,"
     " retour_number BIGINT NOT NULL,"
     " retour BYTEA,"
     " receive_time TEXT NOT NULL,"
     " answer_time TEXT,"
     " PRIMARY KEY (sender, message, message_id));"
     "CREATE UNIQUE INDEX iwmo_messages_by_retour ON iwmo_messages"
     " (retour_number);"},
};

}  // namespace

absl::Span<const store::Migration> IwmoRepository::Migrations() {
  return kMigrations;
}

absl::StatusOr<std::optional<IwmoRepository::Taken>> IwmoRepository::Find(
    store::Connection& c, const Key& key) {
  auto rows = c.Execute(
      "SELECT content_sha256, retour_number, retour, answer_time,"
      " receive_time"
      " FROM iwmo_messages WHERE sender = ? AND message = ? AND"
      " message_id = ?",
      {key.sender, key.message, key.message_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  const ResultSet::Row& row = (*rows)[0];
  Taken taken{ResultSet::Text(row, 0), ResultSet::Int(row, 1),
              ResultSet::Text(row, 4), std::nullopt};
  if (!ResultSet::IsNull(row, 3)) taken.retour = ResultSet::Text(row, 2);
  return taken;
}

absl::StatusOr<int64_t> IwmoRepository::Claim(store::Connection& c,
                                              const Key& key,
                                              const std::string& content_sha256,
                                              const std::string& receive_time) {
  auto rows = c.Execute(
      "SELECT COALESCE(MAX(retour_number), 0) + 1 FROM iwmo_messages");
  if (!rows.ok()) return rows.status();
  const int64_t number = ResultSet::Int((*rows)[0], 0);
  absl::Status inserted =
      c.Execute(
           "INSERT INTO iwmo_messages (sender, message, message_id,"
           " content_sha256, retour_number, receive_time)"
           " VALUES (?, ?, ?, ?, ?, ?)",
           {key.sender, key.message, key.message_id, content_sha256, number,
            receive_time})
          .status();
  if (!inserted.ok()) return inserted;
  return number;
}

absl::Status IwmoRepository::Answer(store::Connection& c, const Key& key,
                                    const std::string& retour,
                                    const std::string& answer_time) {
  return c
      .Execute(
          "UPDATE iwmo_messages SET retour = ?, answer_time = ?"
          " WHERE sender = ? AND message = ? AND message_id = ?"
          " AND answer_time IS NULL",
          {store::Blob{retour}, answer_time, key.sender, key.message,
           key.message_id})
      .status();
}

absl::Status IwmoRepository::Release(store::Connection& c, const Key& key) {
  return c
      .Execute(
          "DELETE FROM iwmo_messages WHERE sender = ? AND message = ? AND"
          " message_id = ? AND answer_time IS NULL",
          {key.sender, key.message, key.message_id})
      .status();
}

}  // namespace wmo::iwmo
