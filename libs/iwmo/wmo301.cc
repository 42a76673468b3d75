#include "libs/iwmo/wmo301.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/xml_writer.h"
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
  return a.revision() > 1 ? a.change_reason() : "";
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

}  // namespace wmo::iwmo
