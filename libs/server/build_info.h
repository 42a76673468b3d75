#ifndef WMO_LIBS_SERVER_BUILD_INFO_H_
#define WMO_LIBS_SERVER_BUILD_INFO_H_

// What was built: the project's version and the commit of its sources
// (generated at build time by cmake/build_info.cmake).

#include "absl/strings/string_view.h"

namespace wmo::server {

// "0.1.0".
absl::string_view Version();
// The commit, 12 hex digits ("-dirty" when the checkout had changes), or
// "unknown".
absl::string_view Commit();

}  // namespace wmo::server

#endif  // WMO_LIBS_SERVER_BUILD_INFO_H_
