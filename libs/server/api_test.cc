#include "libs/server/api.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wmo::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ApiTest, ParseNameReturnsTheIds) {
  auto ids = ParseName("catalogs/a/products/b", "catalogs/*/products/*", "n");
  ASSERT_TRUE(ids.ok());
  EXPECT_THAT(*ids, ElementsAre("a", "b"));
}

TEST(ApiTest, ParseNameRefusesOtherShapes) {
  for (const char* name : {"catalogs/a", "catalogs//products/b",
                           "catalog/a/products/b", "catalogs/a/products/b/c"}) {
    auto ids = ParseName(name, "catalogs/*/products/*", "name");
    EXPECT_THAT(ids.status().message(), HasSubstr("catalogs/*/products/*"))
        << name;
  }
}

TEST(ApiTest, PagesWalkTheWholeList) {
  auto page = ParsePage(2, "");
  ASSERT_TRUE(page.ok());
  std::string token = NextPageToken(*page, 5);
  page = ParsePage(2, token);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->offset, 2u);
  page = ParsePage(2, NextPageToken(*page, 5));
  EXPECT_EQ(page->offset, 4u);
  EXPECT_EQ(NextPageToken(*page, 5), "");
}

TEST(ApiTest, PageSizeDefaultsAndCaps) {
  EXPECT_EQ(ParsePage(0, "")->size, 50u);
  EXPECT_EQ(ParsePage(100000, "")->size, 500u);
  EXPECT_FALSE(ParsePage(-1, "").ok());
}

TEST(ApiTest, ForgedPageTokenIsRefused) {
  EXPECT_THAT(ParsePage(10, "bm9wZQ").status().message(),
              HasSubstr("page_token"));
}

}  // namespace
}  // namespace wmo::server
