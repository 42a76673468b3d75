#include "services/iwmo/iwmo_repository.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/server/api.h"
#include "libs/server/status.h"

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
    {2,
     // The outbox: per provider in sequence; `record` is the
     // OutboxMessage, `xml` the message itself (empty when INCOMPLETE).
     "CREATE TABLE iwmo_outbox ("
     " provider TEXT NOT NULL,"
     " sequence BIGINT NOT NULL,"
     " message_number BIGINT NOT NULL,"
     " municipality TEXT NOT NULL,"
     " state BIGINT NOT NULL,"
     " record BYTEA NOT NULL,"
     " xml BYTEA NOT NULL,"
     " PRIMARY KEY (provider, sequence));"
     "CREATE UNIQUE INDEX iwmo_outbox_by_number ON iwmo_outbox"
     " (message_number);"
     "CREATE INDEX iwmo_outbox_by_municipality ON iwmo_outbox"
     " (municipality, provider, sequence);"
     // The last assignment change each provider's outbox was made from.
     "CREATE TABLE iwmo_outbox_cursors ("
     " provider TEXT PRIMARY KEY,"
     " after_change BIGINT NOT NULL)"},
};

absl::StatusOr<v1::OutboxMessage> ParseRecord(const ResultSet::Row& row,
                                              size_t column) {
  v1::OutboxMessage record;
  if (!record.ParseFromString(ResultSet::Text(row, column))) {
    return absl::DataLossError("stored outbox message is unreadable");
  }
  return record;
}

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

absl::StatusOr<int64_t> IwmoRepository::OutboxCursor(
    store::Connection& c, const std::string& provider) {
  auto rows = c.Execute(
      "SELECT after_change FROM iwmo_outbox_cursors WHERE provider = ?",
      {provider});
  if (!rows.ok()) return rows.status();
  return rows->empty() ? 0 : ResultSet::Int((*rows)[0], 0);
}

absl::Status IwmoRepository::AddToOutbox(
    store::Connection& c, const std::string& provider, int64_t from, int64_t to,
    std::vector<Outgoing> messages, const google::protobuf::Timestamp& now) {
  WMO_ASSIGN_OR_RETURN(cursor, OutboxCursor(c, provider));
  if (cursor != from) return absl::OkStatus();  // added meanwhile
  auto next = c.Execute(
      "SELECT (SELECT COALESCE(MAX(sequence), 0) FROM iwmo_outbox"
      " WHERE provider = ?),"
      " (SELECT COALESCE(MAX(message_number), 0) FROM iwmo_outbox)",
      {provider});
  if (!next.ok()) return next.status();
  int64_t sequence = ResultSet::Int((*next)[0], 0);
  int64_t number = ResultSet::Int((*next)[0], 1);
  for (Outgoing& m : messages) {
    ++sequence;
    ++number;
    const std::string id = absl::StrCat("U", number);
    m.record.set_name(
        absl::StrCat("providers/", provider, "/iwmo/outbox/", id));
    m.record.set_sequence(sequence);
    *m.record.mutable_create_time() = now;
    const std::string xml =
        m.record.state() == v1::OutboxMessage::INCOMPLETE ? "" : m.write(id);
    absl::Status inserted =
        c.Execute(
             "INSERT INTO iwmo_outbox (provider, sequence, message_number,"
             " municipality, state, record, xml) VALUES (?, ?, ?, ?, ?, ?, ?)",
             {provider, sequence, number, m.record.municipality(),
              int64_t{m.record.state()},
              store::Blob{m.record.SerializeAsString()}, store::Blob{xml}})
            .status();
    if (absl::IsAlreadyExists(inserted)) return store::MarkRetryable(inserted);
    if (!inserted.ok()) return inserted;
  }
  absl::Status moved =
      c.Execute(from == 0
                    ? "INSERT INTO iwmo_outbox_cursors (after_change, provider)"
                      " VALUES (?, ?)"
                    : "UPDATE iwmo_outbox_cursors SET after_change = ?"
                      " WHERE provider = ? AND after_change = ?",
                from == 0 ? std::vector<store::Value>{to, provider}
                          : std::vector<store::Value>{to, provider, from})
          .status();
  if (absl::IsAlreadyExists(moved)) return store::MarkRetryable(moved);
  if (!moved.ok()) return moved;
  // Another read that moved the cursor first (its update waited for ours,
  // or ours for its) made these messages: ours go, the read reruns and
  // finds them made.
  WMO_ASSIGN_OR_RETURN(moved_to, OutboxCursor(c, provider));
  if (moved_to != to) {
    return store::MarkRetryable(
        absl::AbortedError("the outbox was brought up to date meanwhile"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::OutboxMessage>> IwmoRepository::ListOutbox(
    store::Connection& c, const OutboxFilter& f, const std::string& after,
    size_t limit) {
  const auto [after_provider, after_sequence] = server::SplitPageKey(after);
  int64_t sequence = 0;
  (void)absl::SimpleAtoi(after_sequence, &sequence);
  // Empty filter values match everything: "? = ''" short-circuits.
  auto rows = c.Execute(
      "SELECT record FROM iwmo_outbox WHERE (? = '' OR provider = ?)"
      " AND (? = '' OR municipality = ?) AND (? = 0 OR state = ?)"
      " AND (? = 1 OR state <> ?)"
      " AND (provider > ? OR (provider = ? AND sequence > ?))"
      " ORDER BY provider, sequence LIMIT ?",
      {f.provider, f.provider, f.municipality, f.municipality, int64_t{f.state},
       int64_t{f.state}, int64_t{f.incomplete ? 1 : 0},
       int64_t{v1::OutboxMessage::INCOMPLETE}, after_provider, after_provider,
       sequence, static_cast<int64_t>(limit)});
  if (!rows.ok()) return rows.status();
  std::vector<v1::OutboxMessage> out;
  for (const auto& row : *rows) {
    WMO_ASSIGN_OR_RETURN(record, ParseRecord(row, 0));
    out.push_back(std::move(record));
  }
  return out;
}

std::string IwmoRepository::OutboxKey(const v1::OutboxMessage& message) {
  const std::string& name = message.name();
  const size_t start = name.find('/') + 1;
  return absl::StrCat(name.substr(start, name.find('/', start) - start), "/",
                      message.sequence());
}

absl::StatusOr<std::optional<IwmoRepository::Sent>> IwmoRepository::FindSent(
    store::Connection& c, int64_t number) {
  auto rows = c.Execute(
      "SELECT record, xml FROM iwmo_outbox WHERE message_number = ?", {number});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  WMO_ASSIGN_OR_RETURN(record, ParseRecord((*rows)[0], 0));
  return Sent{std::move(record), ResultSet::Text((*rows)[0], 1)};
}

absl::Status IwmoRepository::Acknowledge(store::Connection& c, int64_t number,
                                         const v1::OutboxMessage& record) {
  // Only a pending message: of two retours at once, the second finds the
  // first's (and its transaction reruns to answer as for a retour sent
  // again).
  absl::Status updated =
      c.Execute(
           "UPDATE iwmo_outbox SET state = ?, record = ?"
           " WHERE message_number = ? AND state = ?",
           {int64_t{record.state()}, store::Blob{record.SerializeAsString()},
            number, int64_t{v1::OutboxMessage::PENDING}})
          .status();
  if (!updated.ok()) return updated;
  WMO_ASSIGN_OR_RETURN(now, FindSent(c, number));
  if (!now.has_value() ||
      now->record.SerializeAsString() != record.SerializeAsString()) {
    return store::MarkRetryable(
        absl::AbortedError("the message was acknowledged meanwhile"));
  }
  return absl::OkStatus();
}

}  // namespace wmo::iwmo
