#ifndef WMO_LIBS_SERVER_DIGEST_H_
#define WMO_LIBS_SERVER_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"

namespace wmo::server {

// SHA-256 of `bytes` as 64 lower-case hex digits: tells whether a catalog
// file or a resubmitted declaration is the same content as before.
std::string Sha256Hex(absl::string_view bytes);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_DIGEST_H_
