#include "libs/iwmo/test_messages.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/iwmo/wmo323.h"
#include "libs/iwmo/xml_writer.h"

namespace wmo::iwmo::testing {

namespace {

void Header(XmlWriter& w, const char* code, const std::string& sender,
            const std::string& receiver, const std::string& id,
            const std::string& date) {
  w.Open("Header");
  w.Leaf("BerichtCode", code);
  w.Leaf("BerichtVersie", "3");
  w.Leaf("BerichtSubversie", "2");
  w.Leaf("Afzender", sender);
  w.Leaf("Ontvanger", receiver);
  w.Open("BerichtIdentificatie");
  w.Leaf("Identificatie", id, Space::kBase);
  w.Leaf("Dagtekening", date, Space::kBase);
  w.Close();
  w.Open("XsdVersie");
  w.Leaf("BasisschemaXsdVersie", "1.0.0", Space::kBase);
  w.Leaf("BerichtXsdVersie", "1.0.0", Space::kBase);
  w.Close();
  w.Close();
}

void Optional(XmlWriter& w, const char* name,
              const std::optional<std::string>& value,
              Space space = Space::kMessage) {
  if (value.has_value()) w.Leaf(name, *value, space);
}

// Bsn, Geboortedatum, Geslacht and Naam of a client of a 305, 307 or 315.
void WritePerson(XmlWriter& w, const std::string& bsn,
                 const std::string& birth_date,
                 const std::optional<std::string>& birth_date_use,
                 const std::string& gender, const std::string& surname,
                 const std::optional<std::string>& surname_prefix,
                 const std::optional<std::string>& initials) {
  w.Leaf("Bsn", bsn);
  w.Open("Geboortedatum");
  w.Leaf("Datum", birth_date, Space::kBase);
  Optional(w, "DatumGebruik", birth_date_use, Space::kBase);
  w.Close();
  w.Leaf("Geslacht", gender);
  w.Open("Naam");
  w.Open("Geslachtsnaam", Space::kBase);
  w.Leaf("Achternaam", surname, Space::kBase);
  Optional(w, "Voorvoegsel", surname_prefix, Space::kBase);
  w.Close();
  Optional(w, "Voorletters", initials, Space::kBase);
  w.Close();
}

}  // namespace

std::string TestWmo323::Render(bool indent) const {
  int64_t balance = 0;
  for (const TestClient& client : clients) {
    for (const TestLine& line : client.lines) {
      int64_t amount = 0;
      if (!absl::SimpleAtoi(line.amount, &amount)) continue;
      balance += line.direction == "C" ? -amount : amount;
    }
  }
  XmlWriter w("WMO323", indent);
  Header(w, "484", sender, receiver, id, date);
  w.Open("Declaratie");
  w.Leaf("DeclaratieNummer", number);
  w.Open("DeclaratiePeriode");
  w.Leaf("Begindatum", period_start, Space::kBase);
  w.Leaf("Einddatum", period_end, Space::kBase);
  w.Close();
  w.Leaf("DeclaratieDagtekening", signed_date);
  w.Open("TotaalIngediendBedrag");
  w.Leaf("TotaalBedrag", total.value_or(absl::StrCat(std::llabs(balance))),
         Space::kBase);
  w.Leaf("DebetCredit", total_direction.value_or(balance < 0 ? "C" : "D"),
         Space::kBase);
  w.Close();
  w.Open("Clienten");
  for (const TestClient& client : clients) {
    w.Open("Client");
    w.Leaf("Bsn", client.bsn);
    w.Open("Prestaties");
    for (const TestLine& line : client.lines) {
      w.Open("Prestatie");
      WriteLineFields(w,
                      Wmo323Line{.location = {},
                                 .reference = line.reference,
                                 .previous_reference = line.previous_reference,
                                 .assignment_number = line.assignment_number,
                                 .product_category = line.product_category,
                                 .product_code = line.product_code,
                                 .start_date = line.start_date,
                                 .end_date = line.end_date,
                                 .volume = line.volume,
                                 .unit = line.unit,
                                 .tariff = line.tariff,
                                 .amount = line.amount,
                                 .direction = line.direction});
      w.Close();
    }
    w.Close();
    w.Close();
  }
  w.Close();
  w.Close();
  return w.Finish();
}

std::string TestDelivery::Render() const {
  XmlWriter w(stop ? "WMO307" : "WMO305");
  Header(w, stop ? "420" : "418", sender, receiver, id, date);
  w.Open("Client");
  WritePerson(w, bsn, birth_date, birth_date_use, gender, surname,
              surname_prefix, initials);
  w.Open(stop ? "StopProducten" : "StartProducten");
  for (const TestDeliveryProduct& p : products) {
    w.Open(stop ? "StopProduct" : "StartProduct");
    Optional(w, "ToewijzingNummer", p.assignment_number);
    if (p.category.has_value()) {
      w.Open("Product");
      w.Leaf("Categorie", *p.category, Space::kBase);
      Optional(w, "Code", p.code, Space::kBase);
      w.Close();
    }
    Optional(w, "ToewijzingIngangsdatum", p.assignment_start);
    w.Leaf("Begindatum", p.start_date);
    if (stop) {
      w.Leaf("RedenBeeindiging", p.end_reason);
      w.Leaf("Einddatum", p.end_date);
    }
    w.Leaf("StatusAanlevering", p.status);
    w.Close();
  }
  w.Close();
  w.Close();
  return w.Finish();
}

std::string TestRequest::Render() const {
  XmlWriter w("WMO315");
  Header(w, "444", sender, receiver, id, date);
  w.Open("Client");
  WritePerson(w, bsn, birth_date, birth_date_use, gender, surname, std::nullopt,
              initials);
  Optional(w, "Commentaar", comment);
  w.Open("AangevraagdeProducten");
  for (const TestRequestedProduct& p : products) {
    w.Open("AangevraagdProduct");
    w.Leaf("ReferentieAanbieder", p.reference);
    Optional(w, "BeschikkingNummer", p.decision_number);
    if (p.category.has_value()) {
      w.Open("Product");
      w.Leaf("Categorie", *p.category, Space::kBase);
      Optional(w, "Code", p.code, Space::kBase);
      w.Close();
    }
    Optional(w, "BeschikkingIngangsdatum", p.decision_start);
    w.Leaf("ToewijzingIngangsdatum", p.start);
    Optional(w, "ToewijzingEinddatum", p.end);
    if (p.unit.has_value()) {
      w.Open("Omvang");
      w.Leaf("Volume", p.volume, Space::kBase);
      w.Leaf("Eenheid", *p.unit, Space::kBase);
      w.Leaf("Frequentie", p.frequency, Space::kBase);
      w.Close();
    }
    Optional(w, "Budget", p.budget);
    w.Open("Verwijzer");
    w.Leaf("Type", p.referrer_type, Space::kBase);
    Optional(w, "Naam", p.referrer_name, Space::kBase);
    Optional(w, "ZorgverlenerCode", p.referrer_agb, Space::kBase);
    w.Close();
    Optional(w, "Raamcontract", p.framework);
    Optional(w, "Commentaar", p.comment);
    w.Close();
  }
  w.Close();
  w.Close();
  return w.Finish();
}

std::string TestChangeRequest::Render() const {
  XmlWriter w("WMO317");
  Header(w, "480", sender, receiver, id, date);
  w.Open("Client");
  w.Leaf("Bsn", bsn);
  w.Open("Verzoek");
  w.Leaf("ReferentieAanbieder", reference);
  w.Leaf("RedenVerzoek", reason);
  auto write = [&](const TestWantedProduct& p, bool to_add) {
    if (to_add && p.category.has_value()) {
      w.Open("Product");
      w.Leaf("Categorie", *p.category, Space::kBase);
      Optional(w, "Code", p.code, Space::kBase);
      w.Close();
    }
    if (!to_add) w.Leaf("ToewijzingNummer", p.assignment_number.value_or(""));
    w.Leaf("GewensteIngangsdatum", p.start);
    Optional(w, "Einddatum", p.end);
    if (p.unit.has_value()) {
      w.Open("Omvang");
      w.Leaf("Volume", p.volume, Space::kBase);
      w.Leaf("Eenheid", *p.unit, Space::kBase);
      w.Leaf("Frequentie", p.frequency, Space::kBase);
      w.Close();
    }
    Optional(w, "Budget", p.budget);
  };
  if (!unchanged.empty()) {
    w.Open("OngewijzigdeProducten");
    for (const std::string& number : unchanged) {
      w.Open("OngewijzigdProduct");
      w.Leaf("ToewijzingNummer", number);
      w.Close();
    }
    w.Close();
  }
  if (!altered.empty()) {
    w.Open("TeWijzigenProducten");
    for (const TestWantedProduct& p : altered) {
      w.Open("TeWijzigenProduct");
      write(p, false);
      w.Close();
    }
    w.Close();
  }
  if (!added.empty()) {
    w.Open("NieuweProducten");
    for (const TestWantedProduct& p : added) {
      w.Open("NieuwProduct");
      write(p, true);
      w.Close();
    }
    w.Close();
  }
  w.Close();
  w.Close();
  return w.Finish();
}

}  // namespace wmo::iwmo::testing
