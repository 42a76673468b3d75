#include "libs/iwmo/wmo317.h"

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
using testing::TestChangeRequest;
using testing::TestWantedProduct;

std::optional<Fault> Judge(const std::string& xml) {
  auto doc = XmlDocument::Parse(xml);
  if (!doc.ok()) return Fault{"", "XML", std::string(doc.status().message())};
  if (auto fault = CheckSchema(*doc, *SchemaOf("WMO317"))) return fault;
  return CheckWmo317Rules(ReadWmo317(*doc));
}

struct Case {
  std::string name;
  TestChangeRequest message;
};

// A product to add: 02A03 from 2026-11-01.
TestWantedProduct Added() {
  TestWantedProduct p;
  p.code = "02A03";
  return p;
}

std::vector<Case> HandWrittenCases() {
  std::vector<Case> cases;
  auto add = [&](const std::string& name,
                 const std::function<void(TestChangeRequest&)>& edit) {
    TestChangeRequest m;
    edit(m);
    cases.push_back({name, m});
  };
  auto altered = [](TestChangeRequest& m) -> TestWantedProduct& {
    return m.altered[0];
  };
  add("valid", [](TestChangeRequest&) {});
  add("products added", [](TestChangeRequest& m) {
    m.added = {Added(), Added()};
    m.added[1].code = "02A04";
  });
  add("only added to unchanged", [](TestChangeRequest& m) {
    m.altered.clear();
    m.added = {Added()};
  });
  add("a budget instead", [&](TestChangeRequest& m) {
    altered(m).unit.reset();
    altered(m).budget = "90000";
  });
  add("reason 3", [](TestChangeRequest& m) { m.reason = "3"; });
  add("TR352 nothing named", [](TestChangeRequest& m) {
    m.unchanged.clear();
    m.altered.clear();
    m.added = {Added()};
  });
  add("TR353 nothing changed or added",
      [](TestChangeRequest& m) { m.altered.clear(); });
  add("TR101 unchanged twice",
      [](TestChangeRequest& m) { m.unchanged.push_back("1001"); });
  add("TR101 to change twice",
      [&](TestChangeRequest& m) { m.altered.push_back(altered(m)); });
  add("TR101 added twice", [](TestChangeRequest& m) {
    m.added = {Added(), Added()};
  });
  add("TR380 added from the message's day", [](TestChangeRequest& m) {
    m.added = {Added()};
    m.added[0].start = "2026-10-02";
  });
  add("TR410 added overlapping", [](TestChangeRequest& m) {
    m.added = {Added(), Added()};
    m.added[1].start = "2026-12-01";
  });
  add("CS002 11-proef", [](TestChangeRequest& m) { m.bsn = "123456789"; });
  add("CS003 change ends before it starts",
      [&](TestChangeRequest& m) { altered(m).end = "2026-10-31"; });
  add("CD076 per week without an end",
      [&](TestChangeRequest& m) { altered(m).end.reset(); });
  add("CD077 budget and extent",
      [&](TestChangeRequest& m) { altered(m).budget = "90000"; });
  add("CD041 added with a code, no extent", [](TestChangeRequest& m) {
    m.added = {Added()};
    m.added[0].unit.reset();
  });
  add("CD079 added without product or budget", [](TestChangeRequest& m) {
    m.added = {Added()};
    m.added[0].category.reset();
  });
  add("CD096 added extent without a code", [](TestChangeRequest& m) {
    m.added = {Added()};
    m.added[0].code.reset();
  });
  add("CS338 added day parts per day", [](TestChangeRequest& m) {
    m.added = {Added()};
    m.added[0].unit = "16";
    m.added[0].frequency = "1";
  });
  return cases;
}

std::vector<Case> GeneratedCases(int count) {
  const std::vector<std::string> dates = {"2026-10-01", "2026-10-02",
                                          "2026-10-03", "2026-12-31",
                                          "2020-12-31", " 2026-11-15"};
  const std::vector<std::string> codes = {"1",  "2",  "4",  "6", "04",
                                          "14", "16", "83", "",  " 2"};
  std::vector<Case> cases;
  std::mt19937 random(20261130);
  auto pick = [&](const std::vector<std::string>& from) {
    return from[random() % from.size()];
  };
  for (int i = 0; i < count; ++i) {
    TestChangeRequest m;
    m.added = {Added()};
    const int edits = 1 + static_cast<int>(random() % 2);
    for (int e = 0; e < edits; ++e) {
      TestWantedProduct& p = random() % 2 ? m.added[0] : m.altered[0];
      switch (random() % 8) {
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
          m.unchanged.push_back(pick({"1001", "1003", " 1001"}));
          break;
      }
    }
    cases.push_back({absl::StrCat("generated ", i), m});
  }
  return cases;
}

TEST(Wmo317Test, AgreesWithTheOfficialValidationOnEveryMessage) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  std::vector<Case> cases = HandWrittenCases();
  for (Case& c : GeneratedCases(300)) cases.push_back(std::move(c));
  std::vector<testing::NamedMessage> messages;
  messages.reserve(cases.size());
  for (const Case& c : cases) messages.push_back({c.name, c.message.Render()});
  const auto official = testing::ExpectSameVerdicts(
      "WMO317", messages, [](const std::string& xml) { return Judge(xml); });
  const int accepted = testing::CountAccepted(official);
  EXPECT_GT(accepted, 40);
  EXPECT_GT(static_cast<int>(cases.size()) - accepted, 60);

  // The WMO318 of every message taken, codes where the service might put
  // them: the official validation accepts each.
  std::vector<std::string> retours;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (!official[i].accepted()) continue;
    auto doc = XmlDocument::Parse(messages[i].xml);
    ASSERT_TRUE(doc.ok());
    const Wmo317 read = ReadWmo317(*doc);
    CodesByLocation codes;
    if (i % 2 == 0) codes["/Bericht/Client/Verzoek"] = {"9349", "9374"};
    if (!read.altered.empty()) {
      codes[read.altered[0].wanted.location] = {"9357"};
    }
    if (!read.added.empty()) codes[read.added[0].location] = {"S329"};
    const TestChangeRequest& m = cases[i].message;
    retours.push_back(WriteTechnicalRetour(
        *doc, {"WMO317", m.sender, m.receiver, m.id, m.date}, codes,
        absl::StrCat("R", i), "2026-10-03"));
  }
  const auto judged = testing::JudgeOfficially("WMO318", retours);
  for (size_t i = 0; i < retours.size(); ++i) {
    EXPECT_TRUE(judged[i].accepted()) << judged[i].detail << retours[i];
  }
}

TEST(Wmo317Test, ItsRetourValidatesAndCarriesACodePerProduct) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  TestChangeRequest m;
  m.added = {Added()};
  auto doc = XmlDocument::Parse(m.Render());
  ASSERT_TRUE(doc.ok());
  const Wmo317 read = ReadWmo317(*doc);
  const Answered answered{"WMO317", m.sender, m.receiver, m.id, m.date};
  const std::string retour =
      WriteTechnicalRetour(*doc, answered,
                           {{read.altered[0].wanted.location, {"9357"}},
                            {"/Bericht/Client/Verzoek", {"9349"}}},
                           "R9", "2026-10-03");
  const auto official = testing::JudgeOfficially("WMO318", {retour});
  EXPECT_TRUE(official[0].accepted()) << official[0].detail << retour;
  EXPECT_THAT(retour, HasSubstr("<RetourCode>9357</RetourCode></RetourCodes>"
                                "</TeWijzigenProduct>"));
  EXPECT_THAT(retour, HasSubstr("<RetourCode>9349</RetourCode></RetourCodes>"
                                "</Verzoek>"));
}

TEST(Wmo317Test, ReadsWhatTheRequestNeeds) {
  TestChangeRequest m;
  m.added = {Added()};
  auto doc = XmlDocument::Parse(m.Render());
  ASSERT_TRUE(doc.ok());
  const Wmo317 read = ReadWmo317(*doc);
  EXPECT_EQ(read.reference, "CHG-1");
  ASSERT_EQ(read.unchanged.size(), 1u);
  EXPECT_EQ(read.unchanged[0].number, "1001");
  EXPECT_EQ(read.unchanged[0].location,
            "/Bericht/Client/Verzoek/OngewijzigdeProducten/"
            "OngewijzigdProduct");
  ASSERT_EQ(read.altered.size(), 1u);
  EXPECT_EQ(read.altered[0].number, "1002");
  EXPECT_EQ(read.altered[0].wanted.volume, "12");
  ASSERT_EQ(read.added.size(), 1u);
  EXPECT_EQ(read.added[0].code, "02A03");
}

}  // namespace
}  // namespace wmo::iwmo
