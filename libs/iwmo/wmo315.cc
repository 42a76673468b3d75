#include "libs/iwmo/wmo315.h"

#include <libxml/tree.h>

#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

constexpr char kClient[] = "/Bericht/Client";

// The stylesheet's testvalue: '*' (has text other than spaces), '' (absent
// or blank).
bool Filled(const std::optional<std::string>& value) {
  return value.has_value() && !NormalizeSpace(*value).empty();
}

bool OneOf(const std::optional<std::string>& value,
           std::initializer_list<absl::string_view> codes) {
  if (!value.has_value()) return false;
  const std::string normalized = NormalizeSpace(*value);
  for (absl::string_view code : codes) {
    if (normalized == code) return true;
  }
  return false;
}

// isPeriodOverlay over ToewijzingIngangsdatum and ToewijzingEinddatum:
// dates as numbers; an open end overlaps everything after the start.
bool Overlap(const RequestedProduct& a, const RequestedProduct& b) {
  if (a.end && b.end) {
    return !(DateNumber(*a.end) < DateNumber(b.start) ||
             DateNumber(*b.end) < DateNumber(a.start));
  }
  if (a.end) return DateNumber(*a.end) >= DateNumber(b.start);
  if (b.end) return DateNumber(*b.end) >= DateNumber(a.start);
  return true;
}

// TR386's "the same product": both codes and categories equal, or a code
// missing on either and the categories equal, or either without a product.
bool SameProduct(const RequestedProduct& a, const RequestedProduct& b) {
  if (!a.category || !b.category) return true;
  if (a.code && b.code) return *a.code == *b.code && *a.category == *b.category;
  return *a.category == *b.category;
}

// Categories 11 to 14 (transport and the like) may overlap.
bool MayOverlap(const RequestedProduct& p) {
  return OneOf(p.category, {"11", "12", "13", "14"});
}

// CD095 and CS343 apply to assignments running into 2021 or later.
bool EndsAfter2020(const RequestedProduct& p) {
  return !p.end || DateNumber(*p.end) > 20201231;
}

std::optional<Fault> CheckProduct(const RequestedProduct& p) {
  auto at = [&](absl::string_view field) {
    return field.empty() ? p.location : absl::StrCat(p.location, "/", field);
  };
  const bool has_extent = p.unit.has_value();
  if (Filled(p.code) && !has_extent) {
    return Fault{at("Omvang"), "CD041",
                 "a requested product with a product code has an Omvang"};
  }
  if (Filled(p.decision_number) != Filled(p.decision_start)) {
    return Fault{at("BeschikkingIngangsdatum"), "CD043",
                 "BeschikkingNummer and BeschikkingIngangsdatum go together"};
  }
  const bool referrer_care = OneOf(p.referrer_type, {"02", "03", "04", "05"});
  if (referrer_care && Filled(p.referrer_agb) && Filled(p.referrer_name)) {
    return Fault{at("Verwijzer/Naam"), "CD066",
                 "a referrer with a ZorgverlenerCode has no Naam"};
  }
  if (referrer_care && !Filled(p.referrer_agb) && !Filled(p.referrer_name)) {
    return Fault{at("Verwijzer/Naam"), "CD067",
                 "a referrer of type 02 to 05 without a ZorgverlenerCode has "
                 "a Naam"};
  }
  if (!referrer_care && Filled(p.referrer_agb)) {
    return Fault{at("Verwijzer/ZorgverlenerCode"), "CD068",
                 "only a referrer of type 02 to 05 has a ZorgverlenerCode"};
  }
  if (Filled(p.budget) && !Filled(p.end)) {
    return Fault{at("Budget"), "CD075",
                 "a requested budget needs a ToewijzingEinddatum"};
  }
  if (OneOf(p.frequency, {"2"}) && !Filled(p.end)) {
    return Fault{at("Omvang/Frequentie"), "CD076",
                 "a volume per week needs a ToewijzingEinddatum"};
  }
  if (Filled(p.budget) && has_extent) {
    return Fault{at("Budget"), "CD077", "give an Omvang or a Budget, not both"};
  }
  if (has_extent && p.budget.has_value()) {
    return Fault{at("Omvang"), "CD078", "give an Omvang or a Budget, not both"};
  }
  if (!Filled(p.budget) && !p.category.has_value()) {
    return Fault{p.location, "CD079",
                 "a requested product without a Budget names its Product"};
  }
  if (has_extent && EndsAfter2020(p) && !Filled(p.code)) {
    return Fault{at("Omvang"), "CD095",
                 "an Omvang goes with a product code (since 2021)"};
  }
  if (p.end && IsBefore(*p.end, p.start)) {
    return Fault{at("ToewijzingEinddatum"), "CS003",
                 "the assignment ends before it starts"};
  }
  if (has_extent && EndsAfter2020(p) &&
      OneOf(p.unit, {"14", "16", "83", "84"}) &&
      !OneOf(p.frequency, {"2", "4", "6"})) {
    return Fault{at("Omvang/Frequentie"), "CS343",
                 "units 14, 16, 83 and 84 go per week, per month or in "
                 "total (frequency 2, 4 or 6)"};
  }
  return std::nullopt;
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
    p.location = absl::StrCat(kClient, "/AangevraagdeProducten/",
                              Step("AangevraagdProduct", i, nodes.size()));
    p.reference = TextAt(node, "ReferentieAanbieder");
    p.decision_number = OptionalTextAt(node, "BeschikkingNummer");
    if (const _xmlNode* product = Child(node, "Product")) {
      p.category = TextAt(product, "Categorie");
      p.code = OptionalTextAt(product, "Code");
    }
    p.decision_start = OptionalTextAt(node, "BeschikkingIngangsdatum");
    p.start = TextAt(node, "ToewijzingIngangsdatum");
    p.end = OptionalTextAt(node, "ToewijzingEinddatum");
    if (const _xmlNode* extent = Child(node, "Omvang")) {
      p.volume = TextAt(extent, "Volume");
      p.unit = TextAt(extent, "Eenheid");
      p.frequency = TextAt(extent, "Frequentie");
    }
    p.budget = OptionalTextAt(node, "Budget");
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
        return Fault{p.location, "TR101",
                     "each requested product has a ReferentieAanbieder of "
                     "its own"};
      }
      if (earlier.reference == NormalizeSpace(p.reference)) {
        return Fault{absl::StrCat(p.location, "/ReferentieAanbieder"), "TR383",
                     "each requested product has a ReferentieAanbieder of "
                     "its own"};
      }
      if (SameProduct(p, earlier) && !MayOverlap(p) && !MayOverlap(earlier) &&
          Overlap(p, earlier)) {
        return Fault{p.location, "TR386",
                     "the same product is requested twice for overlapping "
                     "periods"};
      }
    }
  }
  return std::nullopt;
}

}  // namespace wmo::iwmo
