#ifndef WMO_LIBS_IWMO_XPATH_VALUES_H_
#define WMO_LIBS_IWMO_XPATH_VALUES_H_

// Text as the official validation stylesheet (XSLT 1.0) reads it. Its rules
// compare dates as numbers with the dashes taken out, sum amounts as
// doubles and walk calendars by its own arithmetic; the message rules use
// the same, so that they decide every message exactly as it does.

#include <string>

#include "absl/strings/string_view.h"

namespace wmo::iwmo {

// XML whitespace: space, tab, line feed, carriage return.
bool IsXmlSpace(char c);

// Without leading and trailing XML whitespace.
absl::string_view TrimXmlSpace(absl::string_view text);

// normalize-space(): trimmed, inner runs of whitespace one space.
std::string NormalizeSpace(absl::string_view text);

// substring-after(): what follows the first `separator`; empty without one.
absl::string_view SubstringAfter(absl::string_view text,
                                 absl::string_view separator);

// translate(text, '-', '').
std::string StripDashes(absl::string_view text);

// number(): a decimal with an optional minus, around it whitespace; NaN for
// anything else (a plus sign, an exponent).
double XPathNumber(absl::string_view text);

// A date as the stylesheet compares it: number(translate(text, '-', '')).
double DateNumber(absl::string_view text);

// string() of a whole number (no exponent, no fraction) or "NaN".
std::string FormatXPathNumber(double value);

// What a day past the end of its month becomes: the stylesheet carries it
// into the next month or cuts it to the month's last day.
enum class Overflow { kCarry, kTruncate };

// The stylesheet's addDate and addMonths over a date's YYYYMMDD number.
// Its calendar knows leap years only as years divisible by four; NaN where
// the text is no number.
double AddDays(absl::string_view date, int days, Overflow overflow);
double AddMonths(absl::string_view date, int months, Overflow overflow);

// CS002 as the stylesheet computes the 11-proef (weights 9 to 2 and -1): a
// sum of 0 passes here, where the services' own check refuses it.
bool PassesElevenTest(absl::string_view bsn);

// The stylesheet's checkafter fails: `earlier` lies after `later` (dates as
// numbers, `later` cut to its first ten characters).
bool IsBefore(absl::string_view later, absl::string_view earlier);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_XPATH_VALUES_H_
