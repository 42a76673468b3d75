#include "libs/iwmo/xpath_values.h"

#include <cmath>

#include "gtest/gtest.h"

namespace wmo::iwmo {
namespace {

TEST(XPathValuesTest, NumbersReadAsXPathReadsThem) {
  EXPECT_EQ(XPathNumber(" 5 "), 5);
  EXPECT_EQ(XPathNumber("1.5"), 1.5);
  EXPECT_EQ(XPathNumber("-0"), 0);
  EXPECT_EQ(XPathNumber(".5"), 0.5);
  EXPECT_TRUE(std::isnan(XPathNumber("+1")));  // XPath 1.0 has no plus
  EXPECT_TRUE(std::isnan(XPathNumber("1e3")));
  EXPECT_TRUE(std::isnan(XPathNumber("")));
  EXPECT_TRUE(std::isnan(XPathNumber(".")));
}

TEST(XPathValuesTest, FormatsWholeNumbersWithoutExponent) {
  EXPECT_EQ(FormatXPathNumber(999999999999), "999999999999");
  EXPECT_EQ(FormatXPathNumber(-5), "-5");
  EXPECT_EQ(FormatXPathNumber(-0.0), "0");
  EXPECT_EQ(FormatXPathNumber(std::nan("")), "NaN");
}

TEST(XPathValuesTest, DatesCompareAsNumbers) {
  EXPECT_EQ(DateNumber("2026-09-30"), 20260930);
  EXPECT_TRUE(IsBefore("2026-09-29", "2026-09-30"));
  EXPECT_FALSE(IsBefore("2026-09-30", "2026-09-30"));
  // The later date is cut to ten characters, as the stylesheet cuts it.
  EXPECT_FALSE(IsBefore("2026-09-30T12:00", "2026-09-30"));
}

TEST(XPathValuesTest, CalendarCarriesAndTruncatesAsTheStylesheetDoes) {
  EXPECT_EQ(AddDays("2026-09-30", 1, Overflow::kCarry), 20261001);
  EXPECT_EQ(AddDays("2026-12-31", 1, Overflow::kCarry), 20270101);
  EXPECT_EQ(AddDays("2028-02-28", 1, Overflow::kCarry), 20280229);
  EXPECT_EQ(AddMonths("2026-01-31", 1, Overflow::kCarry), 20260303);
  EXPECT_EQ(AddMonths("2026-12-01", 1, Overflow::kCarry), 20270101);
  // 60 months back from a leap day is cut to the 28th.
  EXPECT_EQ(AddMonths("2028-02-29", -60, Overflow::kTruncate), 20230228);
  // Its leap years are those divisible by four, 2100 among them.
  EXPECT_EQ(AddDays("2100-02-28", 1, Overflow::kCarry), 21000229);
}

TEST(XPathValuesTest, ElevenTestAsTheStylesheetComputesIt) {
  EXPECT_TRUE(PassesElevenTest("999993653"));
  EXPECT_FALSE(PassesElevenTest("123456789"));
  EXPECT_TRUE(PassesElevenTest("000000000"));  // the services refuse it
}

TEST(XPathValuesTest, NormalizesSpaceAsXPath) {
  EXPECT_EQ(NormalizeSpace("  a \t\n b  "), "a b");
  EXPECT_EQ(SubstringAfter("2026-09-01", "-"), "09-01");
  EXPECT_EQ(SubstringAfter("20260901", "-"), "");
}

}  // namespace
}  // namespace wmo::iwmo
