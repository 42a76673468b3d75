#include "libs/iwmo/delivery.h"

#include <libxml/tree.h>

#include <cmath>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

constexpr char kClient[] = "/Bericht/Client";

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

}  // namespace

DeliveryMessage ReadDeliveryMessage(const XmlDocument& doc,
                                    absl::string_view message) {
  const _xmlNode* root = doc.root();
  const _xmlNode* header = Child(root, "Header");
  const _xmlNode* client = Child(root, "Client");
  DeliveryMessage m;
  m.message = std::string(message);
  m.message_date = TextAt(header, "BerichtIdentificatie", "Dagtekening");
  m.client = ReadPerson(client);
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
  if (std::optional<Fault> fault =
          CheckPerson(m.client, m.message_date, kClient)) {
    return fault;
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

}  // namespace wmo::iwmo
