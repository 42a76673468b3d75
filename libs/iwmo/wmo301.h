#ifndef WMO_LIBS_IWMO_WMO301_H_
#define WMO_LIBS_IWMO_WMO301_H_

// The messages a municipality sends a provider: WMO301 (toewijzing), all
// current assignments of one client at the provider, and WMO319
// (antwoordbericht), the answer to a provider's request.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
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

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_WMO301_H_
