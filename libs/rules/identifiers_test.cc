#include "libs/rules/identifiers.h"

#include "gtest/gtest.h"

namespace wmo::rules {
namespace {

TEST(IdentifiersTest, BsnPassingElevenProofIsValid) {
  // 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66, divisible by 11.
  EXPECT_TRUE(IsValidBsn("111222333"));
  EXPECT_TRUE(IsValidBsn("123456782"));
}

TEST(IdentifiersTest, BsnFailingElevenProofIsInvalid) {
  EXPECT_FALSE(IsValidBsn("111222334"));
  EXPECT_FALSE(IsValidBsn("000000000"));
  EXPECT_FALSE(IsValidBsn("12345678"));
  EXPECT_FALSE(IsValidBsn("12345678a"));
}

TEST(IdentifiersTest, AgbIsEightDigits) {
  EXPECT_TRUE(IsValidAgb("99990001"));
  EXPECT_FALSE(IsValidAgb("9999001"));
  EXPECT_FALSE(IsValidAgb("9999000A"));
}

TEST(IdentifiersTest, MunicipalityIsFourDigits) {
  EXPECT_TRUE(IsValidMunicipalityCode("0988"));
  EXPECT_FALSE(IsValidMunicipalityCode("988"));
}

}  // namespace
}  // namespace wmo::rules
