#ifndef WMO_LIBS_IWMO_DELIVERY_H_
#define WMO_LIBS_IWMO_DELIVERY_H_

// WMO305 (start zorg) and WMO307 (stop zorg): a provider tells the
// municipality that delivery on its assignments started or stopped; the
// answers are WMO306 and WMO308, with a return code per product. The two
// messages share their shape: a client and its products.

#include <optional>
#include <string>
#include <vector>

#include "libs/iwmo/person.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/xml_document.h"

namespace wmo::iwmo {

// A StartProduct or StopProduct as sent.
struct DeliveryProduct {
  // XPath of the product, for faults.
  std::string location;
  std::optional<std::string> assignment_number;  // ToewijzingNummer
  std::optional<std::string> category;           // Product/Categorie
  std::optional<std::string> code;               // Product/Code
  std::optional<std::string> assignment_start;   // ToewijzingIngangsdatum
  std::string start_date;                        // Begindatum
  // WMO307 only: RedenBeeindiging and Einddatum.
  std::optional<std::string> end_reason;
  std::optional<std::string> end_date;
  // StatusAanlevering: 1 a first delivery, 3 withdrawing an earlier one.
  std::string status;
};

// A WMO305 or WMO307 as sent.
struct DeliveryMessage {
  // "WMO305" or "WMO307".
  std::string message;
  // BerichtIdentificatie/Dagtekening, which dates rules compare with.
  std::string message_date;
  Person client;
  std::vector<DeliveryProduct> products;

  bool is_stop() const { return message == "WMO307"; }
};

// The message in `doc`, which CheckSchema found valid for WMO305 or
// WMO307.
DeliveryMessage ReadDeliveryMessage(const XmlDocument& doc,
                                    absl::string_view message);

// The first rule of the official validation `message` breaks (CS002,
// CS058, CS139, TR002, TR018, TR101, TR134), each decided as the stylesheet
// decides it (which of several it reports first may differ).
std::optional<Fault> CheckDeliveryRules(const DeliveryMessage& message);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_DELIVERY_H_
