#ifndef WMO_LIBS_IWMO_WMO317_H_
#define WMO_LIBS_IWMO_WMO317_H_

// WMO317 (verzoek om wijziging): a provider asks the municipality to change
// a client's current assignments at it, naming each one (unchanged or to
// change) and the products to add; the answer is WMO318, with a return code
// per product, and later the municipality's WMO319 or WMO301.

#include <optional>
#include <string>
#include <vector>

#include "libs/iwmo/schema.h"
#include "libs/iwmo/wanted_product.h"
#include "libs/iwmo/xml_document.h"

namespace wmo::iwmo {

// An OngewijzigdProduct: an assignment that stays as it is.
struct UnchangedProduct {
  std::string location;
  std::string number;  // ToewijzingNummer
};

// A TeWijzigenProduct: an assignment and how it should change, from its
// GewensteIngangsdatum (no Product element).
struct AlteredProduct {
  WantedProduct wanted;
  std::string number;  // ToewijzingNummer
};

// A WMO317 as sent.
struct Wmo317 {
  // BerichtIdentificatie/Dagtekening, which dates rules compare with.
  std::string message_date;
  std::string bsn;
  std::string reference;  // Verzoek/ReferentieAanbieder
  std::string reason;     // Verzoek/RedenVerzoek
  std::vector<UnchangedProduct> unchanged;
  std::vector<AlteredProduct> altered;
  std::vector<WantedProduct> added;  // NieuweProducten/NieuwProduct
};

// The message in `doc`, which CheckSchema found valid for WMO317.
Wmo317 ReadWmo317(const XmlDocument& doc);

// The first rule of the official validation `message` breaks: CS002;
// TR352 and TR353 on the request; TR101 on each list; CD075, CD076,
// CD077, CD078, CS003 and CS338 on the products to change; those and
// CD041, CD079, CD096, TR380 and TR410 on the products to add.
std::optional<Fault> CheckWmo317Rules(const Wmo317& message);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_WMO317_H_
