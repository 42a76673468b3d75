#include "libs/iwmo/delivery.h"

#include <libxml/tree.h>

#include <cmath>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/xml_writer.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

constexpr char kClient[] = "/Bericht/Client";

// CS139: the date agrees with how much of it is known (1: day unknown, the
// 1st; 2: day and month unknown, 1 January; 3: unknown, 1900-01-01).
bool BirthDateFitsItsUse(absl::string_view date, absl::string_view use) {
  if (use == "3") return date == "1900-01-01";
  if (use == "2") return SubstringAfter(date, "-") == "01-01";
  if (use == "1") return SubstringAfter(SubstringAfter(date, "-"), "-") == "01";
  return true;
}

// The elements of a product that together say which one it is (TR101):
// present or absent, and their text as sent.
using ProductKey =
    std::tuple<std::string, std::optional<std::string>,
               std::optional<std::string>, std::optional<std::string>,
               std::optional<std::string>, std::optional<std::string>>;

ProductKey KeyOf(const DeliveryProduct& p) {
  return {p.start_date, p.end_date,   p.category,
          p.code,       p.end_reason, p.assignment_number};
}

void WriteOptional(XmlWriter& w, absl::string_view name,
                   const std::optional<std::string>& value,
                   Space space = Space::kMessage) {
  if (value.has_value()) w.Leaf(name, *value, space);
}

}  // namespace

DeliveryMessage ReadDeliveryMessage(const XmlDocument& doc,
                                    absl::string_view message) {
  const _xmlNode* root = doc.root();
  const _xmlNode* header = Child(root, "Header");
  const _xmlNode* client = Child(root, "Client");
  DeliveryMessage m;
  m.message = std::string(message);
  m.message_date = TextAt(header, "BerichtIdentificatie", "Dagtekening");
  m.bsn = TextAt(client, "Bsn");
  const _xmlNode* birth = Child(client, "Geboortedatum");
  m.birth_date = TextAt(birth, "Datum");
  m.birth_date_use = OptionalTextAt(birth, "DatumGebruik");
  m.gender = TextAt(client, "Geslacht");
  const _xmlNode* name = Child(client, "Naam");
  const _xmlNode* surname = Child(name, "Geslachtsnaam");
  m.surname = TextAt(surname, "Achternaam");
  m.surname_prefix = OptionalTextAt(surname, "Voorvoegsel");
  m.first_names = OptionalTextAt(name, "Voornamen");
  m.initials = OptionalTextAt(name, "Voorletters");
  const char* products = m.is_stop() ? "StopProducten" : "StartProducten";
  const char* product = m.is_stop() ? "StopProduct" : "StartProduct";
  const std::vector<const _xmlNode*> nodes = Children(Child(client, products));
  for (size_t i = 0; i < nodes.size(); ++i) {
    DeliveryProduct& p = m.products.emplace_back();
    p.location = absl::StrCat(kClient, "/", products, "/",
                              Step(product, i, nodes.size()));
    p.assignment_number = OptionalTextAt(nodes[i], "ToewijzingNummer");
    if (const _xmlNode* what = Child(nodes[i], "Product")) {
      p.category = TextAt(what, "Categorie");
      p.code = OptionalTextAt(what, "Code");
    }
    p.assignment_start = OptionalTextAt(nodes[i], "ToewijzingIngangsdatum");
    p.start_date = TextAt(nodes[i], "Begindatum");
    p.end_reason = OptionalTextAt(nodes[i], "RedenBeeindiging");
    p.end_date = OptionalTextAt(nodes[i], "Einddatum");
    p.status = TextAt(nodes[i], "StatusAanlevering");
  }
  return m;
}

std::optional<Fault> CheckDeliveryRules(const DeliveryMessage& m) {
  const std::string birth = absl::StrCat(kClient, "/Geboortedatum/Datum");
  if (!PassesElevenTest(m.bsn)) {
    return Fault{absl::StrCat(kClient, "/Bsn"), "CS002",
                 "the BSN does not pass the 11-proef"};
  }
  const std::string use = m.birth_date_use.value_or("");
  if (!BirthDateFitsItsUse(m.birth_date, use)) {
    return Fault{birth, "CS139",
                 "the birth date does not fit DatumGebruik: 1 has the 1st "
                 "of the month, 2 the 1st of January, 3 is 1900-01-01"};
  }
  // TR002: born at most 120 years before the message, unless unknown.
  if (!(use == "3" && m.birth_date == "1900-01-01") &&
      DateNumber(m.birth_date) + 1200000 <
          DateNumber(absl::string_view(m.message_date).substr(0, 10))) {
    return Fault{birth, "TR002",
                 "the birth date lies more than 120 years before the "
                 "message"};
  }
  if (IsBefore(m.message_date, m.birth_date)) {
    return Fault{birth, "TR134",
                 "the birth date lies after the message's Dagtekening"};
  }
  std::set<ProductKey> seen;
  for (const DeliveryProduct& p : m.products) {
    const std::string status = NormalizeSpace(p.status);
    if (status != "1" && status != "3") {
      return Fault{absl::StrCat(p.location, "/StatusAanlevering"), "CS058",
                   "StatusAanlevering is 1 (a first delivery) or 3 "
                   "(withdrawing an earlier one)"};
    }
    if (m.is_stop()) {
      if (IsBefore(p.end_date.value_or(""), p.start_date)) {
        return Fault{absl::StrCat(p.location, "/Einddatum"), "TR018",
                     "delivery stops before it starts"};
      }
      if (IsBefore(m.message_date, p.end_date.value_or(""))) {
        return Fault{absl::StrCat(p.location, "/Einddatum"), "TR134",
                     "the stop lies after the message's Dagtekening: report "
                     "it once delivery has stopped"};
      }
    } else if (IsBefore(m.message_date, p.start_date)) {
      return Fault{absl::StrCat(p.location, "/Begindatum"), "TR134",
                   "the start lies after the message's Dagtekening: report "
                   "it once delivery has started"};
    }
    if (!seen.insert(KeyOf(p)).second) {
      return Fault{p.location, "TR101",
                   "a product occurs once per message: this one is already "
                   "reported with the same dates, product and assignment"};
    }
  }
  return std::nullopt;
}

std::string WriteDeliveryRetour(
    const DeliveryMessage& m, const Answered& answered,
    const std::vector<std::vector<std::string>>& codes, absl::string_view id,
    absl::string_view today) {
  XmlWriter w(RetourOf(m.message), /*indent=*/false);
  WriteRetourHeader(w, answered, {kNoRemark}, id, today);
  w.Open("Client");
  w.Leaf("Bsn", m.bsn);
  w.Open("Geboortedatum");
  w.Leaf("Datum", m.birth_date, Space::kBase);
  WriteOptional(w, "DatumGebruik", m.birth_date_use, Space::kBase);
  w.Close();
  w.Leaf("Geslacht", m.gender);
  w.Open("Naam");
  w.Open("Geslachtsnaam", Space::kBase);
  w.Leaf("Achternaam", m.surname, Space::kBase);
  WriteOptional(w, "Voorvoegsel", m.surname_prefix, Space::kBase);
  w.Close();
  WriteOptional(w, "Voornamen", m.first_names, Space::kBase);
  WriteOptional(w, "Voorletters", m.initials, Space::kBase);
  w.Close();
  w.Open(m.is_stop() ? "StopProducten" : "StartProducten");
  for (size_t i = 0; i < m.products.size(); ++i) {
    const DeliveryProduct& p = m.products[i];
    w.Open(m.is_stop() ? "StopProduct" : "StartProduct");
    WriteOptional(w, "ToewijzingNummer", p.assignment_number);
    if (p.category.has_value()) {
      w.Open("Product");
      w.Leaf("Categorie", *p.category, Space::kBase);
      WriteOptional(w, "Code", p.code, Space::kBase);
      w.Close();
    }
    WriteOptional(w, "ToewijzingIngangsdatum", p.assignment_start);
    w.Leaf("Begindatum", p.start_date);
    WriteOptional(w, "RedenBeeindiging", p.end_reason);
    WriteOptional(w, "Einddatum", p.end_date);
    w.Leaf("StatusAanlevering", p.status);
    WriteReturnCodes(w, i < codes.size() && !codes[i].empty()
                            ? codes[i]
                            : std::vector<std::string>{kNoRemark});
    w.Close();
  }
  w.Close();
  WriteReturnCodes(w, {kNoRemark});
  w.Close();
  return w.Finish();
}

}  // namespace wmo::iwmo
