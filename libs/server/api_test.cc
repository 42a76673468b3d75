#include "libs/server/api.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/status.h"

namespace wmo::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ApiTest, UnusableRequestIdIsInvalidArgumentNamingFieldAndRule) {
  for (const std::string& id :
       {std::string(65, 'x'), std::string("a b"), std::string("caf\xc3\xa9")}) {
    absl::Status s = CheckRequestId(id);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << id;
    const auto violations = Violations(s);
    ASSERT_EQ(violations.size(), 1u) << id;
    EXPECT_EQ(violations[0].rule_id(), "REQUEST-ID");
    EXPECT_EQ(violations[0].field(), "request_id");
  }
  EXPECT_TRUE(CheckRequestId("").ok());
  EXPECT_TRUE(CheckRequestId(std::string(64, 'x')).ok());
  EXPECT_TRUE(CheckRequestId("3f2b8c1e-7d4a-4c2b-9e1f-0a5b6c7d8e9f").ok());
}

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
