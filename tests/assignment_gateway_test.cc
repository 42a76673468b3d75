// The assignment routes of the REST gateway over real HTTP: a provider
// portal's view of the whole lifecycle, against the app in-process.
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

constexpr char kKdv[] = R"({
  "client": {"bsn": "111222333", "birthDate": "1950-03-01"},
  "providerAgb": "99990303", "catalog": "midden-limburg-2024",
  "product": "kdv", "basis": "1",
  "extent": {"volume": 10, "unit": "UNIT_DAY_NIGHT",
             "frequency": "FREQUENCY_TOTAL"},
  "startDate": "2024-03-01", "endDate": "2024-06-30",
  "results": [{"lifeDomain": "Wonen", "activityType": "ACTIVITY_TYPE_HELP"}]
})";

class AssignmentGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { WMO_START_APP_OR_SKIP(app_, "sqlite", dir_); }

  // As municipality 0988 unless `caller` says otherwise.
  json Call(const std::string& method, const std::string& path,
            const std::string& body, int expect_status,
            const auth::Principal& caller = testing::TestCaller()) {
    auto r = testing::HttpRequest(
        app_->http_port(), method, path, body,
        {{"Authorization", testing::BearerFor(*app_, caller)}});
    EXPECT_EQ(r.status, expect_status)
        << method << " " << path << ": " << r.body;
    return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }

  testing::TempDir dir_;
  std::unique_ptr<App> app_;
};

TEST_F(AssignmentGatewayTest, WholeLifecycleOverHttp) {
  const std::string base = "/v1/municipalities/0988/assignments";
  json created = Call("POST", base, kKdv, 200);
  const std::string name = created["name"];
  ASSERT_EQ(name, "municipalities/0988/assignments/1");
  const std::string path = "/v1/" + name;

  EXPECT_EQ(Call("GET", path, "", 200)["productCode"], "04KDV");
  // By client: a POST, the BSN in the body and never in the URL, which
  // no longer takes it.
  EXPECT_EQ(Call("POST", base + ":search", R"({"clientBsn": "111222333"})",
                 200)["assignments"]
                .size(),
            1u);
  EXPECT_EQ(Call("POST", base + ":search", R"({"clientBsn": "111222334"})",
                 400)["message"],
            "client_bsn: give the client's BSN (nine digits passing the "
            "11-proef)");
  EXPECT_THAT(Call("GET", base + "?clientBsn=111222333", "", 400).dump(),
              HasSubstr("clientBsn"));
  // A filter that cannot match is pointed out, not answered with nothing.
  EXPECT_THAT(Call("GET", base + "?providerAgb=9999", "", 400).dump(),
              HasSubstr("provider_agb"));

  // A stale etag is a conflict; the current one changes the end date.
  json patch = {{"endDate", "2024-08-31"}, {"changeReason", "04"}};
  Call("PATCH", path + "?etag=r0", patch.dump(), 409);
  json updated = Call("PATCH", path + "?etag=r1", patch.dump(), 200);
  EXPECT_EQ(updated["revision"], "2");

  // The provider records delivery; the municipality may not.
  const auth::Principal provider = testing::Provider("99990303");
  json denied =
      Call("POST", path + ":start",
           R"({"providerAgb": "99990303", "startDate": "2024-03-04"})", 403);
  EXPECT_THAT(denied.dump(), HasSubstr("only provider 99990303 may"));
  Call("POST", path + ":start",
       R"({"providerAgb": "99990303", "startDate": "2024-03-04"})", 200,
       provider);
  json again = Call("POST", path + ":start",
                    R"({"providerAgb": "99990303", "startDate": "2024-03-05"})",
                    400, provider);
  EXPECT_THAT(again.dump(), HasSubstr("TR326"));
  Call("POST", path + ":stop",
       R"({"providerAgb": "99990303", "stopDate": "2024-04-30",
           "stopReason": "19"})",
       200, provider);
  json ended = Call("POST", path + ":end",
                    R"({"endDate": "2024-04-30", "endReason": "19"})", 200);
  EXPECT_EQ(ended["state"], "ENDED");

  // Create, the read, update, start, stop, end.
  json audit = Call("GET", path + "/auditEntries", "", 200);
  ASSERT_EQ(audit["entries"].size(), 6u);
  EXPECT_EQ(audit["entries"][1]["operation"], "GetAssignment");
  EXPECT_EQ(audit["entries"][3]["actor"],
            "provider 99990303 (subject test-client)");
  // Times are RFC 3339 both ways: in the answer, and as a bound.
  EXPECT_THAT(audit["entries"][0]["time"].get<std::string>(),
              ::testing::MatchesRegex("20[0-9-]+T[0-9:.]+Z"));
  EXPECT_EQ(Call("GET", path + "/auditEntries?startTime=2999-01-01T00:00:00Z",
                 "", 200)["entries"]
                .size(),
            0u);
  Call("GET", path + "/auditEntries?startTime=yesterday", "", 400);
}

TEST_F(AssignmentGatewayTest, RefusalIs400WithEveryRule) {
  json body = json::parse(kKdv);
  body["extent"]["volume"] = 50;     // over the 42 per year of S3-09
  body["providerAgb"] = "99990302";  // not contracted for KDV
  json refused =
      Call("POST", "/v1/municipalities/0988/assignments", body.dump(), 400);
  EXPECT_EQ(refused["code"], 9);
  const std::string details = refused["details"].dump();
  EXPECT_THAT(details, HasSubstr("S3-09"));
  EXPECT_THAT(details, HasSubstr("AS-CONTRACT"));
  EXPECT_THAT(details, ::testing::Not(HasSubstr("111222333")))
      << "no BSN in error details";
}

TEST_F(AssignmentGatewayTest, DeleteThenRequestAndAnswer) {
  json created = Call("POST", "/v1/municipalities/0988/assignments", kKdv, 200);
  json deleted =
      Call("DELETE", "/v1/" + created["name"].get<std::string>(), "", 200);
  EXPECT_EQ(deleted["changeReason"], "13");

  json request = {{"providerReference", "portal-1"},
                  {"requested", json::parse(kKdv)}};
  request["requested"]["municipality"] = "0988";
  json asked = Call("POST", "/v1/municipalities/0988/assignmentRequests",
                    request.dump(), 200, testing::Provider("99990303"));
  const std::string id = asked["name"].get<std::string>().substr(
      asked["name"].get<std::string>().rfind('/') + 1);
  json granted = Call(
      "POST", "/v1/municipalities/0988/assignmentRequests/" + id + ":answer",
      R"({"grant": true})", 200);
  EXPECT_EQ(granted["state"], "GRANTED");
  EXPECT_EQ(granted["assignment"], "municipalities/0988/assignments/2");
}

}  // namespace
}  // namespace wmo
