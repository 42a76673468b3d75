#include "libs/server/log.h"

#include <string>

#include "gmock/gmock.h"
#include "grpc/support/log.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace wmo::server {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { InitLogging(LogFormat::kText); }

  // What `log` writes to stderr.
  template <typename F>
  static std::string Captured(F log) {
    ::testing::internal::CaptureStderr();
    log();
    return ::testing::internal::GetCapturedStderr();
  }
};

TEST_F(LogTest, TextIsOneLineWithKeyValueFields) {
  InitLogging(LogFormat::kText);
  const std::string out = Captured([] {
    LogInfo("first\nsecond", {{"route", "/v1/{parent=municipalities/*}"},
                              {"error", "a \"b\"\nc"},
                              {"place", "Ruremonde caf\xc3\xa9"},
                              {"status", 200},
                              {"duration_ms", 1.5}});
  });
  EXPECT_THAT(out, MatchesRegex("[0-9-]{10}T[0-9:.]{12}Z info .*\n"));
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;
  EXPECT_THAT(out, HasSubstr(" info first\\nsecond "
                             "route=\"/v1/{parent=municipalities/*}\" "
                             "error=\"a \\\"b\\\"\\nc\" "
                             "place=\"Ruremonde caf\xc3\xa9\" "
                             "status=200 duration_ms=1.5\n"));
}

TEST_F(LogTest, JsonIsOneObjectPerLineInTheOrderGiven) {
  InitLogging(LogFormat::kJson);
  const std::string out = Captured([] {
    LogWarning("store error\nretrying", {{"request_id", "abc"},
                                         {"detail", "bad \xff byte"},
                                         {"status", 503},
                                         {"duration_ms", 0.25}});
  });
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;
  const nlohmann::ordered_json event = nlohmann::ordered_json::parse(out);
  std::vector<std::string> keys;
  for (const auto& [key, value] : event.items()) keys.push_back(key);
  EXPECT_THAT(keys, ::testing::ElementsAre("time", "level", "msg", "request_id",
                                           "detail", "status", "duration_ms"));
  EXPECT_EQ(event["level"], "warning");
  EXPECT_EQ(event["msg"], "store error\nretrying");
  // Invalid UTF-8 is replaced, so that the line stays JSON.
  EXPECT_EQ(event["detail"], "bad \xef\xbf\xbd byte");
  EXPECT_TRUE(event["status"].is_number_integer());
  EXPECT_EQ(event["status"], 503);
  EXPECT_EQ(event["duration_ms"], 0.25);
}

TEST_F(LogTest, GrpcLinesGoThroughTheSameLog) {
  InitLogging(LogFormat::kJson);
  gpr_log_verbosity_init();  // As grpc_init does: ERROR unless set.
  const std::string out =
      Captured([] { gpr_log(GPR_ERROR, "cannot bind %d", 50051); });
  const nlohmann::json event = nlohmann::json::parse(out);
  EXPECT_EQ(event["level"], "error");
  EXPECT_EQ(event["msg"], "cannot bind 50051");
  EXPECT_EQ(event["source"], "grpc");
  EXPECT_THAT(std::string(event["at"]), HasSubstr("log_test.cc:"));
}

TEST(RequestIdTest, CallersIdsArePrintableAndShort) {
  EXPECT_TRUE(IsValidRequestId("3f2a-portal-7"));
  EXPECT_TRUE(IsValidRequestId(NewRequestId()));
  EXPECT_EQ(NewRequestId().size(), 32u);
  EXPECT_NE(NewRequestId(), NewRequestId());
  EXPECT_FALSE(IsValidRequestId("id\nforged line"));
  EXPECT_FALSE(IsValidRequestId("caf\xc3\xa9"));
  EXPECT_FALSE(IsValidRequestId(std::string(kMaxRequestIdBytes + 1, 'a')));
}

}  // namespace
}  // namespace wmo::server
