#ifndef WMO_LIBS_RULES_DECLARATION_H_
#define WMO_LIBS_RULES_DECLARATION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "libs/rules/age.h"
#include "libs/rules/dates.h"
#include "libs/rules/volume.h"

namespace wmo::rules {

// The checks of a declaration (declaratie, iWmo 323) as pure functions over
// plain structs: no store, no RPC, no protobuf. The declaration service
// converts its messages and the catalog into these structs, fetches every
// look-up in batches per declaration, calls CheckDeclaration once, and
// stores what it approved.

// One violated rule: stable rule id (TR…, S…, DC-… for the service's own
// format rules); its iWmo return code (WJ001), the rule's own from
// retourcodes.tsv or, for a catalog or service rule, the code of the closest
// technical rule (every check of a declaration line gives one); the field
// path within the line ("volume", "deliveries[3].start_time"); and what is
// wrong and what to change. Never holds a BSN.
struct LineViolation {
  std::string rule_id;
  std::string return_code;
  std::string field;
  std::string message;

  bool operator==(const LineViolation&) const = default;
};

// ---------------------------------------------------------------------------
// The catalog's billing rules of one product. An empty rule id means the rule
// does not apply to the product.

// WJ756 unit codes the checks distinguish.
inline constexpr int kUnitPiecesOutput = 82;  // stuks (output)
inline constexpr int kUnitEuro = 83;

enum class CapWindow : int {
  kDay = 1,
  kWeek = 2,  // ISO week, Monday to Sunday
  kMonth = 3,
  kCalendarYear = 4,
  kAssignment = 5,  // the whole period of one assignment
};

// At most `max_quantity` per window per client.
struct QuantityCap {
  CapWindow window = CapWindow::kCalendarYear;
  int64_t max_quantity = 0;
  // Counts days with a delivery rather than quantities in the line's unit.
  bool counts_days = false;
  // A guideline: exceeding it is a notice, not a rejection.
  bool advisory = false;
  // Does not apply within one contiguous stay that keeps to the product's
  // contiguous stay limit (S3-09).
  bool waived_for_contiguous_stay = false;
  std::string rule_id;
};

// A daily time window in minutes since midnight, [start, end); end 1440 is
// midnight at the end of the day. Empty weekdays means every day; weekdays
// are ISO numbers (Monday 1 … Sunday 7).
struct DeliveryWindow {
  std::vector<int> weekdays;
  int start_minute = 0;
  int end_minute = 1440;
};

struct ProductBilling {
  // Catalog id and product id: the key of the client's yearly counts.
  std::string catalog;
  std::string product;
  // WJ756 unit the product is billed in. Quantity caps and yearly counts
  // concern lines in this unit only: a budget line in euros is neither
  // capped nor counted in etmalen. 0 when unknown (every line counts).
  int unit = 0;
  std::vector<QuantityCap> caps;
  // Longest run of consecutive days with a stay (S3-09); 0 for none.
  int contiguous_max_days = 0;
  std::string contiguous_rule_id;
  // No-shows are not billable (S3-05, S3-06).
  std::string no_show_rule_id;
  // Billable at planned moments only (S1-01); "" when unplanned ones are.
  std::string planned_only_rule_id;
  // Age bounds on every day of care (S0-03, S4-06).
  std::vector<AgeLimit> age_limits;
  // At most one unit per client per day (S1-05, S3-08, S0-08), counted
  // together with the units of these products of the catalog.
  std::string once_per_day_rule_id;
  std::vector<std::string> once_per_day_with;
  // On days of a stay of these products, one unit per stay (S1-05).
  std::vector<std::string> once_per_stay_of;
  std::string once_per_stay_rule_id;
  // Not at the same time as deliveries of these products (S3-07).
  std::vector<std::string> not_concurrent_with;
  std::string not_concurrent_rule_id;
  // Only on days the client attends one of these products (S0-08, S1-06,
  // S4-04).
  std::vector<std::string> only_on_attendance_of;
  std::string attendance_rule_id;
  // Digital contact at most this share of the delivered volume over the
  // assignment (S2-02); 0 for no limit.
  int max_digital_percent = 0;
  std::string digital_rule_id;
  // Deliveries must lie inside one of these windows (S2-04).
  std::vector<DeliveryWindow> windows;
  std::string windows_rule_id;
  // Length of one session in minutes when the unit is a session; each
  // delivery with times should last quantity x this long (S2-03, a
  // guideline: reported as a notice).
  int session_minutes = 0;
  std::string session_rule_id;
};

// For a product that goes only together with another (vervoer,
// groepstraining, bereik- en beschikbaarheid): the catalog's rule, the
// products that qualify, and the periods of the client's assignments of
// them in the region, as the assignment service reported them.
struct QualifyingCover {
  std::string rule_id;
  std::vector<std::string> products;
  std::vector<Period> periods;
};

// ---------------------------------------------------------------------------
// The assignment a line bills, as the assignment service returned it.
struct AssignmentFacts {
  std::string number;
  std::string client_bsn;
  std::string provider_agb;
  std::string product_category;
  std::string product_code;
  int unit = 0;
  // State DELETED (change reason 13).
  bool deleted = false;
  Period period;
  // The extent (omvang); frequency 0 when the assignment has a budget.
  int64_t volume = 0;
  Frequency frequency = Frequency::kTotal;
  int64_t budget_cents = 0;
  // The client's birth date, when the assignment records it, and the
  // assignment's activities: for the product's age bounds.
  std::optional<Date> birth;
  std::vector<std::string> activities;
  // The product's billing rules from the catalog; nullptr when the catalog
  // has none for it (then only the iWmo rules apply).
  const ProductBilling* billing = nullptr;
  // When the product needs another: every day of care must lie in one of
  // the cover's periods.
  std::optional<QualifyingCover> qualifying;
};

// One delivery of a line's day-level detail.
struct DayDelivery {
  Date date;
  // Minutes since midnight; -1 when no times were given. An end before the
  // start runs past midnight into the next day.
  int start_minute = -1;
  int end_minute = -1;
  int64_t quantity = 0;
  bool digital = false;
  bool no_show = false;
  bool unplanned = false;
};

// A line (prestatie) as submitted, already parsed. Lines whose fields
// cannot be parsed are rejected by the service before these checks.
struct DeclaredLine {
  std::string reference;
  std::string assignment_number;
  std::string client_bsn;
  std::string product_category;
  std::string product_code;
  Period period;
  int64_t volume = 0;
  int unit = 0;
  int64_t tariff_cents = 0;
  int64_t amount_cents = 0;
  bool credit = false;
  // For a credit: the debit it cancels.
  std::string credited_reference;
  std::vector<DayDelivery> deliveries;
  // The catalog tariff for the assignment's product and basis on the first
  // day of the product period, looked up by the service; nothing when the
  // catalog has none, with the reason in `tariff_problem`.
  std::optional<int64_t> catalog_tariff_cents;
  std::string tariff_problem;
};

// ---------------------------------------------------------------------------
// What the store knows: the approved lines of the past, as running totals
// and day records. The service loads the entries the declaration touches;
// CheckDeclaration adds every line it approves, so later lines of the same
// declaration see earlier ones, and the service writes the entries back.

// An earlier line of the same provider, by reference.
struct StoredLine {
  std::string assignment_number;
  // What a credit must repeat of its debit besides the fields below.
  std::string client_bsn;
  std::string product_category;
  std::string product_code;
  int unit = 0;
  int64_t tariff_cents = 0;
  Period period;
  int64_t volume = 0;
  int64_t amount_cents = 0;
  // The quantity of the line's day detail delivered as digital contact
  // (S2-02); a credit subtracts it from the assignment's total.
  int64_t digital_volume = 0;
  bool credit = false;
  bool approved = false;
  // For an approved debit: an approved credit cancels it.
  bool credited = false;
};

// Approved volume and amount on one assignment, credits subtracted.
struct AssignmentTotal {
  int64_t volume = 0;
  int64_t amount_cents = 0;
  int64_t digital_volume = 0;
  int64_t lines = 0;

  bool operator==(const AssignmentTotal&) const = default;
};

// A client's approved quantity of one product of one catalog in a calendar
// year: (bsn, catalog, product, year).
using ClientYearKey = std::tuple<std::string, std::string, std::string, int>;

// An approved delivery of the client on one day, from line detail.
struct DeliveryRecord {
  std::string client_bsn;
  std::string catalog;
  std::string product;
  // The line it came from: a credit of that line removes it.
  std::string reference;
  DayDelivery delivery;
};

struct Ledger {
  // Earlier lines of the provider whose references the declaration uses,
  // as a line's own reference or as a credited reference.
  std::map<std::string, StoredLine> lines;
  // (assignment number, first day of the product period) of approved
  // debits that are not credited (TR389).
  std::set<std::pair<std::string, Date>> open_debits;
  std::map<std::string, AssignmentTotal> assignment_totals;
  std::map<ClientYearKey, int64_t> client_year_quantity;
  // Deliveries of the declaration's clients from six weeks before to six
  // weeks after the declared month (weekly caps, stays, transport days,
  // overlaps).
  std::vector<DeliveryRecord> deliveries;
  // References of approved credits' debits whose deliveries are gone.
  std::set<std::string> removed_delivery_references;
};

// The verdict of one line.
struct LineOutcome {
  bool approved = false;
  std::vector<LineViolation> violations;
  // Guidelines exceeded (advisory caps, session length): reported only.
  std::vector<LineViolation> notices;
};

// The header of the declaration being checked.
struct DeclarationHeader {
  std::string provider_agb;
  std::string municipality;
  // The declared calendar month, first to last day.
  Period month;
  // The day of submission: no care after it can have been given (TR137).
  Date today = Date::max();
};

// ---------------------------------------------------------------------------
// The volume an assignment allows in a product period, iWmo counting
// (TR321), for an assignment running over `assignment`; the period is
// clipped to the assignment first (nothing shared: 0):
// - per day: volume x days;
// - per week: volume x the number of distinct ISO weeks the period touches;
//   for product category "01" always 6 x volume (per calendar month
//   touched, for windows longer than a product period); for output-based units
//   (stuks output, 82) volume x the Sundays in the period;
// - per month: volume x the calendar months the period touches;
// - total: the whole volume.
// Saturates at the int64 maximum.
int64_t DeclarableVolume(int64_t volume, Frequency frequency, int unit,
                         const std::string& category, const Period& assignment,
                         const Period& period);

// An ISO 8601 week: weeks run Monday to Sunday and week 1 of a year is the
// one holding its first Thursday, so 2027-01-01 lies in 2026-W53.
struct IsoWeek {
  int year = 0;
  int week = 0;

  bool operator==(const IsoWeek&) const = default;
};
IsoWeek IsoWeekNumber(Date day);

// The distinct ISO weeks (year, week) that `period` touches.
int CountIsoWeeks(const Period& period);

// The Sundays in `period`.
int CountSundays(const Period& period);

// Checks every line of a declaration in order, credits before debits, and
// returns one outcome per line (same order as `lines`). Debits of products
// billable only on days of attendance come last, so they see the attendance
// lines of the same declaration wherever those stand. Every violation of
// a line is reported, not only the first. Approved lines are added to
// `ledger`. `assignments` maps assignment numbers to what the assignment
// service returned; an absent number is TR338.
//
// Rules: TR137, TR304, TR307, TR308, TR314, TR319, TR321, TR322, TR323,
// TR335, TR338, TR339, TR340, TR341, TR346, TR369, TR384, TR387, TR388,
// TR389, TR390, TR418, and the product's billing rules (caps per day, week,
// month, calendar year and assignment; contiguous stays; no-shows; once per
// day; qualifying cover on every day of care; attendance days; concurrency;
// digital share; delivery windows; session length) plus DC-DETAIL: day detail
// that does not add up to the volume or lies outside the product period.
std::vector<LineOutcome> CheckDeclaration(
    const DeclarationHeader& header, const std::vector<DeclaredLine>& lines,
    const std::map<std::string, AssignmentFacts>& assignments, Ledger& ledger);

// The clients of `lines` whose checks read what other providers'
// declarations change: those with day detail (their deliveries of every
// provider) and those under a cap per calendar year (their yearly counts).
// Everything else a declaration reads is its provider's own. Declarations
// of different providers that share none of these clients can be checked
// and stored side by side.
std::set<std::string> ClientsSharedWithOtherProviders(
    const std::vector<DeclaredLine>& lines,
    const std::map<std::string, AssignmentFacts>& assignments);

}  // namespace wmo::rules

#endif  // WMO_LIBS_RULES_DECLARATION_H_
