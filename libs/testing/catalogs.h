#ifndef WMO_LIBS_TESTING_CATALOGS_H_
#define WMO_LIBS_TESTING_CATALOGS_H_

#include <string>

#include "wmo/assignment/v1/assignment.pb.h"
#include "wmo/catalog/v1/catalog.pb.h"

namespace wmo::testing {

// A catalog with a municipality it serves and a provider contracted for
// every product in it, for tests that need a valid pair.
struct Region {
  const char* catalog;
  const char* municipality;
  const char* provider;
};
inline constexpr Region kLichtMiddenZwaar{"wmo-licht-midden-zwaar", "0228",
                                          "99990101"};
inline constexpr Region kRegulierSpecialistisch{"wmo-regulier-specialistisch",
                                                "0200", "99990201"};
inline constexpr Region kToekomst{"toekomst-sociaal-domein-2023", "0222",
                                  "99990301"};
inline constexpr Region kMiddenLimburg{"midden-limburg-2024", "0988",
                                       "99990301"};
inline constexpr Region kPerspectief{"perspectief-2024", "0748", "99990401"};

// The assignment most tests start from, as a municipality asks for it:
// KDV (kortdurend verblijf) of midden-limburg-2024 by Weert (0988) for
// client 111222333 at provider 99990303, basis 1, `etmalen` in total from
// 1 March to 30 June 2024, with the result the catalog wants (S3-10).
wmo::assignment::v1::Assignment WeertKdv(int64_t etmalen = 10);

// The catalog file catalogs/<id>.textproto of the source tree, parsed once;
// a test failure when it does not parse.
const wmo::catalog::v1::Catalog& LoadCatalog(const std::string& id);

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_CATALOGS_H_
