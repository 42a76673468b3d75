#ifndef WMO_LIBS_IWMO_WMO301_H_
#define WMO_LIBS_IWMO_WMO301_H_

// The messages a municipality sends a provider: WMO301 (toewijzing), all
// current assignments of one client at the provider, and WMO319
// (antwoordbericht), the answer to a provider's request. A WMO301 is also
// read: a municipality moving from another system imports its current
// assignments as the WMO301s it sent.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/iwmo/person.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/wanted_product.h"
#include "libs/iwmo/xml_document.h"
#include "wmo/assignment/v1/assignment.pb.h"

namespace wmo::iwmo {

// Who sends a message to whom, under which identification, on which day.
struct Outgoing {
  std::string municipality;  // Afzender, CBS code
  std::string provider;      // Ontvanger, AGB code
  std::string id;            // BerichtIdentificatie/Identificatie
  std::string date;          // BerichtIdentificatie/Dagtekening
};

// What a WMO301 about `client` would lack: its name, or an address
// (postcode and house number) or phone number; empty when nothing.
std::string MissingForWmo301(const assignment::v1::Client& client);

// The WMO301 telling the provider of `assignments`, all of `client`: each
// as a ToegewezenProduct with the reason of its latest change (05 for one
// ended early, 13 for one deleted). The client's birth date, when unknown,
// is 1900-01-01 with DatumGebruik 3; its gender, when unknown, 0. Call
// only when MissingForWmo301 is empty.
std::string WriteWmo301(
    const Outgoing& out, const assignment::v1::Client& client,
    const std::vector<assignment::v1::Assignment>& assignments);

// The WMO319 answering `request`: rejected (VerzoekAntwoord 1, with its
// reason) or under investigation (2).
std::string WriteWmo319(const Outgoing& out,
                        const assignment::v1::AssignmentRequest& request);

// A Contact of a WMO301 as sent.
struct ContactRead {
  std::string location;
  std::string kind;                         // Soort, as sent
  bool has_address = false;                 // Adres
  std::optional<std::string> house_number;  // Adres/Huis/Huisnummer
  std::optional<std::string> house_letter;  // .../Huisletter
  std::optional<std::string> addition;      // .../HuisnummerToevoeging
  std::optional<std::string> postcode;      // Adres/Postcode
  std::optional<std::string> street;        // Adres/Straatnaam
  std::optional<std::string> town;          // Adres/Plaatsnaam
  std::optional<std::string> country;       // Adres/LandCode
  std::optional<std::string> phone;  // Telefoon/Telefoon01/Telefoonnummer
  bool has_phone = false;            // Telefoon
  bool has_period = false;           // Periode
  std::optional<std::string> period_start;  // Periode/Begindatum
  std::optional<std::string> period_end;    // Periode/Einddatum
};

// A name (CDT_VolledigeNaam) as the rules see it.
struct NameRead {
  std::string location;  // of NaamGebruik
  bool has_partner_name = false;
  std::string name_use;  // NaamGebruik
};

// A Relatie of a WMO301 as sent.
struct RelationRead {
  std::string location;
  std::string number;  // Nummer
  std::optional<std::string> birth_date;
  std::optional<std::string> birth_date_use;
  NameRead name;
  ContactRead contact;
};

// A ToegewezenProduct as sent: the assignment, its decision and reason.
struct AssignedProduct {
  // Product, period (Ingangsdatum, Einddatum), extent or budget.
  WantedProduct wanted;
  std::string number;                        // ToewijzingNummer
  std::string decision_date;                 // Toewijzingsdatum
  std::optional<std::string> change_reason;  // RedenWijziging
};

// A WMO301 as sent: a municipality's migration import.
struct Wmo301 {
  std::string message_date;  // BerichtIdentificatie/Dagtekening
  Person client;
  NameRead name;
  std::optional<std::string> communication_form;  // Communicatie/Vorm
  std::optional<std::string> language;            // Communicatie/Taal
  std::vector<RelationRead> relations;
  std::vector<ContactRead> contacts;
  std::vector<AssignedProduct> products;
};

// The message in `doc`, which CheckSchema found valid for WMO301.
Wmo301 ReadWmo301(const XmlDocument& doc);

// The first rule of the official validation `message` breaks: CS002,
// CS139, TR002 and TR134 on the client and its relations; CS050 and CD007
// on names and communication; CD005, CD009, CD025, CD034, CS003, CS089 and
// TR006 on each contact, TR061 on the client's; CD041, CD075 to CD080,
// CS003, CS335, CS336, CS338, TR134 and TR302 on the products; TR101.
std::optional<Fault> CheckWmo301Rules(const Wmo301& message);

// The client of `message` in the API's terms: BSN, birth date (none when
// unknown), gender, name, and the first Dutch address and phone number of
// its contacts.
assignment::v1::Client ClientOf(const Wmo301& message);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_WMO301_H_
