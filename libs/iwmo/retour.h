#ifndef WMO_LIBS_IWMO_RETOUR_H_
#define WMO_LIBS_IWMO_RETOUR_H_

// Retour messages: the answer every incoming message gets (WMO306 on a
// 305, 308 on 307, 316 on 315, 318 on 317, 325 on 323), with return codes
// (WJ001) per message class.

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/xml_document.h"
#include "libs/iwmo/xml_writer.h"

namespace wmo::iwmo {

// Retours are written without indentation: a 325 rejecting 100,000 lines
// stays well below the 64 MiB a message may have.

// The XSD version of release 3.2 this system writes and reads.
inline constexpr char kXsdVersion[] = "1.0.0";

// Return codes every message class may carry.
inline constexpr char kRejected[] = "0001";      // refused: technical reasons
inline constexpr char kNoRemark[] = "0200";      // accepted
inline constexpr char kFullyGranted[] = "8001";  // a declaration, all of it

// The message a retour answers: who sent it to whom, and its identity.
struct Answered {
  // "WMO323".
  std::string message;
  // Afzender and Ontvanger of the message answered.
  std::string sender;
  std::string receiver;
  // Its BerichtIdentificatie and XsdVersie.
  std::string id;
  std::string date;
  std::string basis_xsd_version = kXsdVersion;
  std::string message_xsd_version = kXsdVersion;
};

// Whether `code` is one of the return codes (WJ001) a retour may carry.
bool IsReturnCode(absl::string_view code);

// Whether `version` is a version as XsdVersie holds it (1.0.0).
bool IsValidVersion(absl::string_view version);

// "WMO325" for "WMO323", and so on; empty for a message without a retour.
absl::string_view RetourOf(absl::string_view message);

// Opens the retour of `answered` and writes its Header, with `codes` as
// the header's return codes; the caller writes the rest and finishes.
// `id` and `today` identify and date the retour itself.
void WriteRetourHeader(XmlWriter& w, const Answered& answered,
                       const std::vector<std::string>& codes,
                       absl::string_view id, absl::string_view today);

// The retour refusing `answered` as a whole with `codes` (0001 for a
// message that breaks the schema or a message rule): header only. Where it
// went wrong goes into a comment, as no element of the retour holds it.
std::string WriteRefusal(const Answered& answered,
                         const std::vector<std::string>& codes,
                         const Fault* fault, absl::string_view id,
                         absl::string_view today);

// The return codes of `violations`, each once, in order: a rule's code, or
// 0001 for one outside the list (no rule should have one).
template <typename Violations>
std::vector<std::string> ReturnCodes(const Violations& violations) {
  std::vector<std::string> codes;
  for (const auto& v : violations) {
    std::string code = IsReturnCode(v.return_code()) ? v.return_code()
                                                     : std::string(kRejected);
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) {
      codes.push_back(std::move(code));
    }
  }
  return codes;
}

// Return codes by the location of the message class they judge, as
// LocationOf names it ("/Bericht/Client/StartProducten/StartProduct[2]").
using CodesByLocation = std::map<std::string, std::vector<std::string>>;

// The technical retour (WMO306, 308, 316, 318, 320) answering `doc`, a
// message the schema check found valid and that was processed: its header
// with 0200, then the message as sent, each message class (Client, a
// product, ...) followed by its return codes: `codes` at its location,
// 0200 where none are given.
std::string WriteTechnicalRetour(const XmlDocument& doc,
                                 const Answered& answered,
                                 const CodesByLocation& codes,
                                 absl::string_view id, absl::string_view today);

// The return codes a retour in `doc` carries anywhere but 0200, each once,
// in document order: none when it accepts all of the message it returns.
std::vector<std::string> ReturnCodesIn(const XmlDocument& doc);

void WriteReturnCodes(XmlWriter& w, const std::vector<std::string>& codes);
void WriteXsdVersion(XmlWriter& w, absl::string_view name,
                     absl::string_view basis, absl::string_view message);
// An amount in cents as TotaalBedrag and DebetCredit: negative is credit.
void WriteTotal(XmlWriter& w, absl::string_view name, int64_t cents);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_RETOUR_H_
