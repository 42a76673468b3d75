#include "libs/iwmo/wmo315.h"

#include <libxml/tree.h>

#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

constexpr char kClient[] = "/Bericht/Client";

// How a WMO315 names what its products share with a 317's.
constexpr WantedNames kNames{"ToewijzingIngangsdatum", "ToewijzingEinddatum",
                             /*has_product=*/true, "CD095", "CS343"};

std::optional<Fault> CheckProduct(const RequestedProduct& p) {
  const std::string& location = p.wanted.location;
  if (Filled(p.decision_number) != Filled(p.decision_start)) {
    return Fault{absl::StrCat(location, "/BeschikkingIngangsdatum"), "CD043",
                 "BeschikkingNummer and BeschikkingIngangsdatum go together"};
  }
  const bool referrer_care = OneOf(p.referrer_type, {"02", "03", "04", "05"});
  if (referrer_care && Filled(p.referrer_agb) && Filled(p.referrer_name)) {
    return Fault{absl::StrCat(location, "/Verwijzer/Naam"), "CD066",
                 "a referrer with a ZorgverlenerCode has no Naam"};
  }
  if (referrer_care && !Filled(p.referrer_agb) && !Filled(p.referrer_name)) {
    return Fault{absl::StrCat(location, "/Verwijzer/Naam"), "CD067",
                 "a referrer of type 02 to 05 without a ZorgverlenerCode has "
                 "a Naam"};
  }
  if (!referrer_care && Filled(p.referrer_agb)) {
    return Fault{absl::StrCat(location, "/Verwijzer/ZorgverlenerCode"), "CD068",
                 "only a referrer of type 02 to 05 has a ZorgverlenerCode"};
  }
  return CheckWantedProduct(p.wanted, kNames);
}

}  // namespace

Wmo315 ReadWmo315(const XmlDocument& doc) {
  const _xmlNode* root = doc.root();
  const _xmlNode* client = Child(root, "Client");
  Wmo315 m;
  m.message_date =
      TextAt(Child(root, "Header"), "BerichtIdentificatie", "Dagtekening");
  m.client = ReadPerson(client);
  const std::vector<const _xmlNode*> nodes =
      Children(Child(client, "AangevraagdeProducten"));
  for (size_t i = 0; i < nodes.size(); ++i) {
    const _xmlNode* node = nodes[i];
    RequestedProduct& p = m.products.emplace_back();
    p.wanted = ReadWantedProduct(
        node,
        absl::StrCat(kClient, "/AangevraagdeProducten/",
                     Step("AangevraagdProduct", i, nodes.size())),
        kNames);
    p.reference = TextAt(node, "ReferentieAanbieder");
    p.decision_number = OptionalTextAt(node, "BeschikkingNummer");
    p.decision_start = OptionalTextAt(node, "BeschikkingIngangsdatum");
    const _xmlNode* referrer = Child(node, "Verwijzer");
    p.referrer_type = TextAt(referrer, "Type");
    p.referrer_name = OptionalTextAt(referrer, "Naam");
    p.referrer_agb = OptionalTextAt(referrer, "ZorgverlenerCode");
  }
  return m;
}

std::optional<Fault> CheckWmo315Rules(const Wmo315& m) {
  if (std::optional<Fault> fault =
          CheckPerson(m.client, m.message_date, kClient)) {
    return fault;
  }
  for (size_t i = 0; i < m.products.size(); ++i) {
    const RequestedProduct& p = m.products[i];
    if (std::optional<Fault> fault = CheckProduct(p)) return fault;
    for (size_t k = 0; k < i; ++k) {
      const RequestedProduct& earlier = m.products[k];
      // TR101 compares the references as sent, TR383 an earlier one as
      // sent with this one's normalized.
      if (earlier.reference == p.reference) {
        return Fault{p.wanted.location, "TR101",
                     "each requested product has a ReferentieAanbieder of "
                     "its own"};
      }
      if (earlier.reference == NormalizeSpace(p.reference)) {
        return Fault{
            absl::StrCat(p.wanted.location, "/ReferentieAanbieder"), "TR383",
            "each requested product has a ReferentieAanbieder of its own"};
      }
      if (SameProductOverlapping(p.wanted, earlier.wanted)) {
        return Fault{p.wanted.location, "TR386",
                     "the same product is requested twice for overlapping "
                     "periods"};
      }
    }
  }
  return std::nullopt;
}

}  // namespace wmo::iwmo
