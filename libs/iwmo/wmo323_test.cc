#include "libs/iwmo/wmo323.h"

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/iwmo/oracle.h"
#include "libs/iwmo/schema.h"
#include "libs/iwmo/test_messages.h"
#include "libs/iwmo/xml_writer.h"

namespace wmo::iwmo {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TestClient;
using testing::TestLine;
using testing::TestWmo323;

namespace v1 = ::wmo::declaration::v1;

// The product's judgement of a document: nullopt when it accepts it.
std::optional<Fault> Judge(const std::string& xml) {
  auto doc = XmlDocument::Parse(xml);
  if (!doc.ok()) return Fault{"", "XML", std::string(doc.status().message())};
  if (auto fault = CheckSchema(*doc, *SchemaOf("WMO323"))) return fault;
  return CheckWmo323Rules(ReadWmo323(*doc));
}

// Replaces the first `from` in `xml`.
std::string ReplaceFirst(std::string xml, const std::string& from,
                         const std::string& to) {
  const size_t at = xml.find(from);
  if (at != std::string::npos) xml.replace(at, from.size(), to);
  return xml;
}

TestWmo323 TwoClients() {
  TestWmo323 m;
  TestClient second;
  second.bsn = "111222333";
  second.lines[0].reference = "R2";
  second.lines[0].assignment_number = "1002";
  m.clients.push_back(second);
  return m;
}

// A named case of the corpus: a message built from the valid default.
struct Case {
  std::string name;
  std::function<std::string()> xml;
};

std::vector<Case> HandWrittenCases() {
  std::vector<Case> cases;
  auto add = [&](const std::string& name,
                 const std::function<void(TestWmo323&)>& edit) {
    cases.push_back({name, [edit] {
                       TestWmo323 m;
                       edit(m);
                       return m.Render();
                     }});
  };
  auto raw = [&](const std::string& name, const std::string& from,
                 const std::string& to) {
    cases.push_back({name, [from, to] {
                       return ReplaceFirst(TestWmo323().Render(), from, to);
                     }});
  };
  auto line = [](TestWmo323& m) -> TestLine& { return m.clients[0].lines[0]; };
  // Valid by the schema, some at its edges; the stylesheet still refuses
  // a date with spaces (CS337 compares the text) and an amount with a plus
  // sign (TR358 cannot sum it).
  add("valid", [](TestWmo323&) {});
  cases.push_back({"two clients", [] { return TwoClients().Render(); }});
  add("leading zeros in a number",
      [&](TestWmo323& m) { line(m).assignment_number = "0001001"; });
  add("spaces around a date",
      [&](TestWmo323& m) { line(m).start_date = " 2026-09-01 "; });
  add("spaces around a volume",
      [&](TestWmo323& m) { line(m).volume = "\n 10 "; });
  add("plus sign on a volume", [&](TestWmo323& m) { line(m).volume = "+10"; });
  add("plus sign on an amount",
      [&](TestWmo323& m) { line(m).amount = "+50000"; });
  add("euro line", [&](TestWmo323& m) {
    line(m).unit = "83";
    line(m).tariff.reset();
    line(m).volume = "12345";
    line(m).amount = "12345";
  });
  add("credit line", [&](TestWmo323& m) {
    TestLine credit = line(m);
    credit.reference = "R9";
    credit.previous_reference = "R0";
    credit.direction = "C";
    m.clients[0].lines.push_back(credit);
  });
  add("earlier month", [&](TestWmo323& m) {
    line(m).start_date = "2026-08-01";
    line(m).end_date = "2026-08-31";
  });
  add("part of a month", [&](TestWmo323& m) {
    line(m).start_date = "2026-09-10";
    line(m).end_date = "2026-09-20";
  });
  add("reference with inner space",
      [&](TestWmo323& m) { line(m).reference = "R 1"; });
  add("non-ASCII reference", [&](TestWmo323& m) { line(m).reference = "Ré1"; });
  add("twenty characters, not bytes",
      [&](TestWmo323& m) { line(m).reference = "éééééééééééééééééééé"; });
  raw("comment inside a value", "<ProductCode>02A01",
      "<ProductCode><!-- c -->02A01");
  raw("schema location hint", "<Header>",
      "<Header xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"a b\">");

  // Schema faults.
  add("bad BSN length", [](TestWmo323& m) { m.clients[0].bsn = "12345678"; });
  add("AGB with a letter", [](TestWmo323& m) { m.sender = "1234567a"; });
  add("municipality of 5 digits", [](TestWmo323& m) { m.receiver = "09880"; });
  add("empty message id", [](TestWmo323& m) { m.id = ""; });
  add("blank message id", [](TestWmo323& m) { m.id = "   "; });
  add("message id of 13", [](TestWmo323& m) { m.id = "ABCDEFGHIJKLM"; });
  add("message id on two lines", [](TestWmo323& m) { m.id = "A\nB"; });
  add("declaration number with a dash",
      [](TestWmo323& m) { m.number = "D-1"; });
  add("unknown unit", [&](TestWmo323& m) { line(m).unit = "02"; });
  add("unit with a space", [&](TestWmo323& m) { line(m).unit = "04 "; });
  add("category 19", [&](TestWmo323& m) { line(m).product_category = "19"; });
  add("product code of 6",
      [&](TestWmo323& m) { line(m).product_code = "02A012"; });
  add("blank product code",
      [&](TestWmo323& m) { line(m).product_code = "  "; });
  add("reference of 21",
      [&](TestWmo323& m) { line(m).reference = std::string(21, 'x'); });
  add("empty reference", [&](TestWmo323& m) { line(m).reference = ""; });
  add("31 September", [&](TestWmo323& m) { line(m).end_date = "2026-09-31"; });
  add("29 February 2027",
      [&](TestWmo323& m) { line(m).end_date = "2027-02-29"; });
  add("date with a zone",
      [&](TestWmo323& m) { line(m).end_date = "2026-09-30Z"; });
  add("date with a time",
      [&](TestWmo323& m) { line(m).end_date = "2026-09-30T00:00:00"; });
  add("date the Dutch way",
      [&](TestWmo323& m) { line(m).end_date = "30-09-2026"; });
  add("negative volume", [&](TestWmo323& m) { line(m).volume = "-1"; });
  add("volume of 9 digits",
      [&](TestWmo323& m) { line(m).volume = "100000000"; });
  add("volume with a fraction", [&](TestWmo323& m) { line(m).volume = "1.5"; });
  add("assignment number of 10 digits",
      [&](TestWmo323& m) { line(m).assignment_number = "1000000000"; });
  add("tariff too high", [&](TestWmo323& m) { line(m).tariff = "100000000"; });
  add("direction X", [&](TestWmo323& m) { line(m).direction = "X"; });
  add("total of 13 digits", [](TestWmo323& m) { m.total = "1000000000000"; });
  raw("BerichtCode of another message", "<BerichtCode>484", "<BerichtCode>485");
  raw("BerichtVersie 03", "<BerichtVersie>3", "<BerichtVersie>03");
  raw("BerichtSubversie with spaces", "<BerichtSubversie>2",
      "<BerichtSubversie> 2");
  raw("XSD version 1.0", "<iwmo:BerichtXsdVersie>1.0.0",
      "<iwmo:BerichtXsdVersie>1.0");
  raw("XSD version 01.0.0", "<iwmo:BerichtXsdVersie>1.0.0",
      "<iwmo:BerichtXsdVersie>01.0.0");
  raw("missing Ontvanger", "<Ontvanger>0988</Ontvanger>", "");
  raw("Afzender and Ontvanger swapped",
      "<Afzender>12345678</Afzender>\n    <Ontvanger>0988</Ontvanger>",
      "<Ontvanger>0988</Ontvanger><Afzender>12345678</Afzender>");
  raw("unknown element", "<Eenheid>", "<Extra>1</Extra><Eenheid>");
  raw("element in the wrong namespace", "<iwmo:Bedrag>50000</iwmo:Bedrag>",
      "<Bedrag>50000</Bedrag>");
  raw("attribute", "<Prestatie>", "<Prestatie id=\"1\">");
  raw("text between elements", "<Prestatie>", "<Prestatie>x");
  raw("element inside a value", "<ProductCode>02A01",
      "<ProductCode><b>02A01</b>");
  add("no lines", [](TestWmo323& m) { m.clients[0].lines.clear(); });
  raw("two tariffs", "<ProductTarief>5000</ProductTarief>",
      "<ProductTarief>5000</ProductTarief><ProductTarief>5000</ProductTarief>");
  raw("second Declaratie", "</Declaratie>",
      "</Declaratie><Declaratie></Declaratie>");

  // Rules of the official stylesheet.
  add("CS002 11-proef", [](TestWmo323& m) { m.clients[0].bsn = "123456789"; });
  add("CD060 credit without previous reference",
      [&](TestWmo323& m) { line(m).direction = "C"; });
  add("CD060 debit with previous reference",
      [&](TestWmo323& m) { line(m).previous_reference = "R0"; });
  add("CD087 tariff missing", [&](TestWmo323& m) { line(m).tariff.reset(); });
  add("CD087 euro with tariff", [&](TestWmo323& m) {
    line(m).unit = "83";
    line(m).volume = "50000";
  });
  add("CS100 before 2021", [&](TestWmo323& m) {
    m.period_start = "2020-12-01";
    m.period_end = "2020-12-31";
    line(m).start_date = "2020-12-01";
    line(m).end_date = "2020-12-31";
  });
  add("CS325 zero credit total", [&](TestWmo323& m) {
    line(m).amount = "0";
    line(m).volume = "0";
    m.total_direction = "C";
  });
  add("CS325 zero credit line", [&](TestWmo323& m) {
    TestLine credit = line(m);
    credit.reference = "R9";
    credit.previous_reference = "R0";
    credit.direction = "C";
    credit.amount = "0";
    m.clients[0].lines.push_back(credit);
  });
  add("CS337 two months", [&](TestWmo323& m) {
    line(m).start_date = "2026-08-15";
    line(m).end_date = "2026-09-14";
  });
  add("CS339 euro volume differs", [&](TestWmo323& m) {
    line(m).unit = "83";
    line(m).tariff.reset();
    line(m).volume = "1";
  });
  add("CS340 period starts on the 2nd",
      [](TestWmo323& m) { m.period_start = "2026-09-02"; });
  add("CS340 period of two months",
      [](TestWmo323& m) { m.period_start = "2026-08-01"; });
  add("CS340 period ends early",
      [](TestWmo323& m) { m.period_end = "2026-09-29"; });
  add("TR101 client twice", [](TestWmo323& m) {
    m.clients.push_back(m.clients[0]);
    m.clients[1].lines[0].reference = "R2";
  });
  add("TR101 line twice", [&](TestWmo323& m) {
    m.clients[0].lines.push_back(line(m));
    m.clients[0].lines[1].assignment_number = "1002";
  });
  add("TR134 period after the message date",
      [](TestWmo323& m) { m.date = "2026-08-31"; });
  add("TR137 line ends after the message date",
      [&](TestWmo323& m) { m.date = "2026-09-29"; });
  add("TR137 line ends before it starts", [&](TestWmo323& m) {
    line(m).start_date = "2026-09-20";
    line(m).end_date = "2026-09-10";
  });
  add("TR315 credited twice", [&](TestWmo323& m) {
    for (const char* r : {"R8", "R9"}) {
      TestLine credit = line(m);
      credit.reference = r;
      credit.previous_reference = "R0";
      credit.direction = "C";
      m.clients[0].lines.push_back(credit);
    }
  });
  add("TR316 credits a line of the same message", [&](TestWmo323& m) {
    TestLine credit = line(m);
    credit.reference = "R9";
    credit.previous_reference = "R1";
    credit.direction = "C";
    m.clients[0].lines.push_back(credit);
  });
  add("TR316 credits itself", [&](TestWmo323& m) {
    line(m).previous_reference = "R1";
    line(m).direction = "C";
  });
  add("TR319 line after the declared month", [&](TestWmo323& m) {
    m.date = "2026-11-02";
    line(m).start_date = "2026-10-01";
    line(m).end_date = "2026-10-31";
  });
  add("TR335 older than 60 months", [&](TestWmo323& m) {
    line(m).start_date = "2021-08-01";
    line(m).end_date = "2021-08-31";
  });
  add("just within 60 months (TR335)", [&](TestWmo323& m) {
    line(m).start_date = "2021-10-01";
    line(m).end_date = "2021-10-31";
  });
  add("TR358 total off by one", [](TestWmo323& m) { m.total = "50001"; });
  add("TR358 total with a leading zero",
      [](TestWmo323& m) { m.total = "050000"; });
  add("TR358 total credit", [](TestWmo323& m) { m.total_direction = "C"; });
  add("TR416 two debits for one period", [&](TestWmo323& m) {
    m.clients[0].lines.push_back(line(m));
    m.clients[0].lines[1].reference = "R2";
  });
  return cases;
}

// Values that sit on the edges of what the schema and the rules allow.
std::vector<Case> GeneratedCases(int count) {
  const std::vector<std::string> dates = {
      "2026-09-01", "2026-09-30", "2026-08-31", "2026-10-01", "2026-09-15",
      "2024-02-29", "2025-02-29", "2020-12-31", "2026-9-01",  " 2026-09-30",
      "2026-09-31", "2021-09-30", "2021-10-01"};
  const std::vector<std::string> numbers = {
      "0",         "1",   "10",  "010", "+10",  "-0",    "99999999",
      "100000000", "1e3", " 5 ", "",    "5000", "50000", "4.0"};
  const std::vector<std::string> codes = {"01", "04", "83", "84", "02",
                                          "1",  "",   "C",  "D",  "d"};
  std::vector<Case> cases;
  std::mt19937 random(20261130);
  auto pick = [&](const std::vector<std::string>& from) {
    return from[random() % from.size()];
  };
  for (int i = 0; i < count; ++i) {
    TestWmo323 m = TwoClients();
    const int edits = 1 + static_cast<int>(random() % 2);
    for (int e = 0; e < edits; ++e) {
      TestLine& l = m.clients[random() % 2].lines[0];
      switch (random() % 9) {
        case 0:
          l.start_date = pick(dates);
          break;
        case 1:
          l.end_date = pick(dates);
          break;
        case 2:
          l.volume = pick(numbers);
          break;
        case 3:
          l.amount = pick(numbers);
          break;
        case 4:
          l.unit = pick(codes);
          break;
        case 5:
          l.direction = pick(codes);
          break;
        case 6:
          l.tariff = pick(numbers);
          break;
        case 7:
          m.period_end = pick(dates);
          break;
        case 8:
          m.total = pick(numbers);
          break;
      }
    }
    cases.push_back({absl::StrCat("generated ", i),
                     [rendered = m.Render()] { return rendered; }});
  }
  return cases;
}

TEST(Wmo323Test, AgreesWithTheOfficialValidationOnEveryMessage) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  std::vector<Case> cases = HandWrittenCases();
  for (Case& c : GeneratedCases(300)) cases.push_back(std::move(c));
  std::vector<testing::NamedMessage> messages;
  messages.reserve(cases.size());
  for (const Case& c : cases) messages.push_back({c.name, c.xml()});
  const std::vector<testing::OfficialVerdict> official =
      testing::ExpectSameVerdicts("WMO323", messages, Judge);
  const int accepted = testing::CountAccepted(official);
  // Both kinds are well represented.
  EXPECT_GT(accepted, 30);
  EXPECT_GT(static_cast<int>(cases.size()) - accepted, 100);
}

TEST(Wmo323Test, NamesTheFirstFaultByItsPath) {
  TestWmo323 m = TwoClients();
  m.clients[1].lines.push_back(m.clients[1].lines[0]);
  m.clients[1].lines[1].reference = "R3";
  m.clients[1].lines[1].end_date = "2026-09-31";
  m.clients[1].lines[0].unit = "99";
  const std::optional<Fault> fault = Judge(m.Render());
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(fault->location,
            "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[1]/"
            "Eenheid");
  EXPECT_EQ(fault->rule, "XSD");
  EXPECT_THAT(fault->description, HasSubstr("one of 01, 04"));
}

TEST(Wmo323Test, NamesAMissingElementWhereItBelongs) {
  const std::optional<Fault> fault = Judge(ReplaceFirst(
      TestWmo323().Render(),
      "<DeclaratieDagtekening>2026-10-02</DeclaratieDagtekening>", ""));
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(fault->location, "/Bericht/Declaratie/DeclaratieDagtekening");
  EXPECT_THAT(fault->description, HasSubstr("missing"));
}

// The official validation reads a value's first piece of text only; a
// value split by a comment is refused rather than judged on part of itself.
TEST(Wmo323Test, RefusesAValueSplitByAComment) {
  const std::optional<Fault> fault = Judge(ReplaceFirst(
      TestWmo323().Render(), "<Bsn>999993653", "<Bsn>99999<!-- -->3653"));
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(fault->location, "/Bericht/Declaratie/Clienten/Client/Bsn");
  EXPECT_THAT(fault->description, HasSubstr("split by a comment"));
}

// Repeated past its bound, an element is named where it repeats.
TEST(Wmo323Test, NamesARepeatedElementWhereItRepeats) {
  const std::optional<Fault> fault = Judge(
      ReplaceFirst(TestWmo323().Render(), "<ProductTarief>5000</ProductTarief>",
                   "<ProductTarief>5000</ProductTarief><ProductTarief>5000</"
                   "ProductTarief>"));
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(fault->location,
            "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie/"
            "ProductTarief[2]");
  EXPECT_THAT(fault->description, HasSubstr("at most 1 time"));
}

TEST(Wmo323Test, NeverRepeatsTheBsnInAFault) {
  TestWmo323 m;
  m.clients[0].bsn = "123456789";  // fails the 11-proef
  const std::optional<Fault> fault = Judge(m.Render());
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(fault->rule, "CS002");
  EXPECT_THAT(fault->location + fault->description,
              ::testing::Not(HasSubstr("123456789")));
}

TEST(Wmo323Test, MapsOntoTheApiDeclaration) {
  TestWmo323 m = TwoClients();
  TestLine euro;
  euro.reference = "E1";
  euro.unit = "83";
  euro.tariff.reset();
  euro.volume = "12345";
  euro.amount = "12345";
  euro.assignment_number = "000777";
  euro.start_date = " 2026-09-01 ";
  m.clients[0].lines.push_back(euro);
  auto doc = XmlDocument::Parse(m.Render());
  ASSERT_TRUE(doc.ok());
  const v1::Declaration d = ToDeclaration(ReadWmo323(*doc));
  EXPECT_EQ(d.provider_agb(), "12345678");
  EXPECT_EQ(d.municipality(), "0988");
  EXPECT_EQ(d.number(), "D1");
  EXPECT_EQ(d.period(), "2026-09");
  ASSERT_EQ(d.lines_size(), 3);
  const v1::Line& first = d.lines(0);
  EXPECT_EQ(first.client_bsn(), "999993653");
  EXPECT_EQ(first.assignment_number(), "1001");
  EXPECT_EQ(first.unit(), type::v1::UNIT_HOUR);
  EXPECT_EQ(first.tariff_cents(), 5000);
  EXPECT_EQ(first.amount_cents(), 50000);
  EXPECT_EQ(first.direction(), v1::Line::DEBIT);
  const v1::Line& in_euros = d.lines(1);
  EXPECT_EQ(in_euros.assignment_number(), "777");
  EXPECT_EQ(in_euros.start_date(), "2026-09-01");
  EXPECT_EQ(in_euros.unit(), type::v1::UNIT_EURO);
  EXPECT_EQ(in_euros.tariff_cents(), 1);
  EXPECT_EQ(in_euros.volume(), 12345);
  EXPECT_EQ(d.lines(2).client_bsn(), "111222333");
}

// A verdict on the lines of `m`: those at `rejected` refused with `codes`.
v1::Declaration Verdicts(const TestWmo323& m, const std::vector<int>& rejected,
                         const std::vector<std::string>& codes) {
  auto doc = XmlDocument::Parse(m.Render());
  v1::Declaration d = ToDeclaration(ReadWmo323(*doc));
  int64_t submitted = 0;
  int64_t approved = 0;
  for (int i = 0; i < d.lines_size(); ++i) {
    v1::Line& line = *d.mutable_lines(i);
    const int64_t amount = line.direction() == v1::Line::CREDIT
                               ? -line.amount_cents()
                               : line.amount_cents();
    submitted += amount;
    const bool refused =
        std::find(rejected.begin(), rejected.end(), i) != rejected.end();
    line.mutable_verdict()->set_outcome(refused ? v1::Verdict::REJECTED
                                                : v1::Verdict::APPROVED);
    if (refused) {
      for (const std::string& code : codes) {
        auto* v = line.mutable_verdict()->add_violations();
        v->set_return_code(code);
        v->set_rule_id(code.empty() ? "S3-09" : "TR");
      }
    } else {
      approved += amount;
    }
  }
  d.mutable_totals()->set_submitted_cents(submitted);
  d.mutable_totals()->set_approved_cents(approved);
  return d;
}

TEST(Wmo323Test, AnswersWithAValidWmo325) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  TestWmo323 with_credit = TwoClients();
  TestLine credit = with_credit.clients[0].lines[0];
  credit.reference = "R9";
  credit.previous_reference = "R0";
  credit.direction = "C";
  credit.amount = "70000";
  with_credit.clients[0].lines.push_back(credit);
  struct Answer {
    const char* name;
    TestWmo323 message;
    std::vector<int> rejected;
    std::vector<std::string> codes;
  };
  const std::vector<Answer> answers = {
      {"all granted", TwoClients(), {}, {}},
      {"one rejected", TwoClients(), {1}, {"9321"}},
      {"all rejected, codes deduplicated",
       TwoClients(),
       {0, 1},
       {"9321", "9322", "9321"}},
      {"a catalog rule", TwoClients(), {0}, {""}},
      {"credit rejected, balance negative", with_credit, {2}, {"8017"}},
      {"debit rejected, credit granted", with_credit, {0}, {"9346"}},
  };
  std::vector<std::string> documents;
  for (const Answer& a : answers) {
    auto doc = XmlDocument::Parse(a.message.Render());
    ASSERT_TRUE(doc.ok());
    const Answered answered{"WMO323", a.message.sender, a.message.receiver,
                            a.message.id, a.message.date};
    documents.push_back(WriteWmo325(ReadWmo323(*doc), answered,
                                    Verdicts(a.message, a.rejected, a.codes),
                                    "A1", "2026-10-03"));
  }
  {
    // The declaration refused as a whole (its number used before): nothing
    // granted.
    const TestWmo323 refused = TwoClients();
    auto doc = XmlDocument::Parse(refused.Render());
    ASSERT_TRUE(doc.ok());
    const Answered answered{"WMO323", refused.sender, refused.receiver,
                            refused.id, refused.date};
    documents.push_back(WriteWmo325Refused(ReadWmo323(*doc), answered, {"9333"},
                                           "A2", "2026-10-03"));
  }
  const auto official = testing::JudgeOfficially("WMO325", documents);
  EXPECT_TRUE(official.back().accepted())
      << official.back().detail << documents.back();
  EXPECT_THAT(documents.back(), HasSubstr("<RetourCode>9333</RetourCode>"));
  for (size_t i = 0; i < answers.size(); ++i) {
    EXPECT_TRUE(official[i].accepted()) << answers[i].name << "\n"
                                        << official[i].detail << "\n"
                                        << documents[i];
  }
  EXPECT_THAT(documents[0], HasSubstr("<RetourCode>8001</RetourCode>"));
  EXPECT_THAT(documents[0], ::testing::Not(HasSubstr("<Clienten>")));
  EXPECT_THAT(documents[2], HasSubstr("<RetourCode>9321</RetourCode>"
                                      "<RetourCode>9322"));
}

// A fault's text goes into a comment, where "--" would end it early.
TEST(XmlWriterTest, CommentsAreNeverEndedEarly) {
  for (const char* text : {"a--b", "a---b", "a-", "----"}) {
    XmlWriter w("WMO325");
    w.Comment(text);
    w.Leaf("Header", "");
    const std::string xml = w.Finish();
    EXPECT_TRUE(XmlDocument::Parse(xml).ok()) << xml;
  }
}

TEST(Wmo323Test, RefusalsAreValidRetours) {
  if (testing::ReferenceDir().empty()) {
    GTEST_SKIP() << "no iWmo reference material (set WMO_IWMO_REFERENCE)";
  }
  Answered answered{"WMO323", "12345678", "0988", "M1", "2026-10-02"};
  // Dashes that would end a comment early are broken up.
  const Fault fault{"/Bericht/Declaratie/Clienten/Client[2]/Bsn", "CS002",
                    "the BSN does not pass the 11-proef --- fix it-"};
  const std::string retour =
      WriteRefusal(answered, {kRejected}, &fault, "A2", "2026-10-03");
  EXPECT_TRUE(XmlDocument::Parse(retour).ok()) << retour;
  EXPECT_THAT(retour, HasSubstr("- - - fix it- "));
  const auto official = testing::JudgeOfficially("WMO325", {retour});
  EXPECT_TRUE(official[0].accepted()) << official[0].detail << retour;
  EXPECT_THAT(retour, HasSubstr("CS002 at /Bericht/Declaratie/Clienten/"
                                "Client[2]/Bsn"));
  EXPECT_THAT(retour, HasSubstr("<RetourCode>0001</RetourCode>"));
}

}  // namespace
}  // namespace wmo::iwmo
