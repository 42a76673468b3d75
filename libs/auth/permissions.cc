#include "libs/auth/permissions.h"

#include "absl/strings/str_cat.h"

namespace wmo::auth {

absl::Status RequireOperator(const Principal& caller,
                             absl::string_view action) {
  if (caller.kind == PrincipalKind::kOperator) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      Describe(caller), " may not ", action, "; only an operator may"));
}

absl::Status RequireMunicipality(const Principal& caller, absl::string_view cbs,
                                 absl::string_view action) {
  if (caller.kind == PrincipalKind::kMunicipality && caller.tenant == cbs) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(Describe(caller), " may not ", action,
                   "; only municipality ", cbs, " may"));
}

absl::Status RequireProvider(const Principal& caller, absl::string_view agb,
                             absl::string_view action) {
  if (caller.kind == PrincipalKind::kProvider && caller.tenant == agb) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      Describe(caller), " may not ", action, "; only provider ", agb, " may"));
}

absl::Status RequireMunicipalityOrProvider(const Principal& caller,
                                           absl::string_view cbs,
                                           absl::string_view agb,
                                           absl::string_view action) {
  if ((caller.kind == PrincipalKind::kMunicipality && caller.tenant == cbs) ||
      (caller.kind == PrincipalKind::kProvider && caller.tenant == agb)) {
    return absl::OkStatus();
  }
  // Which provider it was given to is not the caller's to learn.
  return absl::PermissionDeniedError(absl::StrCat(
      Describe(caller), " may not ", action, "; only municipality ", cbs,
      " and the provider it was given to may"));
}

}  // namespace wmo::auth
