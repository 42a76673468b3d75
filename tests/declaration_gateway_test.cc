// The declaration routes of the REST gateway over real HTTP: a provider
// portal validates and submits a month, reads it back, lists its
// declarations and the settlement, against the app in-process.
#include "cmd/wmo-server/app_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/http.h"
#include "libs/testing/temp_dir.h"
#include "nlohmann/json.hpp"

namespace wmo {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKdv[] = R"({
  "client": {"bsn": "111222333", "birthDate": "1950-03-01"},
  "providerAgb": "99990303", "catalog": "midden-limburg-2024",
  "product": "kdv", "basis": "1",
  "extent": {"volume": 10, "unit": "UNIT_DAY_NIGHT",
             "frequency": "FREQUENCY_TOTAL"},
  "startDate": "2024-03-01", "endDate": "2024-06-30",
  "results": [{"lifeDomain": "Wonen", "activityType": "ACTIVITY_TYPE_HELP"}]
})";

class DeclarationGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { WMO_START_APP_OR_SKIP(app_, "sqlite", dir_); }

  // As the owner of what the path names (a provider for /v1/providers/...,
  // a municipality for /v1/municipalities/...), else municipality 0988.
  json Call(const std::string& method, const std::string& path,
            const std::string& body, int expect_status) {
    const auth::Principal caller = testing::OwnerOfPath(path);
    auto r = testing::HttpRequest(
        app_->http_port(), method, path, body,
        {{"Authorization", testing::BearerFor(*app_, caller)}});
    EXPECT_EQ(r.status, expect_status)
        << method << " " << path << ": " << r.body;
    return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }

  // A March declaration of `etmalen` on assignment 1.
  static std::string March(const std::string& number, int etmalen) {
    json line = {{"reference", "R-" + number},     {"assignmentNumber", "1"},
                 {"clientBsn", "111222333"},       {"productCategory", "04"},
                 {"productCode", "04KDV"},         {"startDate", "2024-03-01"},
                 {"endDate", "2024-03-31"},        {"volume", etmalen},
                 {"unit", "UNIT_DAY_NIGHT"},       {"tariffCents", 16400},
                 {"amountCents", etmalen * 16400}, {"direction", "DEBIT"}};
    return json{{"number", number},
                {"municipality", "0988"},
                {"period", "2024-03"},
                {"lines", {line}}}
        .dump();
  }

  testing::TempDir dir_;
  std::unique_ptr<App> app_;
};

TEST_F(DeclarationGatewayTest, PortalValidatesSubmitsAndReadsBack) {
  Call("POST", "/v1/municipalities/0988/assignments", kKdv, 200);
  const std::string base = "/v1/providers/99990303/declarations";

  json dry = Call("POST", base + ":validate", March("D1", 11), 200);
  EXPECT_EQ(dry["lines"][0]["verdict"]["outcome"], "REJECTED");
  EXPECT_THAT(dry.dump(), HasSubstr("TR321"));
  EXPECT_THAT(dry.dump(), HasSubstr("9321"));
  // The dry run stored nothing.
  Call("GET", base + "/D1", "", 404);

  json stored = Call("POST", base, March("D1", 4), 200);
  EXPECT_EQ(stored["lines"][0]["verdict"]["outcome"], "APPROVED");
  EXPECT_EQ(stored["totals"]["approvedCents"], "65600");
  EXPECT_EQ(Call("GET", base + "/D1", "", 200)["name"],
            "providers/99990303/declarations/D1");

  // The same number with other content conflicts (TR333).
  EXPECT_THAT(Call("POST", base, March("D1", 3), 409).dump(),
              HasSubstr("TR333"));

  // A filter that cannot match is pointed out, not answered with nothing.
  Call("GET", base + "?municipality=98", "", 400);
  json list = Call("GET", base + "?period=2024-03", "", 200);
  ASSERT_EQ(list["declarations"].size(), 1u);
  EXPECT_FALSE(list["declarations"][0].contains("lines"));

  json settlement =
      Call("GET", "/v1/providers/99990303/settlements/2024-03", "", 200);
  EXPECT_EQ(settlement["netCents"], "65600");
  Call("GET", "/v1/providers/99990303/settlements/March", "", 400);
}

// REST errors and verdicts name fields as the request JSON has them: from
// the body (the declaration) down, in lowerCamelCase; gRPC keeps proto
// paths.
TEST_F(DeclarationGatewayTest, FieldPathsAreThoseOfTheRequestJson) {
  Call("POST", "/v1/municipalities/0988/assignments", kKdv, 200);
  const std::string base = "/v1/providers/99990303/declarations";
  json bad_period = json::parse(March("D2", 4));
  bad_period["period"] = "March";
  json refused = Call("POST", base, bad_period.dump(), 400);
  EXPECT_THAT(refused.dump(), HasSubstr(R"("field":"period")"));
  EXPECT_THAT(refused.dump(), Not(HasSubstr("declaration.")));

  json timed = json::parse(March("D3", 1));
  timed["lines"][0]["deliveries"] = {{{"date", "2024-04-02"},
                                      {"quantity", 1},
                                      {"startTime", "10:00"},
                                      {"endTime", "12:00"}}};
  json verdict = Call("POST", base + ":validate", timed.dump(), 200);
  EXPECT_THAT(verdict.dump(), HasSubstr(R"("field":"deliveries[0].date")"));

  timed["lines"][0]["deliveries"][0]["date"] = "2024-03-02";
  timed["lines"][0]["deliveries"][0]["startTime"] = "25:00";
  verdict = Call("POST", base + ":validate", timed.dump(), 200);
  EXPECT_THAT(verdict.dump(),
              HasSubstr(R"("field":"deliveries[0].startTime")"));
}

}  // namespace
}  // namespace wmo
