#include "libs/gateway/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace wmo::gateway {
namespace {

TEST(Utf8Test, AcceptsAsciiAndMultibyteText) {
  EXPECT_TRUE(IsValidUtf8("Wmo"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Utf8Test, MeasuresSequences) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9", 0), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82\xAC", 0), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98\x80", 0), 4u);
}

TEST(Utf8Test, RejectsStrayContinuationByte) {
  EXPECT_FALSE(IsValidUtf8("a\x80"));
}

TEST(Utf8Test, RejectsTruncatedSequence) {
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
}

TEST(Utf8Test, RejectsOverlongForm) { EXPECT_FALSE(IsValidUtf8("\xC0\xAF")); }

TEST(Utf8Test, RejectsSurrogates) { EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80")); }

TEST(Utf8Test, RejectsCodePointsPastUnicode) {
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));
}

}  // namespace
}  // namespace wmo::gateway
