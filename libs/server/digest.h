#ifndef WMO_LIBS_SERVER_DIGEST_H_
#define WMO_LIBS_SERVER_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace wmo::server {

// SHA-256 of `bytes` as 64 lower-case hex digits: tells whether a catalog
// file or a resubmitted declaration is the same content as before.
std::string Sha256Hex(absl::string_view bytes);

// The row a transaction locks for a client (store::Connection::LockKeys):
// 64 bits of the BSN's SHA-256. A lock only tells clients apart; a digest
// of a nine-digit number hides little, but a lock table is then no list of
// BSNs in the clear.
std::string ClientLockKey(absl::string_view bsn);

// Sha256Hex of a create request without its request_id field: what a retry
// under the same request id must repeat (store::FindCreateRequest).
std::string RequestDigest(const google::protobuf::Message& request);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_DIGEST_H_
