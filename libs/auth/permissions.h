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

// Only municipality `cbs` (its own resources: municipalities/{cbs}/...).
absl::Status RequireMunicipality(const Principal& caller, absl::string_view cbs,
                                 absl::string_view action);

// Only provider `agb` (its own resources: providers/{agb}/...).
absl::Status RequireProvider(const Principal& caller, absl::string_view agb,
                             absl::string_view action);

// Client data of municipality `cbs` given to provider `agb` (an
// assignment): that municipality or that provider.
absl::Status RequireMunicipalityOrProvider(const Principal& caller,
                                           absl::string_view cbs,
                                           absl::string_view agb,
                                           absl::string_view action);

}  // namespace wmo::auth

#endif  // WMO_LIBS_AUTH_PERMISSIONS_H_
