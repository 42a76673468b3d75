#ifndef WMO_LIBS_IWMO_WANTED_PRODUCT_H_
#define WMO_LIBS_IWMO_WANTED_PRODUCT_H_

// What a provider asks for in a request: a product, a period and an extent
// or a budget (an AangevraagdProduct of a WMO315, a TeWijzigenProduct or
// NieuwProduct of a WMO317), and the rules of the official validation on
// it, which the two messages share under their own names.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "libs/iwmo/schema.h"
#include "wmo/assignment/v1/assignment.pb.h"

struct _xmlNode;  // NOLINT(bugprone-reserved-identifier): libxml2's name

namespace wmo::iwmo {

struct WantedProduct {
  // XPath of the element, for faults and return codes.
  std::string location;
  std::optional<std::string> category;   // Product/Categorie
  std::optional<std::string> code;       // Product/Code
  std::string start;                     // the start element
  std::optional<std::string> end;        // the end element
  std::optional<std::string> volume;     // Omvang/Volume
  std::optional<std::string> unit;       // Omvang/Eenheid
  std::optional<std::string> frequency;  // Omvang/Frequentie
  std::optional<std::string> budget;     // Budget
};

// How a message names the elements and the rules.
struct WantedNames {
  const char* start;  // "ToewijzingIngangsdatum", "GewensteIngangsdatum"
  const char* end;    // "ToewijzingEinddatum", "Einddatum"
  // Whether the element holds a Product (CD041 and CD079 apply).
  bool has_product;
  // The rule an Omvang without a product code breaks (CD095, CD096).
  const char* extent_needs_code;
  // The rule a unit without a fitting frequency breaks (CS343, CS338).
  const char* unit_needs_frequency;
};

// The wanted product of `node` at `location`.
WantedProduct ReadWantedProduct(const _xmlNode* node, std::string location,
                                const WantedNames& names);

// The first rule `product` breaks: CD041, CD075, CD076, CD077, CD078,
// CD079, CD095/CD096, CS003, CS343/CS338, as the stylesheet decides them.
std::optional<Fault> CheckWantedProduct(const WantedProduct& product,
                                        const WantedNames& names);

// Period and extent or budget of `product` on `assignment` (start_date,
// end_date, extent, budget_cents), values as the schema found them.
void SetPeriodAndExtent(const WantedProduct& product,
                        assignment::v1::Assignment& assignment);

// The stylesheet's testvalue '*': present with text other than spaces.
bool Filled(const std::optional<std::string>& value);

// Whether `value`, normalized, is one of `codes`.
bool OneOf(const std::optional<std::string>& value,
           std::initializer_list<absl::string_view> codes);

// isPeriodOverlay: start and end as numbers; an open end overlaps all
// after the start.
bool Overlap(const WantedProduct& a, const WantedProduct& b);

// The same product as TR386 and TR410 see it: both codes and categories
// equal, or a code missing on either and the categories equal, or either
// without a product; and neither of categories 11 to 14, which may
// overlap.
bool SameProductOverlapping(const WantedProduct& a, const WantedProduct& b);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_WANTED_PRODUCT_H_
