#include "libs/iwmo/wmo317.h"

#include <libxml/tree.h>

#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

constexpr char kRequest[] = "/Bericht/Client/Verzoek";

// How a WMO317 names what its products share with a 315's.
constexpr WantedNames kAltered{"GewensteIngangsdatum", "Einddatum",
                               /*has_product=*/false, "CD096", "CS338"};
constexpr WantedNames kAdded{"GewensteIngangsdatum", "Einddatum",
                             /*has_product=*/true, "CD096", "CS338"};

// The elements of `list` (a child of the request) and each one's location.
std::vector<std::pair<const _xmlNode*, std::string>> Items(
    const _xmlNode* request, const char* list, const char* item) {
  const std::vector<const _xmlNode*> nodes = Children(Child(request, list));
  std::vector<std::pair<const _xmlNode*, std::string>> out;
  out.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    out.emplace_back(nodes[i], absl::StrCat(kRequest, "/", list, "/",
                                            Step(item, i, nodes.size())));
  }
  return out;
}

}  // namespace

Wmo317 ReadWmo317(const XmlDocument& doc) {
  const _xmlNode* root = doc.root();
  const _xmlNode* client = Child(root, "Client");
  const _xmlNode* request = Child(client, "Verzoek");
  Wmo317 m;
  m.message_date =
      TextAt(Child(root, "Header"), "BerichtIdentificatie", "Dagtekening");
  m.bsn = TextAt(client, "Bsn");
  m.reference = TextAt(request, "ReferentieAanbieder");
  m.reason = TextAt(request, "RedenVerzoek");
  for (const auto& [node, location] :
       Items(request, "OngewijzigdeProducten", "OngewijzigdProduct")) {
    m.unchanged.push_back({location, TextAt(node, "ToewijzingNummer")});
  }
  for (const auto& [node, location] :
       Items(request, "TeWijzigenProducten", "TeWijzigenProduct")) {
    m.altered.push_back({ReadWantedProduct(node, location, kAltered),
                         TextAt(node, "ToewijzingNummer")});
  }
  for (const auto& [node, location] :
       Items(request, "NieuweProducten", "NieuwProduct")) {
    m.added.push_back(ReadWantedProduct(node, location, kAdded));
  }
  return m;
}

std::optional<Fault> CheckWmo317Rules(const Wmo317& m) {
  if (!PassesElevenTest(m.bsn)) {
    return Fault{"/Bericht/Client/Bsn", "CS002",
                 "the BSN does not pass the 11-proef"};
  }
  if (m.unchanged.empty() && m.altered.empty()) {
    return Fault{kRequest, "TR352",
                 "name the client's current assignments, as unchanged or "
                 "to change"};
  }
  if (m.altered.empty() && m.added.empty()) {
    return Fault{kRequest, "TR353",
                 "a request for a change changes or adds a product"};
  }
  // TR101: an assignment is named once per list, as sent.
  std::set<std::string> seen;
  for (const UnchangedProduct& p : m.unchanged) {
    if (!seen.insert(p.number).second) {
      return Fault{p.location, "TR101",
                   "each unchanged assignment is named once"};
    }
  }
  seen.clear();
  for (const AlteredProduct& p : m.altered) {
    if (!seen.insert(p.number).second) {
      return Fault{p.wanted.location, "TR101",
                   "each assignment to change is named once"};
    }
    if (std::optional<Fault> fault = CheckWantedProduct(p.wanted, kAltered)) {
      return fault;
    }
  }
  using Key = std::tuple<std::string, std::optional<std::string>,
                         std::optional<std::string>>;
  std::set<Key> added;
  for (size_t i = 0; i < m.added.size(); ++i) {
    const WantedProduct& p = m.added[i];
    if (!added.insert({p.start, p.category, p.code}).second) {
      return Fault{p.location, "TR101",
                   "a product to add occurs once with the same start"};
    }
    if (std::optional<Fault> fault = CheckWantedProduct(p, kAdded)) {
      return fault;
    }
    // TR380: a new product starts after the request.
    if (DateNumber(m.message_date) >= DateNumber(p.start)) {
      return Fault{absl::StrCat(p.location, "/GewensteIngangsdatum"), "TR380",
                   "a product to add starts after the message's "
                   "Dagtekening"};
    }
    for (size_t k = 0; k < i; ++k) {
      if (SameProductOverlapping(p, m.added[k])) {
        return Fault{p.location, "TR410",
                     "the same product is added twice for overlapping "
                     "periods"};
      }
    }
  }
  return std::nullopt;
}

}  // namespace wmo::iwmo
