#ifndef WMO_LIBS_IWMO_ORACLE_H_
#define WMO_LIBS_IWMO_ORACLE_H_

// For tests: the official judgement of iWmo messages, by the tools the
// national validation uses: the XSD of the message (xmllint --schema) and
// the official validation stylesheet (xsltproc). The reference material is
// the team's, outside this repository; tests that need it skip, saying
// where they looked, when it is not there.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/iwmo/schema.h"

namespace wmo::iwmo::testing {

// The directory holding xsd/ and the stylesheet, or empty when absent.
std::string ReferenceDir();

// What the official tools say of one message.
struct OfficialVerdict {
  bool schema_valid = false;
  // The rules (TR319, CS337, ...) the stylesheet reports broken.
  std::vector<std::string> rules;
  // The tools' own output on it, for a failing test's message.
  std::string detail;

  bool accepted() const { return schema_valid && rules.empty(); }
};

// Judges `documents`, each a message `message` ("WMO323"), in one run of
// each tool.
std::vector<OfficialVerdict> JudgeOfficially(
    absl::string_view message, const std::vector<std::string>& documents);

// How many of `verdicts` accept their message.
int CountAccepted(const std::vector<OfficialVerdict>& verdicts);

// A test message: what it shows, and its text. A name that starts with a
// rule ("TR319 a line of next month", after an optional "305 ") is a
// message built to break that rule.
struct NamedMessage {
  std::string name;
  std::string xml;
};

// Expects the product's judgement of each message of kind `message`
// (`judge`: the first fault, or none) to agree with the official one:
// accepted or refused alike; a message named after a rule refused for
// that rule by both; a rule the product names on a schema-valid message
// one the stylesheet reports too. The official verdicts, in order.
std::vector<OfficialVerdict> ExpectSameVerdicts(
    absl::string_view message, const std::vector<NamedMessage>& messages,
    const std::function<std::optional<Fault>(const std::string& xml)>& judge);

}  // namespace wmo::iwmo::testing

#endif  // WMO_LIBS_IWMO_ORACLE_H_
