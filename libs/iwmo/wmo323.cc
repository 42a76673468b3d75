#include "libs/iwmo/wmo323.h"

#include <libxml/tree.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/iwmo/reading.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/xml_writer.h"
#include "libs/iwmo/xpath_values.h"

namespace wmo::iwmo {
namespace {

namespace v1 = ::wmo::declaration::v1;

constexpr char kDeclaration[] = "/Bericht/Declaratie";

Fault RuleFault(std::string location, absl::string_view rule,
                absl::string_view description) {
  return Fault{std::move(location), std::string(rule),
               std::string(description)};
}

// CS325: an amount of 0 is a debit.
bool IsZeroCredit(absl::string_view amount, absl::string_view direction) {
  const std::string d = NormalizeSpace(direction);
  return XPathNumber(amount) == 0 && (d == "C" || d == "c");
}

}  // namespace

size_t Wmo323::LineCount() const {
  size_t n = 0;
  for (const Wmo323Client& client : clients) n += client.lines.size();
  return n;
}

Wmo323 ReadWmo323(const XmlDocument& doc) {
  const xmlNode* root = doc.root();
  const xmlNode* header = Child(root, "Header");
  const xmlNode* declaration = Child(root, "Declaratie");
  Wmo323 m;
  m.sender = TextAt(header, "Afzender");
  m.receiver = TextAt(header, "Ontvanger");
  m.message_id = TextAt(header, "BerichtIdentificatie", "Identificatie");
  m.message_date = TextAt(header, "BerichtIdentificatie", "Dagtekening");
  m.basis_xsd_version = TextAt(header, "XsdVersie", "BasisschemaXsdVersie");
  m.message_xsd_version = TextAt(header, "XsdVersie", "BerichtXsdVersie");
  m.number = TextAt(declaration, "DeclaratieNummer");
  m.period_start = TextAt(declaration, "DeclaratiePeriode", "Begindatum");
  m.period_end = TextAt(declaration, "DeclaratiePeriode", "Einddatum");
  m.signed_date = TextAt(declaration, "DeclaratieDagtekening");
  m.total = TextAt(declaration, "TotaalIngediendBedrag", "TotaalBedrag");
  m.total_direction =
      TextAt(declaration, "TotaalIngediendBedrag", "DebetCredit");
  const std::vector<const xmlNode*> clients =
      Children(Child(declaration, "Clienten"));
  m.clients.reserve(clients.size());
  for (size_t c = 0; c < clients.size(); ++c) {
    Wmo323Client& client = m.clients.emplace_back();
    client.location = absl::StrCat(kDeclaration, "/Clienten/",
                                   Step("Client", c, clients.size()));
    client.bsn = TextAt(clients[c], "Bsn");
    const std::vector<const xmlNode*> lines =
        Children(Child(clients[c], "Prestaties"));
    client.lines.reserve(lines.size());
    for (size_t l = 0; l < lines.size(); ++l) {
      const xmlNode* node = lines[l];
      Wmo323Line& line = client.lines.emplace_back();
      line.location = absl::StrCat(client.location, "/Prestaties/",
                                   Step("Prestatie", l, lines.size()));
      const xmlNode* reference = Child(node, "ProductReferentie");
      line.reference = TextAt(reference, "ReferentieNummer");
      if (const xmlNode* previous = Child(reference, "VorigReferentieNummer")) {
        line.previous_reference = TextOf(previous);
      }
      line.assignment_number = TextAt(node, "ToewijzingNummer");
      line.product_category = TextAt(node, "ProductCategorie");
      line.product_code = TextAt(node, "ProductCode");
      line.start_date = TextAt(node, "ProductPeriode", "Begindatum");
      line.end_date = TextAt(node, "ProductPeriode", "Einddatum");
      line.volume = TextAt(node, "GeleverdVolume");
      line.unit = TextAt(node, "Eenheid");
      if (const xmlNode* tariff = Child(node, "ProductTarief")) {
        line.tariff = TextOf(tariff);
      }
      line.amount = TextAt(node, "IngediendBedrag", "Bedrag");
      line.direction = TextAt(node, "IngediendBedrag", "DebetCredit");
    }
  }
  return m;
}

std::optional<Fault> CheckWmo323Rules(const Wmo323& m) {
  const std::string period = absl::StrCat(kDeclaration, "/DeclaratiePeriode");
  const std::string total =
      absl::StrCat(kDeclaration, "/TotaalIngediendBedrag");
  // The declaration as a whole.
  if (DateNumber(m.period_start) < 20210101) {
    return RuleFault(absl::StrCat(period, "/Begindatum"), "CS100",
                     "a declaration period starts on 2021-01-01 or later");
  }
  if (SubstringAfter(SubstringAfter(m.period_start, "-"), "-") != "01") {
    return RuleFault(absl::StrCat(period, "/Begindatum"), "CS340",
                     "the declaration period starts on the first day of a "
                     "month");
  }
  if (FormatXPathNumber(AddDays(m.period_end, 1, Overflow::kCarry)) !=
      FormatXPathNumber(AddMonths(m.period_start, 1, Overflow::kCarry))) {
    return RuleFault(absl::StrCat(period, "/Einddatum"), "CS340",
                     "the declaration period is one whole calendar month: "
                     "it ends on the last day of the month it starts in");
  }
  if (IsBefore(m.message_date, m.period_start)) {
    return RuleFault(absl::StrCat(period, "/Begindatum"), "TR134",
                     "the declaration period starts after the message's "
                     "Dagtekening");
  }
  if (IsBefore(m.period_end, m.period_start)) {
    return RuleFault(absl::StrCat(period, "/Einddatum"), "TR137",
                     "the declaration period ends before it starts");
  }
  if (IsBefore(m.message_date, m.period_end)) {
    return RuleFault(absl::StrCat(period, "/Einddatum"), "TR137",
                     "the declaration period ends after the message's "
                     "Dagtekening: declare a month once it is over");
  }
  if (IsZeroCredit(m.total, m.total_direction)) {
    return RuleFault(absl::StrCat(total, "/DebetCredit"), "CS325",
                     "a total of 0 is a debit: DebetCredit D");
  }
  double debits = 0;
  double credits = 0;
  for (const Wmo323Client& client : m.clients) {
    for (const Wmo323Line& line : client.lines) {
      if (line.direction == "D") debits += XPathNumber(line.amount);
      if (line.direction == "C") credits += XPathNumber(line.amount);
    }
  }
  const std::string direction = NormalizeSpace(m.total_direction);
  const double balance = debits - credits;
  if ((direction == "D" &&
       NormalizeSpace(m.total) != FormatXPathNumber(balance)) ||
      (direction == "C" &&
       NormalizeSpace(m.total) != FormatXPathNumber(-balance))) {
    return RuleFault(absl::StrCat(total, "/TotaalBedrag"), "TR358",
                     "the total is the debit amounts less the credit "
                     "amounts, with DebetCredit C when that is negative");
  }
  const double oldest = AddMonths(m.signed_date, -60, Overflow::kTruncate);

  // Line by line, in document order.
  absl::flat_hash_set<std::string> references;           // as sent
  absl::flat_hash_set<std::string> previous_references;  // as sent
  absl::flat_hash_set<std::string> bsns;
  for (const Wmo323Client& client : m.clients) {
    if (!PassesElevenTest(client.bsn)) {
      return RuleFault(absl::StrCat(client.location, "/Bsn"), "CS002",
                       "the BSN does not pass the 11-proef");
    }
    if (!bsns.insert(client.bsn).second) {
      return RuleFault(client.location, "TR101",
                       "a client occurs once per declaration: put all of "
                       "this BSN's lines under one Client");
    }
    // TR101: (reference, previous reference) once among a client's lines;
    // TR416: one debit per assignment, product and period among them.
    std::set<std::pair<std::string, std::optional<std::string>>> pairs;
    std::set<std::tuple<std::string, std::string, std::string, std::string,
                        std::string>>
        debits_seen;
    for (const Wmo323Line& line : client.lines) {
      const std::string& at = line.location;
      const bool credit = NormalizeSpace(line.direction) == "C";
      const bool has_previous =
          !NormalizeSpace(line.previous_reference.value_or("")).empty();
      if (credit != has_previous) {
        return RuleFault(absl::StrCat(at, "/ProductReferentie"), "CD060",
                         credit ? "a credit line names the line it credits "
                                  "in VorigReferentieNummer"
                                : "only a credit line has a "
                                  "VorigReferentieNummer");
      }
      const bool euro = NormalizeSpace(line.unit) == "83";
      const bool has_tariff = !NormalizeSpace(line.tariff.value_or("")).empty();
      if (euro == has_tariff) {
        return RuleFault(absl::StrCat(at, "/ProductTarief"), "CD087",
                         euro ? "a line in euros (Eenheid 83) has no "
                                "ProductTarief"
                              : "a line has a ProductTarief unless it is in "
                                "euros (Eenheid 83)");
      }
      if (DateNumber(line.start_date) < 20210101) {
        return RuleFault(absl::StrCat(at, "/ProductPeriode/Begindatum"),
                         "CS100",
                         "a product period starts on 2021-01-01 or later");
      }
      if (StripDashes(line.start_date).substr(0, 6) !=
          StripDashes(line.end_date).substr(0, 6)) {
        return RuleFault(absl::StrCat(at, "/ProductPeriode"), "CS337",
                         "a product period lies within one calendar month");
      }
      if (line.unit == "83") {
        const double volume = XPathNumber(line.volume);
        const double amount = XPathNumber(line.amount);
        if (volume < amount || amount < volume) {
          return RuleFault(absl::StrCat(at, "/GeleverdVolume"), "CS339",
                           "in euros (Eenheid 83) the delivered volume is "
                           "the amount");
        }
      }
      if (IsZeroCredit(line.amount, line.direction)) {
        return RuleFault(absl::StrCat(at, "/IngediendBedrag/DebetCredit"),
                         "CS325", "an amount of 0 is a debit: DebetCredit D");
      }
      if (IsBefore(m.message_date, line.start_date)) {
        return RuleFault(absl::StrCat(at, "/ProductPeriode/Begindatum"),
                         "TR134",
                         "the product period starts after the message's "
                         "Dagtekening");
      }
      if (IsBefore(line.end_date, line.start_date)) {
        return RuleFault(absl::StrCat(at, "/ProductPeriode/Einddatum"), "TR137",
                         "the product period ends before it starts");
      }
      if (IsBefore(m.message_date, line.end_date)) {
        return RuleFault(absl::StrCat(at, "/ProductPeriode/Einddatum"), "TR137",
                         "the product period ends after the message's "
                         "Dagtekening: declare care once it has been given");
      }
      if (IsBefore(m.period_end, line.start_date) ||
          IsBefore(m.period_end, line.end_date)) {
        return RuleFault(absl::StrCat(at, "/ProductPeriode"), "TR319",
                         "the product period lies in the declared month or "
                         "an earlier one, not a later one");
      }
      if (DateNumber(line.end_date) < oldest) {
        return RuleFault(absl::StrCat(at, "/ProductPeriode/Einddatum"), "TR335",
                         "care is declared within 60 months of the "
                         "DeclaratieDagtekening");
      }
      if (!pairs.emplace(line.reference, line.previous_reference).second) {
        return RuleFault(at, "TR101",
                         "a line occurs once per client: this "
                         "ProductReferentie and VorigReferentieNummer are "
                         "already used");
      }
      const std::string reference = NormalizeSpace(line.reference);
      const std::string previous =
          NormalizeSpace(line.previous_reference.value_or(""));
      if (line.previous_reference.has_value() &&
          previous_references.contains(previous)) {
        return RuleFault(
            absl::StrCat(at, "/ProductReferentie/VorigReferentieNummer"),
            "TR315",
            "a line is credited once per message: another line already "
            "names this VorigReferentieNummer");
      }
      if (references.contains(previous) ||
          previous_references.contains(reference) || reference == previous) {
        return RuleFault(absl::StrCat(at, "/ProductReferentie"), "TR316",
                         "a line cannot credit a line of the same message, "
                         "nor itself");
      }
      if (line.direction == "D") {
        auto key = std::make_tuple(line.start_date, line.end_date,
                                   line.product_category,
                                   line.assignment_number, line.product_code);
        if (debits_seen.contains(key)) {
          return RuleFault(at, "TR416",
                           "one debit line per assignment, product and "
                           "product period: combine the two");
        }
        debits_seen.insert(std::move(key));
      }
      references.insert(line.reference);
      if (line.previous_reference.has_value()) {
        previous_references.insert(*line.previous_reference);
      }
    }
  }
  return std::nullopt;
}

declaration::v1::Declaration ToDeclaration(const Wmo323& m) {
  v1::Declaration d;
  d.set_provider_agb(m.sender);
  d.set_number(m.number);
  d.set_municipality(m.receiver);
  d.set_period(std::string(TrimXmlSpace(m.period_start).substr(0, 7)));
  // The schema checked every number.
  auto whole = [](absl::string_view text) {
    return WholeNumber(text).value_or(0);
  };
  d.mutable_lines()->Reserve(static_cast<int>(m.LineCount()));
  for (const Wmo323Client& client : m.clients) {
    for (const Wmo323Line& in : client.lines) {
      v1::Line* line = d.add_lines();
      line->set_reference(in.reference);
      line->set_assignment_number(absl::StrCat(whole(in.assignment_number)));
      line->set_client_bsn(client.bsn);
      line->set_product_category(in.product_category);
      line->set_product_code(in.product_code);
      line->set_start_date(std::string(TrimXmlSpace(in.start_date)));
      line->set_end_date(std::string(TrimXmlSpace(in.end_date)));
      line->set_volume(whole(in.volume));
      int unit = 0;
      (void)absl::SimpleAtoi(in.unit, &unit);  // a code of the list
      line->set_unit(static_cast<type::v1::Unit>(unit));
      line->set_tariff_cents(in.tariff.has_value() ? whole(*in.tariff) : 1);
      line->set_amount_cents(whole(in.amount));
      line->set_direction(in.direction == "C" ? v1::Line::CREDIT
                                              : v1::Line::DEBIT);
      if (in.previous_reference.has_value()) {
        line->set_credited_reference(*in.previous_reference);
      }
    }
  }
  return d;
}

void WriteLineFields(XmlWriter& w, const Wmo323Line& line) {
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
}

std::string WriteWmo325Refused(const Wmo323& m, const Answered& answered,
                               const std::vector<std::string>& codes,
                               absl::string_view answer_id,
                               absl::string_view today) {
  XmlWriter w("WMO325", /*indent=*/false);
  WriteRetourHeader(w, answered, {kNoRemark}, answer_id, today);
  w.Open("DeclaratieAntwoord");
  w.Leaf("DeclaratieNummer", m.number);
  w.Open("TotaalIngediendBedrag");
  w.Leaf("TotaalBedrag", m.total, Space::kBase);
  w.Leaf("DebetCredit", m.total_direction, Space::kBase);
  w.Close();
  WriteTotal(w, "TotaalToegekendBedrag", 0);
  WriteReturnCodes(w, codes);
  w.Close();
  return w.Finish();
}

std::vector<std::string> ReturnCodesOf(const v1::Verdict& verdict) {
  std::vector<std::string> codes = ReturnCodes(verdict.violations());
  if (codes.empty()) codes.push_back(kRejected);
  return codes;
}

std::string WriteWmo325(const Wmo323& m, const Answered& answered,
                        const v1::Declaration& verdict,
                        absl::string_view answer_id, absl::string_view today) {
  XmlWriter w("WMO325", /*indent=*/false);
  WriteRetourHeader(w, answered, {kNoRemark}, answer_id, today);

  // Only rejected lines are listed, so submitted less granted is what they
  // add up to (TR342).
  const v1::Totals& totals = verdict.totals();
  w.Open("DeclaratieAntwoord");
  w.Leaf("DeclaratieNummer", m.number);
  WriteTotal(w, "TotaalIngediendBedrag", totals.submitted_cents());
  WriteTotal(w, "TotaalToegekendBedrag", totals.approved_cents());
  int index = 0;
  bool any_rejected = false;
  for (const Wmo323Client& client : m.clients) {
    bool opened = false;
    for (const Wmo323Line& line : client.lines) {
      const v1::Line& judged = verdict.lines(index++);
      if (judged.verdict().outcome() == v1::Verdict::APPROVED) continue;
      if (!any_rejected) w.Open("Clienten");
      any_rejected = true;
      if (!opened) {
        w.Open("Client");
        w.Leaf("Bsn", client.bsn);
        w.Open("Prestaties");
        opened = true;
      }
      w.Open("Prestatie");
      WriteLineFields(w, line);
      WriteReturnCodes(w, ReturnCodesOf(judged.verdict()));
      w.Close();
    }
    if (opened) {
      w.Close();  // Prestaties
      WriteReturnCodes(w, {kNoRemark});
      w.Close();  // Client
    }
  }
  if (any_rejected) w.Close();  // Clienten
  WriteReturnCodes(w, {any_rejected ? kNoRemark : kFullyGranted});
  w.Close();
  return w.Finish();
}

}  // namespace wmo::iwmo
