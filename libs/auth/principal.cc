#include "libs/auth/principal.h"

#include <functional>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rules/identifiers.h"

namespace wmo::auth {
namespace {

constexpr size_t kMaxSubjectBytes = 128;

bool IsPrintableAscii(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// A part of a token for a message: only when short and plain.
std::string Shown(absl::string_view text) {
  if (text.size() > 64 || !IsPrintableAscii(text)) return "(not shown)";
  return absl::StrCat("\"", text, "\"");
}

}  // namespace

absl::string_view KindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kUnknown:
      return "unknown";
    case PrincipalKind::kMunicipality:
      return "municipality";
    case PrincipalKind::kProvider:
      return "provider";
    case PrincipalKind::kOperator:
      return "operator";
    case PrincipalKind::kService:
      return "service";
  }
  return "unknown";
}

std::optional<PrincipalKind> KindFromName(absl::string_view name) {
  for (PrincipalKind kind :
       {PrincipalKind::kMunicipality, PrincipalKind::kProvider,
        PrincipalKind::kOperator, PrincipalKind::kService}) {
    if (KindName(kind) == name) return kind;
  }
  return std::nullopt;
}

absl::StatusOr<Principal> MakePrincipal(absl::string_view kind,
                                        absl::string_view tenant,
                                        absl::string_view subject) {
  const std::optional<PrincipalKind> k = KindFromName(kind);
  if (!k.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("principal kind ", Shown(kind),
                     " is none of municipality, provider, operator, "
                     "service"));
  }
  switch (*k) {
    case PrincipalKind::kMunicipality:
      if (!rules::IsValidMunicipalityCode(tenant)) {
        return absl::InvalidArgumentError(
            absl::StrCat("a municipality's tenant must be its four-digit CBS "
                         "code, not ",
                         Shown(tenant)));
      }
      break;
    case PrincipalKind::kProvider:
      if (!rules::IsValidAgb(tenant)) {
        return absl::InvalidArgumentError(
            absl::StrCat("a provider's tenant must be its eight-digit AGB "
                         "code, not ",
                         Shown(tenant)));
      }
      break;
    case PrincipalKind::kUnknown:
      break;  // KindFromName never names it.
    case PrincipalKind::kOperator:
    case PrincipalKind::kService:
      if (!tenant.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            *k == PrincipalKind::kOperator ? "an operator" : "a service",
            " has no tenant; leave it out"));
      }
      break;
  }
  if (subject.empty() || subject.size() > kMaxSubjectBytes ||
      !IsPrintableAscii(subject)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the subject must be 1 to ", kMaxSubjectBytes,
                     " printable ASCII characters"));
  }
  if (rules::IsValidBsn(subject)) {
    return absl::InvalidArgumentError(
        "the subject must not be a BSN: it is written to the audit trail; "
        "use a pseudonymous id of the person or system");
  }
  return Principal{*k, std::string(tenant), std::string(subject)};
}

absl::StatusOr<Principal> PrincipalOfCertificate(absl::string_view subject) {
  std::map<std::string, std::string, std::less<>> parts;
  for (absl::string_view part : absl::StrSplit(subject, ',')) {
    part = absl::StripAsciiWhitespace(part);
    const size_t equals = part.find('=');
    if (equals == absl::string_view::npos || part.find('\\') != part.npos ||
        part.find('+') != part.npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "certificate subject \"", subject,
          "\": give plain attributes, CN=<subject>,OU=<kind>,O=<code>"));
    }
    // One value per attribute: a second OU must not make a service of a
    // municipality.
    if (!parts
             .emplace(std::string(part.substr(0, equals)),
                      std::string(part.substr(equals + 1)))
             .second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "certificate subject \"", subject, "\": ", part.substr(0, equals),
          " appears twice; give each attribute once"));
    }
  }
  const auto value = [&](absl::string_view key) {
    auto it = parts.find(key);
    return it == parts.end() ? std::string() : it->second;
  };
  absl::StatusOr<Principal> principal =
      MakePrincipal(value("OU"), value("O"), value("CN"));
  if (!principal.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate subject \"", subject,
                     "\" (OU kind, O code, "
                     "CN subject): ",
                     principal.status().message()));
  }
  return principal;
}

std::string OnBehalfOfValue(const Principal& principal) {
  return absl::StrCat(KindName(principal.kind), ":", principal.tenant, ":",
                      principal.subject);
}

absl::StatusOr<Principal> ParseOnBehalfOf(absl::string_view value) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(value, absl::MaxSplits(':', 2));
  if (parts.size() != 3) {
    return absl::InvalidArgumentError("on behalf of: give kind:tenant:subject");
  }
  return MakePrincipal(parts[0], parts[1], parts[2]);
}

std::string Describe(const Principal& principal) {
  return absl::StrCat(KindName(principal.kind),
                      principal.tenant.empty() ? "" : " ", principal.tenant,
                      " (subject ", principal.subject, ")");
}

}  // namespace wmo::auth
