#ifndef WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_RULES_H_
#define WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_RULES_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/catalog/catalog_rules.h"
#include "wmo/assignment/v1/assignment.pb.h"
#include "wmo/assignment/v1/assignment_service.pb.h"
#include "wmo/catalog/v1/catalog.pb.h"
#include "wmo/type/v1/types.pb.h"

namespace wmo::assignment {

// The rules an assignment must keep, as pure functions: no store, no RPC.
// Every function returns all violations it finds, each with its rule id
// (S0-05 … S4-06 from SEED-RULES.md, TR… from iWmo, AS-… for the service's
// own format checks), the iWmo return code where retourcodes.tsv has one,
// the field path in the Assignment message, and what to change.

// Formats that need no catalog: BSN 11-proef, AGB 8 digits, municipality 4
// digits, ISO dates, end not before start, extent xor budget, an end date
// with frequency per week and with a budget, the WJ756/WMO757 combinations
// (units etmaal, dagdeel, euro and stuks-inspanning only with frequency per
// week, per month or total), positive volume/budget, known codes.
// A refusal here is INVALID_ARGUMENT.
std::vector<wmo::type::v1::RuleViolation> CheckFormat(
    const v1::Assignment& assignment);

// The format of a change request's alteration (dates, extent xor budget),
// fields under `field`.
std::vector<wmo::type::v1::RuleViolation> CheckAlterationFormat(
    const v1::Alteration& alteration, const std::string& field);

// A provider's change request (iWmo 317) against what is stored:
// `current` holds the client's assignments at the provider in the
// municipality, `named` every assignment the request names, by name (any
// client's). Each named one must be current at the provider (TR350,
// TR351) and the client's (TR304); every current one named (TR349); a
// change from a day on or before `today` only from the assignment's own
// start (TR357), and a budget only changed from it (TR373); an assignment
// with an extent keeps one (TR411). Fields are those of the
// RequestAssignmentRequest ("request.change.alterations[0].start_date").
std::vector<wmo::type::v1::RuleViolation> CheckChangeRequest(
    const v1::ChangeRequest& change, const std::string& provider,
    const std::string& client_bsn, const std::vector<v1::Assignment>& current,
    const std::map<std::string, v1::Assignment>& named, rules::Date today);

// What the catalog checks need besides the assignment itself.
struct CatalogContext {
  // The catalog version valid on the assignment's start date.
  const wmo::catalog::v1::Catalog* catalog = nullptr;
  // Whether the provider is contracted for the product on the start date.
  catalog::ContractCheck contract;
  // The client's other assignments under the catalog that are not DELETED,
  // in every municipality of its region (any period; the rules pick what
  // overlaps or shares a year). The assignment being changed is not among
  // them.
  std::vector<v1::Assignment> others;
};

// The lot the assignment is in: its `lot`, or when empty the one lot of
// the catalog that holds the product; "" when that is ambiguous or none.
std::string EffectiveLot(const v1::Assignment& assignment,
                         const wmo::catalog::v1::Catalog& catalog);

// Everything that needs the catalog and the client's other assignments:
// municipality served by the catalog; product exists, lot holds it, basis
// allowed, provider contracted; unit equals the product's unit; duration
// bounds of product and lot; lot exclusivity; requires-any-of covering the
// whole period; excludes; the same product twice overlapping (TR361); caps
// that the extents already decide (per calendar year, per week, per
// assignment); age bounds; result rules; recorded approvals. Call only when
// CheckFormat found nothing. A refusal here is FAILED_PRECONDITION.
std::vector<wmo::type::v1::RuleViolation> CheckAgainstCatalog(
    const v1::Assignment& assignment, const CatalogContext& context);

// The catalog version an assignment was checked against (valid on its
// start date); null when not known.
using CatalogOfAssignment =
    std::function<const wmo::catalog::v1::Catalog*(const v1::Assignment&)>;

// A product that needs another (vervoer, groepstraining, bereik- en
// beschikbaarheid: requires_any_of) needs it on every day: changing
// `before` into `changed` (ending, shortening or deleting it) is refused
// while one of `others` (the client's other assignments under the catalog,
// not deleted) needs it and would lose cover on a day it had it before.
// Each dependent is read in its own catalog version (`catalog_of`, else
// `catalog`). One violation per such dependent, with the dependent
// product's rule id, naming it and the first day it would lack cover.
// Refusing rather than ending the dependents too: they may be another
// provider's, or another municipality's of the region, and ending them is
// their owner's decision. A gap that was there before is not this change's.
std::vector<wmo::type::v1::RuleViolation> CheckDependents(
    const v1::Assignment& before, const v1::Assignment& changed,
    const std::vector<v1::Assignment>& others,
    const wmo::catalog::v1::Catalog& catalog,
    const CatalogOfAssignment& catalog_of = nullptr);

// When the client of `dependent` has an assignment its product needs
// (requires_any_of in `catalog`, the dependent's own version): the periods
// of those of `others` (the client's other assignments under the catalog,
// not deleted) whose product qualifies. Nothing when the product needs no
// other or is not in the catalog.
std::optional<v1::QualifyingCover> QualifyingCoverOf(
    const v1::Assignment& dependent, const std::vector<v1::Assignment>& others,
    const wmo::catalog::v1::Catalog& catalog);

}  // namespace wmo::assignment

#endif  // WMO_SERVICES_ASSIGNMENT_ASSIGNMENT_RULES_H_
