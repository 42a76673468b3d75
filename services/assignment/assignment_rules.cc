// Every rule an assignment keeps, one function each, in the order
// CheckFormat and CheckAgainstCatalog run them. Over 600 lines on purpose:
// some forty rules of five catalogs and iWmo read together, as the header
// lists them, and no rule needs another file to be understood.
#include "services/assignment/assignment_rules.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "libs/rules/bounds.h"
#include "libs/rules/dates.h"
#include "libs/rules/identifiers.h"
#include "libs/rules/volume.h"
#include "libs/server/status.h"

namespace wmo::assignment {
namespace {

namespace cat = ::wmo::catalog::v1;
namespace typ = ::wmo::type::v1;
using catalog::FindLot;
using catalog::FindProduct;
using catalog::LotsHolding;
using ::wmo::rules::Date;
using ::wmo::rules::Period;
using ::wmo::server::Violation;
using ::wmo::type::v1::RuleViolation;

// Rule ids of the service's own checks, where neither the catalog data nor
// the iWmo standard names one.
constexpr char kBsnRule[] = "AS-BSN";
constexpr char kAgbRule[] = "AS-AGB";
constexpr char kDateRule[] = "AS-DATE";
constexpr char kExtentRule[] = "AS-EXTENT";
constexpr char kBudgetRule[] = "AS-BUDGET";
constexpr char kApprovalRule[] = "AS-APPROVAL";
constexpr char kCatalogRule[] = "AS-CATALOG";
constexpr char kProductRule[] = "AS-PRODUCT";
constexpr char kLotRule[] = "AS-LOT";
constexpr char kBasisRule[] = "AS-BASIS";
constexpr char kContractRule[] = "AS-CONTRACT";
constexpr char kUnitRule[] = "AS-UNIT";
constexpr char kExpeditedRule[] = "AS-EXPEDITED";
// Fallbacks for catalog rules whose data carries no source rule id; the
// catalog validation asks for sources, so these show up only for rules a
// catalog author left unsourced.
constexpr char kDurationRule[] = "AS-DURATION";
constexpr char kCombinationRule[] = "AS-COMBINATION";
constexpr char kCapRule[] = "AS-CAP";
constexpr char kAgeRule[] = "AS-AGE";
constexpr char kResultRule[] = "AS-RESULT";
constexpr char kClientRule[] = "AS-CLIENT";

// iWmo TR378: invalid municipality code, return code S300.
constexpr char kMunicipalityRule[] = "TR378";
constexpr char kMunicipalityCode[] = "S300";
// iWmo TR361: the same product with overlapping periods, return code 9361.
constexpr char kSameProductRule[] = "TR361";
constexpr char kSameProductCode[] = "9361";

std::string RuleOr(const typ::Source& source, absl::string_view fallback) {
  return source.rule().empty() ? std::string(fallback) : source.rule();
}

bool Holds(const google::protobuf::RepeatedPtrField<std::string>& list,
           absl::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool HoldsIgnoringCase(
    const google::protobuf::RepeatedPtrField<std::string>& list,
    absl::string_view value) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& item) {
    return absl::EqualsIgnoreCase(item, value);
  });
}

// The lot an assignment is in, when that lot exists and holds its product;
// lot rules apply only then (a wrong lot is reported as AS-LOT).
const cat::Lot* ValidLot(const v1::Assignment& a, const cat::Catalog& catalog) {
  const cat::Lot* lot = FindLot(catalog, EffectiveLot(a, catalog));
  if (lot == nullptr || !Holds(lot->product_ids(), a.product())) return nullptr;
  return lot;
}

std::string ProductLabel(const cat::Catalog& catalog, absl::string_view id) {
  const cat::Product* p = FindProduct(catalog, id);
  if (p == nullptr || p->display_name().empty()) {
    return absl::StrCat("\"", id, "\"");
  }
  return absl::StrCat("\"", p->display_name(), "\"");
}

std::string ProductList(
    const cat::Catalog& catalog,
    const google::protobuf::RepeatedPtrField<std::string>& ids) {
  std::vector<std::string> labels;
  for (const std::string& id : ids) labels.push_back(ProductLabel(catalog, id));
  return absl::StrJoin(labels, ", ");
}

std::string PeriodText(const Period& p) {
  if (p.to == Period::OpenEnd()) {
    return absl::StrCat("from ", rules::FormatDate(p.from), ", open-ended");
  }
  return absl::StrCat("from ", rules::FormatDate(p.from), " to ",
                      rules::FormatDate(p.to));
}

// WJ756 units as people read them in a message.
std::string UnitText(typ::Unit unit) {
  switch (unit) {
    case typ::UNIT_MINUTE:
      return "minutes";
    case typ::UNIT_HOUR:
      return "hours";
    case typ::UNIT_DAY_NIGHT:
      return "etmalen";
    case typ::UNIT_DAY_PART:
      return "dagdelen";
    case typ::UNIT_PIECES_OUTPUT:
    case typ::UNIT_PIECES_EFFORT:
      return "pieces";
    case typ::UNIT_EURO:
      return "euros";
    default:
      return "units";
  }
}

std::string FrequencyText(typ::Frequency frequency) {
  switch (frequency) {
    case typ::FREQUENCY_PER_DAY:
      return "per day";
    case typ::FREQUENCY_PER_WEEK:
      return "per week";
    case typ::FREQUENCY_PER_MONTH:
      return "per month";
    case typ::FREQUENCY_TOTAL:
      return "in total";
    default:
      return "";
  }
}

// The iWmo name of an activity type, as catalogs list them (S3-10).
absl::string_view ActivityTypeName(v1::ActivityType type) {
  switch (type) {
    case v1::ACTIVITY_TYPE_SUPERVISE:
      return "toezien";
    case v1::ACTIVITY_TYPE_HELP:
      return "helpen";
    case v1::ACTIVITY_TYPE_TAKE_OVER:
      return "overnemen";
    default:
      return "";
  }
}

int64_t AddSaturating(int64_t a, int64_t b) {
  if (a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  return a + b;
}

// "DISTANCE_BAND" for APPROVAL_KIND_DISTANCE_BAND, as clients write it.
std::string ApprovalKindText(cat::ApprovalKind kind) {
  std::string name = cat::ApprovalKind_Name(kind);
  constexpr absl::string_view kPrefix = "APPROVAL_KIND_";
  if (absl::StartsWith(name, kPrefix)) name.erase(0, kPrefix.size());
  return name;
}

bool HasApproval(const v1::Assignment& a, cat::ApprovalKind kind) {
  return std::any_of(
      a.approvals().begin(), a.approvals().end(),
      [&](const v1::Approval& approval) { return approval.kind() == kind; });
}

// ---------------------------------------------------------------------------
// Format checks.

// Parses a date field; reports it when malformed (or missing and required).
// The value is not echoed: a birth date is personal data.
std::optional<Date> DateField(absl::string_view text, absl::string_view field,
                              bool required, std::vector<RuleViolation>& out) {
  if (text.empty()) {
    if (required) {
      out.push_back(Violation(kDateRule, "", field,
                              absl::StrCat(field,
                                           " is missing; give it as "
                                           "YYYY-MM-DD")));
    }
    return std::nullopt;
  }
  auto date = rules::ParseDate(text, field);
  if (!date.ok()) {
    out.push_back(Violation(
        kDateRule, "", field,
        absl::StrCat(field,
                     " is not a calendar date; write it as YYYY-MM-DD, for "
                     "example 2024-03-01")));
    return std::nullopt;
  }
  return *date;
}

void CheckExtentFormat(const v1::Assignment& a,
                       std::vector<RuleViolation>& out) {
  const bool has_budget = a.budget_cents() != 0;
  if (a.has_extent() && has_budget) {
    out.push_back(Violation(kExtentRule, "", "budget_cents",
                            "an assignment has an extent or a budget, not "
                            "both; clear one of them"));
  } else if (!a.has_extent() && !has_budget) {
    out.push_back(Violation(kExtentRule, "", "extent",
                            "give an extent (volume, unit, frequency) or a "
                            "budget in euro cents"));
  }
  if (a.budget_cents() < 0) {
    out.push_back(Violation(kBudgetRule, "", "budget_cents",
                            "the budget must be a positive amount in euro "
                            "cents"));
  } else if (a.budget_cents() > rules::kMaxAmountCents) {
    out.push_back(Violation(
        "RS005", "", "budget_cents",
        absl::StrCat(a.budget_cents(), " cents is more than the ",
                     rules::kMaxAmountCents,
                     " the iWmo standard allows for a budget; split the "
                     "assignment into assignments of shorter periods")));
  }
  if (has_budget && !a.has_extent() && a.end_date().empty()) {
    out.push_back(Violation(kBudgetRule, "", "end_date",
                            "an assignment with a budget needs an end date; "
                            "give one"));
  }
  if (!a.has_extent()) return;
  const v1::Extent& e = a.extent();
  if (e.volume() <= 0) {
    out.push_back(Violation(kExtentRule, "", "extent.volume",
                            "the volume must be a positive whole number"));
  } else if (e.volume() > rules::kMaxVolume) {
    out.push_back(Violation(
        "RS005", "", "extent.volume",
        absl::StrCat(e.volume(), " is more than the ", rules::kMaxVolume,
                     " the iWmo standard allows for a volume; lower it or "
                     "give it per week or per month instead of in total")));
  }
  const bool unit_known =
      typ::Unit_IsValid(e.unit()) && e.unit() != typ::UNIT_UNSPECIFIED;
  if (!unit_known) {
    out.push_back(Violation(kExtentRule, "", "extent.unit",
                            "give the unit as a WJ756 code: 01 minute, "
                            "04 hour, 14 etmaal, 16 dagdeel, 82 pieces "
                            "(output), 83 euro or 84 pieces (effort)"));
  }
  if (!rules::IsKnownFrequency(e.frequency())) {
    out.push_back(Violation(kExtentRule, "", "extent.frequency",
                            "give the frequency as a WMO757 code: 1 per day, "
                            "2 per week, 4 per month or 6 total"));
    return;
  }
  if (e.frequency() == typ::FREQUENCY_PER_WEEK && a.end_date().empty()) {
    out.push_back(Violation(kExtentRule, "", "end_date",
                            "an extent per week needs an end date; give one"));
  }
  // WJ756/WMO757: these units are not counted per day.
  const bool not_daily =
      e.unit() == typ::UNIT_DAY_NIGHT || e.unit() == typ::UNIT_DAY_PART ||
      e.unit() == typ::UNIT_EURO || e.unit() == typ::UNIT_PIECES_EFFORT;
  if (unit_known && not_daily && e.frequency() == typ::FREQUENCY_PER_DAY) {
    out.push_back(Violation(
        kExtentRule, "", "extent.frequency",
        absl::StrCat("an extent in ", UnitText(e.unit()),
                     " goes only with frequency per week, per month or "
                     "total; change the frequency")));
  }
}

// ---------------------------------------------------------------------------
// Catalog checks.

// Another assignment of the client, as far as the rules need it.
struct Other {
  const v1::Assignment* assignment;
  Period period;
  // Null when the catalog no longer has its product.
  const cat::Product* product;
};

// What every catalog check reads.
struct Facts {
  const v1::Assignment& a;
  const cat::Catalog& catalog;
  const cat::Product& product;
  // The assignment's lot when it exists and holds the product.
  const cat::Lot* lot;
  Period period;
  // The client's other assignments of this catalog that are not deleted.
  std::vector<Other> others;
};

std::string Describe(const Facts& f, const Other& o) {
  const std::string& number = o.assignment->number();
  // Another municipality of the region granted it: say which.
  const std::string where =
      o.assignment->municipality() != f.a.municipality() &&
              !o.assignment->municipality().empty()
          ? absl::StrCat(" of municipality ", o.assignment->municipality())
          : "";
  return absl::StrCat(number.empty() ? std::string("another assignment")
                                     : absl::StrCat("assignment ", number),
                      where, " of ",
                      ProductLabel(f.catalog, o.assignment->product()), " ",
                      PeriodText(o.period));
}

void CheckMunicipality(const v1::Assignment& a, const cat::Catalog& catalog,
                       std::vector<RuleViolation>& out) {
  for (const cat::Municipality& m : catalog.municipalities()) {
    if (m.cbs_code() == a.municipality()) return;
  }
  out.push_back(Violation(
      kMunicipalityRule, kMunicipalityCode, "municipality",
      absl::StrCat("municipality ", a.municipality(), " does not use catalog ",
                   catalog.id(),
                   "; correct the municipality code or use the catalog of "
                   "this municipality")));
}

void CheckLot(const Facts& f, std::vector<RuleViolation>& out) {
  const std::vector<std::string> holding =
      LotsHolding(f.catalog, f.a.product());
  const std::string product = ProductLabel(f.catalog, f.a.product());
  if (!f.a.lot().empty()) {
    if (f.lot != nullptr) return;
    const cat::Lot* named = FindLot(f.catalog, f.a.lot());
    out.push_back(Violation(
        kLotRule, "", "lot",
        absl::StrCat(named == nullptr
                         ? absl::StrCat("catalog ", f.catalog.id(),
                                        " has no lot \"", f.a.lot(), "\"")
                         : absl::StrCat("lot \"", f.a.lot(),
                                        "\" does not hold product ", product),
                     holding.empty()
                         ? "; leave the lot empty"
                         : absl::StrCat("; name one of the lots holding it: ",
                                        absl::StrJoin(holding, ", ")))));
    return;
  }
  if (holding.size() > 1) {
    out.push_back(
        Violation(kLotRule, "", "lot",
                  absl::StrCat("product ", product, " is in lots ",
                               absl::StrJoin(holding, ", "),
                               "; name the lot (perceel) of this assignment")));
  }
}

void CheckBasis(const Facts& f, std::vector<RuleViolation>& out) {
  const auto& allowed = f.product.allowed_bases();
  const std::string product = ProductLabel(f.catalog, f.a.product());
  if (allowed.empty()) {
    if (!f.a.basis().empty()) {
      out.push_back(Violation(
          kBasisRule, "", "basis",
          absl::StrCat("product ", product,
                       " does not depend on a basis (grondslag); leave the "
                       "basis empty")));
    }
    return;
  }
  if (f.a.basis().empty()) {
    out.push_back(
        Violation(kBasisRule, "", "basis",
                  absl::StrCat("product ", product,
                               " needs a basis (grondslag); name one of ",
                               absl::StrJoin(allowed, ", "))));
  } else if (!Holds(allowed, f.a.basis())) {
    out.push_back(Violation(
        kBasisRule, "", "basis",
        absl::StrCat("basis \"", f.a.basis(), "\" is not allowed for product ",
                     product, "; name one of ", absl::StrJoin(allowed, ", "))));
  }
}

void CheckContracted(const Facts& f, const catalog::ContractCheck& contract,
                     std::vector<RuleViolation>& out) {
  if (contract.contracted) return;
  out.push_back(Violation(
      kContractRule, "", "provider_agb",
      absl::StrCat(contract.reason.empty()
                       ? absl::StrCat("the provider is not contracted for "
                                      "product ",
                                      ProductLabel(f.catalog, f.a.product()),
                                      " on the start date")
                       : contract.reason,
                   "; choose a provider contracted for this product on the "
                   "start date")));
}

void CheckUnit(const Facts& f, std::vector<RuleViolation>& out) {
  if (!f.a.has_extent() || f.a.extent().unit() == f.product.unit()) return;
  out.push_back(Violation(
      kUnitRule, "", "extent.unit",
      absl::StrCat("product ", ProductLabel(f.catalog, f.a.product()),
                   " is assigned in ", UnitText(f.product.unit()),
                   " (WJ756 code ", static_cast<int>(f.product.unit()),
                   "), not in ", UnitText(f.a.extent().unit()),
                   "; give the extent in ", UnitText(f.product.unit()))));
}

// DurationBounds in calendar months: an assignment of at most N months ends
// on AddMonths(start, N) - 1 day at the latest (2024-03-01 + 12 months ends
// 2025-02-28), and one of at least N months not before that day.
void CheckDuration(const Facts& f, const cat::DurationBounds& bounds,
                   absl::string_view whose, std::vector<RuleViolation>& out) {
  const std::string rule = RuleOr(bounds.source(), kDurationRule);
  const bool open = f.period.to == Period::OpenEnd();
  if (bounds.max_months() > 0) {
    const Date last = rules::AddMonths(f.period.from, bounds.max_months()) - 1;
    if (open) {
      out.push_back(
          Violation(rule, "", "end_date",
                    absl::StrCat("an assignment of ", whose, " lasts at most ",
                                 bounds.max_months(),
                                 " months; give an end date on or before ",
                                 rules::FormatDate(last))));
    } else if (f.period.to > last) {
      out.push_back(Violation(
          rule, "", "end_date",
          absl::StrCat("an assignment of ", whose, " lasts at most ",
                       bounds.max_months(), " months; end it on or before ",
                       rules::FormatDate(last),
                       " and assign any further support by a new "
                       "assignment")));
    }
  }
  if (bounds.min_months() > 0 && !open) {
    const Date first = rules::AddMonths(f.period.from, bounds.min_months()) - 1;
    if (f.period.to < first) {
      out.push_back(Violation(
          rule, "", "end_date",
          absl::StrCat("an assignment of ", whose, " lasts at least ",
                       bounds.min_months(), " months; end it on or after ",
                       rules::FormatDate(first))));
    }
  }
}

void CheckDurations(const Facts& f, std::vector<RuleViolation>& out) {
  if (f.product.has_assignment_duration()) {
    CheckDuration(
        f, f.product.assignment_duration(),
        absl::StrCat("product ", ProductLabel(f.catalog, f.a.product())), out);
  }
  if (f.lot != nullptr && f.lot->has_assignment_duration()) {
    CheckDuration(
        f, f.lot->assignment_duration(),
        absl::StrCat("lot ", f.lot->id(), " (", f.lot->display_name(), ")"),
        out);
  }
}

// The lots of one exclusivity group, for messages.
std::vector<std::string> GroupLots(const cat::Catalog& catalog,
                                   absl::string_view group) {
  std::vector<std::string> ids;
  for (const cat::Lot& lot : catalog.lots()) {
    if (lot.exclusivity_group() == group) ids.push_back(lot.id());
  }
  return ids;
}

// S3-02: lots sharing an exclusivity group exclude each other in time.
void CheckLotExclusivity(const Facts& f, std::vector<RuleViolation>& out) {
  if (f.lot == nullptr || f.lot->exclusivity_group().empty()) return;
  for (const Other& o : f.others) {
    if (!o.period.Overlaps(f.period)) continue;
    const cat::Lot* theirs = ValidLot(*o.assignment, f.catalog);
    if (theirs == nullptr || theirs->id() == f.lot->id() ||
        theirs->exclusivity_group() != f.lot->exclusivity_group()) {
      continue;
    }
    out.push_back(Violation(
        RuleOr(f.lot->source(), RuleOr(theirs->source(), kLotRule)), "", "lot",
        absl::StrCat(
            "the client is in lot ", theirs->id(), " by ", Describe(f, o),
            ", and a client is in only one of lots ",
            absl::StrJoin(GroupLots(f.catalog, f.lot->exclusivity_group()),
                          ", "),
            " at a time; assign lot ", theirs->id(),
            " here too, or let the two periods not overlap")));
  }
}

// requires_any_of: the union of the periods of the client's assignments of
// the listed products must cover the candidate's whole period.

void CheckRequiresAnyOf(const Facts& f, std::vector<RuleViolation>& out) {
  const cat::ProductSet& required = f.product.requires_any_of();
  if (required.product_ids().empty()) return;
  std::vector<Period> cover;
  for (const Other& o : f.others) {
    if (Holds(required.product_ids(), o.assignment->product())) {
      cover.push_back(o.period);
    }
  }
  const std::optional<Date> first =
      rules::FirstUncovered(f.period, std::move(cover));
  if (!first) return;
  const Date uncovered = *first;
  std::string message = absl::StrCat(
      "product ", ProductLabel(f.catalog, f.a.product()),
      " goes only together with an assignment of ",
      ProductList(f.catalog, required.product_ids()),
      " for its whole period, and the client has none from ",
      rules::FormatDate(uncovered),
      "; assign such a product for that time first, or shorten this "
      "assignment");
  if (!required.alternative().empty()) {
    absl::StrAppend(&message, " (the catalog also names \"",
                    required.alternative(),
                    "\", which an assignment cannot record)");
  }
  out.push_back(Violation(RuleOr(required.source(), kCombinationRule), "",
                          "product", message));
}

// excludes, in both directions, one violation per overlapping assignment.
void CheckExcludes(const Facts& f, std::vector<RuleViolation>& out) {
  for (const Other& o : f.others) {
    if (!o.period.Overlaps(f.period)) continue;
    const bool ours =
        Holds(f.product.excludes().product_ids(), o.assignment->product());
    const bool theirs =
        o.product != nullptr &&
        Holds(o.product->excludes().product_ids(), f.a.product());
    if (!ours && !theirs) continue;
    const typ::Source& source =
        ours ? f.product.excludes().source() : o.product->excludes().source();
    out.push_back(Violation(
        RuleOr(source, kCombinationRule), "", "product",
        absl::StrCat("product ", ProductLabel(f.catalog, f.a.product()),
                     " cannot be combined with ", Describe(f, o),
                     "; let this assignment start after that one ends, or "
                     "end that one first")));
  }
}

// iWmo TR361: the same product twice for one client in overlapping periods.
void CheckSameProduct(const Facts& f, std::vector<RuleViolation>& out) {
  for (const Other& o : f.others) {
    if (o.assignment->product() != f.a.product() ||
        !o.period.Overlaps(f.period)) {
      continue;
    }
    out.push_back(Violation(
        kSameProductRule, kSameProductCode, "start_date",
        absl::StrCat("the client already has ", Describe(f, o),
                     "; change that assignment instead, or let this one "
                     "start after it ends")));
  }
}

// iWmo TR302: a WMO301 names a budget by its category alone (a product
// code asks for an extent, CD041), so at one provider a budget stands for
// its whole category: it may not overlap another assignment of that
// category, or the provider's WMO301 would name the product twice.
// Categories 11 to 14 may overlap.
void CheckBudgetCategory(const Facts& f, std::vector<RuleViolation>& out) {
  const std::string& category = f.product.category();
  if (category >= "11" && category <= "14") return;
  for (const Other& o : f.others) {
    const bool either_budget =
        f.a.budget_cents() != 0 || o.assignment->budget_cents() != 0;
    if (!either_budget || o.product == nullptr ||
        o.product->category() != category ||
        o.assignment->provider_agb() != f.a.provider_agb() ||
        o.assignment->product() == f.a.product() ||
        !o.period.Overlaps(f.period)) {
      continue;  // the same product is TR361's
    }
    out.push_back(Violation(
        "TR302", "", "start_date",
        absl::StrCat("a budget stands for its whole product category at the "
                     "provider, and the client already has ",
                     Describe(f, o),
                     " in it; let the periods follow each other")));
  }
}

// S0-07: a product bundled into another one the client has at the same time
// (begeleiding included in kortdurend verblijf) is extra support, which needs
// the recorded approval the bundling product asks for.
void CheckBundledExtraSupport(const Facts& f, std::vector<RuleViolation>& out) {
  if (HasApproval(f.a, cat::APPROVAL_KIND_EXTRA_SUPPORT)) return;
  for (const Other& o : f.others) {
    if (o.product == nullptr || !o.period.Overlaps(f.period) ||
        o.product->billing().bundled().product_id() != f.a.product()) {
      continue;
    }
    for (const cat::ApprovalRequirement& req : o.product->approvals()) {
      if (req.kind() != cat::APPROVAL_KIND_EXTRA_SUPPORT) continue;
      out.push_back(Violation(
          RuleOr(req.source(), RuleOr(o.product->billing().bundled().source(),
                                      kApprovalRule)),
          "", "approvals",
          absl::StrCat(Describe(f, o), " already includes ",
                       ProductLabel(f.catalog, f.a.product()),
                       ", so this assignment is extra support during it: "
                       "record the municipality's EXTRA_SUPPORT approval, or "
                       "let the two periods not overlap")));
      return;
    }
  }
}

// Which days a limit counts over, and how to name it in a message.
struct WindowKind {
  rules::Period (*of)(Date);
  absl::string_view per;
};

rules::Period DayOf(Date day) { return Period{day, day}; }

std::optional<WindowKind> WindowKindOf(cat::LimitWindow window) {
  switch (window) {
    case cat::LIMIT_WINDOW_DAY:
      return WindowKind{&DayOf, "per day"};
    case cat::LIMIT_WINDOW_WEEK:
      return WindowKind{&rules::IsoWeekOf, "per week"};
    case cat::LIMIT_WINDOW_MONTH:
      return WindowKind{&rules::CalendarMonthOf, "per calendar month"};
    case cat::LIMIT_WINDOW_CALENDAR_YEAR:
      return WindowKind{&rules::CalendarYearOf, "per calendar year"};
    default:
      return std::nullopt;
  }
}

std::string WindowText(cat::LimitWindow window, const Period& w) {
  switch (window) {
    case cat::LIMIT_WINDOW_WEEK:
      return absl::StrCat("in the week from ", rules::FormatDate(w.from));
    case cat::LIMIT_WINDOW_MONTH:
      return absl::StrCat("in ", rules::FormatDate(w.from).substr(0, 7));
    case cat::LIMIT_WINDOW_CALENDAR_YEAR:
      return absl::StrCat("in ", w.from.year());
    default:
      return absl::StrCat("on ", rules::FormatDate(w.from));
  }
}

rules::Frequency FrequencyOf(const v1::Extent& e) {
  return static_cast<rules::Frequency>(e.frequency());
}

// LIMIT_WINDOW_ASSIGNMENT: the total over the candidate's own period.
void CheckAssignmentCap(const Facts& f, const cat::QuantityLimit& limit,
                        std::vector<RuleViolation>& out) {
  const v1::Extent& e = f.a.extent();
  const std::string rule = RuleOr(limit.source(), kCapRule);
  const std::string product = ProductLabel(f.catalog, f.a.product());
  const std::string unit = UnitText(f.product.unit());
  const std::optional<int64_t> total =
      rules::VolumeInPeriod(e.volume(), FrequencyOf(e), f.period);
  if (!total) {
    out.push_back(Violation(
        rule, "", "end_date",
        absl::StrCat(
            "product ", product, " allows at most ", limit.max_quantity(), " ",
            unit, " per assignment, and an open-ended extent ",
            FrequencyText(e.frequency()), " has no total; give an end date")));
  } else if (*total > limit.max_quantity()) {
    out.push_back(Violation(
        rule, "", "extent.volume",
        absl::StrCat("the extent gives ", *total, " ", unit,
                     " over the assignment period, more than the ",
                     limit.max_quantity(), " allowed per assignment for ",
                     product, "; lower the volume or shorten the period")));
  }
}

// A cap per day, week, month or calendar year counts the candidate together
// with the client's other assignments of the same product, window by window
// over the candidate's period; the first window over the cap is reported.
void CheckWindowCap(const Facts& f, const cat::QuantityLimit& limit,
                    const WindowKind& kind, std::vector<RuleViolation>& out) {
  const v1::Extent& e = f.a.extent();
  std::vector<const Other*> same;
  for (const Other& o : f.others) {
    if (o.assignment->product() == f.a.product() &&
        o.assignment->has_extent() &&
        o.assignment->extent().unit() == f.product.unit()) {
      same.push_back(&o);
    }
  }
  // After the last date any of these assignments starts or ends, only
  // open-ended rates run on and each window repeats an earlier one; five
  // more years hold every month length and a leap year, and keep an
  // open-ended period from being walked up to year 9999.
  Date horizon = f.period.from;
  for (const Other* o : same) {
    horizon = std::max(horizon, o->period.from);
    if (o->period.to != Period::OpenEnd()) {
      horizon = std::max(horizon, o->period.to);
    }
  }
  horizon = std::min(f.period.to, rules::AddMonths(horizon, 60));
  for (Period w = kind.of(f.period.from); w.from <= horizon;
       w = kind.of(w.to + 1)) {
    const int64_t own =
        rules::VolumeInWindow(e.volume(), FrequencyOf(e), f.period, w);
    int64_t theirs = 0;
    for (const Other* o : same) {
      const v1::Extent& oe = o->assignment->extent();
      theirs = AddSaturating(
          theirs,
          rules::VolumeInWindow(oe.volume(), FrequencyOf(oe), o->period, w));
    }
    if (AddSaturating(own, theirs) <= limit.max_quantity()) continue;
    const std::string unit = UnitText(f.product.unit());
    std::string message =
        absl::StrCat(WindowText(limit.window(), w), " this assignment gives ",
                     own, " ", unit);
    if (theirs > 0) {
      absl::StrAppend(&message, " and the client's other assignments of ",
                      "this product give ", theirs);
    }
    absl::StrAppend(&message, ", more than the ", limit.max_quantity(),
                    " allowed ", kind.per, " for ",
                    ProductLabel(f.catalog, f.a.product()), "; ");
    if (theirs >= limit.max_quantity()) {
      absl::StrAppend(&message,
                      "the other assignments already use all of it there, "
                      "so move the period out of that window");
    } else {
      // A rate gives less to a window when the period is shorter; a total
      // does not, it only spreads thinner over a longer period.
      absl::StrAppend(&message, "lower the volume so that at most ",
                      limit.max_quantity() - theirs, " fall in that window",
                      e.frequency() == typ::FREQUENCY_TOTAL
                          ? ""
                          : ", or shorten the period");
    }
    if (limit.waived_for_contiguous_stay() &&
        f.product.contiguous_stay().max_days() > 0) {
      absl::StrAppend(&message, " (one contiguous stay of at most ",
                      f.product.contiguous_stay().max_days(),
                      " days is exempt)");
    }
    out.push_back(Violation(RuleOr(limit.source(), kCapRule), "",
                            "extent.volume", message));
    return;
  }
}

// Caps the extents decide. Budgets have no volume, and an extent in another
// unit than the product's is reported as AS-UNIT and not compared.
void CheckCaps(const Facts& f, std::vector<RuleViolation>& out) {
  if (!f.a.has_extent() || f.a.extent().unit() != f.product.unit()) return;
  for (const cat::QuantityLimit& limit : f.product.limits()) {
    if (limit.max_quantity() <= 0 || limit.advisory()) continue;
    if (limit.unit() != typ::UNIT_UNSPECIFIED &&
        limit.unit() != f.product.unit()) {
      continue;
    }
    if (limit.window() == cat::LIMIT_WINDOW_ASSIGNMENT) {
      CheckAssignmentCap(f, limit, out);
      continue;
    }
    // One stay that keeps to the product's longest contiguous stay is
    // exempt (S3-09: 3 per week, or one stay of at most 6 weeks).
    const int max_stay = f.product.contiguous_stay().max_days();
    if (limit.waived_for_contiguous_stay() && max_stay > 0 &&
        f.period.to != Period::OpenEnd() &&
        rules::DaysIn(f.period) <= max_stay) {
      continue;
    }
    if (std::optional<WindowKind> kind = WindowKindOf(limit.window())) {
      CheckWindowCap(f, limit, *kind, out);
    }
  }
}

void CheckAge(const Facts& f, std::vector<RuleViolation>& out) {
  std::optional<Date> birth;
  if (!f.a.client().birth_date().empty()) {
    auto parsed = rules::ParseDate(f.a.client().birth_date(), "birth_date");
    if (parsed.ok()) birth = *parsed;
  }
  const std::string product = ProductLabel(f.catalog, f.a.product());
  const std::vector<std::string> activities(f.a.activities().begin(),
                                            f.a.activities().end());
  // The bound holds on every day of the assignment (S0-03, S4-06).
  for (const rules::AgeLimit& limit :
       catalog::AgeLimitsOf(f.product, kAgeRule)) {
    if (!rules::AgeLimitApplies(limit, activities)) continue;
    const std::string what =
        limit.activity.empty()
            ? absl::StrCat("product ", product)
            : absl::StrCat("\"", limit.activity, "\" within ", product);
    if (!birth) {
      out.push_back(
          Violation(limit.rule_id, "", "client.birth_date",
                    absl::StrCat(what,
                                 " has an age bound; give the client's birth "
                                 "date")));
      continue;
    }
    std::optional<std::string> problem =
        rules::AgeProblem(limit, *birth, f.period);
    if (!problem) continue;
    const rules::Period within = rules::DaysWithinAge(limit, *birth);
    const bool never = f.period.from > within.to;
    std::string field = "end_date";
    if (!limit.activity.empty() && never) {
      field = "activities";
    } else if (f.period.from < within.from) {
      field = limit.activity.empty() ? "start_date" : "activities";
    } else if (never) {
      field = "product";
    }
    out.push_back(Violation(
        limit.rule_id, "", field,
        absl::StrCat(what, " is for clients ",
                     limit.min_years > 0
                         ? absl::StrCat("aged ", limit.min_years, " or older")
                         : absl::StrCat("younger than ", limit.below_years),
                     " on every day of the care: ", *problem,
                     never
                         ? (limit.activity.empty() ? "; choose another product"
                                                   : "; remove the activity")
                         : "")));
  }
}

void CheckResults(const Facts& f, std::vector<RuleViolation>& out) {
  if (f.catalog.has_result_recording()) {
    const cat::ResultRecording& rec = f.catalog.result_recording();
    const std::string rule = RuleOr(rec.source(), kResultRule);
    if (f.a.results().empty()) {
      out.push_back(Violation(
          rule, "", "results",
          absl::StrCat("assignments of catalog ", f.catalog.id(),
                       " record their results; add at least one result with "
                       "its life domain (levensgebied) and activity type")));
    }
    for (int i = 0; i < f.a.results_size(); ++i) {
      const v1::Result& r = f.a.results(i);
      if (!HoldsIgnoringCase(rec.life_domains(), r.life_domain())) {
        out.push_back(Violation(
            rule, "", absl::StrCat("results[", i, "].life_domain"),
            absl::StrCat(
                "\"", r.life_domain(), "\" is not a life domain of catalog ",
                f.catalog.id(),
                "; name one of: ", absl::StrJoin(rec.life_domains(), ", "))));
      }
      const absl::string_view type = ActivityTypeName(r.activity_type());
      if (type.empty() || (!rec.activity_types().empty() &&
                           !HoldsIgnoringCase(rec.activity_types(), type))) {
        out.push_back(Violation(
            rule, "", absl::StrCat("results[", i, "].activity_type"),
            absl::StrCat("give the activity type of the result: one of ",
                         absl::StrJoin(rec.activity_types(), ", "))));
      }
    }
  }
  if (!f.product.has_result_limits()) return;
  const cat::ResultLimits& limits = f.product.result_limits();
  const std::string rule = RuleOr(limits.source(), kResultRule);
  const std::string product = ProductLabel(f.catalog, f.a.product());
  if (limits.max_results() > 0 && f.a.results_size() > limits.max_results()) {
    out.push_back(Violation(
        rule, "", "results",
        absl::StrCat("an assignment of ", product, " has at most ",
                     limits.max_results(), " results, not ", f.a.results_size(),
                     "; keep the most important ones")));
  }
  if (limits.within_months() > 0) {
    const Date last =
        rules::AddMonths(f.period.from, limits.within_months()) - 1;
    if (f.period.to > last) {
      out.push_back(
          Violation(rule, "", "end_date",
                    absl::StrCat("the results of ", product,
                                 " are reached within ", limits.within_months(),
                                 " months; end the assignment on or before ",
                                 rules::FormatDate(last))));
    }
  }
}

void CheckApprovals(const Facts& f, std::vector<RuleViolation>& out) {
  const std::string product = ProductLabel(f.catalog, f.a.product());
  const cat::ApprovalRequirement* expedited = nullptr;
  for (const cat::ApprovalRequirement& req : f.product.approvals()) {
    if (req.kind() == cat::APPROVAL_KIND_EXPEDITED_START) expedited = &req;
    if (req.always() && !HasApproval(f.a, req.kind())) {
      out.push_back(Violation(
          RuleOr(req.source(), kApprovalRule), "", "approvals",
          absl::StrCat(
              "every assignment of ", product, " needs a recorded ",
              ApprovalKindText(req.kind()), " approval",
              req.situation().empty()
                  ? std::string()
                  : absl::StrCat(" (", absl::StripSuffix(req.situation(), "."),
                                 ")"),
              "; record who approved it, when, and the decision's "
              "reference")));
    }
  }
  if (!f.a.expedited_start()) return;
  if (expedited == nullptr) {
    out.push_back(Violation(
        kExpeditedRule, "", "expedited_start",
        absl::StrCat("product ", product,
                     " cannot start expedited (versnelde inzet); clear "
                     "expedited_start")));
  } else if (!expedited->always() &&
             !HasApproval(f.a, cat::APPROVAL_KIND_EXPEDITED_START)) {
    // An `always` requirement was reported above already.
    out.push_back(Violation(
        RuleOr(expedited->source(), kApprovalRule), "", "approvals",
        absl::StrCat("an expedited start of ", product,
                     " needs the municipality's written approval; record "
                     "the EXPEDITED_START approval, or clear "
                     "expedited_start")));
  }
}

// Characters, not bytes: the iWmo lengths count characters.
size_t CharacterCount(absl::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

// Text an iWmo name or address field takes: one line with something on it,
// at most `max` characters.
bool IsLineOfAtMost(absl::string_view text, size_t max) {
  return !text.empty() && CharacterCount(text) <= max &&
         text.find_first_of("\r\n") == absl::string_view::npos &&
         text.find_first_not_of(" \t") != absl::string_view::npos;
}

bool IsAsciiOfAtMost(absl::string_view text, size_t max,
                     bool (*is_allowed)(unsigned char)) {
  return !text.empty() && text.size() <= max &&
         std::all_of(text.begin(), text.end(),
                     [&](char c) { return is_allowed(c); });
}

// Letters, accented ones too (iWmo's [a-zA-ZÀ-ỳ]), at most `max`: ASCII
// letters and whatever is not ASCII, which a name holds only as letters.
bool IsLettersOfAtMost(absl::string_view text, size_t max) {
  return !text.empty() && CharacterCount(text) <= max &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return absl::ascii_isalpha(c) ||
                  static_cast<unsigned char>(c) >= 0x80;
         });
}

// Name, gender and address, as the WMO301 carries them (iWmo's data types:
// LDT_Naam, LDT_Voorvoegsel, LDT_Voorletters, LDT_Geslacht, LDT_Postcode
// in its Dutch form of CS089, LDT_Huisnummer, ...).
void CheckClientDetails(const v1::Client& client,
                        std::vector<RuleViolation>& out) {
  auto refuse = [&](absl::string_view field, absl::string_view what) {
    out.push_back(
        Violation(kClientRule, "", absl::StrCat("client.", field), what));
  };
  if (client.has_name()) {
    const v1::PersonName& name = client.name();
    if (!IsLineOfAtMost(name.surname(), 200)) {
      refuse("name.surname",
             "give the family name, one line of at most 200 "
             "characters");
    }
    if (!name.surname_prefix().empty() &&
        !IsLineOfAtMost(name.surname_prefix(), 10)) {
      refuse("name.surname_prefix", "a prefix has at most 10 characters");
    }
    if (!name.initials().empty() && !IsLettersOfAtMost(name.initials(), 6)) {
      refuse("name.initials",
             "give at most 6 initials as letters, without dots or spaces");
    }
  }
  if (!client.gender().empty() && client.gender() != "0" &&
      client.gender() != "1" && client.gender() != "2") {
    refuse("gender", "give 0 (unknown), 1 (male) or 2 (female)");
  }
  if (!client.has_contact()) return;
  const v1::ContactDetails& contact = client.contact();
  const std::string& postcode = contact.postcode();
  const bool dutch_postcode =
      postcode.size() == 6 && postcode[0] != '0' &&
      IsAsciiOfAtMost(postcode.substr(0, 4), 4, absl::ascii_isdigit) &&
      IsAsciiOfAtMost(postcode.substr(4), 2, absl::ascii_isupper);
  if (!postcode.empty() && !dutch_postcode) {
    refuse("contact.postcode",
           "give a Dutch postcode as four digits and two capitals without a "
           "space, for example 6041AB");
  }
  if (postcode.empty() != (contact.house_number() == 0)) {
    refuse(postcode.empty() ? "contact.postcode" : "contact.house_number",
           "an address has both a postcode and a house number");
  }
  if (contact.house_number() < 0 || contact.house_number() > 99999) {
    refuse("contact.house_number", "a house number lies in 1..99999");
  }
  if (!contact.house_letter().empty() &&
      !IsAsciiOfAtMost(contact.house_letter(), 1, absl::ascii_isalpha)) {
    refuse("contact.house_letter", "a house letter is one letter");
  }
  if (!contact.house_number_addition().empty() &&
      !IsLineOfAtMost(contact.house_number_addition(), 4)) {
    refuse("contact.house_number_addition",
           "an addition has at most 4 characters");
  }
  if (!contact.street().empty() && !IsLineOfAtMost(contact.street(), 24)) {
    refuse("contact.street",
           "a street name has at most 24 characters (the BRP's short form)");
  }
  if (!contact.city().empty() && !IsLineOfAtMost(contact.city(), 80)) {
    refuse("contact.city", "a town name has at most 80 characters");
  }
  if (!contact.phone().empty() &&
      !IsAsciiOfAtMost(contact.phone(), 15, absl::ascii_isdigit)) {
    refuse("contact.phone", "give the phone number as at most 15 digits");
  }
}

}  // namespace

std::vector<RuleViolation> CheckFormat(const v1::Assignment& a) {
  std::vector<RuleViolation> out;
  if (!rules::IsValidMunicipalityCode(a.municipality())) {
    out.push_back(Violation(kMunicipalityRule, kMunicipalityCode,
                            "municipality",
                            "the municipality must be a 4-digit CBS "
                            "gemeentecode, for example 0988; correct it"));
  }
  // The BSN is personal data: messages say what is wrong, never the value.
  if (a.client().bsn().empty()) {
    out.push_back(
        Violation(kBsnRule, "", "client.bsn", "give the client's BSN"));
  } else if (!rules::IsValidBsn(a.client().bsn())) {
    out.push_back(Violation(kBsnRule, "", "client.bsn",
                            "the client's BSN is not 9 digits passing the "
                            "11-proef; check it against the BRP"));
  }
  if (!rules::IsValidAgb(a.provider_agb())) {
    out.push_back(Violation(kAgbRule, "", "provider_agb",
                            "the provider's AGB code must be 8 digits; "
                            "correct it"));
  }
  if (a.catalog().empty()) {
    out.push_back(Violation(kCatalogRule, "", "catalog",
                            "name the catalog, for example "
                            "midden-limburg-2024"));
  }
  if (a.product().empty()) {
    out.push_back(Violation(kProductRule, "", "product",
                            "name the product by its id in the catalog"));
  }
  const std::optional<Date> start =
      DateField(a.start_date(), "start_date", /*required=*/true, out);
  const std::optional<Date> end =
      DateField(a.end_date(), "end_date", /*required=*/false, out);
  if (start && end && *end < *start) {
    out.push_back(Violation(kDateRule, "", "end_date",
                            "end_date lies before start_date; make it on or "
                            "after the start"));
  }
  const std::optional<Date> birth = DateField(
      a.client().birth_date(), "client.birth_date", /*required=*/false, out);
  if (start && birth && *birth > *start) {
    out.push_back(Violation(kDateRule, "", "client.birth_date",
                            "the client's birth date lies after the start "
                            "date; correct it"));
  }
  CheckClientDetails(a.client(), out);
  CheckExtentFormat(a, out);
  for (int i = 0; i < a.approvals_size(); ++i) {
    const v1::Approval& approval = a.approvals(i);
    if (!cat::ApprovalKind_IsValid(approval.kind()) ||
        approval.kind() == cat::APPROVAL_KIND_UNSPECIFIED) {
      out.push_back(Violation(
          kApprovalRule, "", absl::StrCat("approvals[", i, "].kind"),
          "give the kind of the approval: EXPEDITED_START, DISTANCE_BAND or "
          "EXTRA_SUPPORT"));
    }
    DateField(approval.date(), absl::StrCat("approvals[", i, "].date"),
              /*required=*/false, out);
  }
  return out;
}

std::vector<RuleViolation> CheckAlterationFormat(
    const v1::Alteration& alteration, const std::string& field) {
  v1::Assignment wanted;
  wanted.set_start_date(alteration.start_date());
  wanted.set_end_date(alteration.end_date());
  if (alteration.has_extent()) *wanted.mutable_extent() = alteration.extent();
  wanted.set_budget_cents(alteration.budget_cents());
  std::vector<RuleViolation> out;
  const std::optional<Date> start =
      DateField(wanted.start_date(), "start_date", /*required=*/true, out);
  const std::optional<Date> end =
      DateField(wanted.end_date(), "end_date", /*required=*/false, out);
  if (start && end && *end < *start) {
    out.push_back(Violation(kDateRule, "", "end_date",
                            "end_date lies before start_date; make it on or "
                            "after the start"));
  }
  // Neither changes only the period: whether the assignment needs one to
  // be given is TR411's (CheckChangeRequest).
  if (alteration.has_extent() || alteration.budget_cents() != 0) {
    CheckExtentFormat(wanted, out);
  }
  for (RuleViolation& v : out) {
    v.set_field(absl::StrCat(field, ".", v.field()));
  }
  return out;
}

std::vector<RuleViolation> CheckChangeRequest(
    const v1::ChangeRequest& change, const std::string& provider,
    const std::string& client_bsn, const std::vector<v1::Assignment>& current,
    const std::map<std::string, v1::Assignment>& named, Date today) {
  std::vector<RuleViolation> out;
  const std::string today_text = rules::FormatDate(today);
  auto is_current = [&](const v1::Assignment& a) {
    return a.state() == v1::Assignment::ACTIVE &&
           a.provider_agb() == provider &&
           (a.end_date().empty() || a.end_date() >= today_text);
  };
  // The named assignment, when it is a current one of this client here;
  // null after reporting why not. Another provider's assignment is one this
  // provider does not know of: whose it is stays unsaid.
  auto find = [&](const std::string& name, const std::string& field,
                  const char* rule, const char* code) -> const v1::Assignment* {
    const auto found = named.find(name);
    const bool ours =
        found != named.end() && found->second.provider_agb() == provider;
    if (ours && found->second.client().bsn() != client_bsn) {
      out.push_back(Violation("TR304", "8187", field,
                              "this assignment is another client's"));
      return nullptr;
    }
    if (!ours || !is_current(found->second)) {
      out.push_back(
          Violation(rule, code, field,
                    absl::StrCat(name,
                                 " is no current assignment of yours for this "
                                 "client")));
      return nullptr;
    }
    return &found->second;
  };
  std::set<std::string> listed;
  for (int i = 0; i < change.unchanged_size(); ++i) {
    listed.insert(change.unchanged(i));
    find(change.unchanged(i), absl::StrCat("request.change.unchanged[", i, "]"),
         "TR350", "9350");
  }
  for (int i = 0; i < change.alterations_size(); ++i) {
    const v1::Alteration& alteration = change.alterations(i);
    const std::string field =
        absl::StrCat("request.change.alterations[", i, "]");
    listed.insert(alteration.assignment());
    const v1::Assignment* a =
        find(alteration.assignment(), absl::StrCat(field, ".assignment"),
             "TR351", "9351");
    if (a == nullptr) continue;
    const bool from_own_start = alteration.start_date() == a->start_date();
    if (alteration.start_date() <= today_text && !from_own_start) {
      out.push_back(Violation(
          "TR357", "9357", absl::StrCat(field, ".start_date"),
          "a change from a past day applies from the assignment's own "
          "start; give a later day, or its start"));
    }
    if (alteration.budget_cents() != 0 &&
        alteration.budget_cents() != a->budget_cents() && !from_own_start) {
      out.push_back(Violation("TR373", "9373",
                              absl::StrCat(field, ".start_date"),
                              "a budget changes from the assignment's own "
                              "start only"));
    }
    if (a->has_extent() && !alteration.has_extent() &&
        alteration.budget_cents() == 0) {
      out.push_back(Violation("TR411", "9411", absl::StrCat(field, ".extent"),
                              "give the extent wanted: the product has a "
                              "product code"));
    }
  }
  int missing = 0;
  for (const v1::Assignment& a : current) {
    if (is_current(a) && !listed.count(a.name())) ++missing;
  }
  if (missing > 0) {
    out.push_back(Violation(
        "TR349", "9349", "request.change",
        absl::StrCat("name every current assignment of the client, as "
                     "unchanged or to change; ",
                     missing, " is not named")));
  }
  return out;
}

std::string EffectiveLot(const v1::Assignment& assignment,
                         const cat::Catalog& catalog) {
  if (!assignment.lot().empty()) return assignment.lot();
  const std::vector<std::string> holding =
      LotsHolding(catalog, assignment.product());
  return holding.size() == 1 ? holding.front() : std::string();
}

std::vector<RuleViolation> CheckAgainstCatalog(const v1::Assignment& assignment,
                                               const CatalogContext& context) {
  std::vector<RuleViolation> out;
  if (context.catalog == nullptr) {
    out.push_back(Violation(kCatalogRule, "", "catalog",
                            "no catalog is valid on the start date; name a "
                            "catalog valid then"));
    return out;
  }
  const cat::Catalog& catalog = *context.catalog;
  auto period = rules::ParsePeriod(assignment.start_date(),
                                   assignment.end_date(), "assignment");
  if (!period.ok()) {
    // CheckFormat reports this; without a period no rule can be applied.
    out.push_back(Violation(kDateRule, "", "start_date",
                            "the period is not valid; give start_date and "
                            "end_date as YYYY-MM-DD, the end not before the "
                            "start"));
    return out;
  }
  CheckMunicipality(assignment, catalog, out);
  const cat::Product* product = FindProduct(catalog, assignment.product());
  if (product == nullptr) {
    out.push_back(
        Violation(kProductRule, "", "product",
                  absl::StrCat("catalog ", catalog.id(), " has no product \"",
                               assignment.product(),
                               "\"; name a product id of the catalog")));
    return out;
  }
  Facts f{assignment, catalog, *product, ValidLot(assignment, catalog),
          *period,    {}};
  for (const v1::Assignment& other : context.others) {
    if (other.state() == v1::Assignment::DELETED ||
        other.catalog() != catalog.id()) {
      continue;
    }
    auto other_period =
        rules::ParsePeriod(other.start_date(), other.end_date(), "other");
    // Stored assignments passed these checks; one that cannot be read
    // cannot take part in a comparison either.
    if (!other_period.ok()) continue;
    f.others.push_back(
        Other{&other, *other_period, FindProduct(catalog, other.product())});
  }
  CheckLot(f, out);
  CheckBasis(f, out);
  CheckContracted(f, context.contract, out);
  CheckUnit(f, out);
  CheckDurations(f, out);
  CheckLotExclusivity(f, out);
  CheckRequiresAnyOf(f, out);
  CheckExcludes(f, out);
  CheckSameProduct(f, out);
  CheckBudgetCategory(f, out);
  CheckBundledExtraSupport(f, out);
  CheckCaps(f, out);
  CheckAge(f, out);
  CheckResults(f, out);
  CheckApprovals(f, out);
  return out;
}

std::vector<RuleViolation> CheckDependents(
    const v1::Assignment& before, const v1::Assignment& changed,
    const std::vector<v1::Assignment>& others, const cat::Catalog& catalog,
    const CatalogOfAssignment& catalog_of) {
  std::vector<RuleViolation> out;
  const auto period_of = [](const v1::Assignment& a) {
    return rules::ParsePeriod(a.start_date(), a.end_date(), "");
  };
  for (const v1::Assignment& dependent : others) {
    const cat::Catalog* version = catalog_of ? catalog_of(dependent) : nullptr;
    if (version == nullptr) version = &catalog;
    const cat::Product* product = FindProduct(*version, dependent.product());
    if (product == nullptr) continue;
    const cat::ProductSet& required = product->requires_any_of();
    if (!Holds(required.product_ids(), changed.product())) continue;
    auto need = period_of(dependent);
    if (!need.ok()) continue;
    // What covers it besides the assignment being changed.
    std::vector<Period> rest;
    for (const v1::Assignment& o : others) {
      if (&o == &dependent || !Holds(required.product_ids(), o.product())) {
        continue;
      }
      if (auto p = period_of(o); p.ok()) rest.push_back(*p);
    }
    const auto first_uncovered = [&](const v1::Assignment& a) {
      std::vector<Period> cover = rest;
      if (a.state() != v1::Assignment::DELETED) {
        if (auto p = period_of(a); p.ok()) cover.push_back(*p);
      }
      return rules::FirstUncovered(*need, std::move(cover));
    };
    const std::optional<Date> uncovered = first_uncovered(changed);
    if (!uncovered) continue;
    if (const std::optional<Date> was = first_uncovered(before);
        was && *was <= *uncovered) {
      continue;  // the gap was there before this change
    }
    out.push_back(Violation(
        RuleOr(required.source(), kCombinationRule), "",
        changed.state() == v1::Assignment::DELETED ? "name" : "end_date",
        absl::StrCat(
            dependent.name(), " (", ProductLabel(*version, dependent.product()),
            ", ", PeriodText(*need), ") goes only together with ",
            ProductList(*version, required.product_ids()),
            " and would have none from ", rules::FormatDate(*uncovered),
            "; end or shorten that assignment first, or keep this one "
            "running as long")));
  }
  return out;
}

std::optional<v1::QualifyingCover> QualifyingCoverOf(
    const v1::Assignment& dependent, const std::vector<v1::Assignment>& others,
    const cat::Catalog& catalog) {
  const cat::Product* product = FindProduct(catalog, dependent.product());
  if (product == nullptr) return std::nullopt;
  const cat::ProductSet& required = product->requires_any_of();
  if (required.product_ids().empty()) return std::nullopt;
  v1::QualifyingCover cover;
  cover.set_assignment(dependent.name());
  cover.set_rule_id(RuleOr(required.source(), kCombinationRule));
  *cover.mutable_products() = required.product_ids();
  std::vector<const v1::Assignment*> qualifying;
  for (const v1::Assignment& o : others) {
    if (o.name() != dependent.name() && o.state() != v1::Assignment::DELETED &&
        Holds(required.product_ids(), o.product())) {
      qualifying.push_back(&o);
    }
  }
  std::sort(qualifying.begin(), qualifying.end(),
            [](const v1::Assignment* x, const v1::Assignment* y) {
              return x->start_date() < y->start_date();
            });
  for (const v1::Assignment* o : qualifying) {
    v1::CoverPeriod& p = *cover.add_periods();
    p.set_start_date(o->start_date());
    p.set_end_date(o->end_date());
  }
  return cover;
}

}  // namespace wmo::assignment
