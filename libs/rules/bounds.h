#ifndef WMO_LIBS_RULES_BOUNDS_H_
#define WMO_LIBS_RULES_BOUNDS_H_

#include <cstdint>

namespace wmo::rules {

// Number bounds of the iWmo 3.2 messages: what a value may be so that it
// fits its element (and so that every total stays far inside 64 bits).

// RS005, LDT_Bedrag and LDT_Budget: a line's tariff and amount, an
// assignment's budget, in euro cents (8 digits).
inline constexpr int64_t kMaxAmountCents = 99'999'999;
// RS005, LDT_Volume: a line's delivered volume, an assignment's volume.
inline constexpr int64_t kMaxVolume = 99'999'999;
// RS040, LDT_TotaalBedrag: a declaration's submitted and approved totals
// (12 digits).
inline constexpr int64_t kMaxTotalCents = 999'999'999'999;

}  // namespace wmo::rules

#endif  // WMO_LIBS_RULES_BOUNDS_H_
