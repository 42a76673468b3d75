#ifndef WMO_LIBS_IWMO_WMO323_H_
#define WMO_LIBS_IWMO_WMO323_H_

// WMO323, the declaration (declaratie) a provider sends a municipality, and
// WMO325, the municipality's answer. The reader keeps every element's text
// as sent, because the message rules (the official validation's technical
// rules, conditions and constraints) judge the text, not a value parsed
// from it; the mapping to the API's Declaration parses it once.

#include <optional>
#include <string>
#include <vector>

#include "libs/iwmo/retour.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/xml_document.h"
#include "libs/iwmo/xml_writer.h"
#include "wmo/declaration/v1/declaration.pb.h"

namespace wmo::iwmo {

// One Prestatie as sent.
struct Wmo323Line {
  // XPath of the Prestatie, for faults.
  std::string location;
  std::string reference;
  // VorigReferentieNummer; only on credit lines.
  std::optional<std::string> previous_reference;
  std::string assignment_number;
  std::string product_category;
  std::string product_code;
  std::string start_date;
  std::string end_date;
  std::string volume;
  std::string unit;
  std::optional<std::string> tariff;
  std::string amount;
  std::string direction;
};

// One Client as sent: the BSN and its lines.
struct Wmo323Client {
  std::string location;
  std::string bsn;
  std::vector<Wmo323Line> lines;
};

// A WMO323 as sent.
struct Wmo323 {
  // Header.
  std::string sender;
  std::string receiver;
  std::string message_id;
  std::string message_date;
  std::string basis_xsd_version;
  std::string message_xsd_version;
  // Declaratie.
  std::string number;
  std::string period_start;
  std::string period_end;
  std::string signed_date;
  std::string total;
  std::string total_direction;
  std::vector<Wmo323Client> clients;

  size_t LineCount() const;
};

// The message in `doc`, which CheckSchema found valid for WMO323.
Wmo323 ReadWmo323(const XmlDocument& doc);

// The first rule of the official validation that `message` breaks: the
// checks that need only the message itself (CD060, CD087, CS002, CS100,
// CS325, CS337, CS339, CS340, TR101, TR134, TR137, TR315, TR316, TR319,
// TR335, TR358, TR416), each decided as the official stylesheet decides it
// (which of several it reports first may differ).
std::optional<Fault> CheckWmo323Rules(const Wmo323& message);

// The declaration `message` makes, in the API's terms: what the same
// declaration submitted as JSON would be. Lines in euros (unit 83) carry
// their amount as volume at a tariff of one cent.
declaration::v1::Declaration ToDeclaration(const Wmo323& message);

// The fields of a Prestatie as sent, in the order WMO323 and WMO325 share.
void WriteLineFields(XmlWriter& w, const Wmo323Line& line);

// The WMO325 answering `message`, which was processed: `verdict` holds the
// stored declaration with a verdict on each line in the message's order.
// Only rejected lines are listed, with their return codes; the totals say
// what was submitted and what is granted (8001 when all of it is).
// `answer_id` and `today` identify and date the answer.
std::string WriteWmo325(const Wmo323& message, const Answered& answered,
                        const declaration::v1::Declaration& verdict,
                        absl::string_view answer_id, absl::string_view today);

// The WMO325 refusing the declaration in `message` as a whole, with the
// return codes of the rules it broke (a declaration number used before,
// 9333): nothing granted.
std::string WriteWmo325Refused(const Wmo323& message, const Answered& answered,
                               const std::vector<std::string>& codes,
                               absl::string_view answer_id,
                               absl::string_view today);

// The return codes of a rejected line, each once, in rule order: each
// rule's iWmo code (a catalog rule's is that of the closest technical
// rule); 0001 for a line rejected without a code.
std::vector<std::string> ReturnCodesOf(const declaration::v1::Verdict& verdict);

}  // namespace wmo::iwmo

#endif  // WMO_LIBS_IWMO_WMO323_H_
