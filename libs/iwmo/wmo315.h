#ifndef WMO_LIBS_IWMO_WMO315_H_
#define WMO_LIBS_IWMO_WMO315_H_

// WMO315 (verzoek om toewijzing): a provider asks the municipality to
// assign products to a client; the answer is WMO316, with a return code per
// requested product.

#include <optional>
#include <string>
#include <vector>

#include "libs/iwmo/person.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/wanted_product.h"
#include "libs/iwmo/xml_document.h"

namespace wmo::iwmo {

// An AangevraagdProduct as sent.
struct RequestedProduct {
  // Product, period (ToewijzingIngangsdatum, ToewijzingEinddatum), extent
  // or budget; its location is the product's.
  WantedProduct wanted;
  std::string reference;                       // ReferentieAanbieder
  std::optional<std::string> decision_number;  // BeschikkingNummer
  std::optional<std::string> decision_start;   // BeschikkingIngangsdatum
  std::string referrer_type;                   // Verwijzer/Type
  std::optional<std::string> referrer_name;    // Verwijzer/Naam
  std::optional<std::string> referrer_agb;     // Verwijzer/ZorgverlenerCode
};

// A WMO315 as sent.
struct Wmo315 {
  // BerichtIdentificatie/Dagtekening, which dates rules compare with.
  std::string message_date;
  Person client;
  std::vector<RequestedProduct> products;
};

// The message in `doc`, which CheckSchema found valid for WMO315.
Wmo315 ReadWmo315(const XmlDocument& doc);

// The first rule of the official validation `message` breaks: CS002,
// CS139, TR002, TR134 on the client; CD041, CD043, CD066, CD067, CD068,
// CD075, CD076, CD077, CD078, CD079, CD095, CS003, CS343, TR101, TR383 and
// TR386 on the products, each decided as the stylesheet decides it.
std::optional<Fault> CheckWmo315Rules(const Wmo315& message);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_WMO315_H_
