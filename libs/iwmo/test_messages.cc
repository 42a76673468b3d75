#include "libs/iwmo/test_messages.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/iwmo/xml_writer.h"

namespace wmo::iwmo::testing {

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
  w.Open("Header");
  w.Leaf("BerichtCode", "484");
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
      w.Open("ProductReferentie");
      w.Leaf("ReferentieNummer", line.reference, Space::kBase);
      if (line.previous_reference.has_value()) {
        w.Leaf("VorigReferentieNummer", *line.previous_reference, Space::kBase);
      }
      w.Close();
      w.Leaf("ToewijzingNummer", line.assignment_number);
      w.Leaf("ProductCategorie", line.product_category);
      w.Leaf("ProductCode", line.product_code);
      w.Open("ProductPeriode");
      w.Leaf("Begindatum", line.start_date, Space::kBase);
      w.Leaf("Einddatum", line.end_date, Space::kBase);
      w.Close();
      w.Leaf("GeleverdVolume", line.volume);
      w.Leaf("Eenheid", line.unit);
      if (line.tariff.has_value()) w.Leaf("ProductTarief", *line.tariff);
      w.Open("IngediendBedrag");
      w.Leaf("Bedrag", line.amount, Space::kBase);
      w.Leaf("DebetCredit", line.direction, Space::kBase);
      w.Close();
      w.Close();
    }
    w.Close();
    w.Close();
  }
  w.Close();
  w.Close();
  return w.Finish();
}

}  // namespace wmo::iwmo::testing
