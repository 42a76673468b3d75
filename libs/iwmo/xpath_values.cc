#include "libs/iwmo/xpath_values.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wmo::iwmo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// adjustDate: moves days past a month's end into the next month (or cuts
// them off) and months past December into the next year, until nothing
// moves.
int64_t AdjustDate(int64_t date, Overflow overflow) {
  while (true) {
    const int64_t day = date % 100;
    const int64_t month = (date / 100) % 100;
    const int64_t year = (date / 10000) % 10000;
    int64_t last = 0;
    if (month == 4 || month == 6 || month == 9 || month == 11) {
      last = 30;
    } else if (month == 2) {
      last = year % 4 == 0 ? 29 : 28;
    } else if (month >= 1 && month <= 12) {
      last = 31;
    }
    int64_t next = date;
    if (last > 0 && day > last) {
      next =
          overflow == Overflow::kCarry ? date - last + 100 : date - day + last;
    }
    if ((next / 100) % 100 > 12) next = next - 1200 + 10000;
    if (next == date) return date;
    date = next;
  }
}

}  // namespace

bool IsXmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

absl::string_view TrimXmlSpace(absl::string_view text) {
  while (!text.empty() && IsXmlSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsXmlSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string NormalizeSpace(absl::string_view text) {
  std::string out;
  bool space = false;
  for (char c : TrimXmlSpace(text)) {
    if (IsXmlSpace(c)) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

absl::string_view SubstringAfter(absl::string_view text,
                                 absl::string_view separator) {
  const size_t at = text.find(separator);
  return at == absl::string_view::npos ? absl::string_view()
                                       : text.substr(at + separator.size());
}

std::string StripDashes(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '-') out.push_back(c);
  }
  return out;
}

double XPathNumber(absl::string_view text) {
  text = TrimXmlSpace(text);
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  const absl::string_view fraction = dot == absl::string_view::npos
                                         ? absl::string_view()
                                         : text.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return kNaN;
  for (absl::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (!absl::ascii_isdigit(c)) return kNaN;
    }
  }
  double value = 0;
  if (!absl::SimpleAtod(absl::StrCat(whole.empty() ? "0" : whole, ".",
                                     fraction.empty() ? "0" : fraction),
                        &value)) {
    return kNaN;
  }
  return negative ? -value : value;
}

double DateNumber(absl::string_view text) {
  return XPathNumber(StripDashes(text));
}

std::string FormatXPathNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (value == 0) return "0";
  return absl::StrFormat("%.0f", value);
}

double AddDays(absl::string_view date, int days, Overflow overflow) {
  const double number = DateNumber(date);
  if (std::isnan(number) || TrimXmlSpace(date).empty()) return kNaN;
  return static_cast<double>(
      AdjustDate(static_cast<int64_t>(number) + days, overflow));
}

double AddMonths(absl::string_view date, int months, Overflow overflow) {
  double number = DateNumber(date);
  if (std::isnan(number)) return kNaN;
  while (months < 0) {
    number -= 10000;
    months += 12;
  }
  while (months > 12) {
    number += 10000;
    months -= 12;
  }
  return static_cast<double>(AdjustDate(
      static_cast<int64_t>(number) + int64_t{100} * months, overflow));
}

bool PassesElevenTest(absl::string_view bsn) {
  const double number = XPathNumber(bsn);
  if (std::isnan(number)) return false;
  int64_t digits = static_cast<int64_t>(number);
  int64_t sum = 0;
  for (int weight = -1; weight <= 9; ++weight) {
    if (weight == 0 || weight == 1) continue;
    sum += weight * (digits % 10);
    digits /= 10;
  }
  return sum % 11 == 0;
}

bool IsBefore(absl::string_view later, absl::string_view earlier) {
  return DateNumber(earlier) > DateNumber(later.substr(0, 10));
}

}  // namespace wmo::iwmo
