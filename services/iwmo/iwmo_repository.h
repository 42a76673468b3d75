#ifndef WMO_SERVICES_IWMO_IWMO_REPOSITORY_H_
#define WMO_SERVICES_IWMO_IWMO_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/store/store.h"
#include "wmo/iwmo/v1/iwmo_service.pb.h"

namespace wmo::iwmo {

// The messages taken in: by sender, kind and identification (TR056: unique
// per sender and kind), with a digest of what was sent and the retour it
// got, so that the same message gets the same answer however often it
// comes. A message is claimed before its meaning is handed on and answered
// after, so that another message under the same identification is refused
// rather than processed meanwhile, and the same message sent again while it
// is processed waits for its answer.
class IwmoRepository {
 public:
  static absl::Span<const store::Migration> Migrations();

  // Which message, from whom.
  struct Key {
    std::string sender;
    std::string message;  // "WMO323"
    std::string message_id;
  };

  struct Taken {
    std::string content_sha256;
    int64_t retour_number = 0;
    // When it was claimed, RFC 3339.
    std::string receive_time;
    // Empty while the message is being processed.
    std::optional<std::string> retour;
  };
  static absl::StatusOr<std::optional<Taken>> Find(store::Connection& c,
                                                   const Key& key);

  // Claims `key` for a message with `content_sha256`, numbering its retour;
  // the number.
  static absl::StatusOr<int64_t> Claim(store::Connection& c, const Key& key,
                                       const std::string& content_sha256,
                                       const std::string& receive_time);

  // Keeps the retour of a claimed message, unless one was kept meanwhile.
  static absl::Status Answer(store::Connection& c, const Key& key,
                             const std::string& retour,
                             const std::string& answer_time);

  // Gives up a claim that was not answered: nothing was decided.
  static absl::Status Release(store::Connection& c, const Key& key);

  // The messages this system sends providers (the outbox), numbered per
  // provider in the order they are made, each identified "U" and a number
  // unique in the system; made from the assignment changes up to the
  // provider's cursor.

  // The last assignment change the provider's outbox holds the messages
  // of; 0 for none.
  static absl::StatusOr<int64_t> OutboxCursor(store::Connection& c,
                                              const std::string& provider);

  // A message to add, and its XML by its identification.
  struct Outgoing {
    v1::OutboxMessage record;  // name, sequence and times set on adding
    std::function<std::string(const std::string& id)> write;
  };
  // Adds `messages` to the provider's outbox and moves its cursor from
  // `from` to `to`; nothing when the cursor moved meanwhile (another read
  // added them). ALREADY_EXISTS, retryable, when a concurrent add took a
  // number.
  static absl::Status AddToOutbox(store::Connection& c,
                                  const std::string& provider, int64_t from,
                                  int64_t to, std::vector<Outgoing> messages,
                                  const google::protobuf::Timestamp& now);

  // One page of messages in (provider, sequence) order after `after`
  // ("provider/sequence"); empty filters match all; INCOMPLETE ones only
  // with `incomplete`.
  struct OutboxFilter {
    std::string provider;
    std::string municipality;
    int state = 0;
    bool incomplete = false;
  };
  static absl::StatusOr<std::vector<v1::OutboxMessage>> ListOutbox(
      store::Connection& c, const OutboxFilter& filter,
      const std::string& after, size_t limit);
  static std::string OutboxKey(const v1::OutboxMessage& message);

  // Message U`number`, with its XML; nullopt when there is none.
  struct Sent {
    v1::OutboxMessage record;
    std::string xml;
  };
  static absl::StatusOr<std::optional<Sent>> FindSent(store::Connection& c,
                                                      int64_t number);
  // Records the provider's retour on message U`number`.
  static absl::Status Acknowledge(store::Connection& c, int64_t number,
                                  const v1::OutboxMessage& record);
};

}  // namespace wmo::iwmo

#endif  // WMO_SERVICES_IWMO_IWMO_REPOSITORY_H_
