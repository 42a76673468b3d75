#ifndef WMO_LIBS_AUTH_PRINCIPAL_H_
#define WMO_LIBS_AUTH_PRINCIPAL_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wmo::auth {

// Who a call acts for.
enum class PrincipalKind {
  kUnknown,       // no principal (the default): may do nothing
  kMunicipality,  // tenant: the municipality's CBS code ("0988")
  kProvider,      // tenant: the provider's AGB code ("99990303")
  kOperator,      // runs the platform: catalogs and contracts, no client data
  kService,       // another wmo-server role (service-to-service calls)
};

struct Principal {
  PrincipalKind kind = PrincipalKind::kUnknown;
  // The CBS code of a municipality, the AGB code of a provider; empty for
  // operators and services.
  std::string tenant;
  // The person or system acting (a consultant's id, "case-system"). Never
  // a BSN: it is what the audit trail names.
  std::string subject;

  friend bool operator==(const Principal&, const Principal&) = default;
};

// "municipality", "provider", "operator", "service": the words tokens and
// flags use.
absl::string_view KindName(PrincipalKind kind);
std::optional<PrincipalKind> KindFromName(absl::string_view name);

// A principal from its parts as a token or a flag gives them, checked: the
// tenant must be a valid CBS code for a municipality and a valid AGB code
// for a provider, and empty for the others; the subject must be 1 to 128
// printable ASCII characters and not a BSN (it reaches the audit trail).
// INVALID_ARGUMENT naming the part otherwise.
absl::StatusOr<Principal> MakePrincipal(absl::string_view kind,
                                        absl::string_view tenant,
                                        absl::string_view subject);

// The principal a client certificate names in its subject (the verified
// peer of a TLS connection, as "CN=case-system,OU=municipality,O=0988"):
// OU the kind, O the CBS or AGB code (none for operators and services), CN
// the subject; checked as MakePrincipal checks. INVALID_ARGUMENT naming
// what is missing otherwise.
absl::StatusOr<Principal> PrincipalOfCertificate(absl::string_view subject);

// A principal as one value ("municipality:0988:alice") for passing it from
// one role to the next, and back; INVALID_ARGUMENT as MakePrincipal.
std::string OnBehalfOfValue(const Principal& principal);
absl::StatusOr<Principal> ParseOnBehalfOf(absl::string_view value);

// "municipality 0988 (subject alice)", for messages and the audit trail.
std::string Describe(const Principal& principal);

}  // namespace wmo::auth

#endif  // WMO_LIBS_AUTH_PRINCIPAL_H_
