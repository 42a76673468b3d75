#include "libs/iwmo/wmo315.h"

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/iwmo/oracle.h"
#include "libs/iwmo/retour.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/test_messages.h"

namespace wmo::iwmo {
namespace {

using ::testing::HasSubstr;
using testing::TestRequest;
using testing::TestRequestedProduct;

std::optional<Fault> Judge(const std::string& xml) {
  auto doc = XmlDocument::Parse(xml);
  if (!doc.ok()) return Fault{"", "XML", std::string(doc.status().message())};
  if (auto fault = CheckSchema(*doc, *SchemaOf("WMO315"))) return fault;
  return CheckWmo315Rules(ReadWmo315(*doc));
}

struct Case {
  std::string name;
  TestRequest message;
};

std::vector<Case> HandWrittenCases() {
  std::vector<Case> cases;
  auto add = [&](const std::string& name,
                 const std::function<void(TestRequest&)>& edit) {
    TestRequest m;
    edit(m);
    cases.push_back({name, m});
  };
  auto product = [](TestRequest& m) -> TestRequestedProduct& {
    return m.products[0];
  };
  auto second = [](TestRequest& m) -> TestRequestedProduct& {
    m.products.push_back(m.products[0]);
    m.products[1].reference = "REF-2";
    return m.products[1];
  };
  add("valid", [](TestRequest&) {});
  add("budget instead of extent", [&](TestRequest& m) {
    product(m).unit.reset();
    product(m).code.reset();
    product(m).budget = "150000";
  });
  add("budget without a product", [&](TestRequest& m) {
    product(m).unit.reset();
    product(m).category.reset();
    product(m).budget = "150000";
  });
  add("decision", [&](TestRequest& m) {
    product(m).decision_number = "4711";
    product(m).decision_start = "2026-09-01";
  });
  add("referred by a GP", [&](TestRequest& m) {
    product(m).referrer_type = "02";
    product(m).referrer_agb = "01234567";
  });
  add("comments on two lines", [&](TestRequest& m) {
    m.comment = "eerste regel\ntweede regel";
    product(m).comment = "graag snel";
  });
  add("two products", [&](TestRequest& m) { second(m).code = "02A02"; });
  add("transport may overlap", [&](TestRequest& m) {
    product(m).category = "11";
    second(m).category = "11";
  });
  add("unknown birth date", [&](TestRequest& m) {
    m.birth_date = "1900-01-01";
    m.birth_date_use = "3";
  });
  add("blank comment", [&](TestRequest& m) { m.comment = " \n "; });
  add("reference of 37",
      [&](TestRequest& m) { product(m).reference = std::string(37, 'R'); });
  add("frequency 3", [&](TestRequest& m) { product(m).frequency = "3"; });
  add("referrer type 07",
      [&](TestRequest& m) { product(m).referrer_type = "07"; });
  add("CD041 code without extent",
      [&](TestRequest& m) { product(m).unit.reset(); });
  add("CD043 decision without its start",
      [&](TestRequest& m) { product(m).decision_number = "4711"; });
  add("CD066 referrer with code and name", [&](TestRequest& m) {
    product(m).referrer_type = "03";
    product(m).referrer_agb = "01234567";
    product(m).referrer_name = "Dr. Jansen";
  });
  add("CD067 referrer without code or name",
      [&](TestRequest& m) { product(m).referrer_type = "04"; });
  add("CD068 municipality with a care code",
      [&](TestRequest& m) { product(m).referrer_agb = "01234567"; });
  add("CD075 budget without an end", [&](TestRequest& m) {
    product(m).unit.reset();
    product(m).code.reset();
    product(m).end.reset();
    product(m).budget = "150000";
  });
  add("CD076 per week without an end",
      [&](TestRequest& m) { product(m).end.reset(); });
  add("CD077 budget and extent",
      [&](TestRequest& m) { product(m).budget = "150000"; });
  add("CD079 no budget, no product", [&](TestRequest& m) {
    product(m).category.reset();
    product(m).unit.reset();
  });
  add("CD095 extent without a code",
      [&](TestRequest& m) { product(m).code.reset(); });
  add("CS002 11-proef", [](TestRequest& m) { m.bsn = "123456789"; });
  add("CS003 ends before it starts",
      [&](TestRequest& m) { product(m).end = "2026-09-30"; });
  add("CS343 day parts per day", [&](TestRequest& m) {
    product(m).unit = "16";
    product(m).frequency = "1";
  });
  add("TR101 reference twice",
      [&](TestRequest& m) { second(m).reference = "REF-1"; });
  add("TR383 reference twice but for spaces",
      [&](TestRequest& m) { second(m).reference = " REF-1"; });
  add("TR386 same product overlapping",
      [&](TestRequest& m) { second(m).start = "2026-12-01"; });
  return cases;
}

std::vector<Case> GeneratedCases(int count) {
  const std::vector<std::string> dates = {"2026-09-30", "2026-10-01",
                                          "2026-12-31", "2020-12-31",
                                          "2027-01-01", " 2026-11-15"};
  const std::vector<std::string> codes = {
      "1", "2", "4", "6", "01", "02", "03", "04", "14", "16", "83", "", " 2"};
  std::vector<Case> cases;
  std::mt19937 random(20261130);
  auto pick = [&](const std::vector<std::string>& from) {
    return from[random() % from.size()];
  };
  for (int i = 0; i < count; ++i) {
    TestRequest m;
    m.products.push_back(m.products[0]);
    m.products[1].reference = "REF-2";
    m.products[1].code = "02A02";
    const int edits = 1 + static_cast<int>(random() % 2);
    for (int e = 0; e < edits; ++e) {
      TestRequestedProduct& p = m.products[random() % 2];
      switch (random() % 10) {
        case 0:
          p.start = pick(dates);
          break;
        case 1:
          p.end = pick(dates);
          break;
        case 2:
          p.end.reset();
          break;
        case 3:
          p.unit = pick(codes);
          break;
        case 4:
          p.frequency = pick(codes);
          break;
        case 5:
          p.unit.reset();
          p.budget = random() % 2 ? "5000" : "";
          break;
        case 6:
          p.code.reset();
          break;
        case 7:
          p.referrer_type = pick(codes);
          break;
        case 8:
          p.referrer_agb = "01234567";
          break;
        case 9:
          p.code = m.products[0].code;
          break;
      }
    }
    cases.push_back({absl::StrCat("generated ", i), m});
  }
  return cases;
}

TEST(Wmo315Test, AgreesWithTheOfficialValidationOnEveryMessage) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  std::vector<Case> cases = HandWrittenCases();
  for (Case& c : GeneratedCases(300)) cases.push_back(std::move(c));
  std::vector<testing::NamedMessage> messages;
  messages.reserve(cases.size());
  for (const Case& c : cases) messages.push_back({c.name, c.message.Render()});
  const auto official = testing::ExpectSameVerdicts(
      "WMO315", messages, [](const std::string& xml) { return Judge(xml); });
  const int accepted = testing::CountAccepted(official);
  EXPECT_GT(accepted, 40);
  EXPECT_GT(static_cast<int>(cases.size()) - accepted, 60);

  // The WMO316 of every message taken, a code on every other product: the
  // official validation accepts each.
  std::vector<std::string> retours;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (!official[i].accepted()) continue;
    auto doc = XmlDocument::Parse(messages[i].xml);
    ASSERT_TRUE(doc.ok());
    const Wmo315 read = ReadWmo315(*doc);
    CodesByLocation codes;
    for (size_t k = 0; k < read.products.size(); k += 2) {
      codes[read.products[k].wanted.location] = {k == 0 ? "9374" : "S329"};
    }
    const TestRequest& m = cases[i].message;
    retours.push_back(WriteTechnicalRetour(
        *doc, {"WMO315", m.sender, m.receiver, m.id, m.date}, codes,
        absl::StrCat("R", i), "2026-10-03"));
  }
  const auto judged = testing::JudgeOfficially("WMO316", retours);
  for (size_t i = 0; i < retours.size(); ++i) {
    EXPECT_TRUE(judged[i].accepted()) << judged[i].detail << retours[i];
  }
}

TEST(Wmo315Test, ItsRetourValidatesAndCarriesACodePerProduct) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  TestRequest m;
  m.comment = "graag";
  m.products.push_back(m.products[0]);
  m.products[1].reference = "REF-2";
  m.products[1].code = "02A02";
  m.products[1].referrer_type = "02";
  m.products[1].referrer_name = "Huisarts";
  auto doc = XmlDocument::Parse(m.Render());
  ASSERT_TRUE(doc.ok());
  const Wmo315 read = ReadWmo315(*doc);
  const Answered answered{"WMO315", m.sender, m.receiver, m.id, m.date};
  const std::string retour = WriteTechnicalRetour(
      *doc, answered, {{read.products[1].wanted.location, {"9374"}}}, "R9",
      "2026-10-03");
  const auto official = testing::JudgeOfficially("WMO316", {retour});
  EXPECT_TRUE(official[0].accepted()) << official[0].detail << retour;
  EXPECT_THAT(retour, HasSubstr("<ReferentieAanbieder>REF-2</"
                                "ReferentieAanbieder>"));
  EXPECT_THAT(retour, HasSubstr("<RetourCode>9374</RetourCode>"));
  EXPECT_THAT(retour, HasSubstr("<IdentificatieRetour>R9<"));
}

TEST(Wmo315Test, ReadsWhatTheRequestNeeds) {
  TestRequest m;
  m.products[0].budget = "150000";
  m.products[0].unit.reset();
  m.products[0].code.reset();
  auto doc = XmlDocument::Parse(m.Render());
  ASSERT_TRUE(doc.ok());
  const Wmo315 read = ReadWmo315(*doc);
  EXPECT_EQ(read.client.surname, "Jansen");
  EXPECT_EQ(read.client.initials, "J");
  ASSERT_EQ(read.products.size(), 1u);
  const RequestedProduct& p = read.products[0];
  EXPECT_EQ(p.wanted.location,
            "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct");
  EXPECT_EQ(p.reference, "REF-1");
  EXPECT_EQ(p.wanted.category, "02");
  EXPECT_FALSE(p.wanted.code.has_value());
  EXPECT_FALSE(p.wanted.unit.has_value());
  EXPECT_EQ(p.wanted.budget, "150000");
  EXPECT_EQ(p.wanted.start, "2026-10-01");
  EXPECT_EQ(p.wanted.end, "2026-12-31");
  EXPECT_EQ(p.referrer_type, "01");
}

}  // namespace
}  // namespace wmo::iwmo
