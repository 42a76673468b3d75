#ifndef WMO_LIBS_TESTING_CATALOGS_H_
#define WMO_LIBS_TESTING_CATALOGS_H_

#include <string>

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

// The catalog file catalogs/<id>.textproto of the source tree, parsed once;
// a test failure when it does not parse.
const wmo::catalog::v1::Catalog& LoadCatalog(const std::string& id);

}  // namespace wmo::testing

#endif  // WMO_LIBS_TESTING_CATALOGS_H_
