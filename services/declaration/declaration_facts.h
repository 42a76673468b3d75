#ifndef WMO_SERVICES_DECLARATION_DECLARATION_FACTS_H_
#define WMO_SERVICES_DECLARATION_DECLARATION_FACTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/rules/declaration.h"
#include "wmo/assignment/v1/assignment.pb.h"
#include "wmo/assignment/v1/assignment_service.pb.h"
#include "wmo/catalog/v1/catalog.pb.h"
#include "wmo/declaration/v1/declaration.pb.h"
#include "wmo/type/v1/types.pb.h"

namespace wmo::declaration {

// Translations between the messages and the plain structs of
// libs/rules/declaration.h, and the format checks that come before the
// rules. Pure: no store, no RPC.

// The assignment as the checks see it; `billing` is left empty.
rules::AssignmentFacts FactsOf(const wmo::assignment::v1::Assignment& a);

// The qualifying cover the assignment service reported; periods that do
// not parse are left out.
rules::QualifyingCover CoverOf(
    const wmo::assignment::v1::QualifyingCover& cover);

// The header's formats: provider AGB, number, municipality, period
// ("YYYY-MM"), at most `max_lines` lines. Returns the declared month, or
// INVALID_ARGUMENT carrying every violation.
absl::StatusOr<rules::Period> CheckHeader(const v1::Declaration& declaration,
                                          int max_lines);

// A line parsed for the checks, or the violations (DC-FORMAT) that keep it
// from being checked at all: missing reference, malformed dates, BSN or
// times, negative quantities, no direction.
struct ParsedLine {
  rules::DeclaredLine line;
  std::vector<rules::LineViolation> violations;
};
ParsedLine ParseLine(const v1::Line& line);

wmo::type::v1::RuleViolation ToProto(const rules::LineViolation& v);

// The canonical bytes of a declaration whose output fields are cleared:
// equal bytes mean the same submitted content.
std::string SubmittedContent(const v1::Declaration& declaration);

}  // namespace wmo::declaration

#endif  // WMO_SERVICES_DECLARATION_DECLARATION_FACTS_H_
