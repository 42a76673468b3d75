#include "libs/rules/dates.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace wmo::rules {

absl::StatusOr<Date> ParseDate(absl::string_view text,
                               absl::string_view field) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", text, "\" is not a date; write it as YYYY-MM-DD"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int y = 0, m = 0, d = 0;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(text[i])) return bad();
  }
  if (!absl::SimpleAtoi(text.substr(0, 4), &y) ||
      !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return bad();
  }
  Date date(y, m, d);
  // CivilDay normalises out-of-range fields; a real date survives unchanged.
  if (date.year() != y || date.month() != m || date.day() != d) return bad();
  return date;
}

std::string FormatDate(Date date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

absl::TimeZone DutchTime() {
  static const absl::TimeZone kAmsterdam = [] {
    absl::TimeZone tz;
    return absl::LoadTimeZone("Europe/Amsterdam", &tz) ? tz
                                                       : absl::UTCTimeZone();
  }();
  return kAmsterdam;
}

Date TodayAt(absl::Time now) { return absl::ToCivilDay(now, DutchTime()); }

int IsoWeekday(Date date) {
  // absl numbers Monday 0 … Sunday 6.
  return static_cast<int>(absl::GetWeekday(date)) + 1;
}

Date AddMonths(Date date, int months) {
  const absl::CivilMonth month = absl::CivilMonth(date) + months;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  return Date(month.year(), month.month(), std::min(date.day(), last.day()));
}

std::optional<Date> FirstUncovered(const Period& need,
                                   std::vector<Period> cover) {
  std::sort(cover.begin(), cover.end(),
            [](const Period& x, const Period& y) { return x.from < y.from; });
  Date uncovered = need.from;
  for (const Period& p : cover) {
    if (uncovered > need.to || p.from > uncovered) break;
    if (p.to >= uncovered) {
      if (p.to == Date::max()) return std::nullopt;
      uncovered = p.to + 1;
    }
  }
  if (uncovered > need.to) return std::nullopt;
  return uncovered;
}

absl::StatusOr<Period> ParsePeriod(absl::string_view from, absl::string_view to,
                                   absl::string_view field) {
  Period period;
  auto f = ParseDate(from, absl::StrCat(field, ".valid_from"));
  if (!f.ok()) return f.status();
  period.from = *f;
  if (!to.empty()) {
    auto t = ParseDate(to, absl::StrCat(field, ".valid_to"));
    if (!t.ok()) return t.status();
    if (*t < *f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": valid_to ", to, " lies before valid_from ",
                       from, "; make the end date on or after the start"));
    }
    period.to = *t;
  }
  return period;
}

absl::StatusOr<Period> ParseMonth(absl::string_view text,
                                  absl::string_view field) {
  auto first = text.size() == 7 ? ParseDate(absl::StrCat(text, "-01"), field)
                                : absl::InvalidArgumentError("");
  if (!first.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", text, "\" is not a month; write it as YYYY-MM"));
  }
  const absl::CivilMonth month(*first);
  return Period{*first, Date(month + 1) - 1};
}

int ParseClock(absl::string_view text) {
  int hours = 0, minutes = 0;
  if (text.size() != 5 || text[2] != ':' || !absl::ascii_isdigit(text[0]) ||
      !absl::ascii_isdigit(text[1]) || !absl::ascii_isdigit(text[3]) ||
      !absl::ascii_isdigit(text[4]) ||
      !absl::SimpleAtoi(text.substr(0, 2), &hours) ||
      !absl::SimpleAtoi(text.substr(3, 2), &minutes) || minutes > 59 ||
      hours > 24 || (hours == 24 && minutes != 0)) {
    return -1;
  }
  return hours * 60 + minutes;
}

}  // namespace wmo::rules
