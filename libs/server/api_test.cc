#include "libs/server/api.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/status.h"
#include "wmo/capacity/v1/capacity_service.pb.h"

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

// A list request: filters and paging, as every List and Search has them.
wmo::capacity::v1::ListBookingsRequest Bookings(int page_size,
                                                const std::string& token,
                                                const std::string& from = "") {
  wmo::capacity::v1::ListBookingsRequest r;
  r.set_parent("providers/99990303/locations/a/bedPools/b");
  r.set_page_size(page_size);
  r.set_page_token(token);
  r.set_from_date(from);
  return r;
}

TEST(ApiTest, PagesWalkTheWholeList) {
  auto page = ParsePage(Bookings(2, ""));
  ASSERT_TRUE(page.ok());
  std::string token = NextPageToken(*page, 5);
  page = ParsePage(Bookings(2, token));
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->offset, 2u);
  // Another page size on the way is fine: the filters are what count.
  page = ParsePage(Bookings(3, NextPageToken(*page, 5)));
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->offset, 4u);
  EXPECT_EQ(NextPageToken(*page, 5), "");
}

TEST(ApiTest, PageSizeDefaultsAndCaps) {
  EXPECT_EQ(ParsePage(Bookings(0, ""))->size, 50u);
  EXPECT_EQ(ParsePage(Bookings(100000, ""))->size, 500u);
  EXPECT_FALSE(ParsePage(Bookings(-1, "")).ok());
}

TEST(ApiTest, ForgedPageTokenIsRefused) {
  EXPECT_THAT(ParsePage(Bookings(10, "bm9wZQ")).status().message(),
              HasSubstr("page_token"));
}

// A token fits the query it came from: with other filters it is refused,
// saying so, rather than paging through another list.
TEST(ApiTest, ATokenIsBoundToItsFilters) {
  auto page = ParsePage(Bookings(2, "", "2024-03-01"));
  ASSERT_TRUE(page.ok());
  const std::string token = NextPageToken(*page, 5);
  EXPECT_TRUE(ParsePage(Bookings(2, token, "2024-03-01")).ok());
  auto other = ParsePage(Bookings(2, token, "2024-04-01"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(other.status().message(), HasSubstr("other filters"));
}

TEST(ApiTest, PageKeysSplitAtTheirFirstSlash) {
  EXPECT_EQ(SplitPageKey(""), std::make_pair(std::string(), std::string()));
  EXPECT_EQ(SplitPageKey("2024-03/D/7"),
            std::make_pair(std::string("2024-03"), std::string("D/7")));
}

// Keyset paging: the token carries the last item's key (colons and all)
// and is bound to the filters like an offset token.
TEST(ApiTest, KeyTokensCarryTheLastKey) {
  auto page = ParsePage(Bookings(2, "", "2024-03-01"));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->after, "");
  EXPECT_EQ(NextPageTokenAfter(*page, "2024-03-01T10:00:00Z/ab", false), "");
  const std::string token =
      NextPageTokenAfter(*page, "2024-03-01T10:00:00Z/ab", true);
  auto next = ParsePage(Bookings(2, token, "2024-03-01"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->after, "2024-03-01T10:00:00Z/ab");
  EXPECT_EQ(next->offset, 0u);
  EXPECT_THAT(ParsePage(Bookings(2, token, "2024-04-01")).status().message(),
              HasSubstr("other filters"));
  // An offset token does not restart a list that pages by key.
  auto offset = ParsePage(Bookings(2, "", "2024-03-01"));
  const std::string old = NextPageToken(*offset, 5);
  EXPECT_TRUE(ParsePage(Bookings(2, old, "2024-03-01")).ok());
  EXPECT_THAT(ParseKeyPage(Bookings(2, old, "2024-03-01")).status().message(),
              HasSubstr("not a token from this list"));
  EXPECT_TRUE(ParseKeyPage(Bookings(2, token, "2024-03-01")).ok());
}

}  // namespace
}  // namespace wmo::server
