#include "libs/iwmo/wmo301.h"

#include <libxml/tree.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/xml_writer.h"
#include "libs/iwmo/xpath_values.h"
#include "libs/rules/dates.h"

namespace wmo::iwmo {
namespace {

namespace av1 = ::wmo::assignment::v1;

void WriteHeader(XmlWriter& w, absl::string_view code, const Outgoing& out) {
  w.Open("Header");
  w.Leaf("BerichtCode", code);
  w.Leaf("BerichtVersie", "3");
  w.Leaf("BerichtSubversie", "2");
  w.Leaf("Afzender", out.municipality);
  w.Leaf("Ontvanger", out.provider);
  w.Open("BerichtIdentificatie");
  w.Leaf("Identificatie", out.id, Space::kBase);
  w.Leaf("Dagtekening", out.date, Space::kBase);
  w.Close();
  WriteXsdVersion(w, "XsdVersie", kXsdVersion, kXsdVersion);
  w.Close();
}

bool HasAddress(const av1::ContactDetails& c) {
  return !c.postcode().empty() && c.house_number() > 0;
}

// WMO002 (RedenWijziging) of the assignment's latest change; none for a
// first version.
std::string ChangeReasonOf(const av1::Assignment& a) {
  if (a.state() == av1::Assignment::DELETED) return "13";
  if (a.state() == av1::Assignment::ENDED) return "05";  // shortened
  if (a.revision() <= 1) return "";
  // 01 is no longer used (CS336): a change stored with it before says 14,
  // its successor.
  return a.change_reason() == "01" ? "14" : a.change_reason();
}

void WriteProduct(XmlWriter& w, const av1::Assignment& a) {
  w.Open("ToegewezenProduct");
  w.Leaf("ToewijzingNummer", a.number());
  if (!a.provider_reference().empty()) {
    w.Leaf("ReferentieAanbieder", a.provider_reference());
  }
  // A budget goes with a category only: a product code asks for an
  // Omvang (CD041), which a budget excludes (CD077).
  w.Open("Product");
  w.Leaf("Categorie", a.product_category(), Space::kBase);
  if (a.has_extent()) w.Leaf("Code", a.product_code(), Space::kBase);
  w.Close();
  // When this version was decided, in Dutch time.
  const absl::Time decided = absl::FromUnixSeconds(a.update_time().seconds());
  w.Leaf("Toewijzingsdatum",
         absl::FormatTime("%Y-%m-%d", decided, rules::DutchTime()));
  w.Leaf("Toewijzingstijd",
         absl::FormatTime("%H:%M:%S", decided, rules::DutchTime()));
  w.Leaf("Ingangsdatum", a.start_date());
  if (!a.end_date().empty()) w.Leaf("Einddatum", a.end_date());
  if (const std::string reason = ChangeReasonOf(a); !reason.empty()) {
    w.Leaf("RedenWijziging", reason);
  }
  if (a.has_extent()) {
    w.Open("Omvang");
    w.Leaf("Volume", absl::StrCat(a.extent().volume()), Space::kBase);
    w.Leaf("Eenheid", absl::StrFormat("%02d", a.extent().unit()), Space::kBase);
    w.Leaf("Frequentie", absl::StrCat(a.extent().frequency()), Space::kBase);
    w.Close();
  } else {
    w.Leaf("Budget", absl::StrCat(a.budget_cents()));
  }
  w.Close();
}

}  // namespace

std::string MissingForWmo301(const av1::Client& client) {
  if (client.name().surname().empty()) return "the client's name";
  if (!HasAddress(client.contact()) && client.contact().phone().empty()) {
    return "the client's address (postcode and house number) or phone "
           "number";
  }
  return "";
}

std::string WriteWmo301(const Outgoing& out, const av1::Client& client,
                        const std::vector<av1::Assignment>& assignments) {
  XmlWriter w("WMO301", /*indent=*/false);
  WriteHeader(w, "414", out);
  w.Open("Client");
  w.Leaf("Bsn", client.bsn());
  w.Open("Geboortedatum");
  if (client.birth_date().empty()) {
    w.Leaf("Datum", "1900-01-01", Space::kBase);
    w.Leaf("DatumGebruik", "3", Space::kBase);  // unknown
  } else {
    w.Leaf("Datum", client.birth_date(), Space::kBase);
  }
  w.Close();
  w.Leaf("Geslacht", client.gender().empty() ? "0" : client.gender());
  w.Open("Naam");
  w.Open("Geslachtsnaam", Space::kBase);
  w.Leaf("Achternaam", client.name().surname(), Space::kBase);
  if (!client.name().surname_prefix().empty()) {
    w.Leaf("Voorvoegsel", client.name().surname_prefix(), Space::kBase);
  }
  w.Close();
  if (!client.name().initials().empty()) {
    w.Leaf("Voorletters", client.name().initials(), Space::kBase);
  }
  w.Leaf("NaamGebruik", "1", Space::kBase);  // the own name
  w.Close();
  w.Open("Contactgegevens");
  w.Open("Contact");
  const av1::ContactDetails& c = client.contact();
  // The BRP address (01); a phone number alone is for correspondence (02).
  w.Leaf("Soort", HasAddress(c) ? "01" : "02");
  if (HasAddress(c)) {
    w.Open("Adres");
    w.Open("Huis", Space::kBase);
    w.Leaf("Huisnummer", absl::StrCat(c.house_number()), Space::kBase);
    if (!c.house_letter().empty()) {
      w.Leaf("Huisletter", c.house_letter(), Space::kBase);
    }
    if (!c.house_number_addition().empty()) {
      w.Leaf("HuisnummerToevoeging", c.house_number_addition(), Space::kBase);
    }
    w.Close();
    w.Leaf("Postcode", c.postcode(), Space::kBase);
    if (!c.street().empty()) w.Leaf("Straatnaam", c.street(), Space::kBase);
    if (!c.city().empty()) w.Leaf("Plaatsnaam", c.city(), Space::kBase);
    w.Leaf("LandCode", "NL", Space::kBase);
    w.Close();
  }
  if (!c.phone().empty()) {
    w.Open("Telefoon");
    w.Open("Telefoon01", Space::kBase);
    w.Leaf("Telefoonnummer", c.phone(), Space::kBase);
    w.Leaf("Landnummer", "0031", Space::kBase);  // a Dutch number
    w.Close();
    w.Close();
  }
  w.Close();
  w.Close();
  w.Open("ToegewezenProducten");
  for (const av1::Assignment& a : assignments) WriteProduct(w, a);
  w.Close();
  w.Close();
  return w.Finish();
}

std::string WriteWmo319(const Outgoing& out,
                        const av1::AssignmentRequest& request) {
  XmlWriter w("WMO319", /*indent=*/false);
  WriteHeader(w, "482", out);
  w.Open("Antwoord");
  w.Leaf("ReferentieAanbieder", request.provider_reference());
  const bool rejected = request.state() == av1::AssignmentRequest::REJECTED;
  w.Leaf("VerzoekAntwoord", rejected ? "1" : "2");
  if (rejected) w.Leaf("RedenAfwijzingVerzoek", request.rejection_reason());
  w.Close();
  return w.Finish();
}

namespace {

constexpr char kClient301[] = "/Bericht/Client";

// How a WMO301 names what its products share with a request's.
constexpr WantedNames kAssigned{"Ingangsdatum", "Einddatum",
                                /*has_product=*/true, "CD080", "CS338"};

NameRead ReadName(const xmlNode* name, const std::string& location) {
  return {absl::StrCat(location, "/NaamGebruik"),
          Child(name, "Partnernaam") != nullptr, TextAt(name, "NaamGebruik")};
}

ContactRead ReadContact(const xmlNode* node, std::string location) {
  ContactRead c;
  c.location = std::move(location);
  c.kind = TextAt(node, "Soort");
  if (const xmlNode* address = Child(node, "Adres")) {
    c.has_address = true;
    if (const xmlNode* house = Child(address, "Huis")) {
      c.house_number = TextAt(house, "Huisnummer");
      c.house_letter = OptionalTextAt(house, "Huisletter");
      c.addition = OptionalTextAt(house, "HuisnummerToevoeging");
    }
    c.postcode = OptionalTextAt(address, "Postcode");
    c.street = OptionalTextAt(address, "Straatnaam");
    c.town = OptionalTextAt(address, "Plaatsnaam");
    c.country = OptionalTextAt(address, "LandCode");
  }
  if (const xmlNode* phone = Child(node, "Telefoon")) {
    c.has_phone = true;
    c.phone = TextAt(phone, "Telefoon01", "Telefoonnummer");
  }
  if (const xmlNode* period = Child(node, "Periode")) {
    c.has_period = true;
    c.period_start = OptionalTextAt(period, "Begindatum");
    c.period_end = OptionalTextAt(period, "Einddatum");
  }
  return c;
}

// The stylesheet's pattern 1000ZZ: a digit but 0, three digits, two
// letters.
bool IsDutchPostcode(absl::string_view text) {
  return text.size() == 6 && text[0] >= '1' && text[0] <= '9' &&
         absl::ascii_isdigit(text[1]) && absl::ascii_isdigit(text[2]) &&
         absl::ascii_isdigit(text[3]) && absl::ascii_isalpha(text[4]) &&
         absl::ascii_isalpha(text[5]);
}

std::optional<Fault> CheckName(const NameRead& name) {
  // CS050: a partner's name goes with a use 1 to 4; without one, 1.
  const bool fits = name.has_partner_name
                        ? OneOf(name.name_use, {"1", "2", "3", "4"})
                        : OneOf(name.name_use, {"1"});
  if (!fits) {
    return Fault{name.location, "CS050",
                 "NaamGebruik is 1 without a Partnernaam, 1 to 4 with one"};
  }
  return std::nullopt;
}

std::optional<Fault> CheckContact(const ContactRead& c) {
  auto at = [&](absl::string_view field) {
    return absl::StrCat(c.location, "/", field);
  };
  if (!Filled(c.postcode) && Filled(c.country)) {
    return Fault{at("Adres/LandCode"), "CD005",
                 "a LandCode goes with a Postcode"};
  }
  if (Filled(c.postcode) && !Filled(c.country)) {
    return Fault{at("Adres/Postcode"), "CD005",
                 "a Postcode goes with a LandCode"};
  }
  if (OneOf(c.country, {"NL"}) && !Filled(c.house_number)) {
    return Fault{at("Adres/Huis"), "CD025",
                 "a Dutch address has a house number"};
  }
  if (OneOf(c.country, {"NL"}) && !IsDutchPostcode(c.postcode.value_or(""))) {
    return Fault{at("Adres/Postcode"), "CS089",
                 "a Dutch postcode is four digits and two letters, without "
                 "a space"};
  }
  if (OneOf(c.kind, {"01", "03"}) && !Filled(c.postcode)) {
    return Fault{at("Adres/Postcode"), "CD034",
                 "a BRP or residence address has a postcode"};
  }
  if (c.has_period && !OneOf(c.kind, {"04"})) {
    return Fault{at("Periode"), "CD009",
                 "only a temporary address (04) has a Periode"};
  }
  if (c.period_end &&
      (!c.period_start || IsBefore(*c.period_end, *c.period_start))) {
    return Fault{at("Periode/Einddatum"), "CS003",
                 "the period ends before it starts"};
  }
  // TR006: a phone number, or a house number and a postcode.
  if (!c.has_phone && (!c.house_number.has_value() || !c.postcode)) {
    return Fault{c.location, "TR006",
                 "a contact has a phone number, or an address with a house "
                 "number and a postcode"};
  }
  return std::nullopt;
}

// TR302 leaves out products deleted or withdrawn (13, 01) on the day they
// start.
bool IgnoredForTr302(const AssignedProduct& p) {
  return (p.change_reason == "01" || p.change_reason == "13") &&
         Filled(p.wanted.end) &&
         StripDashes(p.wanted.start) == StripDashes(*p.wanted.end);
}

}  // namespace

Wmo301 ReadWmo301(const XmlDocument& doc) {
  const xmlNode* root = doc.root();
  const xmlNode* client = Child(root, "Client");
  Wmo301 m;
  m.message_date =
      TextAt(Child(root, "Header"), "BerichtIdentificatie", "Dagtekening");
  m.client = ReadPerson(client);
  m.name = ReadName(Child(client, "Naam"), absl::StrCat(kClient301, "/Naam"));
  if (const xmlNode* way = Child(client, "Communicatie")) {
    m.communication_form = TextAt(way, "Vorm");
    m.language = OptionalTextAt(way, "Taal");
  }
  const std::vector<const xmlNode*> relations =
      Children(Child(client, "Relaties"));
  for (size_t i = 0; i < relations.size(); ++i) {
    const xmlNode* node = relations[i];
    RelationRead& r = m.relations.emplace_back();
    r.location = absl::StrCat(kClient301, "/Relaties/",
                              Step("Relatie", i, relations.size()));
    r.number = TextAt(node, "Nummer");
    if (const xmlNode* birth = Child(node, "Geboortedatum")) {
      r.birth_date = TextAt(birth, "Datum");
      r.birth_date_use = OptionalTextAt(birth, "DatumGebruik");
    }
    r.name = ReadName(Child(node, "Naam"), absl::StrCat(r.location, "/Naam"));
    r.contact = ReadContact(Child(node, "Contact"),
                            absl::StrCat(r.location, "/Contact"));
  }
  const std::vector<const xmlNode*> contacts =
      Children(Child(client, "Contactgegevens"));
  for (size_t i = 0; i < contacts.size(); ++i) {
    m.contacts.push_back(ReadContact(
        contacts[i], absl::StrCat(kClient301, "/Contactgegevens/",
                                  Step("Contact", i, contacts.size()))));
  }
  const std::vector<const xmlNode*> products =
      Children(Child(client, "ToegewezenProducten"));
  for (size_t i = 0; i < products.size(); ++i) {
    AssignedProduct& p = m.products.emplace_back();
    p.wanted = ReadWantedProduct(
        products[i],
        absl::StrCat(kClient301, "/ToegewezenProducten/",
                     Step("ToegewezenProduct", i, products.size())),
        kAssigned);
    p.number = TextAt(products[i], "ToewijzingNummer");
    p.decision_date = TextAt(products[i], "Toewijzingsdatum");
    p.change_reason = OptionalTextAt(products[i], "RedenWijziging");
  }
  return m;
}

std::optional<Fault> CheckWmo301Rules(const Wmo301& m) {
  if (std::optional<Fault> fault =
          CheckPerson(m.client, m.message_date, kClient301)) {
    return fault;
  }
  if (std::optional<Fault> fault = CheckName(m.name)) return fault;
  if (m.communication_form.has_value() &&
      Filled(m.language) != OneOf(m.communication_form, {"1"})) {
    return Fault{absl::StrCat(kClient301, "/Communicatie/Taal"), "CD007",
                 "a language goes with Vorm 1 (an interpreter), and only "
                 "with it"};
  }
  std::set<std::string> numbers;
  for (const RelationRead& r : m.relations) {
    if (!numbers.insert(r.number).second) {
      return Fault{r.location, "TR101", "each relation is named once"};
    }
    if (r.birth_date) {
      if (std::optional<Fault> fault = CheckBirthDate(
              *r.birth_date, r.birth_date_use, m.message_date, r.location)) {
        return fault;
      }
    }
    if (std::optional<Fault> fault = CheckName(r.name)) return fault;
    if (std::optional<Fault> fault = CheckContact(r.contact)) return fault;
  }
  std::set<std::string> kinds;
  bool reachable = false;
  for (const ContactRead& c : m.contacts) {
    if (!kinds.insert(c.kind).second) {
      return Fault{c.location, "TR101", "one contact of each kind"};
    }
    if (std::optional<Fault> fault = CheckContact(c)) return fault;
    reachable = reachable || c.kind == "01" || c.kind == "02" || c.kind == "03";
  }
  if (!reachable) {
    return Fault{absl::StrCat(kClient301, "/Contactgegevens"), "TR061",
                 "the client has a BRP, correspondence or residence "
                 "address (01, 02 or 03)"};
  }
  numbers.clear();
  for (size_t i = 0; i < m.products.size(); ++i) {
    const AssignedProduct& p = m.products[i];
    if (!numbers.insert(p.number).second) {
      return Fault{p.wanted.location, "TR101", "each assignment is named once"};
    }
    if (std::optional<Fault> fault = CheckWantedProduct(p.wanted, kAssigned)) {
      return fault;
    }
    if (p.change_reason == "13" && p.wanted.end.has_value() &&
        p.wanted.start != *p.wanted.end) {
      return Fault{absl::StrCat(p.wanted.location, "/RedenWijziging"), "CS335",
                   "13 (deleted) is for an assignment that ends on its "
                   "start"};
    }
    if (OneOf(p.change_reason, {"01"})) {
      return Fault{absl::StrCat(p.wanted.location, "/RedenWijziging"), "CS336",
                   "01 is no longer used; 14 is its successor"};
    }
    if (IsBefore(m.message_date, p.decision_date)) {
      return Fault{absl::StrCat(p.wanted.location, "/Toewijzingsdatum"),
                   "TR134",
                   "the assignment is decided after the message's "
                   "Dagtekening"};
    }
    if (IgnoredForTr302(p)) continue;
    for (size_t k = 0; k < i; ++k) {
      if (!IgnoredForTr302(m.products[k]) &&
          SameProductOverlapping(p.wanted, m.products[k].wanted)) {
        return Fault{p.wanted.location, "TR302",
                     "the same product is assigned twice for overlapping "
                     "periods"};
      }
    }
  }
  return std::nullopt;
}

av1::Client ClientOf(const Wmo301& m) {
  av1::Client client;
  const Person& p = m.client;
  client.set_bsn(std::string(TrimXmlSpace(p.bsn)));
  if (p.birth_date_use.value_or("") != "3") {
    client.set_birth_date(std::string(TrimXmlSpace(p.birth_date)));
  }
  client.set_gender(NormalizeSpace(p.gender));
  client.mutable_name()->set_surname(p.surname);
  if (p.surname_prefix) {
    client.mutable_name()->set_surname_prefix(*p.surname_prefix);
  }
  if (p.initials) client.mutable_name()->set_initials(*p.initials);
  for (const ContactRead& c : m.contacts) {
    av1::ContactDetails& details = *client.mutable_contact();
    if (details.postcode().empty() && OneOf(c.country, {"NL"})) {
      details.set_postcode(absl::AsciiStrToUpper(*c.postcode));
      details.set_house_number(static_cast<int32_t>(
          WholeNumber(c.house_number.value_or("")).value_or(0)));
      if (c.house_letter) details.set_house_letter(*c.house_letter);
      if (c.addition) details.set_house_number_addition(*c.addition);
      if (c.street) details.set_street(*c.street);
      if (c.town) details.set_city(*c.town);
    }
    if (details.phone().empty() && c.phone) details.set_phone(*c.phone);
  }
  return client;
}

}  // namespace wmo::iwmo
