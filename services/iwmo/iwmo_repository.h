#ifndef WMO_SERVICES_IWMO_IWMO_REPOSITORY_H_
#define WMO_SERVICES_IWMO_IWMO_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/store/store.h"

namespace wmo::iwmo {

// The messages answered: by sender and identification, with a digest of
// what was sent and the retour it got, so that the same message gets the
// same answer however often it comes.
class IwmoRepository {
 public:
  static absl::Span<const store::Migration> Migrations();

  struct Answered {
    std::string content_sha256;
    std::string retour;
  };
  static absl::StatusOr<std::optional<Answered>> Find(
      store::Connection& c, const std::string& sender,
      const std::string& message_id);

  // The number the next retour is identified by (its Identificatie).
  static absl::StatusOr<int64_t> NextRetourNumber(store::Connection& c);

  struct Record {
    std::string sender;
    std::string message_id;
    std::string message;  // "WMO323"
    std::string content_sha256;
    int64_t retour_number = 0;
    std::string retour;
    std::string receive_time;  // RFC 3339
  };
  // ALREADY_EXISTS when the sender's identification is taken.
  static absl::Status Insert(store::Connection& c, const Record& record);
};

}  // namespace wmo::iwmo

#endif  // WMO_SERVICES_IWMO_IWMO_REPOSITORY_H_
