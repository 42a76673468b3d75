#include "cmd/wmo-server/app_testing.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "libs/testing/credentials.h"
#include "libs/testing/databases.h"

namespace wmo::testing {

absl::StatusOr<std::unique_ptr<App>> StartApp(const std::string& backend,
                                              const TempDir& dir) {
  server::ServerOptions options;
  options.grpc_port = options.http_port = options.metrics_port = 0;
  options.data_dir = dir.File("var");
  options.catalog_dir = SourceDir() + "/catalogs";
  options.auth = server::ServerOptions::Auth::kDev;
  // A fixed day after every date the tests declare, so that they do not
  // change with the calendar.
  options.clock = [] { return kTestNow; };
  if (backend == "postgres") {
    auto url = CreateTestPostgresDatabase();
    if (!url.ok()) return url.status();
    options.database_url = *url;
  }
  auto app = std::make_unique<App>(options);
  if (absl::Status s = app->Start(); !s.ok()) return s;
  return app;
}

auth::Principal Municipality(const std::string& cbs) {
  return {auth::PrincipalKind::kMunicipality, cbs, "test-client"};
}

auth::Principal Provider(const std::string& agb) {
  return {auth::PrincipalKind::kProvider, agb, "test-client"};
}

auth::Principal Operator() {
  return {auth::PrincipalKind::kOperator, "", "test-client"};
}

auth::Principal TestCaller() { return Municipality("0988"); }

auth::Principal OwnerOfPath(const std::string& path) {
  const std::vector<std::string> parts = absl::StrSplit(path, '/');
  if (parts.size() > 3 && parts[2] == "providers") return Provider(parts[3]);
  if (parts.size() > 3 && parts[2] == "municipalities") {
    return Municipality(parts[3]);
  }
  return TestCaller();
}

void ActAs(grpc::ClientContext& context, const App& app,
           const auth::Principal& caller) {
  context.AddMetadata("authorization", BearerFor(app, caller));
}

std::string BearerFor(const App& app, const auth::Principal& caller) {
  return DevBearer(app.options().data_dir, caller);
}

std::shared_ptr<grpc::Channel> ChannelTo(const App& app,
                                         const auth::Principal& caller) {
  return ChannelWithBearer(absl::StrCat("127.0.0.1:", app.grpc_port()),
                           BearerFor(app, caller));
}

std::shared_ptr<grpc::Channel> ChannelTo(const App& app) {
  return OwnerChannel(
      absl::StrCat("127.0.0.1:", app.grpc_port()), TestCaller(),
      [&app](const auth::Principal& caller) { return BearerFor(app, caller); });
}

std::shared_ptr<grpc::Channel> AnonymousChannelTo(const App& app) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", app.grpc_port()),
                             grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> SeparateChannelTo(int port,
                                                 const std::string& bearer) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel =
      ChannelWithBearer(absl::StrCat("127.0.0.1:", port), bearer, args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                 std::chrono::seconds(10))) {
    return nullptr;
  }
  return channel;
}

std::shared_ptr<grpc::Channel> SeparateChannelTo(
    const App& app, const auth::Principal& caller) {
  return SeparateChannelTo(app.grpc_port(), BearerFor(app, caller));
}

std::vector<wmo::type::v1::RuleViolation> ViolationsOf(
    const grpc::Status& status) {
  google::rpc::Status rich;
  wmo::type::v1::RuleViolations violations;
  std::vector<wmo::type::v1::RuleViolation> out;
  if (!rich.ParseFromString(status.error_details())) return out;
  for (const auto& detail : rich.details()) {
    if (!detail.UnpackTo(&violations)) continue;
    out.insert(out.end(), violations.violations().begin(),
               violations.violations().end());
  }
  return out;
}

std::vector<std::string> RuleIds(const grpc::Status& status) {
  std::vector<std::string> ids;
  for (const auto& v : ViolationsOf(status)) ids.push_back(v.rule_id());
  return ids;
}

std::string TestBsn(int n) {
  // Eight digits 10000002 + 2n, then the ninth that makes the 11-proef
  // hold (the weighted sum is at least 11, never the excluded 0). When that
  // would be 10, the eighth digit goes one up (it is even, so no carry):
  // the weighted sum grows by 2 and the check digit becomes 1.
  for (int odd = 0; odd < 2; ++odd) {
    const std::string digits = absl::StrFormat("%08d", 10000002 + 2 * n + odd);
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (digits[i] - '0') * (9 - i);
    if (sum % 11 < 10) return digits + static_cast<char>('0' + sum % 11);
  }
  return "";  // unreachable
}

}  // namespace wmo::testing
