#include "libs/iwmo/wmo301.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/iwmo/oracle.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/xml_document.h"

namespace wmo::iwmo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace av1 = ::wmo::assignment::v1;

const Outgoing kOut{"0988", "99990303", "U1", "2026-10-02"};

av1::Client Client() {
  av1::Client c;
  c.set_bsn("999993653");
  c.set_birth_date("1950-03-01");
  c.set_gender("2");
  c.mutable_name()->set_surname("Jansen");
  c.mutable_name()->set_surname_prefix("van der");
  c.mutable_name()->set_initials("JP");
  c.mutable_contact()->set_postcode("6041AB");
  c.mutable_contact()->set_house_number(12);
  c.mutable_contact()->set_house_letter("a");
  c.mutable_contact()->set_house_number_addition("bis");
  c.mutable_contact()->set_street("Markt");
  c.mutable_contact()->set_city("Weert");
  c.mutable_contact()->set_phone("0475123456");
  return c;
}

// 10 hours a week of 02A01 for the last quarter of 2026, decided on
// 2026-09-15 at 13:30 Dutch time.
av1::Assignment Hours(const std::string& number) {
  av1::Assignment a;
  a.set_number(number);
  a.set_product_category("02");
  a.set_product_code("02A01");
  a.set_start_date("2026-10-01");
  a.set_end_date("2026-12-31");
  a.mutable_extent()->set_volume(10);
  a.mutable_extent()->set_unit(type::v1::UNIT_HOUR);
  a.mutable_extent()->set_frequency(type::v1::FREQUENCY_PER_WEEK);
  a.set_state(av1::Assignment::ACTIVE);
  a.set_revision(1);
  a.mutable_update_time()->set_seconds(1789471800);  // 2026-09-15 11:30 UTC
  return a;
}

TEST(Wmo301Test, WritesWhatTheOfficialValidationAccepts) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  std::vector<std::string> messages;
  // Several products: extended, ended early, deleted, a budget, one that
  // answers a request.
  std::vector<av1::Assignment> many = {Hours("1001")};
  av1::Assignment extended = Hours("1002");
  extended.set_product_code("02A02");
  extended.set_revision(2);
  extended.set_change_reason("04");
  many.push_back(extended);
  av1::Assignment ended = Hours("1003");
  ended.set_product_code("02A03");
  ended.set_state(av1::Assignment::ENDED);
  ended.set_end_date("2026-10-31");
  many.push_back(ended);
  av1::Assignment deleted = Hours("1004");
  deleted.set_product_code("02A04");
  deleted.set_state(av1::Assignment::DELETED);
  deleted.set_end_date(deleted.start_date());
  many.push_back(deleted);
  av1::Assignment budget = Hours("1005");
  budget.set_product_category("03");
  budget.set_product_code("03A01");
  budget.clear_extent();
  budget.set_budget_cents(150000);
  budget.set_provider_reference("REF-1");
  many.push_back(budget);
  messages.push_back(WriteWmo301(kOut, Client(), many));

  av1::Client phone_only;
  phone_only.set_bsn("999993653");
  phone_only.mutable_name()->set_surname("Jansen");
  phone_only.mutable_contact()->set_phone("0475123456");
  messages.push_back(WriteWmo301(kOut, phone_only, {Hours("7")}));

  const auto official = testing::JudgeOfficially("WMO301", messages);
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_TRUE(official[i].accepted()) << official[i].detail << messages[i];
  }
  EXPECT_THAT(messages[0], HasSubstr("<Toewijzingstijd>13:30:00<"));
  EXPECT_THAT(messages[0], HasSubstr("<RedenWijziging>04<"));
  EXPECT_THAT(messages[0], HasSubstr("<RedenWijziging>05<"));
  EXPECT_THAT(messages[0], HasSubstr("<RedenWijziging>13<"));
  EXPECT_THAT(messages[0], HasSubstr("<ReferentieAanbieder>REF-1<"));
  EXPECT_THAT(messages[1], HasSubstr("<iwmo:DatumGebruik>3<"));
  EXPECT_THAT(messages[1], HasSubstr("<Soort>02<"));
}

// Generated clients and their assignments: every WMO301 written, and the
// WMO302 a provider would return on it, is what the official validation
// accepts.
TEST(Wmo301Test, WritesWhatTheOfficialValidationAcceptsForManyClients) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  std::mt19937 random(20261130);
  const std::vector<std::string> prefixes = {"", "van", "van der", "de"};
  const std::vector<std::string> initials = {"", "J", "JP", "ÉÅ"};
  const std::vector<std::string> reasons = {"", "04", "05", "12", "14"};
  std::vector<std::string> messages;
  std::vector<std::string> retours;
  for (int i = 0; i < 120; ++i) {
    av1::Client c = Client();
    c.mutable_name()->set_surname_prefix(prefixes[random() % 4]);
    c.mutable_name()->set_initials(initials[random() % 4]);
    c.set_gender(std::to_string(random() % 3));
    if (random() % 4 == 0) c.clear_birth_date();
    if (random() % 3 == 0) c.mutable_contact()->clear_phone();
    if (random() % 3 == 0) {
      c.mutable_contact()->clear_postcode();
      c.mutable_contact()->set_house_number(0);
      c.mutable_contact()->set_phone("0612345678");
    }
    if (random() % 2 == 0) c.mutable_contact()->clear_house_letter();
    std::vector<av1::Assignment> assignments;
    const int count = 1 + static_cast<int>(random() % 4);
    for (int k = 0; k < count; ++k) {
      av1::Assignment a = Hours(std::to_string(1000 + k));
      a.set_product_code(absl::StrCat("02A0", k + 1));
      switch (random() % 5) {
        case 0:
          // A budget names its category only (TR302): its own category.
          a.clear_extent();
          a.set_budget_cents(10000 + k);
          a.set_product_category(absl::StrCat("0", 3 + k));
          break;
        case 1:
          a.set_state(av1::Assignment::ENDED);
          a.set_end_date("2026-11-15");
          break;
        case 2:
          a.set_state(av1::Assignment::DELETED);
          a.set_end_date(a.start_date());
          break;
        case 3:
          a.set_revision(3);
          a.set_change_reason(reasons[random() % reasons.size()]);
          break;
        default:
          a.mutable_extent()->set_frequency(type::v1::FREQUENCY_TOTAL);
          a.mutable_extent()->set_unit(type::v1::UNIT_DAY_NIGHT);
          break;
      }
      if (random() % 3 == 0) a.set_provider_reference(absl::StrCat("R", k));
      assignments.push_back(a);
    }
    const Outgoing out{"0988", "99990303", absl::StrCat("U", i), kOut.date};
    messages.push_back(WriteWmo301(out, c, assignments));
    auto doc = XmlDocument::Parse(messages.back());
    ASSERT_TRUE(doc.ok());
    const Wmo301 read = ReadWmo301(*doc);
    retours.push_back(WriteTechnicalRetour(
        *doc, {"WMO301", out.municipality, out.provider, out.id, out.date},
        {{read.products[0].wanted.location, {"9332"}}}, "P1", "2026-10-03"));
  }
  const auto official = testing::JudgeOfficially("WMO301", messages);
  const auto returned = testing::JudgeOfficially("WMO302", retours);
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_TRUE(official[i].accepted()) << official[i].detail << messages[i];
    EXPECT_TRUE(returned[i].schema_valid) << returned[i].detail << retours[i];
    auto doc = XmlDocument::Parse(messages[i]);
    ASSERT_TRUE(doc.ok());
    EXPECT_FALSE(CheckSchema(*doc, *SchemaOf("WMO301")).has_value());
    const std::optional<Fault> fault = CheckWmo301Rules(ReadWmo301(*doc));
    EXPECT_FALSE(fault.has_value())
        << (fault ? fault->rule + " at " + fault->location : "");
  }
}

TEST(Wmo301Test, AnswersARequestWithAWmo319) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  av1::AssignmentRequest rejected;
  rejected.set_provider_reference("REF-1");
  rejected.set_state(av1::AssignmentRequest::REJECTED);
  rejected.set_rejection_reason("3");
  av1::AssignmentRequest investigated;
  investigated.set_provider_reference("REF-2");
  investigated.set_state(av1::AssignmentRequest::OPEN);
  investigated.set_under_investigation(true);
  const std::vector<std::string> messages = {WriteWmo319(kOut, rejected),
                                             WriteWmo319(kOut, investigated)};
  const auto official = testing::JudgeOfficially("WMO319", messages);
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_TRUE(official[i].accepted()) << official[i].detail << messages[i];
  }
  EXPECT_THAT(messages[0], HasSubstr("<RedenAfwijzingVerzoek>3<"));
  EXPECT_THAT(messages[1], HasSubstr("<VerzoekAntwoord>2<"));
  EXPECT_THAT(messages[1], Not(HasSubstr("RedenAfwijzingVerzoek")));
}

// A provider's retours (WMO302 on a 301, WMO320 on a 319), as a provider
// writes them: the message as sent with a code per class. The product's
// schema check agrees with the official XSD on them, and on broken ones.
TEST(Wmo301Test, ReadsTheProvidersRetoursAsTheXsdDoes) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  av1::Assignment budget = Hours("1005");
  budget.clear_extent();
  budget.set_budget_cents(150000);
  const std::string sent301 =
      WriteWmo301(kOut, Client(), {Hours("1001"), budget});
  av1::AssignmentRequest rejected;
  rejected.set_provider_reference("REF-1");
  rejected.set_state(av1::AssignmentRequest::REJECTED);
  rejected.set_rejection_reason("3");
  const std::string sent319 = WriteWmo319(kOut, rejected);
  struct Case {
    std::string kind;
    std::string xml;
  };
  std::vector<Case> cases;
  for (const auto& [kind, sent] :
       {std::pair<std::string, std::string>{"WMO302", sent301},
        {"WMO320", sent319}}) {
    auto doc = XmlDocument::Parse(sent);
    ASSERT_TRUE(doc.ok());
    const Answered answered{kind == "WMO302" ? "WMO301" : "WMO319",
                            kOut.municipality, kOut.provider, kOut.id,
                            kOut.date};
    const std::string accepting =
        WriteTechnicalRetour(*doc, answered, {}, "R1", "2026-10-03");
    const std::string rejecting = WriteTechnicalRetour(
        *doc, answered,
        {{kind == "WMO302"
              ? "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]"
              : "/Bericht/Antwoord",
          {"9332"}}},
        "R2", "2026-10-03");
    cases.push_back({kind, accepting});
    cases.push_back({kind, rejecting});
    // Broken: a code outside WJ001, a missing class's codes, an unknown
    // element, a time with a zone.
    std::string bad = rejecting;
    bad.replace(bad.find("9332"), 4, "9999");
    cases.push_back({kind, bad});
    bad = accepting;
    bad.erase(bad.rfind("<RetourCodes>"),
              bad.find("</RetourCodes>", bad.rfind("<RetourCodes>")) + 14 -
                  bad.rfind("<RetourCodes>"));
    cases.push_back({kind, bad});
    bad = accepting;
    bad.insert(bad.find("</Header>"), "<Extra>1</Extra>");
    cases.push_back({kind, bad});
  }
  std::string zoned = cases[0].xml;
  zoned.replace(zoned.find("13:30:00"), 8, "13:30:00Z");
  cases.push_back({"WMO302", zoned});
  for (const std::string kind : {"WMO302", "WMO320"}) {
    std::vector<std::string> documents;
    std::vector<const Case*> of_kind;
    for (const Case& c : cases) {
      if (c.kind != kind) continue;
      documents.push_back(c.xml);
      of_kind.push_back(&c);
    }
    const auto official = testing::JudgeOfficially(kind, documents);
    for (size_t i = 0; i < documents.size(); ++i) {
      auto doc = XmlDocument::Parse(documents[i]);
      ASSERT_TRUE(doc.ok());
      const std::optional<Fault> fault = CheckSchema(*doc, *SchemaOf(kind));
      EXPECT_EQ(!fault.has_value(), official[i].schema_valid)
          << kind << " case " << i << ": "
          << (fault ? fault->location + " " + fault->description : "valid")
          << "\n"
          << official[i].detail << documents[i];
    }
    EXPECT_TRUE(official[0].schema_valid) << official[0].detail;
    EXPECT_TRUE(official[1].schema_valid) << official[1].detail;
  }
  auto rejecting302 = XmlDocument::Parse(cases[1].xml);
  ASSERT_TRUE(rejecting302.ok());
  EXPECT_THAT(ReturnCodesIn(*rejecting302), ::testing::ElementsAre("9332"));
  auto accepting302 = XmlDocument::Parse(cases[0].xml);
  ASSERT_TRUE(accepting302.ok());
  EXPECT_THAT(ReturnCodesIn(*accepting302), ::testing::IsEmpty());
}

// A municipality's WMO301s, read for its migration import: the product
// agrees with the official validation on every one, valid or broken.
TEST(Wmo301Test, ReadsAsTheOfficialValidationJudges) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  av1::Assignment second = Hours("1002");
  second.set_product_code("02A02");
  const std::string base = WriteWmo301(kOut, Client(), {Hours("1001"), second});
  struct Case {
    std::string name;
    std::string xml;
  };
  std::vector<Case> cases = {{"valid", base}};
  auto edit = [&](const std::string& name, const std::string& from,
                  const std::string& to, int nth = 0) {
    std::string xml = base;
    size_t at = xml.find(from);
    for (int i = 0; i < nth && at != std::string::npos; ++i) {
      at = xml.find(from, at + 1);
    }
    ASSERT_NE(at, std::string::npos) << name;
    xml.replace(at, from.size(), to);
    cases.push_back({name, xml});
  };
  const std::string contact_end = "</Contact>";
  edit("a relation", "<Contactgegevens>",
       "<Relaties><Relatie><Nummer>R1</Nummer><Soort>03</Soort><Naam>"
       "<iwmo:Geslachtsnaam><iwmo:Achternaam>Jansen</iwmo:Achternaam>"
       "</iwmo:Geslachtsnaam><iwmo:NaamGebruik>1</iwmo:NaamGebruik></Naam>"
       "<Contact><Soort>02</Soort><Telefoon><iwmo:Telefoon01>"
       "<iwmo:Telefoonnummer>0612345678</iwmo:Telefoonnummer>"
       "<iwmo:Landnummer>0031</iwmo:Landnummer></iwmo:Telefoon01>"
       "</Telefoon></Contact></Relatie></Relaties><Contactgegevens>");
  edit("communication by interpreter", "<Contactgegevens>",
       "<Communicatie><iwmo:Vorm>1</iwmo:Vorm><iwmo:Taal>Pools</iwmo:Taal>"
       "</Communicatie><Contactgegevens>");
  edit("a temporary address too", contact_end,
       contact_end +
           "<Contact><Soort>04</Soort><Adres><iwmo:Huis>"
           "<iwmo:Huisnummer>3</iwmo:Huisnummer></iwmo:Huis>"
           "<iwmo:Postcode>6001AB</iwmo:Postcode>"
           "<iwmo:LandCode>NL</iwmo:LandCode></Adres><Periode>"
           "<iwmo:Begindatum>2026-10-01</iwmo:Begindatum>"
           "<iwmo:Einddatum>2026-10-31</iwmo:Einddatum></Periode>"
           "</Contact>");
  edit("CD007 a language without an interpreter", "<Contactgegevens>",
       "<Communicatie><iwmo:Vorm>2</iwmo:Vorm><iwmo:Taal>Pools</iwmo:Taal>"
       "</Communicatie><Contactgegevens>");
  edit("CS050 name use 2 without a partner", "<iwmo:NaamGebruik>1<",
       "<iwmo:NaamGebruik>2<");
  edit("CS089 postcode with a space", "6041AB", "6041 AB");
  edit("CD034 BRP address without a postcode",
       "<iwmo:Postcode>6041AB</iwmo:Postcode><iwmo:Straatnaam>Markt"
       "</iwmo:Straatnaam><iwmo:Plaatsnaam>Weert</iwmo:Plaatsnaam>"
       "<iwmo:LandCode>NL</iwmo:LandCode>",
       "<iwmo:Straatnaam>Markt</iwmo:Straatnaam><iwmo:Plaatsnaam>Weert"
       "</iwmo:Plaatsnaam>");
  edit("CD025 Dutch address without a house",
       "<iwmo:Huis><iwmo:Huisnummer>12</iwmo:Huisnummer><iwmo:Huisletter>a"
       "</iwmo:Huisletter><iwmo:HuisnummerToevoeging>bis"
       "</iwmo:HuisnummerToevoeging></iwmo:Huis>",
       "");
  edit("CD009 a period on a BRP address", "</Telefoon>",
       "</Telefoon><Periode><iwmo:Begindatum>2026-10-01</iwmo:Begindatum>"
       "</Periode>");
  edit("TR061 only a temporary address", "<Soort>01</Soort>",
       "<Soort>04</Soort>");
  edit("TR101 an assignment twice", "<ToewijzingNummer>1002<",
       "<ToewijzingNummer>1001<");
  edit("TR302 the same product twice", "<iwmo:Code>02A02<",
       "<iwmo:Code>02A01<");
  edit("TR134 decided after the message", "<Toewijzingsdatum>2026-09-15<",
       "<Toewijzingsdatum>2026-10-03<");
  edit("CS336 reason 01",
       "<Ingangsdatum>2026-10-01</Ingangsdatum>"
       "<Einddatum>2026-12-31</Einddatum>",
       "<Ingangsdatum>2026-10-01</Ingangsdatum><Einddatum>2026-12-31"
       "</Einddatum><RedenWijziging>01</RedenWijziging>");
  edit("CS335 deleted yet running",
       "<Ingangsdatum>2026-10-01</Ingangsdatum>"
       "<Einddatum>2026-12-31</Einddatum>",
       "<Ingangsdatum>2026-10-01</Ingangsdatum><Einddatum>2026-12-31"
       "</Einddatum><RedenWijziging>13</RedenWijziging>");
  edit("CS003 ends before it starts", "<Einddatum>2026-12-31<",
       "<Einddatum>2026-09-30<");
  edit("CS002 11-proef", "<Bsn>999993653<", "<Bsn>123456789<");
  edit("XSD a time with a zone", "13:30:00", "13:30:00Z");
  std::vector<std::string> documents;
  documents.reserve(cases.size());
  for (const Case& c : cases) documents.push_back(c.xml);
  const auto official = testing::JudgeOfficially("WMO301", documents);
  int accepted = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    auto doc = XmlDocument::Parse(cases[i].xml);
    ASSERT_TRUE(doc.ok()) << cases[i].name;
    std::optional<Fault> fault = CheckSchema(*doc, *SchemaOf("WMO301"));
    if (!fault) fault = CheckWmo301Rules(ReadWmo301(*doc));
    accepted += official[i].accepted() ? 1 : 0;
    EXPECT_EQ(!fault.has_value(), official[i].accepted())
        << cases[i].name << ": product says "
        << (fault ? fault->rule + " at " + fault->location : "valid")
        << "; official: " << official[i].detail << "\n"
        << cases[i].xml;
    const std::string& name = cases[i].name;
    if (name.rfind("TR", 0) == 0 || name.rfind("CS", 0) == 0 ||
        name.rfind("CD", 0) == 0) {
      EXPECT_EQ(fault ? fault->rule : "none", name.substr(0, 5)) << name;
      EXPECT_THAT(official[i].rules, ::testing::Contains(name.substr(0, 5)))
          << name;
    }
  }
  EXPECT_EQ(accepted, 4);
}

TEST(Wmo301Test, GivesTheClientAsTheApiHoldsIt) {
  auto doc = XmlDocument::Parse(WriteWmo301(kOut, Client(), {Hours("1")}));
  ASSERT_TRUE(doc.ok());
  const av1::Client client = ClientOf(ReadWmo301(*doc));
  EXPECT_EQ(client.bsn(), "999993653");
  EXPECT_EQ(client.birth_date(), "1950-03-01");
  EXPECT_EQ(client.name().surname_prefix(), "van der");
  EXPECT_EQ(client.contact().postcode(), "6041AB");
  EXPECT_EQ(client.contact().house_number(), 12);
  EXPECT_EQ(client.contact().house_number_addition(), "bis");
  EXPECT_EQ(client.contact().phone(), "0475123456");
}

// CS336: 01 is no longer used; a change stored with it is told as 14,
// its successor.
TEST(Wmo301Test, TellsAnOldCorrectionAsItsSuccessor) {
  av1::Assignment corrected = Hours("1001");
  corrected.set_revision(2);
  corrected.set_change_reason("01");
  const std::string xml = WriteWmo301(kOut, Client(), {corrected});
  EXPECT_THAT(xml, HasSubstr("<RedenWijziging>14<"));
  EXPECT_THAT(xml, Not(HasSubstr("<RedenWijziging>01<")));
}

TEST(Wmo301Test, NeedsANameAndAnAddressOrPhone) {
  av1::Client c = Client();
  EXPECT_EQ(MissingForWmo301(c), "");
  c.mutable_contact()->clear_phone();
  EXPECT_EQ(MissingForWmo301(c), "");
  c.mutable_contact()->clear_postcode();
  EXPECT_THAT(MissingForWmo301(c), HasSubstr("address"));
  c.mutable_contact()->set_phone("0475123456");
  c.clear_name();
  EXPECT_THAT(MissingForWmo301(c), HasSubstr("name"));
}

}  // namespace
}  // namespace wmo::iwmo
