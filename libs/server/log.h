#ifndef WMO_LIBS_SERVER_LOG_H_
#define WMO_LIBS_SERVER_LOG_H_

#include "absl/strings/string_view.h"

namespace wmo::server {

// One line to stderr: time, level, message. Messages never carry a BSN.
void LogInfo(absl::string_view message);
void LogWarning(absl::string_view message);
void LogError(absl::string_view message);

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_LOG_H_
