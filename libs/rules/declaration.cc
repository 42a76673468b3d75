// Every check of a declaration line, one function each, in the order
// CheckDeclaration runs them (declaration.h lists them). Over 600 lines on
// purpose: the TR rules of iWmo and the billing rules of five catalogs read
// together, and no rule needs another file to be understood.
#include "libs/rules/declaration.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "libs/rules/stays.h"

namespace wmo::rules {
namespace {

// ---------------------------------------------------------------------------
// Small helpers.

int64_t Saturate(absl::int128 value) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (value > absl::int128(kMax)) return kMax;
  if (value < absl::int128(kMin)) return kMin;
  return static_cast<int64_t>(value);
}

std::string FormatIsoWeek(Date day) {
  const IsoWeek week = IsoWeekNumber(day);
  return absl::StrFormat("%04d-W%02d", week.year, week.week);
}

std::string FormatPeriod(const Period& period) {
  return absl::StrCat(FormatDate(period.from), " to ", FormatDate(period.to));
}

std::string FormatMinute(int minute) {
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}

std::string DeliveryField(size_t index) {
  return absl::StrCat("deliveries[", index, "]");
}

std::string DeliveryField(size_t index, absl::string_view member) {
  return absl::StrCat("deliveries[", index, "].", member);
}

// An iWmo technical rule and its return code from retourcodes.tsv.
struct IwmoRule {
  const char* id;
  const char* code;
};

constexpr IwmoRule kTr304{"TR304", "8187"};
constexpr IwmoRule kTr307{"TR307", "9307"};
constexpr IwmoRule kTr308{"TR308", "9308"};
constexpr IwmoRule kTr314{"TR314", "8021"};
// TR137 and TR335 have no code of their own: the official validation (the
// iWmo stylesheet) checks them, and a message it faults is rejected for
// technical reasons (0001).
constexpr IwmoRule kTr137{"TR137", "0001"};
// Care is declared within 60 months of its end.
constexpr IwmoRule kTr335{"TR335", "0001"};
constexpr int kDeclarableMonths = 60;
constexpr IwmoRule kTr319{"TR319", "9319"};
constexpr IwmoRule kCs337{"CS337", "0001"};
constexpr IwmoRule kTr321{"TR321", "9321"};
constexpr IwmoRule kTr322{"TR322", "9322"};
constexpr IwmoRule kTr323{"TR323", "8017"};
constexpr IwmoRule kTr338{"TR338", "9338"};
constexpr IwmoRule kTr339{"TR339", "9339"};
constexpr IwmoRule kTr340{"TR340", "9340"};
constexpr IwmoRule kTr341{"TR341", "9341"};
constexpr IwmoRule kTr346{"TR346", "9346"};
constexpr IwmoRule kTr369{"TR369", "9369"};
constexpr IwmoRule kTr384{"TR384", "9384"};
constexpr IwmoRule kTr387{"TR387", "9387"};
constexpr IwmoRule kTr388{"TR388", "9388"};
constexpr IwmoRule kTr389{"TR389", "9389"};
constexpr IwmoRule kTr390{"TR390", "9390"};
constexpr IwmoRule kTr418{"TR418", "0611"};
// No technical rule: the message is rejected for technical reasons, as for a
// breach of the schema (retourcodes.tsv lists 0001 without a rule). The
// closest code of what is malformed, never a violation's own rule.
constexpr IwmoRule kTechnical{"-", "0001"};

constexpr char kDetailRule[] = "DC-DETAIL";

// What to do about too much: lower `what` to what is left, or when nothing
// is (never "at most 0") say so and what used it up.
std::string LowerTo(absl::string_view what, absl::int128 left,
                    absl::string_view suffix, absl::string_view used_up_by) {
  if (left > 0) {
    return absl::StrCat("lower the ", what, " to at most ", Saturate(left),
                        suffix);
  }
  return absl::StrCat("nothing is left: ", used_up_by,
                      "; leave this line out, or credit an earlier one first");
}

LineViolation Violation(const IwmoRule& rule, std::string field,
                        std::string message) {
  return {rule.id, rule.code, std::move(field), std::move(message)};
}

// A catalog (S…) or service (DC-…) rule has no iWmo return code of its own:
// it keeps its id and answers with the code of `closest`, the technical rule
// its check is nearest to, so that every rejected line has a WJ001 code.
LineViolation Violation(const std::string& rule_id, const IwmoRule& closest,
                        std::string field, std::string message) {
  return {rule_id, closest.code, std::move(field), std::move(message)};
}

// ---------------------------------------------------------------------------
// The client's deliveries per product, by day.

// What a client received of one product on one day; no-shows never count.
struct DayTotal {
  int64_t quantity = 0;
  int64_t deliveries = 0;
  // [start, end) minutes of the deliveries that had times; an end before the
  // start runs into the next day.
  std::vector<std::pair<int, int>> times;
  // For this line's own days: the first delivery of the day (field paths).
  size_t first_index = 0;
};

using DayMap = std::map<Date, DayTotal>;

// A client's product: (bsn, catalog, product). Looked up by views, so a
// look-up allocates nothing.
using ProductKey = std::tuple<std::string, std::string, std::string>;
using ProductKeyView =
    std::tuple<std::string_view, std::string_view, std::string_view>;

struct ProductKeyLess {
  using is_transparent = void;
  static ProductKeyView View(const ProductKey& key) {
    return {std::get<0>(key), std::get<1>(key), std::get<2>(key)};
  }
  static ProductKeyView View(const ProductKeyView& key) { return key; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return View(a) < View(b);
  }
};

using DeliveryIndex = std::map<ProductKey, DayMap, ProductKeyLess>;

DayMap& DaysOf(DeliveryIndex& index, const std::string& bsn,
               const std::string& catalog, const std::string& product) {
  auto it = index.find(ProductKeyView{bsn, catalog, product});
  if (it == index.end()) {
    it = index.emplace(ProductKey{bsn, catalog, product}, DayMap()).first;
  }
  return it->second;
}

void AddDelivery(const DayDelivery& delivery, DayMap& days) {
  if (delivery.no_show) return;
  DayTotal& total = days[delivery.date];
  total.quantity += delivery.quantity;
  total.deliveries += 1;
  if (delivery.start_minute >= 0 && delivery.end_minute >= 0) {
    total.times.emplace_back(delivery.start_minute, delivery.end_minute);
  }
}

// The days of the stored deliveries together with the line being checked,
// without copying either.
class ClientDays {
 public:
  ClientDays(const DayMap* stored, const DayMap& line)
      : stored_(stored), line_(line) {}

  bool Attended(Date day) const {
    return Has(line_, day) || (stored_ != nullptr && Has(*stored_, day));
  }

  int64_t QuantityIn(const Period& period) const {
    absl::int128 sum = Sum(line_, period);
    if (stored_ != nullptr) sum += Sum(*stored_, period);
    return Saturate(sum);
  }

  // Distinct days with a delivery.
  int64_t DaysWithDeliveryIn(const Period& period) const {
    int64_t count = 0;
    for (Date day = period.from; day <= period.to; ++day) {
      if (Attended(day)) ++count;
    }
    return count;
  }

  // The run of consecutive days with a delivery that holds `day`, which must
  // have one. Walks at most `limit` days each way beyond `day`.
  Period RunAround(Date day, int64_t limit) const {
    return rules::RunAround([this](Date d) { return Attended(d); }, day, limit);
  }

  // The week's days with a delivery are one stay of at most `max_days`.
  bool WithinOneStay(const Period& week, int max_days) const {
    return rules::WithinOneStay([this](Date d) { return Attended(d); }, week,
                                max_days);
  }

 private:
  static bool Has(const DayMap& days, Date day) {
    auto it = days.find(day);
    return it != days.end() && it->second.deliveries > 0;
  }
  static absl::int128 Sum(const DayMap& days, const Period& period) {
    absl::int128 sum = 0;
    for (auto it = days.lower_bound(period.from);
         it != days.end() && it->first <= period.to; ++it) {
      sum += it->second.quantity;
    }
    return sum;
  }

  const DayMap* stored_;
  const DayMap& line_;
};

// A delivery as minutes since 1970-01-01 00:00, [start, end).
struct Span {
  int64_t start;
  int64_t end;
};

Span SpanOf(Date day, int start_minute, int end_minute) {
  const int64_t base = (day - Date(1970, 1, 1)) * 1440;
  const int64_t end_day = end_minute < start_minute ? 1440 : 0;
  return {base + start_minute, base + end_day + end_minute};
}

bool Overlap(const Span& a, const Span& b) {
  return a.start < b.end && b.start < a.end;
}

int DurationMinutes(const DayDelivery& delivery) {
  if (delivery.end_minute >= delivery.start_minute) {
    return delivery.end_minute - delivery.start_minute;
  }
  return delivery.end_minute + 1440 - delivery.start_minute;
}

bool FitsWindow(const std::vector<DeliveryWindow>& windows, Date day, int start,
                int end) {
  const int weekday = IsoWeekday(day);
  for (const DeliveryWindow& window : windows) {
    if (!window.weekdays.empty() &&
        std::find(window.weekdays.begin(), window.weekdays.end(), weekday) ==
            window.weekdays.end()) {
      continue;
    }
    if (window.start_minute <= start && end <= window.end_minute) return true;
  }
  return false;
}

// A delivery lies inside the windows when each of its parts does: the part
// on its own date and, past midnight, the part on the next day.
bool InsideWindows(const std::vector<DeliveryWindow>& windows,
                   const DayDelivery& delivery) {
  if (delivery.end_minute >= delivery.start_minute) {
    return FitsWindow(windows, delivery.date, delivery.start_minute,
                      delivery.end_minute);
  }
  if (!FitsWindow(windows, delivery.date, delivery.start_minute, 1440)) {
    return false;
  }
  return delivery.end_minute == 0 ||
         FitsWindow(windows, delivery.date + 1, 0, delivery.end_minute);
}

std::string CapWindowName(CapWindow window) {
  switch (window) {
    case CapWindow::kDay:
      return "day";
    case CapWindow::kWeek:
      return "week";
    case CapWindow::kMonth:
      return "month";
    case CapWindow::kCalendarYear:
      return "calendar year";
    case CapWindow::kAssignment:
      return "assignment";
  }
  return "window";
}

// Whether a line in `unit` counts towards the product's quantities.
bool InProductUnit(const ProductBilling& billing, int unit) {
  return billing.unit == 0 || billing.unit == unit;
}

// What the ledger keeps of a checked line.
StoredLine Stored(const DeclaredLine& line, int64_t digital, bool approved) {
  return StoredLine{.assignment_number = line.assignment_number,
                    .client_bsn = line.client_bsn,
                    .product_category = line.product_category,
                    .product_code = line.product_code,
                    .unit = line.unit,
                    .tariff_cents = line.tariff_cents,
                    .period = line.period,
                    .volume = line.volume,
                    .amount_cents = line.amount_cents,
                    .digital_volume = digital,
                    .credit = line.credit,
                    .approved = approved};
}

// A dependent product's care on days the client has no qualifying
// assignment: each day of the line's detail, or without detail its whole
// product period (what the line bills may lie on any of its days).
void CheckQualifyingCover(const DeclaredLine& line,
                          const QualifyingCover& cover, const DayMap& line_days,
                          std::vector<LineViolation>& v) {
  if (cover.rule_id.empty()) return;
  const std::string products = absl::StrJoin(cover.products, ", ");
  if (line.deliveries.empty()) {
    const std::optional<Date> first =
        FirstUncovered(line.period, cover.periods);
    if (!first) return;
    v.push_back(Violation(
        cover.rule_id, kTr338,
        *first == line.period.from ? "start_date" : "end_date",
        absl::StrCat("on ", FormatDate(*first),
                     ", a day of the product period, the client has no "
                     "assignment of ",
                     products,
                     ", which this product goes only together with; give "
                     "the line day detail of the days that had one")));
    return;
  }
  for (const auto& [day, total] : line_days) {
    if (!FirstUncovered(Period{day, day}, cover.periods)) continue;
    v.push_back(Violation(
        cover.rule_id, kTr338, DeliveryField(total.first_index, "date"),
        absl::StrCat("on ", FormatDate(day),
                     " the client has no assignment of ", products,
                     ", which this product goes only together with; leave "
                     "this day out")));
  }
}

// ---------------------------------------------------------------------------
// The checks, over one declaration.

class DeclarationChecker {
 public:
  DeclarationChecker(const DeclarationHeader& header,
                     const std::map<std::string, AssignmentFacts>& assignments,
                     Ledger& ledger)
      : header_(header), assignments_(assignments), ledger_(ledger) {}

  const AssignmentFacts* FindAssignment(const std::string& number) const {
    auto it = assignments_.find(number);
    return it == assignments_.end() ? nullptr : &it->second;
  }

  LineOutcome CheckCredit(const DeclaredLine& line);
  // Drops the deliveries of the debits credited so far and indexes the
  // remaining ones by client and product. Call between credits and debits.
  void IndexDeliveries();
  LineOutcome CheckDebit(const DeclaredLine& line);

 private:
  // TR314: true (and a violation) when the reference was used before.
  bool CheckReferenceUnused(const DeclaredLine& line,
                            std::vector<LineViolation>& out) const;
  void CheckAssignment(const DeclaredLine& line, const AssignmentFacts& a,
                       std::vector<LineViolation>& out) const;
  void CheckDetail(const DeclaredLine& line,
                   std::vector<LineViolation>& out) const;
  void CheckBilling(const DeclaredLine& line, const AssignmentFacts& a,
                    const ProductBilling& billing, const DayMap& line_days,
                    LineOutcome& out) const;
  void CheckCap(const DeclaredLine& line, const AssignmentFacts& a,
                const ProductBilling& billing, const QuantityCap& cap,
                const ClientDays& days, const DayMap& line_days,
                LineOutcome& out) const;
  const DayMap* FindDays(const std::string& bsn, const std::string& catalog,
                         const std::string& product) const;
  void Approve(const DeclaredLine& line, const AssignmentFacts* a,
               int64_t digital);

  const DeclarationHeader& header_;
  const std::map<std::string, AssignmentFacts>& assignments_;
  Ledger& ledger_;
  // Debits credited by this declaration, whose deliveries go.
  std::set<std::string> credited_;
  DeliveryIndex index_;
};

bool DeclarationChecker::CheckReferenceUnused(
    const DeclaredLine& line, std::vector<LineViolation>& v) const {
  if (!ledger_.lines.contains(line.reference)) return false;
  v.push_back(Violation(
      kTr314, "reference",
      absl::StrCat("reference ", line.reference,
                   " was used before by this provider; give the line a new "
                   "reference")));
  return true;
}

LineOutcome DeclarationChecker::CheckCredit(const DeclaredLine& line) {
  LineOutcome out;
  std::vector<LineViolation>& v = out.violations;
  const bool duplicate = CheckReferenceUnused(line, v);

  StoredLine* debit = nullptr;
  if (line.credited_reference.empty()) {
    v.push_back(Violation(kTr323, "credited_reference",
                          "a credit line must name the debit line it cancels; "
                          "fill in the reference of that debit line"));
  } else {
    auto it = ledger_.lines.find(line.credited_reference);
    if (it == ledger_.lines.end() || it->second.credit ||
        !it->second.approved) {
      v.push_back(Violation(
          kTr323, "credited_reference",
          absl::StrCat("no approved debit line with reference ",
                       line.credited_reference,
                       " is known; credit an approved debit line of this "
                       "provider")));
    } else {
      debit = &it->second;
      if (debit->assignment_number != line.assignment_number) {
        v.push_back(Violation(
            kTr323, "assignment_number",
            absl::StrCat("the credit names assignment ", line.assignment_number,
                         " but debit line ", line.credited_reference,
                         " billed assignment ", debit->assignment_number,
                         "; copy the assignment number of the debit line")));
      }
      if (debit->period.from != line.period.from) {
        v.push_back(Violation(
            kTr323, "start_date",
            absl::StrCat("the credit starts on ", FormatDate(line.period.from),
                         " but debit line ", line.credited_reference,
                         " started on ", FormatDate(debit->period.from),
                         "; copy the start date of the debit line")));
      }
      if (debit->period.to != line.period.to) {
        v.push_back(Violation(
            kTr323, "end_date",
            absl::StrCat("the credit ends on ", FormatDate(line.period.to),
                         " but debit line ", line.credited_reference,
                         " ended on ", FormatDate(debit->period.to),
                         "; copy the end date of the debit line")));
      }
      auto differs = [&](absl::string_view field, const std::string& mine,
                         const std::string& theirs) {
        if (mine == theirs) return;
        v.push_back(Violation(
            kTr323, std::string(field),
            absl::StrCat("the credit has ", field, " ", mine,
                         " but debit line ", line.credited_reference, " had ",
                         theirs, "; copy it from the debit line")));
      };
      // The client's BSN is compared but never quoted.
      if (debit->client_bsn != line.client_bsn) {
        v.push_back(Violation(kTr323, "client_bsn",
                              absl::StrCat("the credit names another client "
                                           "than debit line ",
                                           line.credited_reference,
                                           "; copy the client of the debit "
                                           "line")));
      }
      differs("product_category", line.product_category,
              debit->product_category);
      differs("product_code", line.product_code, debit->product_code);
      differs("unit", absl::StrCat(line.unit), absl::StrCat(debit->unit));
      differs("tariff_cents", absl::StrCat(line.tariff_cents),
              absl::StrCat(debit->tariff_cents));
      if (debit->volume != line.volume) {
        v.push_back(Violation(
            kTr323, "volume",
            absl::StrCat("the credit has volume ", line.volume,
                         " but debit line ", line.credited_reference,
                         " had volume ", debit->volume,
                         "; credit the whole volume of the debit line")));
      }
      if (debit->amount_cents != line.amount_cents) {
        v.push_back(Violation(
            kTr323, "amount_cents",
            absl::StrCat("the credit has amount ", line.amount_cents,
                         " cents but debit line ", line.credited_reference,
                         " had ", debit->amount_cents,
                         " cents; credit the whole amount of the debit line")));
      }
      if (debit->credited) {
        v.push_back(Violation(
            kTr390, "credited_reference",
            absl::StrCat("debit line ", line.credited_reference,
                         " has been credited already; remove this credit "
                         "line")));
      }
    }
  }

  out.approved = v.empty();
  if (!duplicate) {
    ledger_.lines.emplace(line.reference, Stored(line, 0, out.approved));
  }
  if (!out.approved) return out;

  debit->credited = true;
  ledger_.open_debits.erase({debit->assignment_number, debit->period.from});
  AssignmentTotal& total = ledger_.assignment_totals[debit->assignment_number];
  total.volume -= debit->volume;
  total.amount_cents -= debit->amount_cents;
  total.digital_volume -= debit->digital_volume;
  total.lines -= 1;
  if (const AssignmentFacts* a = FindAssignment(debit->assignment_number);
      a != nullptr && a->billing != nullptr &&
      InProductUnit(*a->billing, debit->unit)) {
    ledger_.client_year_quantity[{
        debit->client_bsn, a->billing->catalog, a->billing->product,
        static_cast<int>(debit->period.from.year())}] -= debit->volume;
  }
  credited_.insert(line.credited_reference);
  ledger_.removed_delivery_references.insert(line.credited_reference);
  return out;
}

void DeclarationChecker::IndexDeliveries() {
  if (!credited_.empty()) {
    std::erase_if(ledger_.deliveries, [&](const DeliveryRecord& record) {
      return credited_.contains(record.reference);
    });
  }
  for (const DeliveryRecord& record : ledger_.deliveries) {
    if (ledger_.removed_delivery_references.contains(record.reference)) {
      continue;
    }
    AddDelivery(record.delivery, DaysOf(index_, record.client_bsn,
                                        record.catalog, record.product));
  }
}

const DayMap* DeclarationChecker::FindDays(const std::string& bsn,
                                           const std::string& catalog,
                                           const std::string& product) const {
  auto it = index_.find(ProductKeyView{bsn, catalog, product});
  return it == index_.end() ? nullptr : &it->second;
}

void DeclarationChecker::CheckAssignment(const DeclaredLine& line,
                                         const AssignmentFacts& a,
                                         std::vector<LineViolation>& v) const {
  if (line.client_bsn != a.client_bsn) {
    v.push_back(Violation(
        kTr304, "client_bsn",
        absl::StrCat("the client of the line is not the client of assignment ",
                     a.number,
                     "; declare the line on the assignment of this client")));
  }
  if (line.product_category != a.product_category) {
    v.push_back(
        Violation(kTr339, "product_category",
                  absl::StrCat("product category ", line.product_category,
                               " differs from category ", a.product_category,
                               " of assignment ", a.number, "; use ",
                               a.product_category)));
  }
  if (line.product_code != a.product_code) {
    v.push_back(Violation(
        kTr340, "product_code",
        absl::StrCat("product code ", line.product_code, " differs from code ",
                     a.product_code, " of assignment ", a.number, "; use ",
                     a.product_code)));
  }
  if (line.unit != a.unit) {
    v.push_back(
        Violation(kTr341, "unit",
                  absl::StrCat("unit ", line.unit, " differs from unit ",
                               a.unit, " of assignment ", a.number,
                               "; declare in unit ", a.unit)));
  }
  if (!a.period.Contains(line.period.from)) {
    v.push_back(Violation(
        kTr307, "start_date",
        absl::StrCat("the product period starts on ",
                     FormatDate(line.period.from),
                     ", outside assignment period ", FormatPeriod(a.period),
                     "; start the line within the assignment period")));
  }
  if (!a.period.Contains(line.period.to)) {
    v.push_back(Violation(
        kTr308, "end_date",
        absl::StrCat("the product period ends on ", FormatDate(line.period.to),
                     ", outside assignment period ", FormatPeriod(a.period),
                     "; end the line within the assignment period")));
  }
  if (line.period.from.day() != 1 && line.period.from != a.period.from) {
    v.push_back(
        Violation(kTr387, "start_date",
                  absl::StrCat("the product period starts on ",
                               FormatDate(line.period.from),
                               "; start it on the first of the month or on the "
                               "assignment start ",
                               FormatDate(a.period.from))));
  }
  if ((line.period.to + 1).day() != 1 && line.period.to != a.period.to) {
    v.push_back(Violation(
        kTr388, "end_date",
        absl::StrCat("the product period ends on ", FormatDate(line.period.to),
                     "; end it on the last day of the month or on the "
                     "assignment end ",
                     FormatDate(a.period.to))));
  }

  if (a.budget_cents == 0) {
    if (!line.catalog_tariff_cents.has_value()) {
      v.push_back(Violation(
          kTr418, "tariff_cents",
          absl::StrCat("no contract tariff is known for this product on ",
                       FormatDate(line.period.from), ": ", line.tariff_problem,
                       "; ask the municipality to record the tariff")));
    } else if (*line.catalog_tariff_cents != line.tariff_cents) {
      v.push_back(Violation(
          kTr418, "tariff_cents",
          absl::StrCat("tariff ", line.tariff_cents,
                       " cents differs from the contract tariff of ",
                       *line.catalog_tariff_cents, " cents; declare at ",
                       *line.catalog_tariff_cents, " cents")));
    }

    const int64_t limit =
        DeclarableVolume(a.volume, a.frequency, a.unit, a.product_category,
                         a.period, line.period);
    if (line.volume > limit) {
      v.push_back(
          Violation(kTr321, "volume",
                    absl::StrCat("volume ", line.volume, " exceeds the ", limit,
                                 " assignment ", a.number,
                                 " allows in the product period ",
                                 FormatPeriod(line.period), "; ",
                                 LowerTo("volume", limit, "",
                                         "the assignment allows none in "
                                         "this period"))));
    }
    const int64_t whole = DeclarableVolume(
        a.volume, a.frequency, a.unit, a.product_category, a.period, a.period);
    int64_t before = 0;
    if (auto it = ledger_.assignment_totals.find(a.number);
        it != ledger_.assignment_totals.end()) {
      before = it->second.volume;
    }
    if (absl::int128(before) + line.volume > whole) {
      v.push_back(Violation(
          kTr322, "volume",
          absl::StrCat("with volume ", line.volume, " the approved volume on ",
                       "assignment ", a.number, " would exceed its total of ",
                       whole, " (", before, " approved before); ",
                       LowerTo("volume", absl::int128(whole) - before, "",
                               absl::StrCat("the ", before,
                                            " approved before use it all")))));
    }
  } else {
    int64_t before = 0;
    if (auto it = ledger_.assignment_totals.find(a.number);
        it != ledger_.assignment_totals.end()) {
      before = it->second.amount_cents;
    }
    if (absl::int128(before) + line.amount_cents > a.budget_cents) {
      v.push_back(Violation(
          kTr369, "amount_cents",
          absl::StrCat(
              "with ", line.amount_cents, " cents the approved ",
              "amount on assignment ", a.number, " would exceed its budget of ",
              a.budget_cents, " cents (", before, " approved before); ",
              LowerTo("amount", absl::int128(a.budget_cents) - before, " cents",
                      absl::StrCat("the ", before,
                                   " cents approved before use it all")))));
    }
  }
}

void DeclarationChecker::CheckDetail(const DeclaredLine& line,
                                     std::vector<LineViolation>& v) const {
  if (line.deliveries.empty()) return;
  absl::int128 sum = 0;
  for (size_t i = 0; i < line.deliveries.size(); ++i) {
    const DayDelivery& delivery = line.deliveries[i];
    if (!line.period.Contains(delivery.date)) {
      v.push_back(
          Violation(kDetailRule, kTechnical, DeliveryField(i, "date"),
                    absl::StrCat("delivery date ", FormatDate(delivery.date),
                                 " lies outside the product period ",
                                 FormatPeriod(line.period),
                                 "; declare it on the line of its own month")));
    }
    if (delivery.no_show ? delivery.quantity < 0 : delivery.quantity <= 0) {
      v.push_back(Violation(
          kDetailRule, kTechnical, DeliveryField(i, "quantity"),
          absl::StrCat("the delivery on ", FormatDate(delivery.date),
                       " has quantity ", delivery.quantity,
                       "; give a quantity above 0 or leave the day out")));
    }
    if (!delivery.no_show) sum += delivery.quantity;
  }
  if (sum != line.volume) {
    v.push_back(Violation(
        kDetailRule, kTechnical, "deliveries",
        absl::StrCat("the delivered quantities add up to ", Saturate(sum),
                     " but the volume is ", line.volume,
                     "; make the day detail add up to the volume")));
  }
}

void DeclarationChecker::CheckCap(
    const DeclaredLine& line, const AssignmentFacts& a,
    const ProductBilling& billing, const QuantityCap& cap,
    const ClientDays& days, const DayMap& line_days, LineOutcome& out) const {
  // Quantities in another unit (a budget line in euros) are not capped.
  if (!cap.counts_days && !InProductUnit(billing, line.unit)) return;
  const int64_t max = cap.max_quantity;
  const std::string what = cap.counts_days ? "days" : "units";
  // A cap on the whole assignment is nearest to TR322 (the sum of its
  // lines), any other to TR321 (too much volume in a period).
  const IwmoRule& closest =
      cap.window == CapWindow::kAssignment ? kTr322 : kTr321;
  // `before` is what the client had in the window without this line, when
  // the cap counts quantities: the line may add at most max - before.
  auto report = [&](std::string field, const std::string& situation,
                    std::optional<absl::int128> before) {
    std::string message = absl::StrCat(
        situation, " of product ", billing.product, ", more than the ",
        cap.advisory ? "guideline" : "maximum", " of ", max, " ", what, " per ",
        CapWindowName(cap.window));
    if (cap.advisory) {
      absl::StrAppend(&message,
                      "; reported only, keep to the guideline where you can");
      out.notices.push_back(
          Violation(cap.rule_id, closest, std::move(field), message));
      return;
    }
    if (before.has_value()) {
      absl::StrAppend(&message, "; ",
                      LowerTo("quantity of this line there", max - *before, "",
                              absl::StrCat("the client's other ", what,
                                           " there use all ", max)));
    } else {
      absl::StrAppend(&message, "; leave out the days beyond the maximum");
    }
    out.violations.push_back(
        Violation(cap.rule_id, closest, std::move(field), message));
  };
  const bool detail = !line.deliveries.empty();

  switch (cap.window) {
    case CapWindow::kCalendarYear: {
      if (cap.counts_days) return;
      const int year = static_cast<int>(line.period.from.year());
      int64_t before = 0;
      if (auto it = ledger_.client_year_quantity.find(
              {line.client_bsn, billing.catalog, billing.product, year});
          it != ledger_.client_year_quantity.end()) {
        before = it->second;
      }
      const absl::int128 total = absl::int128(before) + line.volume;
      if (total > max) {
        report("volume",
               absl::StrCat("in ", year, " the client would have ",
                            Saturate(total), " ", what, " (", before,
                            " approved before)"),
               before);
      }
      return;
    }
    case CapWindow::kAssignment: {
      if (cap.counts_days) return;
      int64_t before = 0;
      if (auto it = ledger_.assignment_totals.find(a.number);
          it != ledger_.assignment_totals.end()) {
        before = it->second.volume;
      }
      const absl::int128 total = absl::int128(before) + line.volume;
      if (total > max) {
        report("volume",
               absl::StrCat("on assignment ", a.number,
                            " the client would have ", Saturate(total), " ",
                            what, " (", before, " approved before)"),
               before);
      }
      return;
    }
    case CapWindow::kMonth: {
      if (!detail) {
        if (cap.counts_days) return;
        const Period month = CalendarMonthOf(line.period.from);
        const int64_t before = days.QuantityIn(month);  // stored detail only
        const absl::int128 total = absl::int128(before) + line.volume;
        if (total > max) {
          report("volume",
                 absl::StrCat("in the month from ", FormatPeriod(month),
                              " the client would have ", Saturate(total), " ",
                              what),
                 before);
        }
        return;
      }
      std::optional<Date> done;
      for (const auto& [day, total] : line_days) {
        if (done && day <= *done) continue;
        const Period month = CalendarMonthOf(day);
        done = month.to;
        const int64_t amount = cap.counts_days ? days.DaysWithDeliveryIn(month)
                                               : days.QuantityIn(month);
        if (amount > max) {
          std::optional<absl::int128> before;
          if (!cap.counts_days) {
            before = absl::int128(amount) -
                     ClientDays(nullptr, line_days).QuantityIn(month);
          }
          report(DeliveryField(total.first_index),
                 absl::StrCat("in the month from ", FormatPeriod(month),
                              " the client would have ", amount, " ", what),
                 before);
        }
      }
      return;
    }
    case CapWindow::kWeek: {
      if (!detail) return;
      std::optional<Date> done;
      for (const auto& [day, total] : line_days) {
        if (done && day <= *done) continue;
        const Period week = IsoWeekOf(day);
        done = week.to;
        const int64_t amount = cap.counts_days ? days.DaysWithDeliveryIn(week)
                                               : days.QuantityIn(week);
        if (amount <= max) continue;
        if (cap.waived_for_contiguous_stay &&
            days.WithinOneStay(week, billing.contiguous_max_days)) {
          continue;
        }
        std::optional<absl::int128> before;
        if (!cap.counts_days) {
          before = absl::int128(amount) -
                   ClientDays(nullptr, line_days).QuantityIn(week);
        }
        std::string situation = absl::StrCat(
            "in ISO week ", FormatIsoWeek(day), " (", FormatPeriod(week),
            ") the client would have ", amount, " ", what);
        if (cap.waived_for_contiguous_stay) {
          absl::StrAppend(&situation,
                          " outside one contiguous stay of at most ",
                          billing.contiguous_max_days, " days");
        }
        report(DeliveryField(total.first_index), situation, before);
      }
      return;
    }
    case CapWindow::kDay: {
      if (!detail) return;
      for (const auto& [day, total] : line_days) {
        const int64_t amount =
            cap.counts_days ? 1 : days.QuantityIn(Period{day, day});
        if (amount > max) {
          report(DeliveryField(total.first_index),
                 absl::StrCat("on ", FormatDate(day), " the client would have ",
                              amount, " ", what),
                 cap.counts_days ? std::nullopt
                                 : std::optional<absl::int128>(
                                       absl::int128(amount) - total.quantity));
        }
      }
      return;
    }
  }
}

void DeclarationChecker::CheckBilling(const DeclaredLine& line,
                                      const AssignmentFacts& a,
                                      const ProductBilling& billing,
                                      const DayMap& line_days,
                                      LineOutcome& out) const {
  std::vector<LineViolation>& v = out.violations;
  const ClientDays days(
      FindDays(line.client_bsn, billing.catalog, billing.product), line_days);
  const bool detail = !line.deliveries.empty();

  for (const QuantityCap& cap : billing.caps) {
    if (cap.max_quantity > 0 && !cap.rule_id.empty()) {
      CheckCap(line, a, billing, cap, days, line_days, out);
    }
  }

  if (detail && billing.contiguous_max_days > 0 &&
      !billing.contiguous_rule_id.empty()) {
    const int64_t max = billing.contiguous_max_days;
    std::optional<Date> done;
    for (const auto& [day, total] : line_days) {
      if (done && day <= *done) continue;
      // The whole stay, as far as the loaded deliveries reach.
      const Period run =
          days.RunAround(day, std::numeric_limits<int64_t>::max());
      done = run.to;
      if (DaysIn(run) > max) {
        v.push_back(Violation(
            billing.contiguous_rule_id, kTr321,
            DeliveryField(total.first_index),
            absl::StrCat("the stay from ", FormatPeriod(run), " lasts ",
                         DaysIn(run), " consecutive days, more than the ", max,
                         " one contiguous stay of product ", billing.product,
                         " may last; end the stay after ", max, " days")));
      }
    }
  }

  // The days of care the line claims: its deliveries, or without them its
  // whole product period.
  Period care = line.period;
  if (detail) {
    care = {line.deliveries.front().date, line.deliveries.front().date};
    for (const DayDelivery& d : line.deliveries) {
      care.from = std::min(care.from, d.date);
      care.to = std::max(care.to, d.date);
    }
  }
  for (const AgeLimit& limit : billing.age_limits) {
    if (!AgeLimitApplies(limit, a.activities) || !a.birth) continue;
    if (std::optional<std::string> problem =
            AgeProblem(limit, *a.birth, care)) {
      const bool too_young = care.from < DaysWithinAge(limit, *a.birth).from;
      v.push_back(Violation(
          limit.rule_id, too_young ? kTr307 : kTr308,
          detail ? "deliveries" : (too_young ? "start_date" : "end_date"),
          absl::StrCat("product ", billing.product,
                       " has an age bound on every day: ", *problem)));
    }
  }

  if (!billing.planned_only_rule_id.empty()) {
    for (size_t i = 0; i < line.deliveries.size(); ++i) {
      if (!line.deliveries[i].unplanned) continue;
      v.push_back(Violation(
          billing.planned_only_rule_id, kTr338, DeliveryField(i, "unplanned"),
          absl::StrCat("the delivery on ", FormatDate(line.deliveries[i].date),
                       " was at an unplanned moment; product ", billing.product,
                       " is billable at planned moments only (unplanned "
                       "support is the specialised product's)")));
    }
  }

  if (!billing.no_show_rule_id.empty()) {
    for (size_t i = 0; i < line.deliveries.size(); ++i) {
      if (!line.deliveries[i].no_show) continue;
      v.push_back(Violation(
          billing.no_show_rule_id, kTr321, DeliveryField(i, "no_show"),
          absl::StrCat("the delivery on ", FormatDate(line.deliveries[i].date),
                       " is a no-show; a no-show is not billable; leave it out "
                       "of the volume and the day detail")));
    }
  }

  // The units of this product and those counted with it over `period`.
  const auto counted = [&](const Period& period) {
    int64_t amount = days.QuantityIn(period);
    static const DayMap kNone;
    for (const std::string& other : billing.once_per_day_with) {
      amount +=
          ClientDays(FindDays(line.client_bsn, billing.catalog, other), kNone)
              .QuantityIn(period);
    }
    return amount;
  };
  // The days of a stay that one unit covers whole (S1-05); nothing when
  // `day` is not one.
  const auto stay_around = [&](Date day) -> std::optional<Period> {
    static const DayMap kNone;
    for (const std::string& stay : billing.once_per_stay_of) {
      const ClientDays stays(FindDays(line.client_bsn, billing.catalog, stay),
                             kNone);
      if (stays.Attended(day)) {
        return stays.RunAround(day, std::numeric_limits<int64_t>::max());
      }
    }
    return std::nullopt;
  };

  // Whether `day` is a day of such a stay (without walking the stay).
  const auto in_stay = [&](Date day) {
    static const DayMap kNone;
    return std::any_of(
        billing.once_per_stay_of.begin(), billing.once_per_stay_of.end(),
        [&](const std::string& stay) {
          return ClientDays(FindDays(line.client_bsn, billing.catalog, stay),
                            kNone)
              .Attended(day);
        });
  };

  std::optional<Date> stay_done;
  if (!billing.once_per_stay_rule_id.empty() &&
      InProductUnit(billing, line.unit)) {
    for (const auto& [day, total] : line_days) {
      if (stay_done && day <= *stay_done) continue;
      const std::optional<Period> stay = stay_around(day);
      if (!stay) continue;
      stay_done = stay->to;
      const int64_t amount = counted(*stay);
      if (amount > 1) {
        v.push_back(Violation(
            billing.once_per_stay_rule_id, kTr321,
            DeliveryField(total.first_index),
            absl::StrCat("the stay from ", FormatPeriod(*stay), " would have ",
                         amount, " units of product ", billing.product,
                         "; one unit covers the whole stay (there at its "
                         "start, home at its end): declare one")));
      }
    }
  }

  if (!billing.once_per_day_rule_id.empty() &&
      InProductUnit(billing, line.unit)) {
    for (const auto& [day, total] : line_days) {
      if (in_stay(day)) continue;  // counted per stay above
      const int64_t amount = counted(Period{day, day});
      if (amount > 1) {
        v.push_back(Violation(
            billing.once_per_day_rule_id, kTr321,
            DeliveryField(total.first_index),
            absl::StrCat(
                "on ", FormatDate(day), " the client would have ", amount,
                " units of product ", billing.product,
                billing.once_per_day_with.empty()
                    ? ""
                    : absl::StrCat(
                          " and ",
                          absl::StrJoin(billing.once_per_day_with, ", ")),
                ", at most 1 per day is billable; declare one per day")));
      }
    }
  }

  if (detail && !billing.only_on_attendance_of.empty() &&
      !billing.attendance_rule_id.empty()) {
    std::vector<const DayMap*> attended;
    for (const std::string& product : billing.only_on_attendance_of) {
      if (const DayMap* d = FindDays(line.client_bsn, billing.catalog, product);
          d != nullptr) {
        attended.push_back(d);
      }
    }
    for (size_t i = 0; i < line.deliveries.size(); ++i) {
      const DayDelivery& delivery = line.deliveries[i];
      if (delivery.no_show) continue;
      const bool present =
          std::any_of(attended.begin(), attended.end(), [&](const DayMap* d) {
            auto it = d->find(delivery.date);
            return it != d->end() && it->second.deliveries > 0;
          });
      if (!present) {
        v.push_back(Violation(
            billing.attendance_rule_id, kTr338, DeliveryField(i),
            absl::StrCat("on ", FormatDate(delivery.date),
                         " the client attended none of ",
                         absl::StrJoin(billing.only_on_attendance_of, ", "),
                         "; product ", billing.product,
                         " is billable only on days of attendance, leave this "
                         "day out")));
      }
    }
  }

  if (detail && !billing.not_concurrent_with.empty() &&
      !billing.not_concurrent_rule_id.empty()) {
    std::vector<std::pair<const std::string*, const DayMap*>> others;
    for (const std::string& product : billing.not_concurrent_with) {
      if (const DayMap* d = FindDays(line.client_bsn, billing.catalog, product);
          d != nullptr) {
        others.emplace_back(&product, d);
      }
    }
    for (size_t i = 0; i < line.deliveries.size() && !others.empty(); ++i) {
      const DayDelivery& delivery = line.deliveries[i];
      if (delivery.no_show || delivery.start_minute < 0 ||
          delivery.end_minute < 0) {
        continue;
      }
      const Span mine =
          SpanOf(delivery.date, delivery.start_minute, delivery.end_minute);
      const std::string* clash = nullptr;
      for (const auto& [product, d] : others) {
        for (Date day = delivery.date - 1; day <= delivery.date + 1 && !clash;
             ++day) {
          auto it = d->find(day);
          if (it == d->end()) continue;
          for (const auto& [start, end] : it->second.times) {
            if (Overlap(mine, SpanOf(day, start, end))) {
              clash = product;
              break;
            }
          }
        }
        if (clash) break;
      }
      if (clash != nullptr) {
        v.push_back(Violation(
            billing.not_concurrent_rule_id, kTr338,
            DeliveryField(i, "start_time"),
            absl::StrCat("the delivery on ", FormatDate(delivery.date),
                         " from ", FormatMinute(delivery.start_minute), " to ",
                         FormatMinute(delivery.end_minute),
                         " overlaps a delivery of product ", *clash,
                         " to the same client; product ", billing.product,
                         " cannot be delivered at the same time, correct the "
                         "times")));
      }
    }
  }

  if (billing.max_digital_percent > 0 && !billing.digital_rule_id.empty()) {
    absl::int128 digital = 0;
    std::optional<size_t> first_digital;
    for (size_t i = 0; i < line.deliveries.size(); ++i) {
      const DayDelivery& delivery = line.deliveries[i];
      if (!delivery.digital || delivery.no_show) continue;
      digital += delivery.quantity;
      if (!first_digital) first_digital = i;
    }
    // A line without digital contact only lowers the share: never refused.
    if (digital > 0) {
      AssignmentTotal before;
      if (auto it = ledger_.assignment_totals.find(a.number);
          it != ledger_.assignment_totals.end()) {
        before = it->second;
      }
      const absl::int128 all = absl::int128(before.volume) + line.volume;
      const absl::int128 digital_all = before.digital_volume + digital;
      if (digital_all * 100 > all * billing.max_digital_percent) {
        v.push_back(Violation(
            billing.digital_rule_id, kTr322,
            DeliveryField(*first_digital, "digital"),
            absl::StrCat("digital contact would be ", Saturate(digital_all),
                         " of ", Saturate(all),
                         " units delivered on assignment ", a.number,
                         ", more than ", billing.max_digital_percent,
                         "%; deliver or declare less as digital contact")));
      }
    }
  }

  if (!billing.windows.empty() && !billing.windows_rule_id.empty()) {
    for (size_t i = 0; i < line.deliveries.size(); ++i) {
      const DayDelivery& delivery = line.deliveries[i];
      if (delivery.no_show) continue;
      if (delivery.start_minute < 0 || delivery.end_minute < 0) {
        v.push_back(Violation(
            billing.windows_rule_id, kTechnical, DeliveryField(i, "start_time"),
            absl::StrCat("the delivery on ", FormatDate(delivery.date),
                         " has no times; product ", billing.product,
                         " is billable only inside its delivery windows, give "
                         "the start and end time")));
      } else if (!InsideWindows(billing.windows, delivery)) {
        v.push_back(Violation(
            billing.windows_rule_id, kTr307, DeliveryField(i, "start_time"),
            absl::StrCat("the delivery on ", FormatDate(delivery.date),
                         " from ", FormatMinute(delivery.start_minute), " to ",
                         FormatMinute(delivery.end_minute),
                         " lies outside the delivery windows of product ",
                         billing.product,
                         "; declare only what was delivered inside them")));
      }
    }
  }

  if (billing.session_minutes > 0 && !billing.session_rule_id.empty()) {
    for (size_t i = 0; i < line.deliveries.size(); ++i) {
      const DayDelivery& delivery = line.deliveries[i];
      if (delivery.no_show || delivery.start_minute < 0 ||
          delivery.end_minute < 0) {
        continue;
      }
      const absl::int128 expected =
          absl::int128(delivery.quantity) * billing.session_minutes;
      if (DurationMinutes(delivery) < expected) {
        out.notices.push_back(Violation(
            billing.session_rule_id, kTr321, DeliveryField(i, "end_time"),
            absl::StrCat("the delivery on ", FormatDate(delivery.date),
                         " lasted ", DurationMinutes(delivery),
                         " minutes, shorter than ", delivery.quantity,
                         " sessions of ", billing.session_minutes,
                         " minutes; check the times or the number of "
                         "sessions")));
      }
    }
  }
}

LineOutcome DeclarationChecker::CheckDebit(const DeclaredLine& line) {
  LineOutcome out;
  std::vector<LineViolation>& v = out.violations;
  const bool duplicate = CheckReferenceUnused(line, v);

  const AssignmentFacts* a = FindAssignment(line.assignment_number);
  if (a == nullptr) {
    v.push_back(Violation(
        kTr338, "assignment_number",
        absl::StrCat("assignment ", line.assignment_number,
                     " is not known or was not given to this provider; "
                     "declare on an assignment of this client given to "
                     "you")));
  } else if (a->provider_agb != header_.provider_agb) {
    v.push_back(Violation(
        kTr338, "assignment_number",
        absl::StrCat("assignment ", line.assignment_number,
                     " was given to another provider; declare only on your "
                     "own assignments")));
    a = nullptr;
  } else if (a->deleted) {
    // The root cause: what the deleted assignment's one-day period would
    // make of the dates and volume (TR307, TR308, TR321) follows from it and
    // is not reported besides.
    v.push_back(Violation(
        kTr384, "assignment_number",
        absl::StrCat("assignment ", line.assignment_number,
                     " was deleted (change reason 13); do not declare on it")));
    a = nullptr;
  }

  // The declared month or an earlier one (late lines), one calendar month
  // at a time, and care already given.
  if (line.period.to > header_.month.to) {
    v.push_back(Violation(
        kTr319, line.period.from > header_.month.to ? "start_date" : "end_date",
        absl::StrCat("the product period ", FormatPeriod(line.period),
                     " ends after the declared month ",
                     FormatPeriod(header_.month),
                     "; declare care in the declaration of its own month or "
                     "of a later one")));
  }
  if (absl::CivilMonth(line.period.from) != absl::CivilMonth(line.period.to)) {
    v.push_back(Violation(
        kCs337, "end_date",
        absl::StrCat("the product period ", FormatPeriod(line.period),
                     " spans more than one calendar month; declare each "
                     "month as a line of its own")));
  }
  if (header_.today != Date::max() &&
      line.period.to < AddMonths(header_.today, -kDeclarableMonths)) {
    v.push_back(Violation(
        kTr335, "end_date",
        absl::StrCat("the product period ended on ", FormatDate(line.period.to),
                     ", more than ", kDeclarableMonths,
                     " months before today (", FormatDate(header_.today),
                     "): care this old can no longer be declared")));
  }
  if (line.period.to > header_.today) {
    v.push_back(Violation(
        kTr137, "end_date",
        absl::StrCat("the product period ends on ", FormatDate(line.period.to),
                     ", after today (", FormatDate(header_.today),
                     "): declare care once it has been given")));
  }
  if (a != nullptr) CheckAssignment(line, *a, v);

  if (absl::int128(line.volume) * line.tariff_cents != line.amount_cents) {
    v.push_back(Violation(
        kTr346, "amount_cents",
        absl::StrCat("amount ", line.amount_cents, " cents is not volume ",
                     line.volume, " x tariff ", line.tariff_cents,
                     " cents; declare ",
                     Saturate(absl::int128(line.volume) * line.tariff_cents),
                     " cents")));
  }
  if (ledger_.open_debits.contains(
          {line.assignment_number, line.period.from})) {
    v.push_back(Violation(
        kTr389, "start_date",
        absl::StrCat("assignment ", line.assignment_number,
                     " already has an approved debit line for the period "
                     "starting ",
                     FormatDate(line.period.from),
                     "; credit the earlier debit line first")));
  }
  CheckDetail(line, v);

  DayMap line_days;
  int64_t digital = 0;
  for (size_t i = 0; i < line.deliveries.size(); ++i) {
    const DayDelivery& delivery = line.deliveries[i];
    if (delivery.no_show) continue;
    const bool first = !line_days.contains(delivery.date);
    AddDelivery(delivery, line_days);
    if (first) line_days[delivery.date].first_index = i;
    if (delivery.digital) digital += delivery.quantity;
  }
  if (a != nullptr && a->qualifying) {
    CheckQualifyingCover(line, *a->qualifying, line_days, v);
  }
  if (a != nullptr && a->billing != nullptr) {
    CheckBilling(line, *a, *a->billing, line_days, out);
  }

  out.approved = v.empty();
  if (!duplicate) {
    ledger_.lines.emplace(line.reference, Stored(line, digital, out.approved));
  }
  if (out.approved) Approve(line, a, digital);
  return out;
}

void DeclarationChecker::Approve(const DeclaredLine& line,
                                 const AssignmentFacts* a, int64_t digital) {
  ledger_.open_debits.insert({line.assignment_number, line.period.from});
  AssignmentTotal& total = ledger_.assignment_totals[line.assignment_number];
  total.volume += line.volume;
  total.amount_cents += line.amount_cents;
  total.digital_volume += digital;
  total.lines += 1;

  const ProductBilling* billing = a != nullptr ? a->billing : nullptr;
  static const std::string kNone;
  const std::string& catalog = billing != nullptr ? billing->catalog : kNone;
  const std::string& product = billing != nullptr ? billing->product : kNone;
  if (billing != nullptr && InProductUnit(*billing, line.unit)) {
    ledger_.client_year_quantity[{line.client_bsn, catalog, product,
                                  static_cast<int>(line.period.from.year())}] +=
        line.volume;
  }
  if (line.deliveries.empty()) return;
  DayMap* days = billing != nullptr
                     ? &DaysOf(index_, line.client_bsn, catalog, product)
                     : nullptr;
  for (const DayDelivery& delivery : line.deliveries) {
    ledger_.deliveries.push_back(
        {line.client_bsn, catalog, product, line.reference, delivery});
    if (days != nullptr) AddDelivery(delivery, *days);
  }
}

}  // namespace

IsoWeek IsoWeekNumber(Date day) {
  // The Thursday of the day's week decides the year; week 1 is the one
  // holding the year's first Thursday.
  const Date thursday = IsoWeekOf(day).from + 3;
  const int year = static_cast<int>(thursday.year());
  return {year, static_cast<int>((thursday - Date(year, 1, 1)) / 7) + 1};
}

int CountIsoWeeks(const Period& period) {
  if (period.to < period.from) return 0;
  // Every ISO (year, week) is one Monday-to-Sunday block, so the distinct
  // weeks are the distinct Mondays.
  return static_cast<int>(
      (IsoWeekOf(period.to).from - IsoWeekOf(period.from).from) / 7 + 1);
}

int CountSundays(const Period& period) {
  if (period.to < period.from) return 0;
  const Date first_sunday = period.from + (7 - IsoWeekday(period.from));
  if (first_sunday > period.to) return 0;
  return static_cast<int>((period.to - first_sunday) / 7 + 1);
}

namespace {

// The calendar months a period touches.
int64_t MonthsIn(const Period& period) {
  return absl::CivilMonth(period.to) - absl::CivilMonth(period.from) + 1;
}

}  // namespace

int64_t DeclarableVolume(int64_t volume, Frequency frequency, int unit,
                         const std::string& category, const Period& assignment,
                         const Period& period) {
  const std::optional<Period> shared = Intersect(assignment, period);
  if (!shared) return 0;
  const absl::int128 v = volume;
  switch (frequency) {
    case Frequency::kPerDay:
      return Saturate(v * DaysIn(*shared));
    case Frequency::kPerWeek:
      // Category 01 declares 6 weeks per product period, which never spans
      // more than a month; over longer windows, 6 weeks per month.
      if (category == "01") return Saturate(v * 6 * MonthsIn(*shared));
      if (unit == kUnitPiecesOutput) {
        return Saturate(v * CountSundays(*shared));
      }
      return Saturate(v * CountIsoWeeks(*shared));
    case Frequency::kPerMonth:
      return Saturate(v * MonthsIn(*shared));
    case Frequency::kTotal:
      return Saturate(v);
  }
  return 0;
}

std::vector<LineOutcome> CheckDeclaration(
    const DeclarationHeader& header, const std::vector<DeclaredLine>& lines,
    const std::map<std::string, AssignmentFacts>& assignments, Ledger& ledger) {
  std::vector<LineOutcome> outcomes(lines.size());
  DeclarationChecker checker(header, assignments, ledger);
  size_t new_deliveries = 0;
  for (const DeclaredLine& line : lines) {
    new_deliveries += line.deliveries.size();
  }
  ledger.deliveries.reserve(ledger.deliveries.size() + new_deliveries);

  // Credits first, so a correction (credit plus new debit) goes through in
  // one declaration; then the debits, those billable only on days of
  // attendance last, so they see the attendance lines of this declaration.
  std::vector<size_t> plain;
  std::vector<size_t> attendance;
  for (size_t i = 0; i < lines.size(); ++i) {
    const DeclaredLine& line = lines[i];
    if (line.credit) {
      outcomes[i] = checker.CheckCredit(line);
      continue;
    }
    const AssignmentFacts* a = checker.FindAssignment(line.assignment_number);
    const bool needs_attendance = a != nullptr && a->billing != nullptr &&
                                  !a->billing->only_on_attendance_of.empty();
    (needs_attendance ? attendance : plain).push_back(i);
  }
  checker.IndexDeliveries();
  for (size_t i : plain) outcomes[i] = checker.CheckDebit(lines[i]);
  for (size_t i : attendance) outcomes[i] = checker.CheckDebit(lines[i]);
  return outcomes;
}

std::set<std::string> ClientsSharedWithOtherProviders(
    const std::vector<DeclaredLine>& lines,
    const std::map<std::string, AssignmentFacts>& assignments) {
  std::set<std::string> shared;
  for (const DeclaredLine& line : lines) {
    if (!line.deliveries.empty()) {
      shared.insert(line.client_bsn);
      continue;
    }
    auto a = assignments.find(line.assignment_number);
    if (a == assignments.end() || a->second.billing == nullptr) continue;
    for (const QuantityCap& cap : a->second.billing->caps) {
      if (cap.window == CapWindow::kCalendarYear) {
        shared.insert(line.client_bsn);
        break;
      }
    }
  }
  return shared;
}

}  // namespace wmo::rules
