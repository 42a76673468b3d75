#ifndef WMO_SERVICES_IWMO_IWMO_REPOSITORY_H_
#define WMO_SERVICES_IWMO_IWMO_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/store/store.h"

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
};

}  // namespace wmo::iwmo

#endif  // WMO_SERVICES_IWMO_IWMO_REPOSITORY_H_
