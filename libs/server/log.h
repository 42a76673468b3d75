#ifndef WMO_LIBS_SERVER_LOG_H_
#define WMO_LIBS_SERVER_LOG_H_

#include <string>

#include "absl/strings/string_view.h"

namespace wmo::server {

// One line to stderr: time, level, message. Messages never carry a BSN.
void LogInfo(absl::string_view message);
void LogWarning(absl::string_view message);
void LogError(absl::string_view message);

// A new request id: 128 random bits in hex, enough to find one request in
// the logs of every service it passed.
std::string NewRequestId();

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_LOG_H_
