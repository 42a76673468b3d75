#include "libs/iwmo/wmo301.h"

#include <string>
#include <vector>

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
  EXPECT_THAT(messages[0], HasSubstr("<RedenWijziging>05<"));
  EXPECT_THAT(messages[0], HasSubstr("<RedenWijziging>13<"));
  EXPECT_THAT(messages[0], HasSubstr("<ReferentieAanbieder>REF-1<"));
  EXPECT_THAT(messages[1], HasSubstr("<iwmo:DatumGebruik>3<"));
  EXPECT_THAT(messages[1], HasSubstr("<Soort>02<"));
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
