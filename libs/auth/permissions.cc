#include "libs/auth/permissions.h"

#include "absl/strings/str_cat.h"

namespace wmo::auth {

absl::Status RequireOperator(const Principal& caller,
                             absl::string_view action) {
  if (caller.kind == PrincipalKind::kOperator) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      Describe(caller), " may not ", action, "; only an operator may"));
}

}  // namespace wmo::auth
