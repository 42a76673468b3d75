#include "libs/iwmo/delivery.h"

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
#include "libs/iwmo/schema.h"
#include "libs/iwmo/test_messages.h"

namespace wmo::iwmo {
namespace {

using ::testing::HasSubstr;
using testing::TestDelivery;
using testing::TestDeliveryProduct;

std::string MessageOf(const TestDelivery& m) {
  return m.stop ? "WMO307" : "WMO305";
}

std::optional<Fault> Judge(const std::string& xml, const std::string& kind) {
  auto doc = XmlDocument::Parse(xml);
  if (!doc.ok()) return Fault{"", "XML", std::string(doc.status().message())};
  if (auto fault = CheckSchema(*doc, *SchemaOf(kind))) return fault;
  return CheckDeliveryRules(ReadDeliveryMessage(*doc, kind));
}

struct Case {
  std::string name;
  TestDelivery message;
};

std::vector<Case> HandWrittenCases() {
  std::vector<Case> cases;
  for (const bool stop : {false, true}) {
    auto add = [&](const std::string& name,
                   const std::function<void(TestDelivery&)>& edit) {
      TestDelivery m;
      m.stop = stop;
      edit(m);
      cases.push_back({absl::StrCat(stop ? "307 " : "305 ", name), m});
    };
    auto product = [](TestDelivery& m) -> TestDeliveryProduct& {
      return m.products[0];
    };
    add("valid", [](TestDelivery&) {});
    add("no assignment number",
        [&](TestDelivery& m) { product(m).assignment_number.reset(); });
    add("no product", [&](TestDelivery& m) { product(m).category.reset(); });
    add("category without code",
        [&](TestDelivery& m) { product(m).code.reset(); });
    add("assignment start given",
        [&](TestDelivery& m) { product(m).assignment_start = "2026-08-01"; });
    add("withdrawal", [&](TestDelivery& m) { product(m).status = "3"; });
    add("accented initials", [](TestDelivery& m) { m.initials = "ÉÅ"; });
    add("prefix", [](TestDelivery& m) { m.surname_prefix = "van der"; });
    add("two products", [&](TestDelivery& m) {
      m.products.push_back(product(m));
      m.products[1].assignment_number = "1002";
    });
    add("birth day unknown", [](TestDelivery& m) {
      m.birth_date = "1950-03-01";
      m.birth_date_use = "1";
    });
    add("birth date unknown", [](TestDelivery& m) {
      m.birth_date = "1900-01-01";
      m.birth_date_use = "3";
    });
    // Schema faults.
    add("gender 3", [](TestDelivery& m) { m.gender = "3"; });
    add("initials with a dot", [](TestDelivery& m) { m.initials = "J."; });
    add("initials of 7", [](TestDelivery& m) { m.initials = "ABCDEFG"; });
    add("blank surname", [](TestDelivery& m) { m.surname = " "; });
    add("status 4", [&](TestDelivery& m) { product(m).status = "4"; });
    add("category 19", [&](TestDelivery& m) { product(m).category = "19"; });
    add("date use 4", [](TestDelivery& m) { m.birth_date_use = "4"; });
    add("start 31 June",
        [&](TestDelivery& m) { product(m).start_date = "2026-06-31"; });
    add("reason 01", [&](TestDelivery& m) { product(m).end_reason = "01"; });
    // Rules of the official stylesheet.
    add("CS002 11-proef", [](TestDelivery& m) { m.bsn = "123456789"; });
    add("CS058 status 2", [&](TestDelivery& m) { product(m).status = "2"; });
    add("CS058 status 9", [&](TestDelivery& m) { product(m).status = "9"; });
    add("CS139 day given for month only", [](TestDelivery& m) {
      m.birth_date = "1950-03-05";
      m.birth_date_use = "1";
    });
    add("CS139 year only", [](TestDelivery& m) {
      m.birth_date = "1950-03-01";
      m.birth_date_use = "2";
    });
    add("CS139 unknown but a date", [](TestDelivery& m) {
      m.birth_date = "1950-01-01";
      m.birth_date_use = "3";
    });
    add("TR002 born 121 years ago",
        [](TestDelivery& m) { m.birth_date = "1905-10-01"; });
    add("TR134 born after the message",
        [](TestDelivery& m) { m.birth_date = "2026-10-03"; });
    add("TR101 product twice",
        [&](TestDelivery& m) { m.products.push_back(product(m)); });
    if (stop) {
      add("TR018 stop before start",
          [&](TestDelivery& m) { product(m).end_date = "2026-08-31"; });
      add("TR134 stop after the message",
          [&](TestDelivery& m) { product(m).end_date = "2026-10-03"; });
    } else {
      add("TR134 start after the message",
          [&](TestDelivery& m) { product(m).start_date = "2026-10-03"; });
    }
  }
  return cases;
}

std::vector<Case> GeneratedCases(int count) {
  const std::vector<std::string> dates = {
      "2026-09-01", "2026-09-30", "2026-10-02", "2026-10-03", "1900-01-01",
      "1906-10-02", "1906-10-03", "2024-02-29", "2025-02-29", " 2026-09-15"};
  const std::vector<std::string> codes = {"1",  "2", "3", "01", "02",
                                          "20", "",  "9", " 1"};
  std::vector<Case> cases;
  std::mt19937 random(20261130);
  auto pick = [&](const std::vector<std::string>& from) {
    return from[random() % from.size()];
  };
  for (int i = 0; i < count; ++i) {
    TestDelivery m;
    m.stop = i % 2 == 1;
    m.products.push_back(m.products[0]);
    m.products[1].assignment_number = "1002";
    for (int e = 0; e < 2; ++e) {
      TestDeliveryProduct& p = m.products[random() % 2];
      switch (random() % 7) {
        case 0:
          p.start_date = pick(dates);
          break;
        case 1:
          p.end_date = pick(dates);
          break;
        case 2:
          p.status = pick(codes);
          break;
        case 3:
          p.end_reason = pick(codes);
          break;
        case 4:
          m.birth_date = pick(dates);
          break;
        case 5:
          m.birth_date_use = pick(codes);
          break;
        case 6:
          p.assignment_number = pick(codes);
          break;
      }
    }
    cases.push_back({absl::StrCat("generated ", i), m});
  }
  return cases;
}

TEST(DeliveryMessageTest, AgreesWithTheOfficialValidationOnEveryMessage) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  std::vector<Case> cases = HandWrittenCases();
  for (Case& c : GeneratedCases(200)) cases.push_back(std::move(c));
  for (const bool stop : {false, true}) {
    const std::string kind = stop ? "WMO307" : "WMO305";
    std::vector<testing::NamedMessage> messages;
    for (const Case& c : cases) {
      if (c.message.stop == stop)
        messages.push_back({c.name, c.message.Render()});
    }
    const auto official = testing::ExpectSameVerdicts(
        kind, messages,
        [&](const std::string& xml) { return Judge(xml, kind); });
    const int accepted = testing::CountAccepted(official);
    EXPECT_GT(accepted, 20) << (stop ? "307" : "305");
    EXPECT_GT(static_cast<int>(messages.size()) - accepted, 40)
        << (stop ? "307" : "305");
  }
}

TEST(DeliveryMessageTest, AnswersWithValidRetours) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  for (const bool stop : {false, true}) {
    TestDelivery m;
    m.stop = stop;
    m.surname_prefix = "de";
    m.birth_date_use = "1";
    m.products.push_back(m.products[0]);
    m.products[1].assignment_number.reset();
    m.products[1].code.reset();
    m.products[1].assignment_start = "2026-08-01";
    auto doc = XmlDocument::Parse(m.Render());
    ASSERT_TRUE(doc.ok());
    const DeliveryMessage read = ReadDeliveryMessage(*doc, MessageOf(m));
    const Answered answered{MessageOf(m), m.sender, m.receiver, m.id, m.date};
    const std::string retour = WriteTechnicalRetour(
        *doc, answered, {{read.products[1].location, {"9019"}}}, "R7",
        "2026-10-03");
    const auto official =
        testing::JudgeOfficially(stop ? "WMO308" : "WMO306", {retour});
    EXPECT_TRUE(official[0].accepted()) << official[0].detail << retour;
    EXPECT_THAT(retour, HasSubstr("<RetourCode>9019</RetourCode>"));
    // The header of the message returned, then the retour's own.
    EXPECT_THAT(retour, HasSubstr("<iwmo:Identificatie>S1<"));
    EXPECT_THAT(retour, HasSubstr("<IdentificatieRetour>R7<"));
    EXPECT_THAT(retour, HasSubstr("<DagtekeningRetour>2026-10-03<"));
  }
}

}  // namespace
}  // namespace wmo::iwmo
