#include "libs/rules/identifiers.h"

#include "absl/strings/ascii.h"

namespace wmo::rules {
namespace {

bool AllDigits(absl::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

}  // namespace

bool IsValidBsn(absl::string_view bsn) {
  if (!AllDigits(bsn, 9)) return false;
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (9 - i) * (bsn[i] - '0');
  sum -= bsn[8] - '0';
  return sum != 0 && sum % 11 == 0;
}

bool IsValidAgb(absl::string_view agb) { return AllDigits(agb, 8); }

bool IsValidMunicipalityCode(absl::string_view code) {
  return AllDigits(code, 4);
}

}  // namespace wmo::rules
