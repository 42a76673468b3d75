#include "libs/server/options.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wmo::server {
namespace {

using ::testing::HasSubstr;

std::function<const char*(const char*)> Env(
    std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  };
}

TEST(OptionsTest, DefaultsServeEverythingOnLoopback) {
  auto o = ParseOptions({}, Env({}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->grpc_port, 50051);
  EXPECT_EQ(o->http_port, 8080);
  EXPECT_EQ(o->metrics_port, 9464);
  EXPECT_EQ(o->services.size(), KnownServices().size());
}

TEST(OptionsTest, CommandLineWinsOverEnvironment) {
  auto o = ParseOptions(
      {"--grpc_port=6000"},
      Env({{"WMO_GRPC_PORT", "7000"}, {"WMO_DATA_DIR", "/tmp/x"}}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->grpc_port, 6000);
  EXPECT_EQ(o->data_dir, "/tmp/x");
}

TEST(OptionsTest, IdentityIsJwtByDefaultAndDevOnlyWhenAsked) {
  auto o = ParseOptions({}, Env({}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->auth, ServerOptions::Auth::kJwt);
  EXPECT_EQ(o->jwt_audience, "wmo");
  o = ParseOptions({"--jwt_keys=/etc/wmo/jwks.json", "--jwt_issuer=https://id"},
                   Env({{"WMO_AUTH", "dev"}}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->auth, ServerOptions::Auth::kDev);
  EXPECT_EQ(o->jwt_keys, "/etc/wmo/jwks.json");
  EXPECT_EQ(o->jwt_issuer, "https://id");
  EXPECT_EQ(ParseOptions({"--auth=none"}, Env({})).status().message(),
            "--auth=none: choose jwt or dev");
}

TEST(OptionsTest, VersionIsAskedFor) {
  auto options = ParseOptions({"--version"}, Env({}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->version);
  EXPECT_FALSE(ParseOptions({}, Env({}))->version);
}

TEST(OptionsTest, LogFormatIsTextOrJson) {
  EXPECT_EQ(ParseOptions({}, Env({}))->log_format, LogFormat::kText);
  EXPECT_EQ(ParseOptions({"--log_format=json"}, Env({}))->log_format,
            LogFormat::kJson);
  EXPECT_EQ(ParseOptions({}, Env({{"WMO_LOG_FORMAT", "json"}}))->log_format,
            LogFormat::kJson);
  EXPECT_EQ(ParseOptions({"--log_format=xml"}, Env({})).status().message(),
            "--log_format=xml: choose text or json");
}

// The data directory holds SQLite files and the development key only.
TEST(OptionsTest, DataDirectoryIsUsedBySqliteOrDevelopmentKeysOnly) {
  auto postgres =
      ParseOptions({"--auth=jwt", "--database_url=postgres://db/wmo"}, Env({}));
  ASSERT_TRUE(postgres.ok()) << postgres.status();
  EXPECT_FALSE(postgres->UsesDataDir());
  EXPECT_TRUE(
      ParseOptions({"--auth=dev", "--database_url=postgres://db/wmo"}, Env({}))
          ->UsesDataDir());
  EXPECT_TRUE(
      ParseOptions({"--database_url=postgres://db/wmo", "--iwmo_database_url="},
                   Env({}))
          ->UsesDataDir());
  // A role this process does not serve needs no store here.
  EXPECT_FALSE(ParseOptions({"--services=catalog",
                             "--catalog_database_url=postgres://db/wmo"},
                            Env({}))
                   ->UsesDataDir());
}

TEST(OptionsTest, UnknownFlagIsNamed) {
  auto o = ParseOptions({"--grcp_port=1"}, Env({}));
  EXPECT_THAT(o.status().message(), HasSubstr("unknown flag --grcp_port"));
}

TEST(OptionsTest, BadPortIsNamed) {
  auto o = ParseOptions({"--http_port=99999"}, Env({}));
  EXPECT_THAT(o.status().message(), HasSubstr("--http_port=99999"));
}

TEST(OptionsTest, BadEnvironmentValueNamesTheVariable) {
  auto o = ParseOptions({}, Env({{"WMO_METRICS_PORT", "x"}}));
  EXPECT_THAT(o.status().message(), HasSubstr("WMO_METRICS_PORT"));
}

TEST(OptionsTest, UnknownServiceIsRefused) {
  auto o = ParseOptions({"--services=catalog,billing"}, Env({}));
  EXPECT_THAT(o.status().message(), HasSubstr("unknown service \"billing\""));
}

TEST(OptionsTest, ServicesSubset) {
  auto o = ParseOptions({"--services=catalog"}, Env({}));
  ASSERT_TRUE(o.ok());
  EXPECT_THAT(o->services, ::testing::ElementsAre("catalog"));
}

TEST(OptionsTest, PositionalArgumentIsRefused) {
  EXPECT_FALSE(ParseOptions({"serve"}, Env({})).ok());
}

TEST(OptionsTest, DatabaseUrlForAllWithOverridePerService) {
  auto o = ParseOptions({"--database_url=postgres://a@h/db",
                         "--catalog_database_url=postgres://b@h/db"},
                        Env({}));
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->DatabaseUrl("catalog"), "postgres://b@h/db");
  EXPECT_EQ(o->DatabaseUrl("other"), "postgres://a@h/db");
}

TEST(OptionsTest, NonPostgresDatabaseUrlIsRefused) {
  auto o = ParseOptions({"--database_url=mysql://x"}, Env({}));
  EXPECT_THAT(o.status().message(), HasSubstr("only PostgreSQL"));
}

}  // namespace
}  // namespace wmo::server
