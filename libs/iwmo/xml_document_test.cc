#include "libs/iwmo/xml_document.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wmo::iwmo {
namespace {

using ::testing::HasSubstr;

// The header of a WMO323 with `code`, in `ns`.
std::string Message(const std::string& code = "484",
                    const std::string& ns = MessageNamespace("WMO323")) {
  return absl::StrCat(R"(<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns=")",
                      ns, R"(">
  <Header>
    <BerichtCode>)",
                      code, R"(</BerichtCode>
    <BerichtVersie>3</BerichtVersie>
    <BerichtSubversie>2</BerichtSubversie>
    <Afzender>99990303</Afzender>
    <Ontvanger>0988</Ontvanger>
    <BerichtIdentificatie>
      <Identificatie>D-2024-03</Identificatie>
      <Dagtekening>2024-04-02</Dagtekening>
    </BerichtIdentificatie>
    <XsdVersie><BasisschemaXsdVersie>1.0.0</BasisschemaXsdVersie></XsdVersie>
  </Header>
</Bericht>
)");
}

TEST(XmlDocumentTest, ReadsTheHeader) {
  auto doc = XmlDocument::Parse(Message());
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto header = ReadHeader(*doc);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->message, "WMO323");
  EXPECT_EQ(header->sender, "99990303");
  EXPECT_EQ(header->receiver, "0988");
  EXPECT_EQ(header->id, "D-2024-03");
  EXPECT_EQ(header->date, "2024-04-02");
}

// Billion laughs: refused at the DOCTYPE, before any entity is declared,
// so nothing is expanded.
TEST(XmlDocumentTest, RefusesEntityExpansion) {
  std::string laughs = R"(<?xml version="1.0"?><!DOCTYPE lolz [
<!ENTITY lol "lol">)";
  for (int i = 1; i < 10; ++i) {
    absl::StrAppend(&laughs, "<!ENTITY lol", i, " \"");
    for (int j = 0; j < 10; ++j) {
      absl::StrAppend(&laughs, "&lol", i == 1 ? "" : absl::StrCat(i - 1), ";");
    }
    absl::StrAppend(&laughs, "\">\n");
  }
  absl::StrAppend(&laughs, "]><Bericht>&lol9;</Bericht>");
  auto doc = XmlDocument::Parse(laughs);
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(doc.status().message(), HasSubstr("DOCTYPE"));
}

// An external entity would read a file of this machine: refused too.
TEST(XmlDocumentTest, RefusesExternalEntities) {
  auto doc = XmlDocument::Parse(
      R"(<?xml version="1.0"?><!DOCTYPE b [<!ENTITY x SYSTEM "file:///etc/hostname">]><Bericht>&x;</Bericht>)");
  EXPECT_THAT(doc.status().message(), HasSubstr("DOCTYPE"));
  doc = XmlDocument::Parse(
      R"(<?xml version="1.0"?><!DOCTYPE Bericht SYSTEM "http://example.invalid/x.dtd"><Bericht/>)");
  EXPECT_THAT(doc.status().message(), HasSubstr("DOCTYPE"));
}

TEST(XmlDocumentTest, NotWellFormedSaysWhere) {
  auto doc = XmlDocument::Parse("<Bericht>\n  <Header>\n  </Kop>\n</Bericht>");
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(doc.status().message(), HasSubstr("line 3"));
  EXPECT_FALSE(XmlDocument::Parse("").ok());
  EXPECT_FALSE(XmlDocument::Parse("just text").ok());
}

TEST(XmlDocumentTest, KeepsToTheLimits) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  for (int i = 0; i < 40; ++i) deep += "</a>";
  EXPECT_THAT(XmlDocument::Parse(deep).status().message(),
              HasSubstr("deeper than 32"));
  EXPECT_THAT(
      XmlDocument::Parse(Message(), {.max_bytes = 100}).status().message(),
      HasSubstr("more than the 100"));
  // Elements are counted as they are read: a body of empty elements would
  // cost thirty times its size as a tree.
  std::string wide = "<Bericht>";
  for (int i = 0; i < 1000; ++i) wide += "<a/>";
  wide += "</Bericht>";
  EXPECT_TRUE(XmlDocument::Parse(wide).ok());
  EXPECT_THAT(
      XmlDocument::Parse(wide, {.max_elements = 500}).status().message(),
      HasSubstr("more than 500 elements"));
}

TEST(XmlDocumentTest, IdentifiesTheMessageByItsNamespace) {
  auto wrong_ns = XmlDocument::Parse(Message("484", "urn:other"));
  ASSERT_TRUE(wrong_ns.ok());
  EXPECT_THAT(ReadHeader(*wrong_ns).status().message(),
              HasSubstr("not an iWmo 3.2 message"));
  auto other = XmlDocument::Parse(Message("414", MessageNamespace("WMO301")));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(ReadHeader(*other)->message, "WMO301");
}

// What is missing reads as empty: the schema says what is wrong, and the
// retour still goes back to whoever can be read.
TEST(XmlDocumentTest, ReadsWhatThereIsOfABrokenHeader) {
  auto doc = XmlDocument::Parse(absl::StrCat(
      "<Bericht xmlns=\"", MessageNamespace("WMO323"),
      "\"><Header><Afzender> 12345678 </Afzender></Header></Bericht>"));
  ASSERT_TRUE(doc.ok());
  auto header = ReadHeader(*doc);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->sender, "12345678");
  EXPECT_EQ(header->receiver, "");
  EXPECT_EQ(header->id, "");
}

}  // namespace
}  // namespace wmo::iwmo
