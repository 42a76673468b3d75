#include "services/declaration/declaration_facts.h"

#include <algorithm>

#include "absl/numeric/int128.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "libs/rules/bounds.h"
#include "libs/rules/identifiers.h"
#include "libs/server/status.h"

namespace wmo::declaration {
namespace {

using wmo::type::v1::RuleViolation;

// The WJ001 code of every rule here: a malformed header or line is what the
// iWmo schema and its restrictions (RS…) refuse, and iWmo answers a message
// it refuses so with 0001 (rejected for technical reasons). None of these
// rules has a technical rule closer to it.
constexpr char kTechnical[] = "0001";

rules::LineViolation Format(std::string field, std::string message) {
  return {"DC-FORMAT", kTechnical, std::move(field), std::move(message)};
}

// RS005: a number above what its iWmo element holds; `fix` says what to
// change.
rules::LineViolation TooLarge(std::string field, int64_t value, int64_t max,
                              absl::string_view fix) {
  return {"RS005", kTechnical, std::move(field),
          absl::StrCat(value, " is more than the ", max,
                       " the iWmo standard allows here; ", fix)};
}

constexpr absl::string_view kSplitByPeriod =
    "split the line into lines of shorter product periods";

bool IsKnownUnit(int unit) {
  return wmo::type::v1::Unit_IsValid(unit) &&
         unit != wmo::type::v1::UNIT_UNSPECIFIED;
}

}  // namespace

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
  if (auto birth = rules::ParseDate(a.client().birth_date(), ""); birth.ok()) {
    f.birth = *birth;
  }
  f.activities.assign(a.activities().begin(), a.activities().end());
  if (a.has_extent()) {
    f.unit = a.extent().unit();
    f.volume = a.extent().volume();
    f.frequency = static_cast<rules::Frequency>(a.extent().frequency());
  } else {
    f.unit = wmo::type::v1::UNIT_EURO;
  }
  return f;
}

rules::QualifyingCover CoverOf(
    const wmo::assignment::v1::QualifyingCover& cover) {
  rules::QualifyingCover c;
  c.rule_id = cover.rule_id();
  c.products.assign(cover.products().begin(), cover.products().end());
  for (const auto& p : cover.periods()) {
    if (auto period = rules::ParsePeriod(p.start_date(), p.end_date(), "");
        period.ok()) {
      c.periods.push_back(*period);
    }
  }
  return c;
}

absl::StatusOr<rules::Period> CheckHeader(const v1::Declaration& d,
                                          int max_lines) {
  std::vector<RuleViolation> violations;
  if (!rules::IsValidAgb(d.provider_agb())) {
    violations.push_back(server::Violation(
        "DC-HEADER", kTechnical, "declaration.provider_agb",
        "an AGB code has 8 digits; name the provider in the parent"));
  }
  const std::string& n = d.number();
  if (n.empty() || n.size() > 12 ||
      !std::all_of(n.begin(), n.end(),
                   [](char c) { return absl::ascii_isalnum(c); })) {
    violations.push_back(server::Violation(
        "DC-HEADER", kTechnical, "declaration.number",
        "give the declaration number (DeclaratieNummer) as 1 to 12 letters "
        "or digits"));
  }
  if (!rules::IsValidMunicipalityCode(d.municipality())) {
    violations.push_back(
        server::Violation("DC-HEADER", kTechnical, "declaration.municipality",
                          "give the 4-digit CBS code of the municipality"));
  }
  auto month = rules::ParseMonth(d.period(), "declaration.period");
  if (!month.ok()) {
    violations.push_back(server::Violation(
        "DC-HEADER", kTechnical, "declaration.period",
        "give the declared month as YYYY-MM, for example 2024-03"));
  }
  // RS040: the submitted total, and every subset's (the approved total),
  // stays within 12 digits when debits and credits each do.
  absl::int128 debits = 0, credits = 0;
  for (const v1::Line& line : d.lines()) {
    (line.direction() == v1::Line::CREDIT ? credits : debits) +=
        std::max<int64_t>(0, line.amount_cents());
  }
  if (debits > rules::kMaxTotalCents || credits > rules::kMaxTotalCents) {
    violations.push_back(server::Violation(
        "RS040", kTechnical, "declaration.lines",
        absl::StrCat("the ",
                     debits > rules::kMaxTotalCents ? "debit" : "credit",
                     " lines add up to more than ", rules::kMaxTotalCents,
                     " cents, the most a declaration total may be; split the "
                     "declaration")));
  }
  if (d.lines_size() > max_lines) {
    violations.push_back(server::Violation(
        "DC-HEADER", kTechnical, "declaration.lines",
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
  } else if (l.volume > rules::kMaxVolume) {
    violations.push_back(
        TooLarge("volume", l.volume, rules::kMaxVolume, kSplitByPeriod));
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
  if (l.tariff_cents > rules::kMaxAmountCents) {
    violations.push_back(TooLarge(
        "tariff_cents", l.tariff_cents, rules::kMaxAmountCents,
        "declare the tariff per unit of the assignment, in euro cents"));
  }
  if (l.amount_cents > rules::kMaxAmountCents) {
    violations.push_back(TooLarge("amount_cents", l.amount_cents,
                                  rules::kMaxAmountCents, kSplitByPeriod));
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
      day.start_minute = rules::ParseClock(d.start_time());
      day.end_minute = rules::ParseClock(d.end_time());
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
    day.unplanned = d.unplanned();
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
