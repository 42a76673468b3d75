#include "libs/iwmo/retour.h"

#include <libxml/tree.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/xml_document.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

struct RetourPair {
  absl::string_view message;
  absl::string_view retour;
  const char* code;
  // The message classes the retour gives return codes of, by element name.
  std::vector<absl::string_view> classes;
};
const RetourPair kRetours[] = {
    {"WMO301",
     "WMO302",
     "415",
     {"Client", "Relatie", "Contact", "ToegewezenProduct"}},
    {"WMO305", "WMO306", "419", {"Client", "StartProduct"}},
    {"WMO307", "WMO308", "421", {"Client", "StopProduct"}},
    {"WMO315", "WMO316", "445", {"Client", "AangevraagdProduct"}},
    {"WMO317",
     "WMO318",
     "481",
     {"Client", "Verzoek", "OngewijzigdProduct", "TeWijzigenProduct",
      "NieuwProduct"}},
    {"WMO319", "WMO320", "483", {"Antwoord"}},
    {"WMO323", "WMO325", "485", {}}};

const RetourPair* PairOf(absl::string_view message) {
  for (const RetourPair& pair : kRetours) {
    if (pair.message == message) return &pair;
  }
  return nullptr;
}

// Writes `node` of a message as sent, in the retour's namespace where it
// was in the message's; a message class with its return codes last.
void Echo(XmlWriter& w, const xmlNode* node, const RetourPair& pair,
          const CodesByLocation& codes) {
  const absl::string_view name = reinterpret_cast<const char*>(node->name);
  const Space space =
      node->ns != nullptr &&
              reinterpret_cast<const char*>(node->ns->href) == kBaseNamespace
          ? Space::kBase
          : Space::kMessage;
  const std::vector<const xmlNode*> children = Children(node);
  const bool is_class = std::find(pair.classes.begin(), pair.classes.end(),
                                  name) != pair.classes.end();
  if (children.empty() && !is_class) {
    w.Leaf(name, TextOf(node), space);
    return;
  }
  w.Open(name, space);
  for (const xmlNode* child : children) Echo(w, child, pair, codes);
  if (is_class) {
    const auto found = codes.find(LocationOf(node));
    WriteReturnCodes(w, found == codes.end() || found->second.empty()
                            ? std::vector<std::string>{kNoRemark}
                            : found->second);
  }
  w.Close();
}

}  // namespace

std::string WriteTechnicalRetour(const XmlDocument& doc,
                                 const Answered& answered,
                                 const CodesByLocation& codes,
                                 absl::string_view id,
                                 absl::string_view today) {
  const RetourPair& pair = *PairOf(answered.message);
  XmlWriter w(pair.retour, /*indent=*/false);
  WriteRetourHeader(w, answered, {kNoRemark}, id, today);
  for (const xmlNode* part : Children(doc.root())) {
    if (reinterpret_cast<const char*>(part->name) !=
        absl::string_view("Header")) {
      Echo(w, part, pair, codes);
    }
  }
  return w.Finish();
}

std::vector<std::string> ReturnCodesIn(const XmlDocument& doc) {
  std::vector<std::string> codes;
  std::vector<const xmlNode*> open = {doc.root()};
  // Depth first, in document order.
  while (!open.empty()) {
    const xmlNode* node = open.back();
    open.pop_back();
    if (reinterpret_cast<const char*>(node->name) ==
        absl::string_view("RetourCode")) {
      const std::string code(TrimXmlSpace(TextOf(node)));
      if (code != kNoRemark &&
          std::find(codes.begin(), codes.end(), code) == codes.end()) {
        codes.push_back(code);
      }
      continue;
    }
    const std::vector<const xmlNode*> children = Children(node);
    open.insert(open.end(), children.rbegin(), children.rend());
  }
  return codes;
}

absl::string_view RetourOf(absl::string_view message) {
  const RetourPair* pair = PairOf(message);
  return pair == nullptr ? absl::string_view() : pair->retour;
}

void WriteReturnCodes(XmlWriter& w, const std::vector<std::string>& codes) {
  w.Open("RetourCodes");
  for (const std::string& code : codes) w.Leaf("RetourCode", code);
  w.Close();
}

void WriteXsdVersion(XmlWriter& w, absl::string_view name,
                     absl::string_view basis, absl::string_view message) {
  w.Open(name);
  w.Leaf("BasisschemaXsdVersie", basis, Space::kBase);
  w.Leaf("BerichtXsdVersie", message, Space::kBase);
  w.Close();
}

void WriteTotal(XmlWriter& w, absl::string_view name, int64_t cents) {
  w.Open(name);
  w.Leaf("TotaalBedrag", absl::StrCat(std::llabs(cents)), Space::kBase);
  w.Leaf("DebetCredit", cents < 0 ? "C" : "D", Space::kBase);
  w.Close();
}

void WriteRetourHeader(XmlWriter& w, const Answered& answered,
                       const std::vector<std::string>& codes,
                       absl::string_view id, absl::string_view today) {
  const RetourPair& pair = *PairOf(answered.message);
  const bool declaration = pair.retour == "WMO325";
  w.Open("Header");
  w.Leaf("BerichtCode", pair.code);
  w.Leaf("BerichtVersie", "3");
  w.Leaf("BerichtSubversie", "2");
  // A technical retour keeps the parties of the message it returns; the
  // declaration's answer goes from the municipality to the provider.
  w.Leaf("Afzender", declaration ? answered.receiver : answered.sender);
  w.Leaf("Ontvanger", declaration ? answered.sender : answered.receiver);
  if (declaration) {
    // The declaration's answer is a message of its own, naming the
    // declaration it answers.
    w.Open("BerichtIdentificatie");
    w.Leaf("Identificatie", id, Space::kBase);
    w.Leaf("Dagtekening", today, Space::kBase);
    w.Close();
    WriteXsdVersion(w, "XsdVersie", kXsdVersion, kXsdVersion);
    w.Open("DeclaratieIdentificatie");
    w.Leaf("Identificatie", answered.id, Space::kBase);
    w.Leaf("Dagtekening", answered.date, Space::kBase);
    w.Close();
    WriteXsdVersion(w, "XsdVersieDeclaratie", answered.basis_xsd_version,
                    answered.message_xsd_version);
  } else {
    // A technical retour repeats the header of the message it returns and
    // adds its own identification, date and XSD version.
    w.Open("BerichtIdentificatie");
    w.Leaf("Identificatie", answered.id, Space::kBase);
    w.Leaf("Dagtekening", answered.date, Space::kBase);
    w.Close();
    WriteXsdVersion(w, "XsdVersie", answered.basis_xsd_version,
                    answered.message_xsd_version);
    w.Leaf("IdentificatieRetour", id);
    w.Leaf("DagtekeningRetour", today);
    WriteXsdVersion(w, "XsdVersieRetour", kXsdVersion, kXsdVersion);
  }
  WriteReturnCodes(w, codes);
  w.Close();
}

std::string WriteRefusal(const Answered& answered,
                         const std::vector<std::string>& codes,
                         const Fault* fault, absl::string_view id,
                         absl::string_view today) {
  XmlWriter w(RetourOf(answered.message), /*indent=*/false);
  if (fault != nullptr) {
    w.Comment(absl::StrCat(fault->rule, " at ", fault->location, ": ",
                           fault->description));
  }
  WriteRetourHeader(w, answered, codes, id, today);
  return w.Finish();
}

}  // namespace wmo::iwmo
