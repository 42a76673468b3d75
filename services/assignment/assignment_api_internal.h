#ifndef WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_API_INTERNAL_H_
#define WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_API_INTERNAL_H_

// What the files of AssignmentApi share (assignment_api.cc: assignments;
// assignment_requests.cc: providers' requests). Not for other users.

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "wmo/assignment/v1/assignment.pb.h"
#include "wmo/type/v1/types.pb.h"

namespace wmo::assignment::internal {

// WJ759 RedenAfwijzingVerzoek: why a municipality rejects a request.
const std::set<std::string>& RejectionReasons();

// A refusal carrying `violations`.
absl::Status Refused(absl::StatusCode code, absl::string_view summary,
                     const std::vector<type::v1::RuleViolation>& violations);
// FAILED_PRECONDITION for one rule.
absl::Status Refused(absl::string_view rule, absl::string_view return_code,
                     absl::string_view field, absl::string_view message);

// The key under which the changes of a provider's assignments and
// requests take turns (store::Database::SerialTransaction): its change feed
// is numbered in the order they commit.
std::string ChangesOf(absl::string_view provider_agb);

}  // namespace wmo::assignment::internal

#endif  // WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_API_INTERNAL_H_
