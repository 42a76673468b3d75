#ifndef WMO_LIBS_AUTH_PERMISSIONS_H_
#define WMO_LIBS_AUTH_PERMISSIONS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/auth/principal.h"

namespace wmo::auth {

// The checks services make where their data lives. Each is OK or
// PERMISSION_DENIED naming who asked, what for (`action`, such as "import
// catalogs") and who may.

// Only an operator.
absl::Status RequireOperator(const Principal& caller, absl::string_view action);

}  // namespace wmo::auth

#endif  // WMO_LIBS_AUTH_PERMISSIONS_H_
