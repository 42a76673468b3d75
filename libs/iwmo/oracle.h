#ifndef WMO_LIBS_IWMO_ORACLE_H_
#define WMO_LIBS_IWMO_ORACLE_H_

// For tests: the official judgement of iWmo messages, by the tools the
// national validation uses: the XSD of the message (xmllint --schema) and
// the official validation stylesheet (xsltproc). The reference material is
// the team's, outside this repository; tests that need it skip, saying
// where they looked, when it is not there.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

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

}  // namespace wmo::iwmo::testing

#endif  // WMO_LIBS_IWMO_ORACLE_H_
