#ifndef WMO_LIBS_RULES_IDENTIFIERS_H_
#define WMO_LIBS_RULES_IDENTIFIERS_H_

#include "absl/strings/string_view.h"

namespace wmo::rules {

// BSN (burgerservicenummer): 9 digits passing the 11-proef, weights 9..2 and
// -1 on the last digit, sum divisible by 11 and not 0.
bool IsValidBsn(absl::string_view bsn);

// AGB code of a provider: exactly 8 digits.
bool IsValidAgb(absl::string_view agb);

// CBS municipality code (gemeentecode): exactly 4 digits.
bool IsValidMunicipalityCode(absl::string_view code);

}  // namespace wmo::rules

#endif  // WMO_LIBS_RULES_IDENTIFIERS_H_
