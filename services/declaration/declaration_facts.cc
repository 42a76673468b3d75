#include "services/declaration/declaration_facts.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "libs/rules/identifiers.h"
#include "libs/server/status.h"

namespace wmo::declaration {
namespace {

using wmo::catalog::v1::LimitWindow;
using wmo::type::v1::RuleViolation;

// "HH:MM" as minutes since midnight, "24:00" as 1440; -1 when malformed.
int ParseClock(const std::string& text) {
  int hours = 0, minutes = 0;
  if (text.size() != 5 || text[2] != ':' ||
      !absl::SimpleAtoi(text.substr(0, 2), &hours) ||
      !absl::SimpleAtoi(text.substr(3, 2), &minutes) || minutes > 59 ||
      hours > 24 || (hours == 24 && minutes != 0) ||
      !absl::ascii_isdigit(text[0]) || !absl::ascii_isdigit(text[3])) {
    return -1;
  }
  return hours * 60 + minutes;
}

rules::LineViolation Format(std::string field, std::string message) {
  return {"DC-FORMAT", "", std::move(field), std::move(message)};
}

bool IsKnownUnit(int unit) {
  return wmo::type::v1::Unit_IsValid(unit) &&
         unit != wmo::type::v1::UNIT_UNSPECIFIED;
}

}  // namespace

rules::ProductBilling BillingOf(const std::string& catalog_id,
                                const wmo::catalog::v1::Product& product) {
  rules::ProductBilling b;
  b.catalog = catalog_id;
  b.product = product.id();
  for (const auto& limit : product.limits()) {
    if (limit.max_quantity() <= 0) continue;  // lower bounds: not billing
    rules::QuantityCap cap;
    switch (limit.window()) {
      case LimitWindow::LIMIT_WINDOW_DAY:
        cap.window = rules::CapWindow::kDay;
        break;
      case LimitWindow::LIMIT_WINDOW_WEEK:
        cap.window = rules::CapWindow::kWeek;
        break;
      case LimitWindow::LIMIT_WINDOW_MONTH:
        cap.window = rules::CapWindow::kMonth;
        break;
      case LimitWindow::LIMIT_WINDOW_CALENDAR_YEAR:
        cap.window = rules::CapWindow::kCalendarYear;
        break;
      case LimitWindow::LIMIT_WINDOW_ASSIGNMENT:
        cap.window = rules::CapWindow::kAssignment;
        break;
      default:
        continue;
    }
    cap.max_quantity = limit.max_quantity();
    cap.counts_days = limit.unit() == wmo::type::v1::UNIT_UNSPECIFIED;
    cap.advisory = limit.advisory();
    cap.waived_for_contiguous_stay = limit.waived_for_contiguous_stay();
    cap.rule_id = limit.source().rule();
    b.caps.push_back(std::move(cap));
  }
  if (product.has_contiguous_stay()) {
    b.contiguous_max_days = product.contiguous_stay().max_days();
    b.contiguous_rule_id = product.contiguous_stay().source().rule();
  }
  const auto& billing = product.billing();
  if (billing.has_no_show_not_billable()) {
    b.no_show_rule_id = billing.no_show_not_billable().source().rule();
  }
  if (billing.has_once_per_day()) {
    b.once_per_day_rule_id = billing.once_per_day().source().rule();
  }
  if (billing.has_not_concurrent_with()) {
    b.not_concurrent_with.assign(
        billing.not_concurrent_with().product_ids().begin(),
        billing.not_concurrent_with().product_ids().end());
    b.not_concurrent_rule_id = billing.not_concurrent_with().source().rule();
  }
  if (billing.has_only_on_attendance_of()) {
    b.only_on_attendance_of.assign(
        billing.only_on_attendance_of().product_ids().begin(),
        billing.only_on_attendance_of().product_ids().end());
    b.attendance_rule_id = billing.only_on_attendance_of().source().rule();
  }
  if (product.has_digital_contact()) {
    b.max_digital_percent = product.digital_contact().max_share_percent();
    b.digital_rule_id = product.digital_contact().source().rule();
  }
  if (product.has_delivery_windows()) {
    for (const auto& w : product.delivery_windows().windows()) {
      rules::DeliveryWindow window;
      for (int day : w.weekdays()) window.weekdays.push_back(day);
      // The catalog import checked the clock formats.
      window.start_minute = std::max(0, ParseClock(w.start()));
      window.end_minute = std::max(0, ParseClock(w.end()));
      b.windows.push_back(std::move(window));
    }
    b.windows_rule_id = product.delivery_windows().source().rule();
  }
  if (product.group().session_minutes() > 0) {
    b.session_minutes = product.group().session_minutes();
    b.session_rule_id = product.group().source().rule();
  }
  return b;
}

rules::AssignmentFacts FactsOf(const wmo::assignment::v1::Assignment& a) {
  rules::AssignmentFacts f;
  f.number = a.number();
  f.client_bsn = a.client().bsn();
  f.provider_agb = a.provider_agb();
  f.product_category = a.product_category();
  f.product_code = a.product_code();
  f.deleted = a.state() == wmo::assignment::v1::Assignment::DELETED;
  // The assignment service stored only periods that parse.
  if (auto period = rules::ParsePeriod(a.start_date(), a.end_date(), "");
      period.ok()) {
    f.period = *period;
  }
  f.budget_cents = a.budget_cents();
  if (a.has_extent()) {
    f.unit = a.extent().unit();
    f.volume = a.extent().volume();
    f.frequency = static_cast<rules::Frequency>(a.extent().frequency());
  } else {
    f.unit = wmo::type::v1::UNIT_EURO;
  }
  return f;
}

absl::StatusOr<rules::Period> CheckHeader(const v1::Declaration& d,
                                          int max_lines) {
  std::vector<RuleViolation> violations;
  if (!rules::IsValidAgb(d.provider_agb())) {
    violations.push_back(server::Violation(
        "DC-HEADER", "", "declaration.provider_agb",
        "an AGB code has 8 digits; name the provider in the parent"));
  }
  const std::string& n = d.number();
  if (n.empty() || n.size() > 12 ||
      !std::all_of(n.begin(), n.end(),
                   [](char c) { return absl::ascii_isalnum(c); })) {
    violations.push_back(server::Violation(
        "DC-HEADER", "", "declaration.number",
        "give the declaration number (DeclaratieNummer) as 1 to 12 letters "
        "or digits"));
  }
  if (!rules::IsValidMunicipalityCode(d.municipality())) {
    violations.push_back(
        server::Violation("DC-HEADER", "", "declaration.municipality",
                          "give the 4-digit CBS code of the municipality"));
  }
  auto month = rules::ParseMonth(d.period(), "declaration.period");
  if (!month.ok()) {
    violations.push_back(server::Violation(
        "DC-HEADER", "", "declaration.period",
        "give the declared month as YYYY-MM, for example 2024-03"));
  }
  if (d.lines_size() > max_lines) {
    violations.push_back(server::Violation(
        "DC-HEADER", "", "declaration.lines",
        absl::StrCat(d.lines_size(), " lines; at most ", max_lines,
                     " per declaration: split it by period or client")));
  }
  if (!violations.empty()) {
    return server::ViolationStatus(absl::StatusCode::kInvalidArgument,
                                   "the declaration header is malformed",
                                   violations);
  }
  return *month;
}

ParsedLine ParseLine(const v1::Line& line) {
  ParsedLine parsed;
  rules::DeclaredLine& l = parsed.line;
  auto& violations = parsed.violations;
  l.reference = line.reference();
  if (l.reference.empty() || l.reference.size() > 20) {
    violations.push_back(Format("reference",
                                "give the line a reference (ProductReferentie) "
                                "of 1 to 20 characters"));
  }
  l.assignment_number = line.assignment_number();
  l.client_bsn = line.client_bsn();
  if (!rules::IsValidBsn(l.client_bsn)) {
    violations.push_back(
        Format("client_bsn", "a BSN has 9 digits and passes the 11-proef"));
  }
  l.product_category = line.product_category();
  l.product_code = line.product_code();
  auto period = rules::ParsePeriod(line.start_date(), line.end_date(), "");
  if (line.end_date().empty() || !period.ok()) {
    violations.push_back(Format("start_date",
                                "give the product period as ISO dates, the end "
                                "not before the start"));
  } else {
    l.period = *period;
  }
  l.volume = line.volume();
  if (l.volume <= 0) {
    violations.push_back(Format("volume", "the delivered volume must be > 0"));
  }
  l.unit = line.unit();
  if (!IsKnownUnit(l.unit)) {
    violations.push_back(Format("unit", "give a WJ756 unit"));
  }
  l.tariff_cents = line.tariff_cents();
  l.amount_cents = line.amount_cents();
  if (l.tariff_cents < 0 || l.amount_cents < 0) {
    violations.push_back(Format("amount_cents",
                                "tariff and amount are positive; mark a "
                                "cancellation with direction CREDIT"));
  }
  switch (line.direction()) {
    case v1::Line::DEBIT:
      break;
    case v1::Line::CREDIT:
      l.credit = true;
      l.credited_reference = line.credited_reference();
      break;
    default:
      violations.push_back(Format("direction", "give DEBIT or CREDIT"));
  }
  for (int i = 0; i < line.deliveries_size(); ++i) {
    const v1::Delivery& d = line.deliveries(i);
    const std::string field = absl::StrCat("deliveries[", i, "]");
    rules::DayDelivery day;
    auto date = rules::ParseDate(d.date(), "date");
    if (!date.ok()) {
      violations.push_back(
          Format(field + ".date", "give the delivery date as YYYY-MM-DD"));
    } else {
      day.date = *date;
    }
    if (d.start_time().empty() != d.end_time().empty()) {
      violations.push_back(Format(field + ".end_time",
                                  "give both start and end time, or neither"));
    } else if (!d.start_time().empty()) {
      day.start_minute = ParseClock(d.start_time());
      day.end_minute = ParseClock(d.end_time());
      if (day.start_minute < 0 || day.end_minute < 0 ||
          day.start_minute == 1440) {
        violations.push_back(
            Format(field + ".start_time", "give times as HH:MM, 00:00-24:00"));
      }
    }
    day.quantity = d.quantity();
    if (day.quantity < 0) {
      violations.push_back(
          Format(field + ".quantity", "a quantity is not negative"));
    }
    day.digital = d.digital();
    day.no_show = d.no_show();
    l.deliveries.push_back(day);
  }
  return parsed;
}

RuleViolation ToProto(const rules::LineViolation& v) {
  return server::Violation(v.rule_id, v.return_code, v.field, v.message);
}

std::string SubmittedContent(const v1::Declaration& declaration) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    declaration.SerializeToCodedStream(&out);
  }
  return bytes;
}

}  // namespace wmo::declaration
